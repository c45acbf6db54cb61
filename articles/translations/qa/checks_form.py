"""Checks on the form of the translation: paragraphs, language, untranslated rows, length,
punctuation.

Each looks at the rows one by one and never at the knowledge base, so they are cheap enough to
run on every autosave. They are tuned for precision: a warning a translator learns to ignore is
worse than a miss, so rows too short to judge are left alone (see the thresholds below).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.translations.qa.base import AlignedPair, Check, Finding, QAContext, Severity, register
from articles.translations.qa.lookalikes import (
    LetterProblem,
    cyrillic_homoglyph_words,
    kazakh_lookalike_words,
    kazakh_word_share,
    latin_homoglyph_words,
)
from entities.extraction.language import DetectedLanguage, detect_language

CYRILLIC_LANGUAGES = frozenset({"kk", "ru"})
MAX_LISTED = 6  # words or examples named in one message


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def _fold(text: str) -> str:
    """Case, spacing, punctuation and Unicode form folded: «Фото: akorda.kz» = «фото akorda kz»."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


# Sentence ends: a stop followed by a space and something that starts a sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"“„(A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9-])")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(" ".join(text.split())) if s]


_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+@[\w.-]+\b|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b")
_WORDS = re.compile(r"[^\W\d_]+")


def names_and_numbers_only(text: str) -> bool:
    """Whether a text is left alone by translators: only names, numbers, links («Фото:
    akorda.kz», «Касым-Жомарт Токаев», «2025»). Every word capitalised (or none at all)."""
    words = _WORDS.findall(_URL.sub(" ", text))
    return all(word[0].isupper() for word in words)


def _listed(problems: Iterable[LetterProblem]) -> tuple[str, str]:
    """(message text, finding key) for look-alike words: «Казакстан» → «Қазақстан», …"""
    unique = list(dict.fromkeys((p.word, p.suggestion) for p in problems))
    shown = ", ".join(f"«{word}» → «{right}»" for word, right in unique[:MAX_LISTED])
    if len(unique) > MAX_LISTED:
        shown += ", …"
    return shown, ",".join(sorted(word for word, _right in unique))


# -- paragraphs -----------------------------------------------------------------------------


@register
class ParagraphsCheck(Check):
    """A source row with no translation, and a translated paragraph with no source row."""

    code = "paragraphs"
    severity = Severity.ERROR
    label = gettext_lazy("Paragraphs")

    def run(self, context: QAContext) -> Iterator[Finding]:
        for pair in context.pairs:
            source, target = pair.source.strip(), pair.target.strip()
            if source and not target:
                message = (
                    _("The title is not translated.")
                    if pair.is_title
                    else _("This paragraph has no translation.")
                )
                yield self.finding(pair, message, key="missing")
            elif target and not source:
                yield self.finding(
                    pair,
                    _("The translation has a paragraph with no source paragraph: «%(start)s».")
                    % {"start": _short(target)},
                    key=f"extra:{_digest(_fold(target))}",
                )


# -- language ---------------------------------------------------------------------------------

# A row is judged only with this many letters: lingua is sure of «Касым-Жомарт Токаев» and
# wrong (Kazakh), and rows of names or figures have no language to speak of.
MIN_LANGUAGE_LETTERS = 40
MIN_LANGUAGE_CONFIDENCE = 0.9
MIN_SENTENCE_CONFIDENCE = 0.95
# Above this share of Kazakh words (as written or typed with look-alikes) a "Russian" row of a
# Kazakh translation is Kazakh typed on a Russian keyboard: a letters problem, not a language one.
KAZAKH_TYPED_AS_RUSSIAN_SHARE = 0.5


@lru_cache(maxsize=4096)
def _detected(text: str) -> DetectedLanguage | None:
    return detect_language(text)


def wrong_language(text: str, expected: str, *, confidence: float) -> str | None:
    """The language the text is written in when it is confidently not ``expected``."""
    if _letters(text) < MIN_LANGUAGE_LETTERS:
        return None
    detected = _detected(text)
    if detected is None or detected.language == expected or detected.confidence < confidence:
        return None
    if (
        expected == "kk"
        and detected.language == "ru"
        and kazakh_word_share(text) >= KAZAKH_TYPED_AS_RUSSIAN_SHARE
    ):
        return None
    return detected.language


@register
class LanguageCheck(Check):
    """A row in the wrong language (error); Kazakh letters typed as Russian look-alikes and
    Latin/Cyrillic homoglyphs inside words (warnings).

    Rows that are the source left as it is are the ``untranslated`` check's; they are not
    reported a second time here."""

    code = "language"
    severity = Severity.ERROR
    label = gettext_lazy("Language")

    def check_pair(self, context: QAContext, pair: AlignedPair) -> Iterable[Finding]:
        expected = context.target_language
        # Sentences copied from the source are the untranslated check's; the language of the
        # rest is judged here.
        source_sentences = {_fold(s) for s in sentences(pair.source)}
        own, foreign = [], []
        for sentence in sentences(pair.target):
            (foreign if _fold(sentence) in source_sentences else own).append(sentence)
        for finding in self._wrong_language(pair, own, expected):
            foreign.extend(sentences(finding.detail["text"]))
            yield finding
        kazakh_text = " ".join(pair.target.split())
        # A Russian sentence has no Kazakh words to misspell («роли» is not «рөлі» mistyped).
        for sentence in foreign:
            kazakh_text = kazakh_text.replace(sentence, " ")
        if expected == "kk" and (words := kazakh_lookalike_words(kazakh_text)):
            shown, key = _listed(words)
            yield self.finding(
                pair,
                _("Kazakh letters typed as Russian look-alikes: %(words)s.") % {"words": shown},
                key=f"kazakh-letters:{key}",
                severity=Severity.WARNING,
                words=[(p.word, p.suggestion) for p in words],
            )
        if expected in CYRILLIC_LANGUAGES:
            words = latin_homoglyph_words(pair.target, language=expected)
            message = _("Latin letters inside Cyrillic words: %(words)s.")
        else:
            words = cyrillic_homoglyph_words(pair.target)
            message = _("Cyrillic letters inside Latin words: %(words)s.")
        if words:
            shown, key = _listed(words)
            yield self.finding(
                pair,
                message % {"words": shown},
                key=f"homoglyphs:{key}",
                severity=Severity.WARNING,
                words=[(p.word, p.suggestion) for p in words],
            )

    def _wrong_language(
        self, pair: AlignedPair, own: list[str], expected: str
    ) -> Iterator[Finding]:
        """The translator's own sentences judged as a whole first, then one by one (a sentence
        left in the source language inside a translated paragraph)."""
        text = " ".join(own)
        found = wrong_language(text, expected, confidence=MIN_LANGUAGE_CONFIDENCE)
        if found:
            yield self.finding(
                pair,
                _("Language of this paragraph: %(found)s; expected: %(expected)s.")
                % {"found": language_name(found), "expected": language_name(expected)},
                key=f"paragraph:{found}",
                found=found,
                text=text,
            )
            return
        for sentence in own:
            found = wrong_language(sentence, expected, confidence=MIN_SENTENCE_CONFIDENCE)
            if found:
                yield self.finding(
                    pair,
                    _("A sentence in %(found)s (expected: %(expected)s): «%(sentence)s».")
                    % {
                        "found": language_name(found),
                        "expected": language_name(expected),
                        "sentence": _short(sentence),
                    },
                    key=f"sentence:{found}:{_digest(_fold(sentence))}",
                    found=found,
                    text=sentence,
                )


# -- untranslated -----------------------------------------------------------------------------

MIN_UNTRANSLATED_SENTENCE_LETTERS = 40


@register
class UntranslatedCheck(Check):
    """A row (or a long sentence) of the translation that is the source as it is.

    Case, spacing and punctuation are folded before comparing. Rows of names, numbers and links
    only («Фото: akorda.kz», «Касым-Жомарт Токаев», «2025») are allowed to be the same: a
    translator rightly leaves them alone."""

    code = "untranslated"
    severity = Severity.ERROR
    label = gettext_lazy("Untranslated text")

    def check_pair(self, context: QAContext, pair: AlignedPair) -> Iterable[Finding]:
        if names_and_numbers_only(pair.source):
            return
        if _fold(pair.target) == _fold(pair.source):
            yield self.finding(
                pair,
                _("The title is the same as the source: it is not translated.")
                if pair.is_title
                else _("This paragraph is the same as the source: it is not translated."),
                key="row",
            )
            return
        source_sentences = {
            _fold(s)
            for s in sentences(pair.source)
            if _letters(s) >= MIN_UNTRANSLATED_SENTENCE_LETTERS and not names_and_numbers_only(s)
        }
        for sentence in sentences(pair.target):
            if _fold(sentence) in source_sentences:
                yield self.finding(
                    pair,
                    _("A sentence is the same as in the source: «%(sentence)s».")
                    % {"sentence": _short(sentence)},
                    key=f"sentence:{_digest(_fold(sentence))}",
                )


# -- length -----------------------------------------------------------------------------------

# Usual target/source ratio of character counts. There is no parallel kk/ru/en text under
# ../shared/data to derive it from, so these are the commonly observed ratios (Kazakh runs a
# little longer than Russian: agglutinated endings; English is the shortest), checked against the
# faithful translations in articles/tests/data/qa: kk→ru 0.87–1.03 per paragraph (0.97 overall),
# ru→kk 0.98–1.14, kk→en 0.93–1.05.
EXPECTED_LENGTH_RATIO = {
    ("ru", "kk"): 1.05,
    ("kk", "ru"): 1 / 1.05,
    ("ru", "en"): 0.9,
    ("en", "ru"): 1 / 0.9,
    ("kk", "en"): 0.9,
    ("en", "kk"): 1 / 0.9,
}
# A row is reported when its ratio is off the expected one by more than this factor either way
# (1.45: ru→kk passes from 0.72 to 1.52). A dropped sentence out of three lands outside.
LENGTH_TOLERANCE = 1.45
# Short rows vary wildly («Иә.» / «Да.»): only rows with this many source characters are judged.
MIN_LENGTH_CHARS = 120


def length_band(source_language: str, target_language: str) -> tuple[float, float]:
    expected = EXPECTED_LENGTH_RATIO.get((source_language, target_language), 1.0)
    return expected / LENGTH_TOLERANCE, expected * LENGTH_TOLERANCE


@register
class LengthCheck(Check):
    """A translation much shorter (something left out?) or much longer (something added, or
    a paragraph merged in) than its source, for the language pair."""

    code = "length"
    severity = Severity.WARNING
    label = gettext_lazy("Length")

    def check_pair(self, context: QAContext, pair: AlignedPair) -> Iterable[Finding]:
        source_chars = len(" ".join(pair.source.split()))
        if source_chars < MIN_LENGTH_CHARS:
            return
        ratio = len(" ".join(pair.target.split())) / source_chars
        low, high = length_band(context.source_language, context.target_language)
        if low <= ratio <= high:
            return
        values = {
            "percent": round(ratio * 100),
            "low": round(low * 100),
            "high": round(high * 100),
            "source": language_name(context.source_language),
            "target": language_name(context.target_language),
        }
        if ratio < low:
            message = _(
                "The translation is %(percent)d%% of the source's length (usual for "
                "%(source)s → %(target)s: %(low)d–%(high)d%%): is something left out?"
            )
        else:
            message = _(
                "The translation is %(percent)d%% of the source's length (usual for "
                "%(source)s → %(target)s: %(low)d–%(high)d%%): is something added?"
            )
        yield self.finding(
            pair, message % values, key="short" if ratio < low else "long", ratio=ratio
        )


# -- punctuation ------------------------------------------------------------------------------

_STRAIGHT_DOUBLE = '"'
_ENGLISH_OPEN, _ENGLISH_CLOSE = "\u201c", "\u201d"  # “ ”
_GERMAN_OPEN = "\u201e"  # „ (closed by “): the nested quotes of Kazakh and Russian
_GUILLEMETS = "«»"
_DOUBLED_SPACE = re.compile(r"(?<=\S) {2,}(?=\S)")
# «слово ,» / «word .» — punctuation that ends a clause, after a space (not «.NET», « .kz»).
_SPACE_BEFORE = re.compile(r"\S+ +[,.;:!?](?=\s|$)")


def wrong_quotation_marks(text: str, language: str) -> list[str]:
    """The quotation marks of the text that the language's style does not use, in order.

    Kazakh and Russian: «…», and „…“ inside them. English: “…” (‘…’ inside) or straight "…"."""
    if language in CYRILLIC_LANGUAGES:
        wrong, inside_german = [], False
        for ch in text:
            if ch == _GERMAN_OPEN:
                inside_german = True
            elif ch == _ENGLISH_OPEN and inside_german:
                inside_german = False  # „…“ closed
            elif ch in (_STRAIGHT_DOUBLE, _ENGLISH_OPEN, _ENGLISH_CLOSE):
                wrong.append(ch)
        return wrong
    if language == "en":
        return [ch for ch in text if ch in _GUILLEMETS or ch == _GERMAN_OPEN]
    return []


@register
class PunctuationCheck(Check):
    """Quotation marks of the target language's style, doubled spaces, a space before
    punctuation."""

    code = "punctuation"
    severity = Severity.WARNING
    label = gettext_lazy("Punctuation")

    def check_pair(self, context: QAContext, pair: AlignedPair) -> Iterable[Finding]:
        language = context.target_language
        if marks := wrong_quotation_marks(pair.target, language):
            shown = " ".join(dict.fromkeys(marks))
            if language == "en":
                message = _('Quotation marks %(marks)s: English uses “…” (or "…").')
            else:
                message = _("Quotation marks %(marks)s: %(language)s uses «…» (and „…“ inside).")
            yield self.finding(
                pair,
                message % {"marks": shown, "language": language_name(language)},
                key="quotes",
            )
        if doubled := _DOUBLED_SPACE.findall(pair.target):
            yield self.finding(
                pair,
                _("Doubled spaces between words (%(count)d).") % {"count": len(doubled)},
                key="doubled-spaces",
            )
        if before := _SPACE_BEFORE.findall(pair.target):
            shown = ", ".join(f"«{_short(e, 30)}»" for e in dict.fromkeys(before[:MAX_LISTED]))
            yield self.finding(
                pair,
                _("A space before punctuation: %(examples)s.") % {"examples": shown},
                key="space-before",
            )

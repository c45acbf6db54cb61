"""Words to search stems, one function per language, used both when a text is indexed and when
a query is read, so an inflected form in either place meets the other.

- Kazakh: the NER's frequency-guided suffix stripper (``entities.extraction.languages.kk.ner
  .stem``): «Тоқаевтың», «Тоқаевқа», «Тоқаевпен» → «тоқаев»; «Астанада» → «астана» (the
  frequency guide stops the stripping at a known word, so «Астана» is not cut to «аста»).
- Russian: the pymorphy3 analyser the linker already loads (its lemma: «правительства» →
  «правительство», «Пекине» → «пекин»), plus the surname rule of ``entities.linking.russian``
  for -ов/-ев/-ин names, which the dictionary gets wrong («Токаев» is read as «токай»): every
  form of «Токаев/Токаева/Токаеву/Токаевым» also yields «токаев». Snowball was tried and
  rejected for Russian: it stems «Токаев» to «тока» but «Токаева» to «токаев», and
  «Казахстана»/«Казахстане» apart, exactly the names a newsroom searches for.
- English (and any Latin-script word, whatever the text's language: «Chevron» in a Kazakh
  article): the Snowball English stemmer.

A text is indexed with one reading per word (pymorphy's most likely lemma); a query word is
expanded to every reading in every language (``query_word_stems``), because the reader may type
Russian while searching Kazakh texts, and «стали» may be the noun «сталь» as well as the verb.

PostgreSQL has no Kazakh text-search configuration, so the database never stems: it indexes
these pre-stemmed tokens with the ``simple`` configuration (see ``models.SearchDocument``).
Tokens are runs of letters and digits only, which the ``simple`` parser keeps whole, so the
Python side and the tsvector agree on what a token is.

Changing anything here changes the tokens: run ``manage.py rebuild_search_index`` afterwards
(also after retraining the Kazakh model, whose word frequencies guide the Kazakh stemmer).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

LANGUAGES = ("kk", "ru", "en")
# Letters and digits; apostrophes, hyphens and every other mark separate tokens.
_TOKEN = re.compile(r"[^\W_]+")
# A word of a text, with the hyphens that join its parts («Қасым-Жомарт», «АҚШ-тың»).
WORD = re.compile(r"[^\W_]+(?:[-‐‑][^\W_]+)*")
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
_KAZAKH_LETTERS = re.compile(r"[әғқңөұүһі]", re.IGNORECASE)
# Entity tokens («xent42») live in the same index; a word of a text that looks like one is
# dropped rather than let it pose as an entity.
ENTITY_TOKEN = re.compile(r"^xent\d+$")
MAX_TOKEN_LENGTH = 60

# Russian surnames in -ов/-ев/-ин/-ын with their case endings (the rule of
# ``entities.linking.russian``): every form also gives the masculine base.
_RUSSIAN_SURNAME = re.compile(r"^(?P<stem>[а-яё]{2,}(?:ов|ев|ин|ын))(?:|а|у|ым|е|ой|ою)$")
_QUERY_READINGS = 4


def normalize(word: str) -> str:
    return word.casefold().replace("ё", "е")


def tokens(text: str) -> list[str]:
    """The normalised tokens of a text, before stemming («АҚШ-тың» → ["ақш", "тың"])."""
    return [normalize(t) for t in _TOKEN.findall(text)]


def text_language(text: str, language: str) -> str:
    """The stemming language of a text: its own, or for a text of unknown language, Kazakh when
    its words use Kazakh letters and Russian otherwise (English words are told by script)."""
    if language in LANGUAGES:
        return language
    words = _TOKEN.findall(text[:5000])
    cyrillic = [w for w in words if _CYRILLIC.search(w)]
    if not cyrillic:
        return "en"
    kazakh = sum(1 for w in cyrillic if _KAZAKH_LETTERS.search(w))
    return "kk" if kazakh * 10 >= len(cyrillic) else "ru"


def word_language(token: str, language: str) -> str:
    """Latin-script words are stemmed as English in any text; Cyrillic words in an English
    text by their letters."""
    if _LATIN.search(token) and not _CYRILLIC.search(token):
        return "en"
    if language == "en" and _CYRILLIC.search(token):
        return "kk" if _KAZAKH_LETTERS.search(token) else "ru"
    return language


# -- one language each ------------------------------------------------------------------------


def _kazakh_stem(token: str) -> str:
    from entities.extraction.languages.kk import ner

    return ner.stem(token)


@lru_cache(maxsize=1)
def _english():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def _english_stem(token: str) -> str:
    return _english().stemWord(token)


_ALNUM = re.compile(r"^[^\W_]+$")


def _russian_readings(token: str, *, all_readings: bool) -> list[str]:
    if not _CYRILLIC.search(token):
        return [token]
    from entities.linking.russian import _morph

    parses = _morph().parse(token)
    found: list[str] = []
    for parse in parses[: _QUERY_READINGS * 3 if all_readings else 1]:
        lemma = normalize(parse.normal_form)
        if not _ALNUM.match(lemma):  # a token is letters and digits only (see the docstring)
            lemma = token
        if lemma not in found:
            found.append(lemma)
        if len(found) >= (_QUERY_READINGS if all_readings else 1):
            break
    surname = _RUSSIAN_SURNAME.match(token)
    if surname and surname["stem"] not in found:
        found.append(surname["stem"])
    return found or [token]


class _Stems:
    """Per-word caches, emptied when the Kazakh stemmer's vocabulary is swapped (training and
    its tests install another one), so a cached stem never outlives the vocabulary it came
    from."""

    def __init__(self) -> None:
        self._vocabulary: object = None

    def check(self) -> None:
        from entities.extraction.languages.kk import ner

        if ner._stem_freq is not self._vocabulary:
            self._vocabulary = ner._stem_freq
            document_token_stems.cache_clear()
            query_word_stems.cache_clear()


_stems = _Stems()


@lru_cache(maxsize=262144)
def document_token_stems(token: str, language: str) -> tuple[str, ...]:
    """The index tokens of one normalised token of a text in ``language``."""
    if len(token) > MAX_TOKEN_LENGTH or ENTITY_TOKEN.match(token):
        return ()
    language = word_language(token, language)
    if language == "kk":
        return (_kazakh_stem(token),)
    if language == "ru":
        return tuple(_russian_readings(token, all_readings=False))
    return (_english_stem(token),)


@lru_cache(maxsize=65536)
def query_word_stems(token: str) -> tuple[str, ...]:
    """Every index token a query token may stand for: its stems in all three languages."""
    if len(token) > MAX_TOKEN_LENGTH:
        return ()
    found: list[str] = []
    for stem in (
        _kazakh_stem(token),
        *_russian_readings(token, all_readings=True),
        _english_stem(token),
    ):
        if stem and stem not in found:
            found.append(stem)
    return tuple(found)


# -- texts ----------------------------------------------------------------------------------


def _word_tokens(word: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, normalised token) of the parts of a hyphen-joined word, without a Kazakh
    case ending written after a hyphen («АҚШ-тың», «Chevron-ның», «Си-ге»): the Kazakh name
    reader's own rule for suffixes on abbreviations and foreign names decides."""
    if "-" in word or "‐" in word or "‑" in word:
        for form in _hyphen_base_forms(word):
            if len(form) < len(word) and word[len(form)] in "-‐‑":
                word = form
                break
    offset = 0
    for part in re.split(r"[-‐‑]", word):
        start = offset
        offset += len(part) + 1
        yield start, start + len(part), normalize(part)


@lru_cache(maxsize=65536)
def _hyphen_base_forms(word: str) -> tuple[str, ...]:
    from entities.linking.kazakh import kazakh_base_forms

    return tuple(kazakh_base_forms(word)[1:])


def text_words(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, token) of every token of a text, offsets into the text (for highlighting)."""
    for match in WORD.finditer(text):
        for start, end, token in _word_tokens(match.group(0)):
            yield match.start() + start, match.start() + end, token


def text_stems(text: str, language: str) -> list[str]:
    """The index tokens of a text in order (a word may give more than one)."""
    _stems.check()
    out: list[str] = []
    for _start, _end, token in text_words(text):
        out.extend(document_token_stems(token, language))
    return out


def word_stems_of_text(text: str, language: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, stems) of each token of a text: what the highlighter compares."""
    _stems.check()
    return [
        (start, end, document_token_stems(token, language))
        for start, end, token in text_words(text)
    ]


def query_tokens(text: str) -> list[str]:
    """The normalised tokens of a query, hyphen suffixes dropped like in texts."""
    return [token for _start, _end, token in text_words(text)]


def query_token_stems(token: str) -> tuple[str, ...]:
    _stems.check()
    return query_word_stems(token)

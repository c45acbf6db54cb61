"""Letters that look right and are wrong: Kazakh letters typed as their Russian look-alikes
(«Казакстан» for «Қазақстан», typed on a Russian keyboard), and Latin letters inside Cyrillic
words («Aстана» with a Latin A) or Cyrillic letters inside Latin words.

A look-alike word is only reported when the word list knows the right spelling: a word that is
not in the Kazakh word list (``data/kk_words.txt``, built from KazNERD by
``scripts/build_kk_wordlist.py``) but whose folded form (қ→к, ү/ұ→у, і→и, ө→о, ә→а, ң→н, ғ→г,
һ→х) matches a listed word that has the Kazakh letters in those places. Inflected forms the list
lacks are matched by their stem («курылысына» → «құрылыс» + «ына»). Plain letters are legitimate
Kazakh too (и, у, к…), so the matching is careful:

- a word that has a Kazakh letter somewhere was typed on a keyboard that has it, so the same
  letter's look-alike elsewhere in the word is meant (``билікті`` «power» is not ``білікті``);
- words shorter than three letters are never judged (``ал``/``әл``, ``он``/``оң`` are both words);
- a final н for ң alone is a mistake only against a common word (``мын`` → ``мың``), since it
  often tells two forms apart (``екеуін`` / ``екеуің``).

The Latin-homoglyph repair is the importer's (``articles.text.repair_homoglyphs``); here it only
tells which words it would change.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from articles.text import _LATIN_TO_CYRILLIC, repair_homoglyphs

WORDLIST_PATH = Path(__file__).resolve().parent / "data" / "kk_words.txt"

# Kazakh letter → the Russian letter typed for it when the keyboard has no Kazakh layout.
KAZAKH_LOOKALIKES = {
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
}  # fmt: skip
_FOLD = str.maketrans(KAZAKH_LOOKALIKES)
_CYRILLIC_TO_LATIN = {ord(cyrillic): chr(latin) for latin, cyrillic in _LATIN_TO_CYRILLIC.items()}

MIN_WORD_LETTERS = 3
# A stem is matched only when it is long, seen twice, and followed by an ending of two letters
# or more: a loanword one letter longer than a Kazakh stem («Каталан») is a coincidence.
MIN_STEM_LETTERS = 5
MIN_STEM_COUNT = 2
MIN_ENDING_LETTERS = 2
MAX_ENDING_LETTERS = 7
# Final н/ң tells grammatical forms apart (екеуін «both», accusative / екеуің «you two»); it is
# called a mistake only when the ң form is common and the н form unknown (мын → мың).
MIN_FINAL_NG_COUNT = 20
MIN_ENDING_COUNT = 5  # an ending seen fewer times in the corpus is not trusted after a stem

_WORD = re.compile(r"\w+")
_CYRILLIC_WORD = re.compile(r"[а-яёәғқңөұүһі]+", re.IGNORECASE)


@dataclass(frozen=True)
class LetterProblem:
    """A word with wrong letters at ``start:end`` of the text, and its right spelling."""

    start: int
    end: int
    word: str
    suggestion: str


def kazakh_fold(word: str) -> str:
    """The word with Kazakh letters replaced by their Russian look-alikes (lower case)."""
    return word.lower().translate(_FOLD)


def typed_with_lookalikes(word: str, right: str) -> bool:
    """Whether ``word`` is ``right`` with some of its Kazakh letters typed as look-alikes, and
    no other difference; a Kazakh letter the word has elsewhere cannot have been mistyped."""
    if len(word) != len(right):
        return False
    differ = [(a, b) for a, b in zip(word, right, strict=True) if a != b]
    return bool(differ) and all(KAZAKH_LOOKALIKES.get(b) == a and b not in word for a, b in differ)


_BACK_VOWELS = frozenset("аоұы")
_FRONT_VOWELS = frozenset("әеөүі")


def harmony(stem: str) -> str:
    """ "back", "front" or "" (no telling vowel): the vowel class Kazakh endings agree with."""
    for ch in reversed(stem.lower()):
        if ch in _BACK_VOWELS:
            return "back"
        if ch in _FRONT_VOWELS:
            return "front"
    return ""


def _only_final_ng(word: str, right: str) -> bool:
    """Whether the words differ only in a final н where ``right`` has ң."""
    return word[:-1] == right[:-1] and word[-1:] == "н" and right[-1:] == "ң"


def _same_case(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@dataclass(frozen=True)
class KazakhVocabulary:
    counts: dict[str, int]
    by_fold: dict[str, tuple[str, ...]]  # folded form → listed forms with Kazakh letters
    # (harmony of the stem, folded ending) → endings seen after such stems, most common first
    endings_by_fold: dict[tuple[str, str], tuple[str, ...]]

    def knows(self, word: str) -> bool:
        return word.lower() in self.counts

    def _twin(self, lower: str, *, min_count: int = 1) -> str | None:
        for form in self.by_fold.get(kazakh_fold(lower), ()):
            if not typed_with_lookalikes(lower, form) or self.counts[form] < min_count:
                continue
            if _only_final_ng(lower, form) and self.counts[form] < MIN_FINAL_NG_COUNT:
                continue
            return form
        return None

    def _stem_and_ending(self, lower: str) -> str | None:
        for cut in range(len(lower) - MIN_ENDING_LETTERS, MIN_STEM_LETTERS - 1, -1):
            stem, ending = lower[:cut], lower[cut:]
            if len(ending) > MAX_ENDING_LETTERS:
                break
            if stem in self.counts:
                return None  # the word starts with a real word: its ending is the question
            right_stem = self._twin(stem, min_count=MIN_STEM_COUNT)
            if right_stem is None:
                continue
            # Endings follow the stem's vowel harmony (after «құрылыс» -ға, after «келіссөздер»
            # -ге, -ін); within it the most frequent ending wins (н/ң stays a guess).
            endings = self.endings_by_fold.get((harmony(right_stem), kazakh_fold(ending)), ())
            for right_ending in endings:
                candidate = right_stem + right_ending
                if candidate == lower or typed_with_lookalikes(lower, candidate):
                    return candidate
            return None
        return None

    def suggestion(self, word: str) -> str | None:
        """The right spelling of a Kazakh word typed with look-alike letters, or None when the
        word is known, too short, or not a look-alike of any known word."""
        lower = word.lower()
        if len(lower) < MIN_WORD_LETTERS or lower in self.counts:
            return None
        if not _CYRILLIC_WORD.fullmatch(lower):
            return None
        right = self._twin(lower)
        if right is None and not word[:1].isupper():
            # Not for capitalised words: a foreign name is too often a Kazakh stem plus a
            # plausible ending by chance («Каталан» = «қатал» + «-ан»).
            right = self._stem_and_ending(lower)
        return _same_case(word, right) if right else None


def vocabulary_from_counts(counts: dict[str, int]) -> KazakhVocabulary:
    by_fold: dict[str, list[str]] = defaultdict(list)
    endings: Counter[tuple[str, str]] = Counter()
    for word in sorted(counts, key=lambda w: (-counts[w], w)):
        if word != kazakh_fold(word):
            by_fold[kazakh_fold(word)].append(word)
        for size in range(1, MAX_ENDING_LETTERS + 1):
            if len(word) - size >= MIN_STEM_LETTERS - 2:
                endings[harmony(word[:-size]), word[-size:]] += counts[word]
    endings_by_fold: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (vowels, ending), seen in endings.most_common():
        if seen >= MIN_ENDING_COUNT:
            endings_by_fold[vowels, kazakh_fold(ending)].append(ending)
    return KazakhVocabulary(
        counts=counts,
        by_fold={k: tuple(v) for k, v in by_fold.items()},
        endings_by_fold={k: tuple(v) for k, v in endings_by_fold.items()},
    )


@lru_cache(maxsize=1)
def kazakh_vocabulary() -> KazakhVocabulary:
    """The Kazakh word list shipped with the project, loaded once per process."""
    counts: dict[str, int] = {}
    with WORDLIST_PATH.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            word, count = line.rstrip("\n").split("\t")
            counts[word] = int(count)
    return vocabulary_from_counts(counts)


def kazakh_lookalike_words(text: str) -> list[LetterProblem]:
    """Kazakh words of the text typed with Russian look-alike letters, with their spelling."""
    vocabulary = kazakh_vocabulary()
    problems = []
    for match in _CYRILLIC_WORD.finditer(repair_homoglyphs(text)):
        suggestion = vocabulary.suggestion(match.group(0))
        if suggestion:
            problems.append(
                LetterProblem(match.start(), match.end(), text[match.start() : match.end()],
                              suggestion)
            )  # fmt: skip
    return problems


def kazakh_word_share(text: str) -> float:
    """Share of the text's Cyrillic words (three letters or more) that are Kazakh words as
    written or typed with look-alikes: tells Kazakh typed on a Russian keyboard (which lingua
    may take for Russian) from Russian."""
    vocabulary = kazakh_vocabulary()
    words = [w for w in _CYRILLIC_WORD.findall(text) if len(w) >= MIN_WORD_LETTERS]
    if not words:
        return 0.0
    kazakh = sum(1 for w in words if vocabulary.knows(w) or vocabulary.suggestion(w))
    return kazakh / len(words)


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def latin_homoglyph_words(text: str, *, language: str) -> list[LetterProblem]:
    """Cyrillic words with Latin look-alike letters inside («Aстана», «бiлiм»), as the importer
    would repair them; in Russian a Latin i stands for и, not the Kazakh і."""
    problems = []
    for match in _WORD.finditer(text):
        word = match.group(0)
        repaired = repair_homoglyphs(word)
        if repaired == word:
            continue
        if language != "kk":
            repaired = "".join(
                {"i": "и", "I": "И"}.get(typed, fixed)
                for typed, fixed in zip(word, repaired, strict=True)
            )
        problems.append(LetterProblem(match.start(), match.end(), word, repaired))
    return problems


def cyrillic_homoglyph_words(text: str) -> list[LetterProblem]:
    """Latin words with Cyrillic look-alike letters inside («Kazаkhstan» with a Cyrillic а)."""
    problems = []
    for match in _WORD.finditer(text):
        word = match.group(0)
        cyrillic = [ch for ch in word if _is_cyrillic(ch)]
        has_latin = any("a" <= ch.lower() <= "z" for ch in word)
        if has_latin and cyrillic and all(ord(ch) in _CYRILLIC_TO_LATIN for ch in cyrillic):
            problems.append(
                LetterProblem(match.start(), match.end(), word, word.translate(_CYRILLIC_TO_LATIN))
            )
    return problems

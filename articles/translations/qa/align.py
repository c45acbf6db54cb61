"""Aligning the paragraphs of a source text and its translation (for the checks, when the two
come as separate files and the paragraph counts may differ).

Equal counts are aligned one to one: translators keep the paragraphing, and a guess would only
move errors around. Otherwise a Gale–Church dynamic programme over character lengths chooses,
paragraph by paragraph, between

    1-1   a paragraph and its translation,
    1-0   a source paragraph with no translation (missing),
    0-1   a target paragraph with no source (extra),
    2-1   two source paragraphs translated as one (merged),
    1-2   one source paragraph translated as two (split),

so one dropped paragraph in the middle does not shift every row after it. Lengths are compared
against the language pair's usual length ratio (the caller's ``ratio``), and anchors tie rows:
paragraphs that share their figures («55», «2025», «1 250») are very likely translations of
each other and paragraphs whose figures differ entirely very likely are not; shared words
(names and loanwords, «Теңіз» / «Тенгиз» / «Tengiz», «стратегиялық» / «стратегического»,
compared by transliteration) are a weaker hint of the same kind.

Row numbering (``AlignedPair.paragraph``): the index of the row's first source paragraph. An
extra target paragraph (0-1) has no source paragraph of its own; it gets the index of the source
paragraph it follows (0 when it comes before the first), so its findings are listed next to that
paragraph rather than as document-level (``null``) findings.
"""

from __future__ import annotations

import math
import re

from articles.models import PARAGRAPH_SEPARATOR
from articles.translations.qa.base import AlignedPair
from entities.linking.keys import translit_key

# Prior probabilities of each kind of row. Gale & Church give merges and splits of sentences
# four times the weight of dropped ones; a news translator keeps the paragraphing and the
# mistakes worth finding are dropped and added paragraphs, so here they weigh the same (a short
# extra paragraph is otherwise taken for half of a split).
_PRIORS = {(1, 1): 0.92, (1, 0): 0.02, (0, 1): 0.02, (2, 1): 0.02, (1, 2): 0.02}
# Variance of the target length per source character (Gale & Church measured 6.8 for
# sentences of related languages; paragraphs across scripts vary more).
_VARIANCE = 12.0
# Numbers are near-certain evidence (−log bonus when the two sides share them all, penalty
# when they share none).
_NUMBERS_BONUS, _NUMBERS_PENALTY = 4.0, 4.0
# Shared words are weaker evidence, scored around the overlap of unrelated paragraphs. Measured
# on the test translations (articles/tests/data/qa, kk/ru/en of seed 000): the Jaccard overlap
# of a paragraph and its translation is 0.08–0.20, of two unrelated paragraphs 0.00–0.09.
_WORDS_BASELINE, _WORDS_SCALE, _WORDS_LIMIT = 0.08, 25.0, 2.0
_NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f]\d{3})*")
_LONG_WORD = re.compile(r"[^\W\d_]{6,}")


def _numbers(text: str) -> frozenset[str]:
    return frozenset(re.sub(r"\D", "", m.group(0)) for m in _NUMBER.finditer(text))


def _words(text: str) -> frozenset[str]:
    """The long words of a paragraph, comparable across scripts and languages: the first four
    letters of their transliteration. Names and the loanwords Kazakh, Russian and English
    share match («Тоқаевтың» / «Токаева» / «Tokayev's» → "toka"; «стратегиялық» /
    «стратегического» / «strategic» → "stra")."""
    return frozenset(translit_key(m.group(0))[:4] for m in _LONG_WORD.finditer(text))


def _numbers_cost(source: frozenset[str], target: frozenset[str]) -> float:
    """From −bonus when every number of the side with fewer is on the other side to +penalty
    when none is; 0 when either side has none."""
    if not source or not target:
        return 0.0
    shared = len(source & target) / min(len(source), len(target))
    return _NUMBERS_PENALTY - shared * (_NUMBERS_BONUS + _NUMBERS_PENALTY)


def _words_cost(source: frozenset[str], target: frozenset[str]) -> float:
    if not source or not target:
        return 0.0
    overlap = len(source & target) / len(source | target)
    cost = _WORDS_SCALE * (_WORDS_BASELINE - overlap)
    return max(-_WORDS_LIMIT, min(_WORDS_LIMIT, cost))


def _length_cost(source_chars: int, target_chars: int, ratio: float) -> float:
    """−log of the probability of this target length for this source length (Gale–Church)."""
    mean = (source_chars + target_chars / ratio) / 2
    if mean == 0:
        return 0.0
    delta = (target_chars - source_chars * ratio) / math.sqrt(mean * _VARIANCE)
    probability = max(math.erfc(abs(delta) / math.sqrt(2)), 1e-12)  # two-sided tail
    return -math.log(probability)


def align_paragraphs(
    source: list[str], target: list[str], *, ratio: float = 1.0
) -> list[AlignedPair]:
    """Rows pairing source paragraphs with target paragraphs, in order (see the module
    docstring for the kinds of rows and how extra paragraphs are numbered).

    ``ratio`` is the usual target/source length ratio of the language pair. It is not
    estimated from the two texts: a translation with a paragraph missing is shorter overall,
    and the estimate would then make merging two source rows look right."""
    if len(source) == len(target):
        return [AlignedPair(n, s, t) for n, (s, t) in enumerate(zip(source, target, strict=True))]
    source_lengths = [len(p) for p in source]
    target_lengths = [len(p) for p in target]
    source_numbers, target_numbers = [_numbers(p) for p in source], [_numbers(p) for p in target]
    source_words, target_words = [_words(p) for p in source], [_words(p) for p in target]

    def cost(i: int, j: int, di: int, dj: int) -> float:
        prior = -math.log(_PRIORS[di, dj])
        if di == 0 or dj == 0:
            return prior
        chars_s = sum(source_lengths[i : i + di])
        chars_t = sum(target_lengths[j : j + dj])
        numbers = _numbers_cost(
            frozenset().union(*source_numbers[i : i + di]),
            frozenset().union(*target_numbers[j : j + dj]),
        )
        words = _words_cost(
            frozenset().union(*source_words[i : i + di]),
            frozenset().union(*target_words[j : j + dj]),
        )
        return prior + _length_cost(chars_s, chars_t, ratio) + numbers + words

    rows, cols = len(source), len(target)
    best = [[math.inf] * (cols + 1) for _ in range(rows + 1)]
    step: list[list[tuple[int, int]]] = [[(0, 0)] * (cols + 1) for _ in range(rows + 1)]
    best[0][0] = 0.0
    for i in range(rows + 1):
        for j in range(cols + 1):
            if i == j == 0:
                continue
            for di, dj in _PRIORS:
                if di <= i and dj <= j and best[i - di][j - dj] < math.inf:
                    total = best[i - di][j - dj] + cost(i - di, j - dj, di, dj)
                    if total < best[i][j]:
                        best[i][j], step[i][j] = total, (di, dj)
    moves = []
    i, j = rows, cols
    while i or j:
        di, dj = step[i][j]
        moves.append((i - di, j - dj, di, dj))
        i, j = i - di, j - dj
    pairs = []
    for i, j, di, dj in reversed(moves):
        pairs.append(
            AlignedPair(
                paragraph=i if di else max(i - 1, 0),
                source=PARAGRAPH_SEPARATOR.join(source[i : i + di]),
                target=PARAGRAPH_SEPARATOR.join(target[j : j + dj]),
            )
        )
    return pairs

"""Candidate nominative forms of Kazakh name phrases by suffix stripping.

Kazakh is agglutinative and a name phrase declines only on its last word («Атырау облысында»,
«Қасым-Жомарт Тоқаевтың»), so stripping the suffix chain of that word gives the base form the
knowledge base stores. The word is read as

    stem [-лық] [plural] [possessive] [case | -дағы]

and every way of peeling suffixes off the right (respecting that order) yields a candidate stem.
Candidates are ranked by a penalty: allomorphs that do not fit the stem's last sound (consonant
assimilation) or vowel harmony, and rare or derivational suffixes, cost more, so the usual reading
comes first and odd readings trail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_BACK = frozenset("аоұыяюё")
_FRONT = frozenset("әеөүіэи")
_VOWELS = frozenset("аәеиоөуұүыіэюяё")
_LATIN_VOWELS = frozenset("aeiouyáäéëíóöúüýı")

# Slots from the outside in; after a suffix of slot k only slots > k may be stripped.
_CASE, _POSS, _PLURAL, _DERIV = 0, 1, 2, 3

# Sound classes of a stem's last letter that select the suffix's initial consonant.
_V, _S, _L, _N, _Z, _T = "V", "S", "L", "N", "Z", "T"
_EXPECTED_INITIAL: dict[str, dict[str, str]] = {
    # family: class → initial letters of the allomorph Kazakh grammar puts there
    "gen": {_V: "н", _S: "д", _L: "д", _N: "н", _Z: "д", _T: "т"},
    "acc": {_V: "н", _S: "д", _L: "д", _N: "д", _Z: "д", _T: "т"},
    "loc": {_V: "д", _S: "д", _L: "д", _N: "д", _Z: "д", _T: "т"},
    "abl": {_V: "д", _S: "д", _L: "д", _N: "н", _Z: "д", _T: "т"},
    "dat": {_V: "ғг", _S: "ғг", _L: "ғг", _N: "ғг", _Z: "ғг", _T: "қк"},
    # -мен after н/ң is usual in news copy («Цзиньпинмен»), so it is accepted there too.
    "ins": {_V: "м", _S: "м", _L: "м", _N: "мб", _Z: "бм", _T: "п"},
    "plu": {_V: "л", _S: "л", _L: "д", _N: "д", _Z: "д", _T: "т"},
}
_ASSIMILATION_PENALTY = 1.5
_HARMONY_PENALTY = 1.0
_DOUBLE_CONSONANT_PENALTY = 1.0


@dataclass(frozen=True, slots=True)
class _Suffix:
    text: str
    slot: int
    family: str  # key of _EXPECTED_INITIAL, or "" when not checked
    penalty: float
    after: str = ""  # "poss3": stem must end in 3rd-person possessive ы/і; "poss12": in -м/-ң
    harmony: str = ""  # "b"ack / "f"ront vowel in the suffix, "" for neutral


def _sfx(texts: str, slot: int, family: str, penalty: float, after: str = "") -> list[_Suffix]:
    out = []
    for text in texts.split():
        vowels = [ch for ch in text if ch in _VOWELS]
        harmony = ""
        if vowels and text not in {"мен", "бен", "пен", "менен", "бенен", "пенен"}:
            harmony = "b" if vowels[-1] in _BACK else "f"
        out.append(_Suffix(text, slot, family, penalty, after, harmony))
    return out


_SUFFIXES: tuple[_Suffix, ...] = tuple(
    [
        *_sfx("тың тің дың дің ның нің", _CASE, "gen", 0),
        *_sfx("ға ге қа ке", _CASE, "dat", 0),
        *_sfx("на не", _CASE, "", 0, "poss3"),
        # A bare -а/-е is a dative only after -м/-ң (1st/2nd person possessive); anywhere else it
        # would turn the female surname «Тоқаева» into «Тоқаев».
        *_sfx("а е", _CASE, "", 0.5, "poss12"),
        *_sfx("ты ті ды ді ны ні", _CASE, "acc", 0),
        *_sfx("н", _CASE, "", 0.5, "poss3"),
        *_sfx("та те да де", _CASE, "loc", 0),
        *_sfx("нда нде", _CASE, "", 0, "poss3"),
        *_sfx("тан тен дан ден нан нен", _CASE, "abl", 0),
        *_sfx("мен бен пен менен бенен пенен", _CASE, "ins", 0),
        # Locative-attributive -дағы «the one in»: «Қытайдағы», «облысындағы».
        *_sfx("тағы тегі дағы дегі", _CASE, "loc", 0),
        *_sfx("ндағы ндегі", _CASE, "", 0, "poss3"),
        *_sfx("ы і сы сі", _POSS, "", 1),
        # 1st/2nd person possessives are rare on names; kept as a low-ranked reading.
        *_sfx("ым ім ың ің м ң", _POSS, "", 4),
        *_sfx("лар лер дар дер тар тер", _PLURAL, "plu", 1),
        # «Қазақстандық» (Kazakhstani) is a different word from «Қазақстан»: lower rank.
        *_sfx("лық лік дық дік тық тік", _DERIV, "plu", 3),
    ]
)
_BY_LAST_LETTER: dict[str, tuple[_Suffix, ...]] = {}
for _s in _SUFFIXES:
    _BY_LAST_LETTER.setdefault(_s.text[-1], ())
    _BY_LAST_LETTER[_s.text[-1]] += (_s,)
_CASE_ONLY_ALTERNATIVE = re.compile(r"[ыі]н$")
# A possessive stripped from an otherwise undeclined word («Алматы» → «Алмат») is a weak reading.
_OUTER_POSS_PENALTY = 2.0
_MAX_CANDIDATES = 6
_PLAUSIBLE_MARGIN = 3.0

_SEPARATORS = "-'’ʼ`"
_LAST_TOKEN = re.compile(r"(\S+)(\s*)$")
# A name written in Latin, digits or a Cyrillic abbreviation takes the suffix after a hyphen or
# apostrophe, or glued to Latin letters: «Chevron-ның», «Chevronның», «CNPC-мен», «ҚХР-дың».
_FOREIGN_HEAD = re.compile(
    r"^(?P<head>.*?(?:[A-Za-z0-9]|[»”\")]|(?<![а-яәғқңөұүһіё])[А-ЯӘҒҚҢӨҰҮҺІЁ]{2,}))"
    r"(?P<sep>[-'’ʼ`]?)(?P<tail>[а-яәғқңөұүһіё]+)$"
)


def _sound_class(stem: str) -> str | None:
    """Class of the stem's last sound, or None when it cannot be told (Latin, abbreviations)."""
    last = stem[-1]
    if last in "уи" and len(stem) > 1 and stem[-2] in _VOWELS:
        return _S  # «Атырау», «Мәскеу»: у after a vowel is the glide w
    if last == "и":
        return _S  # «Мали», «Али»: и is read ий
    if last in _VOWELS:
        return _V
    if last in "рйу":
        return _S
    if last == "л":
        return _L
    if last in "мнң":
        return _N
    if last in "зж":
        return _Z
    if last in "бвгдкқпстфхцчшщғһ":
        return _T
    return None


def _harmony(stem: str) -> str:
    for ch in reversed(stem):
        if ch in _BACK:
            return "b"
        if ch in _FRONT:
            return "f"
    return ""


def _segment(stem: str) -> str:
    for i in range(len(stem) - 1, -1, -1):
        if stem[i] in _SEPARATORS:
            return stem[i + 1 :]
    return stem


def _valid_stem(stem_lower: str, stem_orig: str) -> bool:
    segment = _segment(stem_lower)
    if len(segment) < 2:
        return False
    if any(ch in _VOWELS or ch in _LATIN_VOWELS for ch in segment):
        return True
    return _segment(stem_orig).isupper()  # an abbreviation such as «ҚХР» has no vowel letters


def _penalty(suffix: _Suffix, stem: str, outer: bool) -> float | None:
    """Cost of reading ``stem + suffix``, or None when the reading is impossible."""
    last = stem[-1]
    if suffix.after == "poss3" and last not in "ыі":
        return None
    if suffix.after == "poss12" and not (
        stem.endswith(("ым", "ім", "ың", "ің"))
        or (last in "мң" and len(stem) > 1 and stem[-2] in _VOWELS)
    ):
        return None
    if suffix.slot == _POSS:
        # -сы/-м/-ң attach to vowels, -ы/-ым/-ың to consonants.
        after_vowel = last in _VOWELS
        if suffix.text in {"сы", "сі", "м", "ң"} and not after_vowel:
            return None
        if suffix.text in {"ы", "і", "ым", "ім", "ың", "ің"} and after_vowel:
            return None
    cost = suffix.penalty
    if suffix.slot == _POSS and outer:
        cost += _OUTER_POSS_PENALTY
    sound = _sound_class(stem)
    if sound is not None:
        if suffix.family and suffix.text[0] not in _EXPECTED_INITIAL[suffix.family][sound]:
            cost += _ASSIMILATION_PENALTY
        stem_harmony = _harmony(stem)
        if suffix.harmony and stem_harmony and stem_harmony != suffix.harmony:
            cost += _HARMONY_PENALTY
        if len(stem) > 1 and last == stem[-2] and last not in _VOWELS:
            cost += _DOUBLE_CONSONANT_PENALTY
        if last == "ғ":
            cost += 2.0  # no Kazakh or Russian word ends in ғ: «Қытайдағы» is not Қытайдағ+ы
        if suffix.text[0] in "дғг" and _CASE_ONLY_ALTERNATIVE.search(stem):
            # «облысындағы» is облысы+ндағы far more often than облысын+дағы.
            cost += 1.0
    return cost


def _strip(lower: str, orig: str, end: int, min_slot: int, cost: float, out: dict[int, float]):
    word = lower[:end]
    for suffix in _BY_LAST_LETTER.get(word[-1], ()):
        if suffix.slot < min_slot or not word.endswith(suffix.text):
            continue
        stem_end = end - len(suffix.text)
        stem = lower[:stem_end].rstrip(_SEPARATORS)
        if not stem or not _valid_stem(stem, orig[: len(stem)]):
            continue
        step = _penalty(suffix, stem, outer=min_slot == _CASE and end == len(lower))
        if step is None:
            continue
        total = cost + step
        if total < out.get(len(stem), float("inf")):
            out[len(stem)] = total
        _strip(lower, orig, stem_end, suffix.slot + 1, total, out)


def _parses_fully(tail: str, min_slot: int = _CASE) -> bool:
    """Whether ``tail`` is nothing but a suffix chain (for suffixes after Latin/abbreviations)."""
    if not tail:
        return True
    for suffix in _BY_LAST_LETTER.get(tail[-1], ()):
        if suffix.slot < min_slot or not tail.endswith(suffix.text) or suffix.after == "poss12":
            continue
        if _parses_fully(tail[: -len(suffix.text)], suffix.slot + 1):
            return True
    return False


def _lower(word: str) -> str:
    lower = word.lower()
    # Some letters (İ) lower to two code points; keep indexes aligned with the original.
    return lower if len(lower) == len(word) else "".join(c.lower()[0] for c in word)


@lru_cache(maxsize=65536)
def _word_stems(word: str) -> tuple[str, ...]:
    foreign = _FOREIGN_HEAD.match(word)
    if foreign:
        # Only a complete suffix chain is stripped, and all of it, so «Chevronның» → «Chevron».
        return (foreign["head"],) if _parses_fully(foreign["tail"]) else ()
    lower = _lower(word)
    found: dict[int, float] = {}
    _strip(lower, word, len(lower), _CASE, 0.0, found)
    ranked = sorted(found.items(), key=lambda item: (item[1], -item[0]))
    if not ranked:
        return ()
    # Far-fetched readings only matter when nothing plausible exists («Тоқаевтың» is not
    # «Тоқаевты» + 2nd-person -ң once «Тоқаев» + genitive is there).
    limit = ranked[0][1] + _PLAUSIBLE_MARGIN
    return tuple(word[:length] for length, cost in ranked[:_MAX_CANDIDATES] if cost <= limit)


@lru_cache(maxsize=65536)
def _base_forms(phrase: str) -> tuple[str, ...]:
    match = _LAST_TOKEN.search(phrase)
    if not match:
        return (phrase,) if phrase else ()
    prefix = phrase[: match.start(1)]
    forms = [phrase]
    for stem in _word_stems(match.group(1)):
        candidate = prefix + stem
        if candidate not in forms:
            forms.append(candidate)
    return tuple(forms)


def kazakh_base_forms(phrase: str) -> list[str]:
    """Candidate nominative forms of a Kazakh name phrase, most likely first, phrase itself first.

    Only the last word is stripped: «Атырау облысындағы» → «Атырау облысы», then «Атырау облыс»;
    «Тоқаевтың» → «Тоқаев»; «Chevron-ның» → «Chevron». A bare -а/-е is never stripped except
    after -м/-ң, so «Тоқаева» keeps only itself.
    """
    return list(_base_forms(phrase.strip()))

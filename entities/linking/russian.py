"""Candidate nominative forms of Russian name phrases, with pymorphy3.

Persons: every word goes to nominative singular in the phrase's gender, chosen by agreement of
all words («Касым-Жомарта Токаева» is masculine genitive because «Жомарта» and «Касым» are male
names, so «Токаева» → «Токаев»; «Токаевой» can only be feminine → «Токаева»). Kazakh and Russian
surnames in -ов/-ев/-ин are inflected by rule, because pymorphy's dictionary and guesser are
unreliable for them («Сапаровым» comes out as an adjective «сапаровой»).

Places and organisations: only the head group — leading adjectives and the first noun — is put
in the nominative, in agreement («Атырауской области» → «Атырауская область»); genitive
dependents stay («Министерства иностранных дел» → «Министерство иностранных дел»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pymorphy3

_CASES = ("gent", "datv", "accs", "ablt", "loct", "nomn")  # oblique first: they win ties
_OBLIQUE_BONUS = 0.01  # on a tie the phrase is read as declined (nominative = phrase itself)
_WORD = re.compile(r"^(?P<pre>[^\wЁё]*)(?P<core>[\w\-ЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]+?)(?P<post>[^\w]*)$")
_CYRILLIC_WORD = re.compile(r"^[а-яё]+$")
# Kazakh/Russian surnames: -ов/-ев/-ёв/-ин/-ын + ending. The ending decides case and gender.
_SURNAME = re.compile(r"^(?P<stem>[а-яё]{2,}(?:ов|ев|ёв|ин|ын))(?P<end>|а|у|ым|е|ой|ою)$")
_ADJ_SURNAME = re.compile(r"(?:ский|цкий|ская|цкая|ой|ая)$")
_SURNAME_ENDINGS: dict[str, tuple[tuple[str, str, str], ...]] = {
    # ending: (case, gender, nominative ending)
    "": (("nomn", "m", ""),),
    "а": (("gent", "m", ""), ("accs", "m", ""), ("nomn", "f", "а")),
    "у": (("datv", "m", ""), ("accs", "f", "а")),
    "ым": (("ablt", "m", ""),),
    "е": (("loct", "m", ""),),
    "ой": (("gent", "f", "а"), ("datv", "f", "а"), ("ablt", "f", "а"), ("loct", "f", "а")),
    "ою": (("ablt", "f", "а"),),
}
# Above any dictionary Name reading (≤ 1.5): a surname ending is the surest sign of gender.
_SURNAME_SCORE = 2.0
_NAME_TAG_BONUS = 0.5  # Name/Surn/Patr parses are what a person phrase is made of
_GENDER_ONLY = 0.2  # a word with the right gender but no form in that case (Касым-)
_PERSON_TYPES = frozenset({"PER", "PERSON"})
_ADJ_POS = frozenset({"ADJF", "PRTF"})
_GROUP_MARGIN = 0.5
_MAX_ABBREVIATION = 5
# Men are most of the people named in news copy; this only breaks exact ties.
_MALE_PRIOR = 0.02


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


@dataclass(frozen=True, slots=True)
class _Reading:
    case: str
    gender: str  # "m", "f", "n", "" (plural or common gender)
    number: str  # "sing" / "plur"
    nominative: str  # lower-case nominative in the same gender and number
    score: float
    pos: str  # "N" noun, "A" adjective
    tags: frozenset[str]


def _restore_case(original: str, new: str) -> str:
    """Give ``new`` the capitalisation pattern of ``original`` (UPPER, Title, lower)."""
    if "ё" not in original.lower():
        new = new.replace("ё", "е")  # pymorphy restores ё; keep the writer's spelling
    if len(original) > 1 and original.isupper():
        return new.upper()
    if original[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


def _untouchable(word: str) -> bool:
    """Latin words, digits, abbreviations (КНР) and initials (К.-Ж.) are never inflected."""
    if "." in word or not _CYRILLIC_WORD.match(word.lower().replace("-", "")):
        return True
    # Short all-caps words are abbreviations (КНР, НАТО, ОДКБ); long ones are caps-lock names.
    return len(word) > 1 and word.isupper() and (len(word) <= _MAX_ABBREVIATION or "-" in word)


def _gender(tag) -> str:
    gender = tag.gender
    if gender == "masc":
        return "m"
    if gender == "femn":
        return "f"
    if gender == "neut":
        return "n"
    return ""


@lru_cache(maxsize=65536)
def _readings(word: str) -> tuple[_Reading, ...]:
    """Noun/adjective readings of a lower-case word with their nominative forms."""
    out: list[_Reading] = []
    for parse in _morph().parse(word):
        tag = parse.tag
        pos = tag.POS
        if pos == "NOUN":
            kind = "N"
        elif pos in _ADJ_POS:
            kind = "A"
        else:
            continue
        case = tag.case
        if case not in _CASES:  # gen2/loc2/voct: fold onto the main case
            case = {"gen2": "gent", "loc2": "loct", "acc2": "accs", "voct": "nomn"}.get(case, "")
            if not case:
                continue
        if kind == "A" and pos == "PRTF":
            inflected = parse.inflect({"nomn"})
        else:
            inflected = parse.inflect({"nomn"}) if case != "nomn" else parse
        nominative = inflected.word if inflected else parse.word
        tags = frozenset(t for t in ("Name", "Surn", "Patr", "Geox", "Orgn", "Fixd") if t in tag)
        out.append(
            _Reading(
                case=case,
                gender=_gender(tag),
                number=tag.number or "sing",
                nominative=nominative,
                score=parse.score,
                pos=kind,
                tags=tags,
            )
        )
    return tuple(out)


@lru_cache(maxsize=65536)
def _person_readings(word: str) -> tuple[_Reading, ...]:
    """Readings of one word (or hyphen part) of a person's name, surname rules first."""
    match = _SURNAME.match(word)
    if match:
        stem = match["stem"]
        return tuple(
            _Reading(case, gender, "sing", stem + nom_end, _SURNAME_SCORE, "N", frozenset({"Surn"}))
            for case, gender, nom_end in _SURNAME_ENDINGS[match["end"]]
        )
    out = []
    # The Name/Surn tags of guessed (out-of-dictionary) words are the guesser's analogy, not
    # knowledge: «Маулену» is guessed a female «Маулена» as readily as a male «Маулен».
    bonus = _NAME_TAG_BONUS if _morph().word_is_known(word) else 0.0
    for reading in _readings(word):
        if reading.number != "sing" and "Fixd" not in reading.tags:
            continue
        score = reading.score + (bonus if reading.tags & {"Name", "Surn", "Patr"} else 0)
        if reading.pos == "A":
            # Only adjective-like surnames (Чайковский, Жуковская, Толстой) decline as
            # adjectives; other adjective guesses for names are noise («Касым» → «касый»).
            if not _ADJ_SURNAME.search(reading.nominative) or reading.gender not in {"m", "f"}:
                continue
            score = max(score, 0.3)
        out.append(
            _Reading(
                reading.case,
                reading.gender,
                "sing",
                reading.nominative,
                score,
                reading.pos,
                reading.tags,
            )
        )
    return tuple(out)


def _split_token(token: str) -> tuple[str, str, str]:
    match = _WORD.match(token)
    if not match:
        return "", token, ""
    return match["pre"], match["core"], match["post"]


# --- persons ---------------------------------------------------------------------------------


def _person_hypotheses(parts: list[str]) -> list[tuple[float, str, str]]:
    """(score, case, gender) hypotheses for the phrase, best first."""
    scored = []
    for gender in ("m", "f"):
        for case in _CASES:
            total = (_OBLIQUE_BONUS if case != "nomn" else 0.0) + (
                _MALE_PRIOR if gender == "m" else 0.0
            )
            for part in parts:
                best = 0.0
                for reading in _person_readings(part.lower()):
                    if reading.gender not in (gender, ""):
                        continue
                    if reading.case == case:
                        best = max(best, reading.score)
                    elif reading.gender == gender:
                        best = max(best, _GENDER_ONLY * reading.score)
                total += best
            scored.append((total, case, gender))
    scored.sort(key=lambda item: -item[0])
    return scored


def _person_part(part: str, case: str, gender: str) -> str:
    best: _Reading | None = None
    for reading in _person_readings(part.lower()):
        if (
            reading.case == case
            and reading.gender in (gender, "")
            and (best is None or reading.score > best.score)
        ):
            best = reading
    return _restore_case(part, best.nominative) if best else part


def _inflectable_parts(tokens: list[str]) -> list[str]:
    parts = []
    for token in tokens:
        core = _split_token(token)[1]
        if _untouchable(core):
            continue
        parts.extend(p for p in core.split("-") if p)
    return parts


def _person_phrase(tokens: list[str], case: str, gender: str) -> str:
    out = []
    for token in tokens:
        pre, core, post = _split_token(token)
        if _untouchable(core):
            out.append(token)
            continue
        parts = [_person_part(p, case, gender) if p else p for p in core.split("-")]
        out.append(pre + "-".join(parts) + post)
    return " ".join(out)


@lru_cache(maxsize=65536)
def _person_forms(phrase: str) -> tuple[tuple[str, ...], str]:
    tokens = phrase.split()
    parts = _inflectable_parts(tokens)
    if not parts:
        return (phrase,), ""
    hypotheses = _person_hypotheses(parts)
    forms = [phrase]
    best_score = hypotheses[0][0]
    for score, case, gender in hypotheses[:4]:
        if score <= 0 or score < best_score * 0.6:
            break
        form = _person_phrase(tokens, case, gender)
        if form not in forms:
            forms.append(form)
    # The gender is reported only when the readings agree on it; «Токаева» alone is ambiguous.
    top = [h for h in hypotheses if h[0] >= best_score - 0.05 and h[0] > 0]
    genders = {gender for _, _, gender in top}
    sure_gender = genders.pop() if len(genders) == 1 and best_score > 0.1 else ""
    return tuple(forms), sure_gender


# --- places and organisations ----------------------------------------------------------------


def _loc_score(reading: _Reading) -> float:
    score = reading.score
    if reading.tags & {"Geox", "Orgn"}:
        score += 0.5
    if reading.tags & {"Name", "Surn", "Patr"}:
        score -= 0.3
    return score


def _agrees(adj: _Reading, noun: _Reading) -> bool:
    if adj.case != noun.case or adj.number != noun.number:
        return False
    return noun.number == "plur" or adj.gender in (noun.gender, "")


def _group_analyses(cores: list[str]) -> list[tuple[float, list[str]]]:
    """Nominative renderings of leading adjectives + first noun, best first."""
    results: list[tuple[float, list[str]]] = []
    for head in range(len(cores)):
        core = cores[head]
        if _untouchable(core):
            break
        noun_readings = [r for r in _readings(core.lower()) if r.pos == "N"]
        adjs = [[r for r in _readings(c.lower()) if r.pos == "A"] for c in cores[:head]]
        for noun in noun_readings:
            total = 1.0 + _loc_score(noun) + (_OBLIQUE_BONUS if noun.case != "nomn" else 0.0)
            words = []
            for adj_readings in adjs:
                match = max(
                    (a for a in adj_readings if _agrees(a, noun)),
                    key=lambda a: a.score,
                    default=None,
                )
                if match is None:
                    break
                total += 1.0 + match.score
                words.append(match.nominative)
            else:
                results.append((total, [*words, noun.nominative]))
        if not any(r.pos == "A" for r in _readings(core.lower())):
            break  # a word that cannot be an adjective ends the head group
    results.sort(key=lambda item: -item[0])
    return results


def _keeps_parts(original: str, new: str) -> bool:
    # «Китай-город» must not lose a part; any inflection that changes the hyphen count is wrong.
    return original.count("-") == new.count("-") and bool(new)


@lru_cache(maxsize=65536)
def _group_forms(phrase: str) -> tuple[str, ...]:
    tokens = phrase.split()
    if not tokens:
        return ()
    split = [_split_token(t) for t in tokens]
    cores = [core for _, core, _ in split]
    forms = [phrase]
    analyses = _group_analyses(cores)
    # Weak readings (a place name read as a personal name: «Астана» → «Астан») are dropped.
    floor = analyses[0][0] - _GROUP_MARGIN if analyses else 0.0
    for total, words in analyses[:3]:
        if total < floor:
            break
        out = list(tokens)
        for i, word in enumerate(words):
            pre, core, post = split[i]
            if not _keeps_parts(core, word):
                break
            out[i] = pre + _restore_case_parts(core, word) + post
        else:
            form = " ".join(out)
            if form not in forms:
                forms.append(form)
    return tuple(forms)


def _restore_case_parts(original: str, new: str) -> str:
    old_parts = original.split("-")
    new_parts = new.split("-")
    return "-".join(_restore_case(o, n) for o, n in zip(old_parts, new_parts, strict=True))


# --- public API ------------------------------------------------------------------------------


def russian_base_forms(phrase: str, entity_type: str) -> list[str]:
    """Candidate nominative forms of a Russian name phrase, the phrase itself first.

    ``entity_type`` "PER" inflects every word of a person's name in the phrase's gender; anything
    else (LOC, ORG, GPE…) inflects the adjective+noun head group only.
    """
    phrase = " ".join(phrase.split())
    if not phrase:
        return []
    if entity_type.upper() in _PERSON_TYPES:
        return list(_person_forms(phrase)[0])
    return list(_group_forms(phrase))


def russian_gender(phrase: str) -> str:
    """ "m", "f" or "" (unknown or ambiguous, e.g. «Токаева» alone) for a person's name phrase."""
    phrase = " ".join(phrase.split())
    if not phrase:
        return ""
    return _person_forms(phrase)[1]

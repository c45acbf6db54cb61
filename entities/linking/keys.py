"""Lookup keys for entity names: an exact-match key and a script-independent key.

Both are pure string functions, cached because the same mention strings repeat across a corpus
(a linker calls them per mention, tens of thousands of times a second).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Every dash/hyphen/minus code point that turns up in pasted names; all become ASCII "-".
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u00ad"
_DASH_TABLE = str.maketrans(dict.fromkeys(_DASHES, "-"))
# Quotes carry no identity: «Самрук-Қазына» and "Самрук-Қазына" are the same name.
_QUOTES = "«»“”„‟\"'’‘‚‛`´′″‹›"
_QUOTE_TABLE = str.maketrans(dict.fromkeys(_QUOTES, ""))

_CYR = "а-яёәғқңөұүһіїєґ"
_LAT = "a-z"
# Latin letters that look like Cyrillic ones (and back), applied only inside mixed-script words,
# where they are typing or OCR accidents («Тoқаев» with a Latin o).
_LAT_TO_CYR = str.maketrans("AaBCcEeHKkMOoPpTXxYyIih", "АаВСсЕеНКкМОоРрТХхУуІіһ")
_CYR_TO_LAT = str.maketrans("АаВСсЕеНКкМОоРрТХхУуІі", "AaBCcEeHKkMOoPpTXxYyIi")
_MIXED_WORD = re.compile(r"\w+")
_HAS_CYR = re.compile(rf"[{_CYR}]", re.IGNORECASE)
_HAS_LAT = re.compile(rf"[{_LAT}]", re.IGNORECASE)

_SPACE_HYPHEN = re.compile(r"\s*-\s*")
_DOT_BEFORE_LETTER = re.compile(r"\.(?=\w)")
# A dot after a word of two or more letters is sentence/abbreviation noise («Inc.», «Тоқаев.»);
# a dot after a single letter is an initial and is kept («Қ.-Ж.»).
_DOT_AFTER_WORD = re.compile(r"(?<=\w\w)\.(?=\s|$|-)")
_SPACES = re.compile(r"\s+")
# Leading/trailing punctuation around a mention; "." is not here because initials keep theirs.
_EDGE_PUNCT = " -,;:!?()[]{}<>/\\|*_#•·…"


def _fold_lookalikes(match: re.Match[str]) -> str:
    word = match.group(0)
    cyr = len(_HAS_CYR.findall(word))
    lat = len(_HAS_LAT.findall(word))
    if not cyr or not lat:
        return word
    # Fold the minority script into the majority one: «Тoқаев» → Cyrillic, «Chеvron» → Latin.
    return word.translate(_LAT_TO_CYR if cyr >= lat else _CYR_TO_LAT)


@lru_cache(maxsize=131072)
def lookup_key(text: str) -> str:
    """Exact-match key: NFC, case/ё/dash/quote/space folding, initials kept consistent.

    «Қ.-Ж. Тоқаев», «Қ.-Ж.Тоқаев», «Қ. - Ж. Тоқаев» → "қ.-ж. тоқаев"; «Тoқаев» (Latin o) → "тоқаев".
    """
    if not text:
        return ""
    s = unicodedata.normalize("NFC", text).translate(_DASH_TABLE).translate(_QUOTE_TABLE)
    s = _MIXED_WORD.sub(_fold_lookalikes, s)
    s = s.casefold().replace("ё", "е")
    s = _DOT_BEFORE_LETTER.sub(". ", s)
    s = _DOT_AFTER_WORD.sub("", s)
    s = _SPACES.sub(" ", s)
    s = _SPACE_HYPHEN.sub("-", s)
    return s.strip(_EDGE_PUNCT)


# --- transliteration key -------------------------------------------------------------------

# Kazakh Cyrillic + Russian → Latin, in the spelling Kazakh and Russian names get in English
# news. ң → n and қ → k (not ng/q) because that is how Russian writes them (Жаңаөзен/Жанаозен/
# Zhanaozen); е is always "e" because the "ye" that English writes after vowels and word-initially
# is removed by the folding anyway (see translit_key).
_CYR_MAP = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "y", "і": "i", "к": "k", "қ": "k", "л": "l", "м": "m",
    "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ұ": "u", "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ї": "yi",
    "є": "ye", "ґ": "g",
}  # fmt: skip
# Soft/hard sign before a vowel is the "y" glide in English spelling (Ильин → Ilyin, Ульев →
# Ulyev); before я/ю/ё the vowel letter already brings its own y (Ильяс → Ilyas).
_SIGN_BEFORE_VOWEL = re.compile(r"[ьъ](?=[аеиоуыэәөұүі])")
_SIGN_BEFORE_IOTATED = re.compile(r"[ьъ](?=[ёюя])")
# Latin letters whose diacritic changes the letter (not removable by NFD stripping):
# Turkish/Kazakh-2021 ş ç, dotless ı, and a few European ones.
_LATIN_SPECIAL = str.maketrans(
    {"ş": "sh", "ç": "ch", "ı": "i", "ß": "ss", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe",
     "đ": "d", "þ": "th"}
)  # fmt: skip
_TRANSLIT_TABLE = str.maketrans(_CYR_MAP)

_VOW = "aeiouy"
_FOLDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"[^a-z0-9 \-]+", ""),  # dots of initials, apostrophes of the 2017 Latin alphabet
        (r"q", "k"),  # Kazakh Latin q = қ, which Russian and English write k
        (r"dzh|dj|zh", "j"),  # Джамбул/Jambyl/Zhambyl: one sound, three spellings
        (r"kh", "h"),  # х: Russian kh vs English h (Хельсинки/Helsinki, ХАМАС/Hamas)
        # Казахстан/Kazakhstan (kh→h above) vs Қазақстан/Qazaqstan (k): «hs» is this ethnonym
        # (х in Russian renderings of Kazakh қ before -стан), so fold it to «ks».
        (r"hs", "ks"),
        (r"ck", "k"),
        (r"gh", "g"),
        (r"w", "v"),
        (r"x", "ks"),
        (r"(?<=[aeiouy])[yij](?=e)", ""),  # glide before e: Tokayev/Tokaev/Tokaiev, Dmitriyev
        (r"(?<=i)y(?=[aeiou])", ""),  # Mariya/Maria, Dmitriy-ev
        (r"(?<![a-z])ye", "e"),  # word-initial ye: Yerlan/Ерлан, Yeltsin/Ельцин
        (r"y(?![aeiou])", "i"),  # vowel/diphthong y: Almaty/Almati, Dmitriy, Kitay/Kitai
        (r"([a-z])\1+", r"\1"),  # doubled letters: Kassym/Касым, Mukhammed/Мухамед
    )
)
_SEPARATORS = re.compile(r"\s*-[\s-]*|\s+")


def _sep(match: re.Match[str]) -> str:
    return "-" if "-" in match.group(0) else " "


@lru_cache(maxsize=131072)
def translit_key(text: str) -> str:
    """Script-independent key: Тоқаев = Токаев = Tokayev = Tokaev → "tokaev".

    Steps, each chosen to erase a spelling difference that does not distinguish names:

    1. ``lookup_key`` (case, ё, dashes, quotes, look-alike letters).
    2. Cyrillic → Latin by the table above (Kazakh letters folded to the Russian/English reading:
       ә→a, ғ→g, қ→k, ң→n, ө→o, ұ/ү→u, һ→h, і→i, ы→y; х→kh, ц→ts, ж→zh, ш→sh, ч→ch, щ→shch,
       ю→yu, я→ya, й→y; ь/ъ dropped, or "y" before a vowel). Latin diacritics are stripped after
       mapping the letters whose diacritic makes a different letter (ş→sh, ç→ch, ı→i), so the
       2017/2018/2021 Kazakh Latin alphabets (Aqtöbe, Aqtóbe, Qazaqstan, ǵ, ń, ú, ý) meet English.
    3. Folding on the Latin string (both for Latin input and transliterated Cyrillic):
       q→k; dzh/dj/zh→j; kh→h; hs→ks (Kazakhstan = Казахстан = Қазақстан; "hs" hardly occurs
       otherwise); ck→k; gh→g; w→v; x→ks; a glide y/i/j between a vowel and e is dropped
       (Tokayev/Tokaev, Dmitriyev/Dmitriev); y after i before a vowel is dropped (Mariya/Maria);
       word-initial ye→e (Yerlan/Erlan, Yeltsin); a y not followed by a vowel is the vowel "i"
       (ы, й: Almaty/Almati, Dmitriy/Dmitri, Kitay/Kitai); doubled letters are single (Kassym).
    4. Word boundaries survive: words are separated by one space, hyphenated parts by one "-".

    What it deliberately does not fold, to avoid collisions: vowel quality (a/e/o/u stay distinct,
    so Иран ≠ Ирак, Мали ≠ Мальта, Алматы ≠ Алмата), a final -a (Токаев ≠ Токаева), k vs h
    outside "hs" (Кан ≠ Хан), ng vs n (Beijing ≠ Бейжің, which English spells differently anyway).
    """
    s = lookup_key(text)
    if not s:
        return ""
    s = _SIGN_BEFORE_IOTATED.sub("", _SIGN_BEFORE_VOWEL.sub("y", s))
    s = s.translate(_TRANSLIT_TABLE).translate(_LATIN_SPECIAL)
    if not s.isascii():
        s = "".join(ch for ch in unicodedata.normalize("NFD", s) if not unicodedata.combining(ch))
    for pattern, repl in _FOLDS:
        s = pattern.sub(repl, s)
    return _SEPARATORS.sub(_sep, s).strip(" -")

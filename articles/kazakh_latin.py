"""Kazakh Cyrillic → Latin in the official 2021 Kazakh Latin alphabet (31 letters).

Why a hand-written table: the alphabet is not in ICU/CLDR (those ship BGN/PCGN and ALA-LC
romanisations, which are different systems), and readers of the desk expect the spelling the
government published, e.g. «Қазақстан» → «Qazaqstan», «Шымкент» → «Şymkent».

The alphabet (presented by the Government of Kazakhstan on 28 January 2021)::

    A Ä B D E F G Ğ H I İ J K L M N Ñ O Ö P Q R S Ş T U Ū Ü V Y Z

Sources checked for the table (all public; none is copied verbatim):

- Wikipedia, "Kazakh alphabets", section "Latin script" (2021 column) and its sample text
  «Būryñğy ötken zamanda, bır danyşpan kısı, Bağdat şaharynyñ …», which the tests reproduce:
  https://en.wikipedia.org/wiki/Kazakh_alphabets
- The 2021 government announcement as reported by KazTAG (folkpublication.com, 28 Jan 2021):
  31 letters; ә ö ü ū ğ ş written with umlaut, macron, cedilla and breve.
- The "Latin 2021 approved version" column of the qazlatyn-db table
  (https://socket.dev/npm/package/qazlatyn-db): И/Й → İi, У → Uu, Ұ → Ūū, Ң → Ññ, Ш → Şş.
- The substitution rules for the letters the Latin alphabet drops, published with it and
  quoted by sports.ru/tribuna/blogs/kzstories/2883175 (Jan 2021): Ё → İO (or Ö), Ю → İU (or Ü),
  Я → İA (or Ä), Ц → TS (or S), Ч → TŞ (or Ş), Щ → ŞŞ, Э → E; with the examples
  Қоян → qoian, Аю → aiu, ащы → aşşy, цех → tseh, электр → elektr.

The letter table (Cyrillic → Latin, lower case; upper case in brackets where it is not the
plain capital):

    а a    ә ä    б b    в v    г g    ғ ğ    д d    е e    ж j    з z
    и i (İ)       й i (İ)       і ı (I)       к k    қ q    л l    м m    н n
    ң ñ    о o    ө ö    п p    р r    с s    т t    у u    ұ ū    ү ü    ф f
    х h    һ h    ш ş    ы y
    Letters outside the 2021 alphabet, written as the sounds they stand for:
    ё io   ю iu   я ia   (= й + о/у/а, so й → i)
    ц ts   ч tş   щ şş   (= т + с, т + ш, ш + ш)
    э e    ъ —    ь —    (the signs are dropped)

Rules, every one of them tested in ``articles/tests/test_kazakh_latin.py``:

1. One letter, one letter: the 33 letters of the 2021 alphabet map one to one, with no
   dependence on neighbouring vowels. In particular the 2021 version writes У always as U
   (the 2019 draft's W and QazAqparat's w are gone: ауыл → auyl, уақыт → uaqyt, Жетісу →
   Jetısu) and И and Й both as İ/i (ию → iiu, қыркүйек → qyrküiek); front/back vowel harmony
   does not change any letter.
2. Turkish-style dotted and dotless I: і → ı, І → I; и, й → i, И, Й → İ. The table holds both
   cases explicitly: never derive one case from the other with ``str.upper()``/``str.lower()``
   (Python lower-cases «İ» to «i̇», with a combining dot).
3. Letters missing from the alphabet (Ё, Ю, Я, Ц, Ч, Щ) become two Latin letters. The 2021
   rules allow a second, shorter spelling for some loanwords (актёр → aktör, заряд → zaräd,
   цех → seh, чек → şek); which words take it is a per-word editorial decision that no letter
   table can make, so the transliteration always writes the full form (aktior, zariad, tseh,
   tşek). «Ch» (seen in some tables, carried over from 2018) is not used: C is not one of the
   31 letters.
4. Case of the two-letter results depends on the word: in a word written in capitals they are
   all capitals (ЩЫ → ŞŞY, ЦЕХ → TSEH, ЮНЕСКО → İUNESKO), otherwise only the first letter is a
   capital (Щучинск → Şşutşinsk, Цех → Tseh, Ясауи → İasaui). "Written in capitals" is decided
   from the neighbouring letter: the next letter of the word if there is one, else the previous
   one; a one-letter word (Я) counts as title case.
5. Ъ and Ь are dropped (объект → obekt, Гоголь → Gogol).
6. Й and Ё typed in decomposed form (И + U+0306 combining breve, Е + U+0308 combining
   diaeresis) are read as Й and Ё.
7. Everything else is left exactly as it is: Latin letters, digits, punctuation, «» and “”
   quotes, dashes, whitespace, and Cyrillic letters that are not Kazakh (ў, ї, є…). The result
   is therefore idempotent: transliterating Latin output again changes nothing.

:func:`kazakh_to_latin_with_offsets` also returns where each source character lands in the
output, so character spans (mentions, figures, quotes) can be moved onto the Latin text.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class KazakhScript(StrEnum):
    """The scripts Kazakh text can be shown or exported in."""

    CYRILLIC = "cyrillic"
    LATIN = "latin"


class LatinLetter(NamedTuple):
    """One Cyrillic letter (both cases) and its 2021 Latin spelling in each case."""

    cyrillic_upper: str
    cyrillic_lower: str
    lower: str
    title: str  # an upper-case source letter in a word that is not all capitals
    upper: str  # an upper-case source letter in a word written in capitals


def _letter(cyrillic: str, lower: str, title: str | None = None, upper: str | None = None):
    title = lower.upper() if title is None else title
    return LatinLetter(cyrillic, cyrillic.lower(), lower, title, title if upper is None else upper)


# The 42 letters of the Kazakh Cyrillic alphabet, in its order. Upper-case forms are written out
# wherever ``str.upper()`` would be wrong (і/ı/I, и/i/İ) or the result has two letters.
KAZAKH_LATIN_2021: tuple[LatinLetter, ...] = (
    _letter("А", "a"),
    _letter("Ә", "ä"),
    _letter("Б", "b"),
    _letter("В", "v"),
    _letter("Г", "g"),
    _letter("Ғ", "ğ"),
    _letter("Д", "d"),
    _letter("Е", "e"),
    _letter("Ё", "io", "İo", "İO"),
    _letter("Ж", "j"),
    _letter("З", "z"),
    _letter("И", "i", "İ"),
    _letter("Й", "i", "İ"),
    _letter("К", "k"),
    _letter("Қ", "q"),
    _letter("Л", "l"),
    _letter("М", "m"),
    _letter("Н", "n"),
    _letter("Ң", "ñ"),
    _letter("О", "o"),
    _letter("Ө", "ö"),
    _letter("П", "p"),
    _letter("Р", "r"),
    _letter("С", "s"),
    _letter("Т", "t"),
    _letter("У", "u"),
    _letter("Ұ", "ū"),
    _letter("Ү", "ü"),
    _letter("Ф", "f"),
    _letter("Х", "h"),
    _letter("Һ", "h"),
    _letter("Ц", "ts", "Ts", "TS"),
    _letter("Ч", "tş", "Tş", "TŞ"),
    _letter("Ш", "ş"),
    _letter("Щ", "şş", "Şş", "ŞŞ"),
    _letter("Ъ", "", ""),
    _letter("Ы", "y"),
    _letter("І", "ı", "I"),
    _letter("Ь", "", ""),
    _letter("Э", "e"),
    _letter("Ю", "iu", "İu", "İU"),
    _letter("Я", "ia", "İa", "İA"),
)

_UPPER: dict[str, LatinLetter] = {letter.cyrillic_upper: letter for letter in KAZAKH_LATIN_2021}
_LOWER: dict[str, LatinLetter] = {letter.cyrillic_lower: letter for letter in KAZAKH_LATIN_2021}
# Decomposed Й/й and Ё/ё (base letter + combining mark), read as the precomposed letter.
_DECOMPOSED: dict[str, str] = {
    "И\u0306": "Й",
    "и\u0306": "й",
    "Е\u0308": "Ё",
    "е\u0308": "ё",
}


def _in_capitals(text: str, start: int, end: int) -> bool:
    """Whether the upper-case letter at ``text[start:end]`` is part of a word in capitals."""
    if end < len(text) and text[end].isalpha():
        return text[end].isupper()
    if start > 0 and text[start - 1].isalpha():
        return text[start - 1].isupper()
    return False


def kazakh_to_latin_with_offsets(text: str) -> tuple[str, list[int]]:
    """The Latin text and, for every index ``i`` of ``text`` (and ``len(text)``), the index in
    the Latin text where the output of ``text[i]`` starts.

    A span ``text[s:e]`` becomes ``latin[offsets[s]:offsets[e]]``."""
    pieces: list[str] = []
    offsets: list[int] = []
    length = 0
    index = 0
    while index < len(text):
        width = 2 if text[index : index + 2] in _DECOMPOSED else 1
        char = _DECOMPOSED.get(text[index : index + 2], text[index])
        if char in _LOWER:
            piece = _LOWER[char].lower
        elif char in _UPPER:
            letter = _UPPER[char]
            piece = letter.upper if _in_capitals(text, index, index + width) else letter.title
        else:
            piece = char
        offsets.extend([length] * width)
        pieces.append(piece)
        length += len(piece)
        index += width
    offsets.append(length)
    return "".join(pieces), offsets


def kazakh_to_latin(text: str) -> str:
    """Kazakh Cyrillic text in the official 2021 Latin alphabet (rules in the module doc)."""
    return kazakh_to_latin_with_offsets(text)[0]

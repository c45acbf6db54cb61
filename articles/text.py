"""Turning uploaded bytes into clean, comparable text.

Every function here is pure: bytes or str in, str out, or a ``TextDecodingError`` with a message
precise enough to show to the person who uploaded the file.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata

from charset_normalizer import from_bytes
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from articles.models import PARAGRAPH_SEPARATOR


class TextDecodingError(ValueError):
    """The bytes are not a text file we can read; ``str(exc)`` says why."""


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Single-byte encodings a Kazakh/Russian desk meets: Windows Cyrillic, Windows Kazakh
# (KZ-1048, which has the Kazakh letters cp1251 lacks), KOI8-R and the old DOS code page.
_LEGACY_ENCODINGS = ["cp1251", "kz1048", "koi8_r", "cp866", "mac_cyrillic"]
_KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def _looks_like_utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM has a NUL in every other byte for Latin and Cyrillic
    (Cyrillic's high byte is 0x04). Returns the codec name or None."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    if odd.count(0) + odd.count(4) > 0.9 * len(odd):
        return "utf-16-le"
    if even.count(0) + even.count(4) > 0.9 * len(even):
        return "utf-16-be"
    return None


def _is_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v")
    return controls > max(2, len(text) // 100)


def _score_legacy_decoding(text: str) -> float:
    """Higher is more plausible Kazakh/Russian: letters are Cyrillic, and Kazakh-specific
    letters appear inside words rather than as stray symbols."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    kazakh = sum(1 for ch in letters if ch in _KAZAKH_LETTERS)
    odd = sum(1 for ch in text if unicodedata.category(ch) in ("So", "Co", "Cn"))
    return (cyrillic + 0.5 * kazakh - 5 * odd) / len(letters)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a text file. Returns ``(text, encoding)``.

    UTF-8 (with or without BOM), UTF-16/32 (with BOM, or UTF-16 without), and the legacy
    Cyrillic code pages (cp1251, KZ-1048, KOI8-R, cp866) are understood.
    """
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise TextDecodingError(_("The file is empty."))
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise TextDecodingError(
                    _(
                        "The file starts with a %(codec)s byte-order mark but is not valid "
                        "%(codec)s (byte %(byte)d)."
                    )
                    % {"codec": codec.removesuffix("-sig").upper(), "byte": exc.start}
                ) from exc
            return _checked(text), codec.removesuffix("-sig")
    utf16 = _looks_like_utf16_without_bom(data)
    if utf16:
        try:
            return _checked(data.decode(utf16)), utf16
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise TextDecodingError(_("The file is binary (it contains NUL bytes), not plain text."))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        repaired = _mojibake_repaired(text)
        if repaired is not None:
            return _checked(repaired), _(MOJIBAKE_ENCODING)
        return _checked(text), "utf-8"
    candidates: list[tuple[float, str, str]] = []
    for match in from_bytes(data, cp_isolation=_LEGACY_ENCODINGS):
        text = str(match)
        candidates.append((_score_legacy_decoding(text), match.encoding, text))
    for codec in ("cp1251", "kz1048"):  # charset-normalizer may rank these out; score them too
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        candidates.append((_score_legacy_decoding(text), codec, text))
    if not candidates:
        raise TextDecodingError(
            _(
                "The file's encoding could not be recognised: it is not UTF-8, UTF-16 or a "
                "Cyrillic code page (cp1251, KZ-1048, KOI8-R)."
            )
        )
    score, codec, text = max(candidates, key=lambda c: c[0])
    if score < 0.5:
        raise TextDecodingError(
            _(
                "The file does not look like Kazakh, Russian or English text in any known "
                "encoding; it may be binary or damaged."
            )
        )
    return _checked(text), codec


# UTF-8 Cyrillic read as Latin-1/Windows-1252 and saved again as UTF-8: «Ð”Ð°» for
# «Да». A lead byte D0–D3 shows as Ð Ñ Ò Ó, followed by what 0x80–0xBF show as.
MOJIBAKE_ENCODING = gettext_noop("UTF-8 misread as Latin-1 (repaired)")
_MOJIBAKE_PAIR = re.compile(
    "[\u00d0-\u00d3][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)


def _mojibake_repaired(text: str) -> str | None:
    """The Cyrillic text behind Latin-1/cp1252 mojibake, or None if ``text`` is not that
    (it already has Cyrillic letters, or too few tell-tale pairs, or it does not round-trip)."""
    if len(_MOJIBAKE_PAIR.findall(text)) < 3 or any("\u0400" <= ch <= "\u04ff" for ch in text):
        return None
    raw = bytearray()
    for ch in text:
        try:
            raw += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:  # neither cp1252 nor Latin-1: not mojibake
                return None
            raw.append(ord(ch))  # the five bytes cp1252 leaves undefined read as Latin-1
    try:
        repaired = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return repaired if any("\u0400" <= ch <= "\u04ff" for ch in repaired) else None


def _checked(text: str) -> str:
    if _is_binary(text):
        raise TextDecodingError(_("The file is binary (control characters), not plain text."))
    if not text.strip().strip("\ufeff"):
        raise TextDecodingError(_("The file is empty."))
    return text


# Latin letters that look like Cyrillic ones. Inside a Cyrillic word they are typing or OCR
# mistakes (a Kazakh keyboard layout without і, ү, … makes people reach for Latin i, y…).
_LATIN_TO_CYRILLIC = str.maketrans(
    {
        "a": "а", "c": "с", "e": "е", "i": "і", "o": "о", "p": "р", "x": "х", "y": "у",
        "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "I": "І", "K": "К", "M": "М",
        "O": "О", "P": "Р", "T": "Т", "X": "Х", "Y": "У",
    }
)  # fmt: skip
_LOOKALIKES = frozenset("aceiopxyABCEHIKMOPTXY")
_WORD = re.compile(r"\w+")


def _repair_word(match: re.Match[str]) -> str:
    word = match.group(0)
    has_cyrillic = any("\u0400" <= ch <= "\u04ff" for ch in word)
    latin = [ch for ch in word if "a" <= ch.lower() <= "z"]
    if has_cyrillic and latin and all(ch in _LOOKALIKES for ch in latin):
        return word.translate(_LATIN_TO_CYRILLIC)
    return word


def repair_homoglyphs(text: str) -> str:
    """Replace Latin look-alikes inside Cyrillic words («бiлiм» with Latin i → «білім»).

    A word is repaired only when every Latin letter in it has a Cyrillic twin, so mixed words
    such as «Chevronның» are left alone."""
    return _WORD.sub(_repair_word, text)


_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_HORIZONTAL_SPACE = re.compile(r"[ \t\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def normalize_line(line: str) -> str:
    """NFC, drop invisible and control characters, fold runs of spaces, repair homoglyphs.

    Non-breaking and thin spaces are kept: they carry meaning inside figures (1 250 тонн)."""
    line = unicodedata.normalize("NFC", line).translate(_INVISIBLE)
    line = _CONTROL.sub("", line)
    line = _HORIZONTAL_SPACE.sub(" ", line).strip()
    return repair_homoglyphs(line)


def split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def normalize_paragraphs(paragraphs: list[str]) -> list[str]:
    return [p for p in (normalize_line(p) for p in paragraphs) if p]


def join_paragraphs(paragraphs: list[str]) -> str:
    return PARAGRAPH_SEPARATOR.join(normalize_paragraphs(paragraphs))


def normalize_body(body: str) -> str:
    """Canonical stored form of a body: one paragraph per non-empty line, blank-line separated."""
    return join_paragraphs(split_lines(body))


_HASH_FOLD = re.compile(r"[\W_]+", re.UNICODE)


def content_hash(title: str, body: str) -> str:
    """SHA-256 of the text with case, punctuation, spacing and Unicode form folded, so the same
    story re-typed with other quotes or line breaks is recognised as a duplicate."""
    folded = " ".join(
        " ".join(_HASH_FOLD.sub(" ", unicodedata.normalize("NFKC", part).casefold()).split())
        for part in (title, body)
    )
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()

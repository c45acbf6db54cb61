"""Decoding uploaded bytes and normalising text: encodings, empty and binary files, Unicode
normal form, homoglyph repair, invisible characters and the duplicate-finding content hash."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from articles.text import (
    TextDecodingError,
    content_hash,
    decode_bytes,
    normalize_body,
    normalize_line,
    repair_homoglyphs,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def seed_text(prefix: str) -> str:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


KAZAKH = seed_text("000")  # has Қ, ә, ң… which cp1251 and KOI8-R cannot encode
RUSSIAN = seed_text("003")
# KOI8-R has no en dash; the rest of the Russian seed is encodable.
RUSSIAN_KOI8 = RUSSIAN.replace("–", "-")


# -- encodings -----------------------------------------------------------------------------


def test_decode_utf8() -> None:
    text, encoding = decode_bytes(KAZAKH.encode("utf-8"))
    assert (text, encoding) == (KAZAKH, "utf-8")


def test_decode_utf8_with_bom_drops_the_bom() -> None:
    text, encoding = decode_bytes(codecs.BOM_UTF8 + RUSSIAN.encode("utf-8"))
    assert encoding == "utf-8"
    assert text == RUSSIAN
    assert not text.startswith("\ufeff")


@pytest.mark.parametrize(
    ("data", "expected_encoding"),
    [
        pytest.param(codecs.BOM_UTF16_LE + KAZAKH.encode("utf-16-le"), "utf-16", id="le-bom"),
        pytest.param(codecs.BOM_UTF16_BE + KAZAKH.encode("utf-16-be"), "utf-16", id="be-bom"),
        pytest.param(KAZAKH.encode("utf-16-le"), "utf-16-le", id="le-no-bom"),
        pytest.param(KAZAKH.encode("utf-16-be"), "utf-16-be", id="be-no-bom"),
    ],
)
def test_decode_utf16(data: bytes, expected_encoding: str) -> None:
    text, encoding = decode_bytes(data)
    assert encoding == expected_encoding
    assert text == KAZAKH


def test_decode_cp1251_russian() -> None:
    data = RUSSIAN.encode("cp1251")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test is only meaningful if UTF-8 cannot read it
    assert decode_bytes(data) == (RUSSIAN, "cp1251")


def test_decode_kz1048_kazakh_keeps_kazakh_letters() -> None:
    text, encoding = decode_bytes(KAZAKH.encode("kz1048"))
    assert encoding == "kz1048"
    assert text == KAZAKH
    assert "Қасым-Жомарт Тоқаев" in text


def test_decode_koi8r_russian() -> None:
    text, encoding = decode_bytes(RUSSIAN_KOI8.encode("koi8_r"))
    assert encoding == "koi8_r"
    assert text == RUSSIAN_KOI8


def test_decode_short_legacy_texts() -> None:
    russian = "Документы подписаны в Пекине, сообщает Zakon.kz."
    kazakh = "Тоқаев Қытайға сапар жасады. Екі ел білім саласында келісімге қол қойды."
    assert decode_bytes(russian.encode("cp1251")) == (russian, "cp1251")
    assert decode_bytes(kazakh.encode("kz1048")) == (kazakh, "kz1048")


# -- files that are not text ---------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="zero-bytes"),
        pytest.param(b"  \r\n\t\n   ", id="whitespace"),
        pytest.param(codecs.BOM_UTF8, id="utf8-bom-only"),
        pytest.param(codecs.BOM_UTF8 + b" \n\n", id="utf8-bom-and-blank-lines"),
        pytest.param(codecs.BOM_UTF16_LE, id="utf16-bom-only"),
        pytest.param(codecs.BOM_UTF16_BE + " \n ".encode("utf-16-be"), id="utf16be-blank"),
        pytest.param("\ufeff \t\n".encode("utf-16"), id="utf16-bom-and-space"),
    ],
)
def test_empty_files_are_rejected(data: bytes) -> None:
    with pytest.raises(TextDecodingError, match=r"^The file is empty\.$"):
        decode_bytes(data)


PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x02"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(PNG_HEADER + bytes(range(256)), id="png"),
        pytest.param(random.Random(20250905).randbytes(4096) + b"\x00\x00", id="random-with-nuls"),
        pytest.param(b"Title\nBody\x00text\n", id="text-with-nul"),
    ],
)
def test_binary_files_are_rejected(data: bytes) -> None:
    with pytest.raises(TextDecodingError, match="binary") as excinfo:
        decode_bytes(data)
    assert "not plain text" in str(excinfo.value)


def test_control_characters_mark_text_as_binary() -> None:
    data = ("Мәтін " + "\x01\x02\x03\x04\x05" * 20).encode("utf-8")
    with pytest.raises(TextDecodingError, match=r"binary \(control characters\)"):
        decode_bytes(data)


# -- line normalisation --------------------------------------------------------------------


def test_normalize_line_composes_to_nfc() -> None:
    decomposed = "Сере\u0438\u0306кбаев"  # и + combining breve
    assert len(decomposed) == 11
    normalized = normalize_line(decomposed)
    assert normalized == "Серейкбаев"
    assert "\u0306" not in normalized
    assert len(normalized) == 10


@pytest.mark.parametrize(
    ("raw", "repaired"),
    [
        ("бiлiм", "білім"),  # Latin i in Kazakh word
        ("Тoкаев", "Токаев"),  # Latin o in Russian name
        ("Қазақстан Pеспубликасы", "Қазақстан Республикасы"),  # Latin P
        ("АКOРДА", "АКОРДА"),  # Latin O in an all-caps word
    ],
)
def test_homoglyphs_inside_cyrillic_words_are_repaired(raw: str, repaired: str) -> None:
    assert raw != repaired
    assert repair_homoglyphs(raw) == repaired
    assert normalize_line(raw) == repaired
    assert all(not ("a" <= ch.lower() <= "z") for ch in repaired)


@pytest.mark.parametrize(
    "text",
    [
        "Chevron",  # pure Latin
        "Chevronның",  # Latin letters without Cyrillic twins (h, v, r, n): left alone
        "CNNC компаниясы",
        "2025 жылғы 3 қыркүйек",  # digits untouched
        "5-ші саммит 20-дан астам құжат",
        "ШЫҰ саммиті",
    ],
)
def test_words_that_are_not_homoglyph_mistakes_are_untouched(text: str) -> None:
    assert repair_homoglyphs(text) == text
    assert normalize_line(text) == text


def test_invisible_characters_are_removed() -> None:
    raw = "\ufeffбі\u00adлім\u200b бе\u200cру\u200d\u2060"
    assert normalize_line(raw) == "білім беру"


def test_non_breaking_and_thin_spaces_are_kept() -> None:
    raw = "1\u00a0250 тонн, 3\u2009000 теңге"
    assert normalize_line(raw) == raw


def test_control_characters_removed_and_spaces_folded() -> None:
    assert normalize_line("  Мәтін\x07  мен\t\tсөз\u3000бар  ") == "Мәтін мен сөз бар"


def test_normalize_body_gives_blank_line_separated_paragraphs() -> None:
    body = "  Бірінші абзац.\r\n\r\n\r\nЕкінші  абзац.\n   \n\u200b\nҮшінші абзац.\r"
    assert normalize_body(body) == "Бірінші абзац.\n\nЕкінші абзац.\n\nҮшінші абзац."


# -- content hash --------------------------------------------------------------------------

TITLE = "Тоқаев Chevron басшысымен кездесті"
BODY = "Кездесу Астанада өтті.\n\nЕкі тарап инвестиция туралы, «жасыл» энергетика туралы сөйлесті."


@pytest.mark.parametrize(
    ("title", "body"),
    [
        pytest.param(TITLE.upper(), BODY.lower(), id="case"),
        pytest.param(
            TITLE + "!",
            BODY.replace("«", '"').replace("»", '"').replace(",", " ,"),
            id="punctuation",
        ),
        pytest.param("  " + TITLE.replace(" ", "   "), BODY.replace(" ", " \t "), id="spaces"),
        pytest.param(TITLE, BODY.replace("\n\n", "\n"), id="line-breaks"),
        pytest.param(TITLE, BODY.replace("\n\n", " "), id="paragraphs-joined"),
        pytest.param(TITLE.replace("й", "и\u0306"), BODY.replace("й", "и\u0306"), id="decomposed"),
    ],
)
def test_content_hash_ignores_case_punctuation_and_spacing(title: str, body: str) -> None:
    assert (title, body) != (TITLE, BODY)
    assert content_hash(title, body) == content_hash(TITLE, BODY)


@pytest.mark.parametrize(
    ("title", "body"),
    [
        pytest.param(TITLE, BODY.replace("Астанада", "Алматыда"), id="other-word"),
        pytest.param(TITLE.replace("Тоқаев", "Тоқаевтың"), BODY, id="other-title"),
        pytest.param(TITLE, BODY + "\n\nТағы бір абзац.", id="extra-paragraph"),
    ],
)
def test_content_hash_differs_for_different_text(title: str, body: str) -> None:
    assert content_hash(title, body) != content_hash(TITLE, BODY)


def test_content_hash_is_a_sha256_hex_digest() -> None:
    digest = content_hash(TITLE, BODY)
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert digest == content_hash(TITLE, BODY)

"""Dates: absolute, ranges and relative, resolved against the publication date."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from entities.extraction.dates import extract_dates

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
REF = datetime.date(2025, 9, 5)  # a Friday
D = datetime.date


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("language", "text", "span", "value", "value_end"),
    [
        (
            "ru",
            "Выступая 2 сентября 2025 года на заседании",
            "2 сентября 2025 года",
            D(2025, 9, 2),
            None,
        ),
        ("ru", "2 сентября 2025 г. в Пекине", "2 сентября 2025 г.", D(2025, 9, 2), None),
        ("ru", "в ночь на 2-го сентября", "2-го сентября", D(2025, 9, 2), None),
        ("ru", "встреча 15 мая", "15 мая", D(2025, 5, 15), None),
        ("ru", "в марте, 8 марта", "8 марта", D(2025, 3, 8), None),
        ("ru", "1 января 2024 года", "1 января 2024 года", D(2024, 1, 1), None),
        ("kk", "2025 жылғы 12 қазан", "2025 жылғы 12 қазан", D(2025, 10, 12), None),
        ("kk", "2025 жылғы 12 қазанда өтті", "2025 жылғы 12 қазанда", D(2025, 10, 12), None),
        ("kk", "12 қазан 2025 жыл", "12 қазан 2025 жыл", D(2025, 10, 12), None),
        ("kk", "сапар қарсаңында, 30 тамызда, Мемлекет", "30 тамызда", D(2025, 8, 30), None),
        ("kk", "1 қыркүйекте Тоқаев", "1 қыркүйекте", D(2025, 9, 1), None),
        ("kk", "Ал 2 қыркүйекте Бейжіңде", "2 қыркүйекте", D(2025, 9, 2), None),
        ("kk", "3 қыркүйекте Президент", "3 қыркүйекте", D(2025, 9, 3), None),
        ("kk", "5 желтоқсандағы жиын", "5 желтоқсандағы", D(2025, 12, 5), None),
        ("kk", "15 наурыздан бастап", "15 наурыздан", D(2025, 3, 15), None),
        ("en", "date 2025-09-05 here", "2025-09-05", D(2025, 9, 5), None),
        ("ru", "опубликовано 05.09.2025", "05.09.2025", D(2025, 9, 5), None),
        ("en", "on September 2, 2025, Tokayev", "September 2, 2025", D(2025, 9, 2), None),
        ("en", "on 2 September 2025 Tokayev", "2 September 2025", D(2025, 9, 2), None),
        ("en", "on September 2nd the", "September 2nd", D(2025, 9, 2), None),
        ("en", "on Sept. 3 the", "Sept. 3", D(2025, 9, 3), None),
        # ranges
        (
            "kk",
            "31 тамыз – 3 қыркүйек аралығындағы",
            "31 тамыз – 3 қыркүйек",
            D(2025, 8, 31),
            D(2025, 9, 3),
        ),
        (
            "kk",
            "31 тамыздан 3 қыркүйекке дейін",
            "31 тамыздан 3 қыркүйекке",
            D(2025, 8, 31),
            D(2025, 9, 3),
        ),
        (
            "ru",
            "с 31 августа по 3 сентября",
            "31 августа по 3 сентября",
            D(2025, 8, 31),
            D(2025, 9, 3),
        ),
        ("ru", "с 1 по 3 сентября", "1 по 3 сентября", D(2025, 9, 1), D(2025, 9, 3)),
        ("ru", "1–3 сентября прошли", "1–3 сентября", D(2025, 9, 1), D(2025, 9, 3)),
        ("ru", "1-3 сентября прошли", "1-3 сентября", D(2025, 9, 1), D(2025, 9, 3)),
        ("ru", "31 августа – 3 сентября", "31 августа – 3 сентября", D(2025, 8, 31), D(2025, 9, 3)),
        (
            "ru",
            "31 августа—3 сентября 2025 года",
            "31 августа—3 сентября 2025 года",
            D(2025, 8, 31),
            D(2025, 9, 3),
        ),
        (
            "ru",
            "30 декабря 2024 – 2 января 2025",
            "30 декабря 2024 – 2 января 2025",
            D(2024, 12, 30),
            D(2025, 1, 2),
        ),
        (
            "ru",
            "30 декабря – 2 января 2026 года",
            "30 декабря – 2 января 2026 года",
            D(2025, 12, 30),
            D(2026, 1, 2),
        ),
        (
            "en",
            "from 31 August to 3 September",
            "31 August to 3 September",
            D(2025, 8, 31),
            D(2025, 9, 3),
        ),
        ("en", "held September 1–3, 2025", "September 1–3, 2025", D(2025, 9, 1), D(2025, 9, 3)),
    ],
)
def test_absolute_date(language, text, span, value, value_end):
    dates = extract_dates(text, language, REF)
    assert len(dates) == 1, dates
    found = dates[0]
    assert found.text == span
    assert found.start == text.index(span)
    assert text[found.start : found.end] == span
    assert (found.value, found.value_end) == (value, value_end)
    assert found.relative is False


@pytest.mark.parametrize(
    ("reference", "text", "expected"),
    [
        # the year that puts the day closest to the reference
        (D(2026, 1, 2), "30 декабря", D(2025, 12, 30)),
        (D(2025, 12, 30), "2 января", D(2026, 1, 2)),
        (D(2025, 6, 1), "2 сентября", D(2025, 9, 2)),
        (datetime.datetime(2025, 9, 5, 19, 52), "2 сентября", D(2025, 9, 2)),
    ],
)
def test_year_inferred_from_reference(reference, text, expected):
    assert [d.value for d in extract_dates(text, "ru", reference)] == [expected]


@pytest.mark.parametrize(
    ("language", "text", "span", "value", "time"),
    [
        ("kk", "- Бүгін, 19:52\n- 3", "Бүгін, 19:52", D(2025, 9, 5), "19:52"),
        ("kk", "бүгін жиын өтті", "бүгін", D(2025, 9, 5), ""),
        ("kk", "кеше мәлімдеді", "кеше", D(2025, 9, 4), ""),
        ("kk", "ертең басталады", "ертең", D(2025, 9, 6), ""),
        ("kk", "ертең сағат 10:00-де", "ертең сағат 10:00", D(2025, 9, 6), "10:00"),
        ("ru", "сегодня в Астане", "сегодня", D(2025, 9, 5), ""),
        ("ru", "вчера в 9:05 утра", "вчера в 9:05", D(2025, 9, 4), "09:05"),
        ("ru", "завтра начнётся", "завтра", D(2025, 9, 6), ""),
        ("ru", "позавчера сообщили", "позавчера", D(2025, 9, 3), ""),
        ("ru", "послезавтра", "послезавтра", D(2025, 9, 7), ""),
        ("en", "today the", "today", D(2025, 9, 5), ""),
        ("en", "said yesterday", "yesterday", D(2025, 9, 4), ""),
        ("en", "Tomorrow at 10:30", "Tomorrow at 10:30", D(2025, 9, 6), "10:30"),
        # weekdays: the most recent such day on or before the reference (a Friday)
        ("ru", "в понедельник объявили", "понедельник", D(2025, 9, 1), ""),
        ("ru", "во вторник объявили", "вторник", D(2025, 9, 2), ""),
        ("ru", "в пятницу объявили", "пятницу", D(2025, 9, 5), ""),
        ("ru", "в субботу объявили", "субботу", D(2025, 8, 30), ""),
        ("kk", "дүйсенбіде мәлімдеді", "дүйсенбіде", D(2025, 9, 1), ""),
        ("kk", "сәрсенбі күні өтті", "сәрсенбі күні", D(2025, 9, 3), ""),
        ("kk", "жексенбіде", "жексенбіде", D(2025, 8, 31), ""),
        ("en", "on Monday the", "Monday", D(2025, 9, 1), ""),
    ],
)
def test_relative_date(language, text, span, value, time):
    dates = extract_dates(text, language, REF)
    assert len(dates) == 1, dates
    found = dates[0]
    assert (found.text, found.start) == (span, text.index(span))
    assert text[found.start : found.end] == span
    assert (found.value, found.time, found.relative) == (value, time, True)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("kk", "2025 жылы Президент сапармен барды."),
        ("ru", "в 2025 году"),
        ("ru", "31 сентября"),
        ("kk", "31 қыркүйекте"),
        ("ru", "3 – 1 сентября"),
        ("kk", "Жеңістің 80 жылдығына арналған 20-дан астам құжат"),
        ("kk", "бүгінгі таңда кешенді жұмыс"),
        ("ru", "сегодняшний понедельник-день"),
        ("ru", "рост на 12% и 7,4 млрд долларов"),
        ("en", "Nothing happened at 19:52."),
        ("ru", ""),
    ],
)
def test_no_date(language, text):
    assert extract_dates(text, language, REF) == []


@pytest.mark.parametrize(
    ("language", "text", "kept"),
    [
        ("kk", "Бүгін, 19:52", []),
        ("ru", "вчера и в понедельник", []),
        ("kk", "30 тамызда", []),
        ("kk", "31 тамыз – 3 қыркүйек", []),
        ("ru", "2 сентября 2025 года и сегодня", [D(2025, 9, 2)]),
        ("en", "2025-09-05", [D(2025, 9, 5)]),
    ],
)
def test_without_reference(language, text, kept):
    assert [d.value for d in extract_dates(text, language, None)] == kept


def test_unknown_language_uses_every_lexicon():
    found = extract_dates("2 сентября, 30 тамызда и September 1, 2025", "", REF)
    assert [(d.text, d.value) for d in found] == [
        ("2 сентября", D(2025, 9, 2)),
        ("30 тамызда", D(2025, 8, 30)),
        ("September 1, 2025", D(2025, 9, 1)),
    ]


def test_seed_003_russian():
    text = seed("003")
    found = extract_dates(text, "ru", datetime.date(2025, 3, 1))
    assert (found[0].text, found[0].value, found[0].value_end) == (
        "2 сентября 2025 года",
        D(2025, 9, 2),
        None,
    )
    assert text[found[0].start : found[0].end] == found[0].text
    # «сегодня я проведу встречу» inside the quotation is relative to the publication date
    assert [(d.text, d.value, d.relative) for d in found[1:]] == [("сегодня", D(2025, 3, 1), True)]


def test_seed_004_kazakh():
    text = seed("004")
    found = extract_dates(text, "kk", REF)
    assert [(d.text, d.value, d.value_end) for d in found] == [
        ("2025-09-05", D(2025, 9, 5), None),
        ("31 тамыз – 3 қыркүйек", D(2025, 8, 31), D(2025, 9, 3)),
        ("30 тамызда", D(2025, 8, 30), None),
        ("1 қыркүйекте", D(2025, 9, 1), None),
        ("2 қыркүйекте", D(2025, 9, 2), None),
        ("3 қыркүйекте", D(2025, 9, 3), None),
    ]
    assert all(text[d.start : d.end] == d.text for d in found)


def test_seed_000_kazakh_dateline():
    text = seed("000")
    found = extract_dates(text, "kk", datetime.datetime(2025, 9, 5, 20, 0))
    assert [(d.text, d.value, d.time, d.relative) for d in found] == [
        ("Бүгін, 19:52", D(2025, 9, 5), "19:52", True)
    ]
    assert text[found[0].start : found[0].end] == "Бүгін, 19:52"

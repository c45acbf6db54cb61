"""Recognising the seed layouts, publication times and sources; files that cannot become an
article."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from articles.parsing import (
    TITLE_MAX_LENGTH,
    ArticleParseError,
    find_source,
    parse_article_text,
    parse_publication_time,
)

ALMATY = ZoneInfo("Asia/Almaty")
NOW = datetime(2025, 9, 5, 12, 0, tzinfo=ALMATY)
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def seed_text(prefix: str) -> str:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _almaty(settings) -> None:
    settings.TIME_ZONE = "Asia/Almaty"


# -- the seed layouts ----------------------------------------------------------------------


def test_meta_lines_layout() -> None:
    parsed = parse_article_text(seed_text("000"), now=NOW)

    assert parsed.layout == "meta-lines"
    assert parsed.title == (
        "Қасым-Жомарт Тоқаев Chevron басшысымен кездесіп, энергетикалық серіктестіктің "
        "келешегін талқылады"
    )
    assert parsed.byline == "Admin"
    assert parsed.photo_credit == ""
    assert (parsed.source_name, parsed.source_domain) == ("", "")
    assert parsed.published_at == datetime(2025, 9, 5, 19, 52, tzinfo=ALMATY)
    assert len(parsed.paragraphs) == 6
    assert parsed.paragraphs[0].startswith("Бұл кездесу мемлекет басшысының")
    # The metadata lines (author, time, view counter) are not body text.
    assert not any(p.startswith("- ") or p == "3" for p in parsed.paragraphs)
    assert parsed.warnings == []


def test_photo_credit_layout() -> None:
    parsed = parse_article_text(seed_text("003"), now=NOW)

    assert parsed.layout == "photo-credit"
    assert parsed.title == (
        "Что подробно обсудили Касым-Жомарт Токаев и Си Цзиньпин во время переговоров"
    )
    assert parsed.photo_credit == "akorda.kz"
    assert (parsed.source_name, parsed.source_domain) == ("Zakon.kz", "zakon.kz")
    assert parsed.byline == ""
    assert parsed.published_at is None
    assert len(parsed.paragraphs) == 2
    assert parsed.paragraphs[0].startswith("Выступая 2 сентября 2025 года")
    assert not any("Фото:" in p for p in parsed.paragraphs)
    assert parsed.warnings == []


def test_dated_layout() -> None:
    parsed = parse_article_text(seed_text("004"), now=NOW)

    assert parsed.layout == "dated"
    assert parsed.title == (
        "31 тамыз – 3 қыркүйек аралығындағы Қытайға сапар Қазақстан үшін жаңа саяси әрі "
        "экономикалық мүмкіндіктердің бастауы болды."
    )
    assert (parsed.source_name, parsed.source_domain) == ("BAQ.KZ", "baq.kz")
    assert parsed.byline == "BAQ.KZ тілшісі"
    assert parsed.photo_credit == ""
    assert parsed.published_at == datetime(2025, 9, 5, 0, 0, tzinfo=ALMATY)
    assert len(parsed.paragraphs) == 13
    # The date marker is gone; the first sentence stays in the body as well as the title.
    assert parsed.paragraphs[0].startswith(parsed.title)
    assert not any("date 2025-09-05" in p for p in parsed.paragraphs)
    assert parsed.warnings == [
        "The file has no title line; the first sentence is used as the title."
    ]


def test_dated_layout_with_impossible_date_warns() -> None:
    parsed = parse_article_text(" date 2025-02-31 Бірінші сөйлем. Екінші сөйлем.", now=NOW)
    assert parsed.layout == "dated"
    assert parsed.published_at is None
    assert "The date «2025-02-31» is not a valid calendar date." in parsed.warnings
    assert parsed.title == "Бірінші сөйлем."


def test_meta_lines_relative_time_depends_on_now() -> None:
    parsed = parse_article_text(seed_text("000"), now=datetime(2025, 9, 1, 8, 0, tzinfo=ALMATY))
    assert parsed.published_at == datetime(2025, 9, 1, 19, 52, tzinfo=ALMATY)


def test_meta_lines_list_item_in_body_is_not_metadata() -> None:
    text = "Тақырып\n- author Айгүл Сейіт\n- Кеше, 10:15\n- 1 250\n- Бірінші тармақ\nМәтін."
    parsed = parse_article_text(text, now=NOW)
    assert parsed.layout == "meta-lines"
    assert parsed.byline == "Айгүл Сейіт"
    assert parsed.published_at == datetime(2025, 9, 4, 10, 15, tzinfo=ALMATY)
    assert parsed.paragraphs == ["- Бірінші тармақ", "Мәтін."]


# -- publication times ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Бүгін, 19:52", datetime(2025, 9, 5, 19, 52, tzinfo=ALMATY)),
        ("Кеше, 10:15", datetime(2025, 9, 4, 10, 15, tzinfo=ALMATY)),
        ("Вчера, 10:15", datetime(2025, 9, 4, 10, 15, tzinfo=ALMATY)),
        ("Сегодня, 09:00", datetime(2025, 9, 5, 9, 0, tzinfo=ALMATY)),
        ("сегодня в 09:00", datetime(2025, 9, 5, 9, 0, tzinfo=ALMATY)),
        ("БҮГІН 7.05", datetime(2025, 9, 5, 7, 5, tzinfo=ALMATY)),
        ("Позавчера, 23:59", datetime(2025, 9, 3, 23, 59, tzinfo=ALMATY)),
        ("05.09.2025, 10:00", datetime(2025, 9, 5, 10, 0, tzinfo=ALMATY)),
        ("5.9.2025", datetime(2025, 9, 5, 0, 0, tzinfo=ALMATY)),
        ("2025-09-05", datetime(2025, 9, 5, 0, 0, tzinfo=ALMATY)),
    ],
)
def test_parse_publication_time(text: str, expected: datetime) -> None:
    parsed = parse_publication_time(text, now=NOW)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text",
    ["31.02.2025", "05.13.2025", "Бүгін, 25:61", "2025-02-30", "3", "Ертең, 10:00", ""],
)
def test_invalid_publication_time_is_none(text: str) -> None:
    assert parse_publication_time(text, now=NOW) is None


def test_relative_day_is_counted_in_local_time() -> None:
    # 20:30 UTC on the 4th is already 01:30 on the 5th in Almaty (UTC+5).
    now_utc = datetime(2025, 9, 4, 20, 30, tzinfo=UTC)
    assert parse_publication_time("Бүгін, 19:52", now=now_utc) == datetime(
        2025, 9, 5, 19, 52, tzinfo=ALMATY
    )
    assert parse_publication_time("Кеше, 19:52", now=now_utc) == datetime(
        2025, 9, 4, 19, 52, tzinfo=ALMATY
    )


# -- sources -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "Бұл туралы айтылды, деп хабарлайды BAQ.KZ тілшісі.",
            ("BAQ.KZ", "baq.kz", "BAQ.KZ тілшісі"),
        ),
        ("Об этом сообщает Zakon.kz.", ("Zakon.kz", "zakon.kz", "")),
        (
            "Как передает корреспондент Tengrinews.kz, встреча прошла.",
            ("Tengrinews.kz", "tengrinews.kz", ""),
        ),
        ("Келісім жасалды, деп жазады Kazinform.", ("Kazinform", "", "")),
        ("The deal was signed, Kazinform reports.", ("", "", "")),
        ("The deal was signed, reports Zakon.kz.", ("Zakon.kz", "zakon.kz", "")),
        ("Источник не указан.", ("", "", "")),
    ],
)
def test_find_source(paragraph: str, expected: tuple[str, str, str]) -> None:
    assert find_source([paragraph]) == expected


def test_find_source_looks_at_the_first_three_paragraphs_only() -> None:
    filler = ["Бірінші.", "Екінші.", "Үшінші."]
    assert find_source([*filler[:2], "сообщает Zakon.kz"])[0] == "Zakon.kz"
    assert find_source([*filler, "сообщает Zakon.kz"]) == ("", "", "")


# -- other files ---------------------------------------------------------------------------


def test_unknown_layout_uses_first_line_as_title() -> None:
    text = "\n\nПросто заголовок статьи\n\nПервый абзац текста.\nВторой абзац текста.\n"
    parsed = parse_article_text(text, now=NOW)
    assert parsed.layout == "plain"
    assert parsed.title == "Просто заголовок статьи"
    assert parsed.paragraphs == ["Первый абзац текста.", "Второй абзац текста."]
    assert parsed.published_at is None
    assert parsed.warnings == ["Unrecognised layout: the first line is used as the title."]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Только заголовок\n\n   \n", id="title-only"),
        pytest.param("Тақырып\n- author Admin\n- Бүгін, 19:52\n- 3\n", id="meta-lines-no-body"),
        pytest.param("Заголовок\n\nФото: akorda.kz\n", id="photo-credit-no-body"),
    ],
)
def test_title_without_body_is_rejected(text: str) -> None:
    with pytest.raises(ArticleParseError, match=r"^The file has a title but no body text\.$"):
        parse_article_text(text, now=NOW)


@pytest.mark.parametrize("text", ["", "  \n\u200b\n\t"])
def test_no_text_is_rejected(text: str) -> None:
    with pytest.raises(ArticleParseError, match="no text"):
        parse_article_text(text, now=NOW)


def test_date_marker_without_text_has_no_title() -> None:
    with pytest.raises(ArticleParseError, match="no title"):
        parse_article_text(" date 2025-09-05\n", now=NOW)


@pytest.mark.parametrize(
    "first_line",
    [
        pytest.param("Сөз " * 200, id="one-long-sentence"),
        pytest.param(
            "Қысқа сөйлем. " + "Екінші сөйлем өте ұзын және ол жалғаса береді " * 15,
            id="several-sentences",
        ),
    ],
)
def test_overlong_first_line_is_cut_with_a_warning_and_no_text_is_lost(first_line: str) -> None:
    first_line = first_line.strip()
    assert len(first_line) > TITLE_MAX_LENGTH
    parsed = parse_article_text(f"{first_line}\nДене мәтіні.", now=NOW)

    assert 0 < len(parsed.title) <= TITLE_MAX_LENGTH
    assert first_line.startswith(parsed.title.removesuffix("…"))
    assert f"The title was longer than {TITLE_MAX_LENGTH} characters and was cut." in (
        parsed.warnings
    )
    # What did not fit in the title stays in the article.
    assert parsed.paragraphs == [first_line, "Дене мәтіні."]


def test_overlong_title_line_in_photo_credit_layout_keeps_its_text() -> None:
    first_line = "Ұзын тақырып. " + "Жалғасы бар. " * 40
    parsed = parse_article_text(f"{first_line}\nФото: akorda.kz\nМәтін.", now=NOW)
    assert parsed.layout == "photo-credit"
    assert parsed.title == "Ұзын тақырып."
    assert parsed.paragraphs == [first_line.strip(), "Мәтін."]
    assert any("was cut" in w for w in parsed.warnings)


def test_title_of_exactly_the_limit_is_kept_whole() -> None:
    first_line = "Т" * TITLE_MAX_LENGTH
    parsed = parse_article_text(f"{first_line}\nМәтін.", now=NOW)
    assert parsed.title == first_line
    assert parsed.paragraphs == ["Мәтін."]
    assert not any("was cut" in w for w in parsed.warnings)

"""The coverage matrices, timelines and bars on small hand-built coverage rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from articles.models import Source, TranslationStatus
from articles.tests.factories import ArticleFactory, SourceFactory, TranslationFactory
from entities.coverage import selectors
from entities.coverage.periods import (
    CoverageFilters,
    bucket_end,
    bucket_label,
    buckets,
    fitting_granularity,
    today,
)
from entities.coverage.selectors import coverage_matrix, entity_timeline
from entities.models import Entity, EntityCoverage
from entities.stories.models import Story, StoryArticle

pytestmark = pytest.mark.django_db

AUGUST_SEPTEMBER = CoverageFilters(start=date(2025, 8, 1), end=date(2025, 9, 30))


# -- building coverage rows ------------------------------------------------------------------


def make_entity(name: str, kind: str = "PER") -> Entity:
    return Entity.objects.create(type=kind, name_en=name, name_kk=f"{name} (kk)")


def cover(
    entity: Entity,
    *,
    language: str = "kk",
    day: date | None = date(2025, 9, 3),
    source: Source | None = None,
    mentions: int = 1,
    article=None,
) -> EntityCoverage:
    """A coverage row for a new article (or the one given) in ``language``."""
    if article is None:
        source = source or SourceFactory(name="Default source")
        article = ArticleFactory(language=language, source=source)
    return EntityCoverage.objects.create(
        article=article,
        entity=entity,
        language=language,
        source=source if source is not None else article.source,
        published_on=day,
        mentions=mentions,
    )


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.fixture
def three_entities():
    """A: 2 kk + 2 ru texts; B: 3 ru; C (ORG): 1 en; and rows outside the period."""
    a, b, c = make_entity("Alpha"), make_entity("Beta"), make_entity("Gamma", "ORG")
    for _n in range(2):
        cover(a, language="kk", mentions=2)
        cover(a, language="ru")
    for _n in range(3):
        cover(b, language="ru")
    cover(c, language="en", mentions=5)
    cover(a, language="kk", day=date(2025, 7, 31))  # before the period
    cover(b, language="ru", day=None)  # undated
    return a, b, c


def cells(matrix) -> list[list[int]]:
    return [[cell.count for cell in row.cells] for row in matrix.rows]


# -- entity × language -------------------------------------------------------------------------


def test_entity_by_language(three_entities):
    a, b, c = three_entities
    matrix = coverage_matrix(rows="entity", columns="language", filters=AUGUST_SEPTEMBER)

    assert [col.key for col in matrix.columns] == ["kk", "ru", "en"]
    assert [row.header.key for row in matrix.rows] == [str(a.pk), str(b.pk), str(c.pk)]
    assert [row.header.label for row in matrix.rows] == ["Alpha", "Beta", "Gamma"]
    assert [row.header.kind for row in matrix.rows] == ["PER", "PER", "ORG"]
    assert cells(matrix) == [[2, 2, 0], [0, 3, 0], [0, 0, 1]]
    assert [row.total for row in matrix.rows] == [4, 3, 1]
    assert matrix.column_totals == [2, 5, 1]
    assert matrix.total == 8
    assert matrix.rows[0].header.url == f"/entities/{a.pk}/"

    kk_cell = matrix.rows[0].cells[0]
    assert urlsplit(kk_cell.url).path == "/articles/"
    assert query(kk_cell.url) == {
        "entity": str(a.pk),
        "language": "kk",
        "published_from": "2025-08-01",
        "published_to": "2025-09-30",
    }
    assert matrix.rows[0].cells[2].url == ""  # nothing to list
    assert query(matrix.columns[1].url)["language"] == "ru"


def test_entity_rows_in_the_interface_language(three_entities):
    from django.utils import translation

    with translation.override("kk"):
        matrix = coverage_matrix(rows="entity", columns="language", filters=AUGUST_SEPTEMBER)
    assert matrix.rows[0].header.label == "Alpha (kk)"


def test_filters_top_type_language_source_and_measure(three_entities):
    a, b, c = three_entities
    top_two = coverage_matrix(
        rows="entity", columns="language", filters=AUGUST_SEPTEMBER.but(top=2)
    )
    assert [row.header.key for row in top_two.rows] == [str(a.pk), str(b.pk)]

    organisations = coverage_matrix(
        rows="entity", columns="language", filters=AUGUST_SEPTEMBER.but(entity_type="ORG")
    )
    assert [row.header.key for row in organisations.rows] == [str(c.pk)]

    russian = coverage_matrix(
        rows="entity", columns="language", filters=AUGUST_SEPTEMBER.but(language="ru")
    )
    assert [col.key for col in russian.columns] == ["ru"]
    assert [(row.header.key, row.total) for row in russian.rows] == [
        (str(b.pk), 3),
        (str(a.pk), 2),
    ]

    other = SourceFactory(name="Other paper")
    cover(c, language="kk", source=other)
    by_source = coverage_matrix(
        rows="entity", columns="language", filters=AUGUST_SEPTEMBER.but(source_id=other.pk)
    )
    assert cells(by_source) == [[1, 0, 0]]
    assert query(by_source.rows[0].cells[0].url)["source"] == str(other.pk)

    mentions = coverage_matrix(
        rows="entity", columns="language", filters=AUGUST_SEPTEMBER.but(measure="mentions")
    )
    assert [(row.header.key, row.total) for row in mentions.rows][:2] == [
        (str(a.pk), 6),
        (str(c.pk), 6),
    ]

    everything = coverage_matrix(rows="entity", columns="language", filters=CoverageFilters())
    assert [row.total for row in everything.rows] == [5, 4, 2]  # undated and July included


def test_an_empty_period_has_the_language_columns_and_no_rows(three_entities):
    empty = CoverageFilters(start=date(2020, 1, 1), end=date(2020, 1, 31))
    matrix = coverage_matrix(rows="entity", columns="language", filters=empty)
    assert matrix.is_empty
    assert [col.key for col in matrix.columns] == ["kk", "ru", "en"]
    assert matrix.total == 0


def test_unknown_matrix():
    with pytest.raises(ValueError, match="No coverage matrix"):
        coverage_matrix(rows="story", columns="source", filters=AUGUST_SEPTEMBER)


# -- entity × source -------------------------------------------------------------------------


def test_entity_by_source(monkeypatch):
    big, small, third = (SourceFactory(name=n) for n in ("Big", "Small", "Third"))
    person = make_entity("Person")
    for _n in range(3):
        cover(person, source=big)
    cover(person, source=small)
    cover(person, source=third)
    unsourced = ArticleFactory(source=None, language="kk")
    cover(person, article=unsourced)

    matrix = coverage_matrix(rows="entity", columns="source", filters=AUGUST_SEPTEMBER)
    labels = [col.label for col in matrix.columns]
    assert labels[0] == "Big"
    assert set(labels) == {"Big", "Small", "Third", "No source"}
    assert dict(zip(labels, cells(matrix)[0], strict=True)) == {
        "Big": 3,
        "Small": 1,
        "Third": 1,
        "No source": 1,
    }
    big_cell = matrix.rows[0].cells[0]
    assert query(big_cell.url)["source"] == str(big.pk)
    no_source = matrix.rows[0].cells[labels.index("No source")]
    assert no_source.count == 1
    assert no_source.url == ""  # the article list cannot ask for it

    monkeypatch.setattr(selectors, "MAX_SOURCE_COLUMNS", 1)
    capped = coverage_matrix(rows="entity", columns="source", filters=AUGUST_SEPTEMBER)
    assert [col.key for col in capped.columns] == [str(big.pk), "other"]
    assert cells(capped) == [[3, 3]]
    assert "Small" in capped.columns[1].title


# -- entity × period -------------------------------------------------------------------------


def test_entity_by_week_buckets_are_iso_weeks_clamped_to_the_period():
    person = make_entity("Person")
    cover(person, day=date(2025, 9, 1))  # Monday of W36
    cover(person, day=date(2025, 9, 3))
    cover(person, day=date(2025, 9, 8), language="ru")  # W37
    cover(person, day=None)  # undated rows have no column
    filters = CoverageFilters(start=date(2025, 8, 28), end=date(2025, 9, 10))

    matrix = coverage_matrix(rows="entity", columns="week", filters=filters)

    assert matrix.granularity == "week"
    assert [col.label for col in matrix.columns] == ["2025-W35", "2025-W36", "2025-W37"]
    assert [col.key for col in matrix.columns] == ["2025-08-25", "2025-09-01", "2025-09-08"]
    assert matrix.columns[0].title == "2025-08-28 – 2025-08-31"
    assert cells(matrix) == [[0, 2, 1]]
    assert matrix.rows[0].total == 3
    assert query(matrix.rows[0].cells[1].url) == {
        "entity": str(person.pk),
        "published_from": "2025-09-01",
        "published_to": "2025-09-07",
    }
    assert query(matrix.rows[0].cells[2].url)["published_to"] == "2025-09-10"

    kazakh = coverage_matrix(rows="entity", columns="week", filters=filters.but(language="kk"))
    assert cells(kazakh) == [[0, 2, 0]]
    assert query(kazakh.rows[0].cells[1].url)["language"] == "kk"


def test_entity_by_month_and_by_day():
    person = make_entity("Person")
    cover(person, day=date(2025, 8, 31))
    cover(person, day=date(2025, 9, 1))
    cover(person, day=date(2025, 9, 30))

    months = coverage_matrix(rows="entity", columns="month", filters=AUGUST_SEPTEMBER)
    assert [col.label for col in months.columns] == ["2025-08", "2025-09"]
    assert cells(months) == [[1, 2]]

    days = CoverageFilters(start=date(2025, 8, 30), end=date(2025, 9, 1), granularity="day")
    by_day = coverage_matrix(rows="entity", columns="period", filters=days)
    assert [col.label for col in by_day.columns] == ["2025-08-30", "2025-08-31", "2025-09-01"]
    assert cells(by_day) == [[0, 1, 1]]


def test_too_many_days_become_weeks_and_all_time_starts_at_the_first_row():
    person = make_entity("Person")
    cover(person, day=date(2025, 1, 6))
    cover(person, day=date(2025, 6, 2))
    year = CoverageFilters(start=date(2025, 1, 1), end=date(2025, 12, 31), granularity="day")

    matrix = coverage_matrix(rows="entity", columns="period", filters=year)
    assert matrix.granularity == "week"
    assert matrix.notes
    assert len(matrix.columns) == 53

    all_time = coverage_matrix(
        rows="entity", columns="period", filters=CoverageFilters(granularity="month")
    )
    assert [col.label for col in all_time.columns] == [f"2025-{m:02d}" for m in range(1, 7)]
    assert cells(all_time) == [[1, 0, 0, 0, 0, 1]]


# -- story × language ------------------------------------------------------------------------


def make_story(title: str, *articles, day: datetime | None = None) -> Story:
    day = day or datetime(2025, 9, 3, 6, 0, tzinfo=UTC)
    story = Story.objects.create(
        title=title,
        article_count=len(articles),
        first_published_at=day,
        last_published_at=day,
    )
    for article in articles:
        StoryArticle.objects.create(story=story, article=article)
    return story


def test_story_by_language_counts_articles_and_finished_translations():
    kazakh = ArticleFactory(language="kk")
    russian = [ArticleFactory(language="ru") for _n in range(2)]
    TranslationFactory(article=russian[0], language="kk", status=TranslationStatus.PUBLISHED)
    TranslationFactory(article=russian[0], language="en", status=TranslationStatus.IN_PROGRESS)
    TranslationFactory(article=kazakh, language="en", status=TranslationStatus.APPROVED)
    big = make_story("Big story", kazakh, *russian)
    small = make_story("Small story", ArticleFactory(language="en"))
    make_story("Old story", ArticleFactory(language="kk"), day=datetime(2024, 1, 1, tzinfo=UTC))

    matrix = coverage_matrix(rows="story", columns="language", filters=AUGUST_SEPTEMBER)

    assert [row.header.label for row in matrix.rows] == ["Big story", "Small story"]
    assert cells(matrix) == [[2, 2, 1], [0, 0, 1]]
    assert [cell.pending for cell in matrix.rows[0].cells] == [0, 0, 1]
    assert matrix.rows[0].total == 5
    assert matrix.rows[0].header.url == f"/stories/{big.pk}/"
    assert matrix.rows[1].cells[0].url == ""
    assert matrix.rows[1].cells[2].url == f"/stories/{small.pk}/"

    only_kk = coverage_matrix(
        rows="story", columns="language", filters=AUGUST_SEPTEMBER.but(language="kk")
    )
    assert [col.key for col in only_kk.columns] == ["kk"]
    assert cells(only_kk) == [[2], [0]]

    from_source = coverage_matrix(
        rows="story",
        columns="language",
        filters=AUGUST_SEPTEMBER.but(source_id=kazakh.source_id),
    )
    assert [row.header.label for row in from_source.rows] == ["Big story"]
    assert cells(from_source) == [[1, 0, 1]]  # the kk article and its en translation


# -- queries -----------------------------------------------------------------------------------


def _entities_with_rows(count: int) -> None:
    source = SourceFactory(name="Paper")
    for n in range(count):
        person = make_entity(f"P{count}-{n}")
        cover(person, language="kk", source=source)
        cover(person, language="ru", source=source, day=date(2025, 8, 20))


def _stories(count: int) -> None:
    for n in range(count):
        article = ArticleFactory(language="ru")
        TranslationFactory(article=article, language="kk")
        make_story(f"S{count}-{n}", article)


@pytest.mark.parametrize(
    ("rows", "columns", "expected"),
    [
        # The top rows, their cells (grouped by ids alone), the entities' names; the source
        # columns also read the sources' names.
        ("entity", "language", 3),
        ("entity", "source", 4),
        ("entity", "week", 3),
        ("story", "language", 2),
    ],
)
def test_a_matrix_costs_the_same_queries_whatever_its_size(
    rows, columns, expected, django_assert_num_queries
):
    for count in (3, 15):
        EntityCoverage.objects.all().delete()
        Story.objects.all().delete()
        _stories(count) if rows == "story" else _entities_with_rows(count)
        with django_assert_num_queries(expected):
            matrix = coverage_matrix(rows=rows, columns=columns, filters=AUGUST_SEPTEMBER)
        assert len(matrix.rows) == count


def test_an_all_time_period_matrix_adds_one_min_max_query(django_assert_num_queries):
    _entities_with_rows(3)
    with django_assert_num_queries(4):
        coverage_matrix(rows="entity", columns="month", filters=CoverageFilters())


# -- timelines and bars ------------------------------------------------------------------------


def test_entity_timeline_is_one_series_per_language_over_the_last_weeks(
    django_assert_num_queries,
):
    person = make_entity("Person")
    now = today()
    cover(person, language="kk", day=now, mentions=3)
    cover(person, language="ru", day=now - timedelta(days=7), mentions=2)
    cover(person, language="ru", day=now - timedelta(days=400))  # too old

    with django_assert_num_queries(2):  # its latest day, then the counts
        chart = entity_timeline(entity_id=person.pk, period="week")

    assert len(chart.labels) == 26
    assert chart.labels[-1] == bucket_label(now - timedelta(days=now.weekday()), "week")
    assert [s.name for s in chart.series] == ["Kazakh", "Russian", "English"]
    assert chart.series[0].values[-1] == 3  # mentions, not texts
    assert chart.series[1].values[-2:] == [2, 0]
    assert sum(chart.series[1].values) == 2
    assert query(chart.series[0].url) == {"entity": str(person.pk), "language": "kk"} | {
        k: v for k, v in query(chart.series[0].url).items() if k.startswith("published")
    }
    assert not chart.is_empty

    months = entity_timeline(entity_id=person.pk, period="month")
    assert len(months.labels) == 12
    assert len(entity_timeline(entity_id=person.pk, period="day").labels) == 30
    with pytest.raises(ValueError, match="Unknown period"):
        entity_timeline(entity_id=person.pk, period="year")
    assert entity_timeline(entity_id=person.pk + 1000, period="week").is_empty


def test_entity_timeline_ends_at_the_latest_coverage_not_at_an_empty_today():
    person = make_entity("Person")
    last = today() - timedelta(days=400)
    cover(person, language="kk", day=last, mentions=4)
    cover(person, language="kk", day=last - timedelta(days=7), mentions=1)

    chart = entity_timeline(entity_id=person.pk, period="week")

    assert chart.labels[-1] == bucket_label(last - timedelta(days=last.weekday()), "week")
    assert chart.series[0].values[-2:] == [1, 4]


def test_top_entities_timeline_and_source_bars_count_each_text_once():
    paper, agency = SourceFactory(name="Paper"), SourceFactory(name="Agency")
    alpha, beta = make_entity("Alpha"), make_entity("Beta")
    shared = ArticleFactory(language="kk", source=paper)
    cover(alpha, article=shared, day=date(2025, 9, 1))
    cover(beta, article=shared, day=date(2025, 9, 1))  # same text, second entity
    cover(alpha, language="ru", source=agency, day=date(2025, 9, 9))
    cover(alpha, language="ru", source=agency, day=date(2025, 9, 9))
    filters = CoverageFilters(start=date(2025, 9, 1), end=date(2025, 9, 14))

    top = selectors.top_entities_timeline(filters=filters)
    assert [s.name for s in top.series] == ["Alpha", "Beta"]
    assert top.labels == ["2025-W36", "2025-W37"]
    assert [s.values for s in top.series] == [[1, 2], [1, 0]]

    by_language = selectors.language_timeline(filters=filters)
    assert [s.values for s in by_language.series] == [[1, 0], [0, 2], [0, 0]]

    bars = selectors.source_bars(filters=filters)
    assert bars.labels == ["Agency", "Paper"]
    assert [s.values for s in bars.series] == [[0, 1], [2, 0], [0, 0]]
    assert bars.rows == [("Agency", [0, 2, 0], 2), ("Paper", [1, 0, 0], 1)]

    alpha_only = selectors.source_bars(filters=filters.but(entity_id=alpha.pk))
    assert [s.values for s in alpha_only.series] == [[0, 1], [2, 0], [0, 0]]
    assert [e.pk for e in selectors.top_entities(filters=filters)] == [alpha.pk, beta.pk]


def test_text_counts_count_each_text_once_by_day_and_by_source(django_assert_num_queries):
    paper, agency = SourceFactory(name="Paper"), SourceFactory(name="Agency")
    alpha, beta, place = make_entity("Alpha"), make_entity("Beta"), make_entity("Place", "LOC")
    shared = ArticleFactory(language="kk", source=paper)
    for entity, mentions in ((alpha, 2), (beta, 1), (place, 4)):  # one text, three entities
        cover(entity, article=shared, day=date(2025, 9, 1), mentions=mentions)
    translation = TranslationFactory(article=shared, language="ru")
    for entity in (alpha, beta):  # its translation: another text, in its own language
        EntityCoverage.objects.create(
            article=shared, translation=translation, entity=entity, language="ru",
            source=paper, published_on=date(2025, 9, 1), mentions=1,
        )  # fmt: skip
    cover(alpha, language="ru", source=agency, day=date(2025, 9, 9))
    cover(beta, language="ru", source=agency, day=None)  # undated: in the bars only
    cover(alpha, language="kk", source=agency, day=date(2025, 10, 1))  # after the period
    filters = CoverageFilters(start=date(2025, 9, 1), end=date(2025, 9, 14))

    with django_assert_num_queries(1):
        counts = selectors.text_counts(filters=CoverageFilters())  # all time
    assert counts.by_day == {
        "kk": {date(2025, 9, 1): 1, date(2025, 10, 1): 1},
        "ru": {date(2025, 9, 1): 1, date(2025, 9, 9): 1},
    }
    assert counts.by_source == {paper.pk: {"kk": 1, "ru": 1}, agency.pk: {"ru": 2, "kk": 1}}
    # The period leaves the undated text out; mentions are summed, not texts counted.
    mentions = selectors.text_counts(filters=filters.but(measure="mentions"))
    assert mentions.by_day == {"kk": {date(2025, 9, 1): 7}, "ru": {date(2025, 9, 1): 2, date(2025, 9, 9): 1}}  # fmt: skip
    assert mentions.by_source == {paper.pk: {"kk": 7, "ru": 2}, agency.pk: {"ru": 1}}
    # The entity type and the language narrow the rows before the texts are counted.
    places = selectors.text_counts(filters=filters.but(entity_type="LOC"))
    assert places.by_source == {paper.pk: {"kk": 1}}
    assert selectors.text_counts(filters=filters.but(language="ru")).by_day == {
        "ru": {date(2025, 9, 1): 1, date(2025, 9, 9): 1}
    }

    # Counts read once feed both charts, which then read no counts themselves.
    counts = selectors.text_counts(filters=filters)
    with django_assert_num_queries(0):
        by_language = selectors.language_timeline(filters=filters, counts=counts)
    assert [s.values for s in by_language.series] == [[1, 0], [1, 1], [0, 0]]
    with django_assert_num_queries(1):  # the sources' names
        bars = selectors.source_bars(filters=filters, counts=counts)
    assert bars.rows == [("Paper", [1, 1, 0], 2), ("Agency", [0, 1, 0], 1)]


# -- periods -----------------------------------------------------------------------------------


def test_bucket_arithmetic():
    assert buckets(date(2025, 8, 28), date(2025, 9, 10), "week") == [
        date(2025, 8, 25),
        date(2025, 9, 1),
        date(2025, 9, 8),
    ]
    assert buckets(date(2024, 12, 15), date(2025, 2, 1), "month") == [
        date(2024, 12, 1),
        date(2025, 1, 1),
        date(2025, 2, 1),
    ]
    assert bucket_end(date(2024, 2, 1), "month") == date(2024, 2, 29)
    assert bucket_end(date(2024, 12, 1), "month") == date(2024, 12, 31)
    assert bucket_label(date(2024, 12, 30), "week") == "2025-W01"  # ISO year
    assert fitting_granularity(date(2025, 1, 1), date(2025, 3, 1), "day") == "day"
    assert fitting_granularity(date(2015, 1, 1), date(2025, 1, 1), "day") == "month"
    last_week = CoverageFilters.last_days(7, until=date(2025, 9, 7))
    assert (last_week.start, last_week.end) == (date(2025, 9, 1), date(2025, 9, 7))
    assert CoverageFilters.last_days(None).start is None

"""The coverage pages and the export: roles, content, filters, formats and query counts."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.roles import Role
from articles.tests.factories import ArticleFactory, SourceFactory, TranslationFactory
from entities.coverage.periods import today
from entities.models import EntityCoverage
from entities.tests.test_coverage_selectors import cover, make_entity, make_story

pytestmark = pytest.mark.django_db

PAGES = ["entities:coverage", "entities:coverage_charts", "entities:gaps"]
EXPORTS = ["csv", "json"]


def url_of(name: str, fmt: str = "") -> str:
    return reverse(name, kwargs={"fmt": fmt} if fmt else None)


ALL_URLS = [(name, "") for name in PAGES] + [("entities:coverage_export", f) for f in EXPORTS]


@pytest.fixture
def users(make_user):
    return {
        "translator": make_user("t", Role.TRANSLATOR),
        "reviewer": make_user("r", Role.REVIEWER),
        "editor": make_user("e", Role.EDITOR),
        "admin": make_user("a", superuser=True),
    }


@pytest.fixture
def desk(client, users):
    client.force_login(users["editor"])
    return client


def recent_rows(count: int, *, prefix: str = "P") -> None:
    """``count`` entities, each in a kk and a ru text of this week, from one source."""
    source = SourceFactory(name="Paper")
    day = today()
    for n in range(count):
        person = make_entity(f"{prefix}{n}")
        cover(person, language="kk", source=source, day=day, mentions=2)
        cover(person, language="ru", source=source, day=day - timedelta(days=1))


# -- roles -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "fmt"), ALL_URLS)
def test_role_matrix(client, users, name, fmt):
    url = url_of(name, fmt)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.post(url).status_code == 302

    expected = {"translator": 403, "reviewer": 200, "editor": 200, "admin": 200}
    for role, status in expected.items():
        client.force_login(users[role])
        assert client.get(url).status_code == status, role
        assert client.head(url).status_code == status, role
        assert client.post(url).status_code == 405, role


def test_unknown_export_format_is_404(desk, client, users):
    assert desk.get(url_of("entities:coverage_export", "xml")).status_code == 404
    client.force_login(users["translator"])
    assert client.get(url_of("entities:coverage_export", "xml")).status_code == 403


# -- the coverage page -------------------------------------------------------------------------


def test_coverage_page_shows_the_matrix_with_links(desk):
    recent_rows(2)
    response = desk.get(url_of("entities:coverage"))
    assert response.status_code == 200
    page = response.content.decode()
    matrix = response.context["matrix"]
    assert matrix.key == "entity-language"
    assert [[c.count for c in row.cells] for row in matrix.rows] == [[1, 1, 0], [1, 1, 0]]
    assert 'class="data matrix matrix-entity-language"' in page
    assert matrix.rows[0].cells[0].url.replace("&", "&amp;") in page
    assert "P0" in page
    assert "P1" in page
    assert 'href="/coverage/export.csv?matrix=entity-language"' in page
    assert 'href="/coverage/export.json?matrix=entity-language"' in page
    assert "css/coverage.css" in page
    for key in ("entity-source", "story-language", "entity-period"):
        assert f"?matrix={key}" in page


@pytest.mark.parametrize("key", ["entity-source", "story-language", "entity-period"])
def test_every_matrix_renders(desk, key):
    recent_rows(2)
    article = ArticleFactory(language="ru")
    make_story("A story", article, day=article.published_at)
    response = desk.get(url_of("entities:coverage"), {"matrix": key, "granularity": "day"})
    assert response.status_code == 200
    assert response.context["matrix"].key == key
    assert response.context["matrix"].rows


def test_invalid_filters_are_reported_and_left_out(desk):
    recent_rows(1)
    response = desk.get(url_of("entities:coverage"), {"top": "7", "language": "xx"})
    assert response.status_code == 400
    assert response.context["matrix"].filters.top == 20
    assert response.context["matrix"].filters.language == ""
    assert "Some filters were not applied" in response.content.decode()

    backwards = desk.get(url_of("entities:coverage"), {"start": "2025-09-10", "end": "2025-09-01"})
    assert backwards.status_code == 400


def test_period_presets_and_dates(desk):
    person = make_entity("Old news")
    cover(person, day=today() - timedelta(days=60))
    default = desk.get(url_of("entities:coverage"))
    assert default.context["matrix"].filters.end == today()
    assert default.context["matrix"].filters.start == today() - timedelta(days=29)
    assert not default.context["matrix"].rows
    ninety = desk.get(url_of("entities:coverage"), {"period": "90"})
    assert len(ninety.context["matrix"].rows) == 1
    day = (today() - timedelta(days=60)).isoformat()
    dates = desk.get(url_of("entities:coverage"), {"start": day, "end": day, "period": "7"})
    assert len(dates.context["matrix"].rows) == 1
    everything = desk.get(url_of("entities:coverage"), {"period": "all"})
    assert everything.context["matrix"].filters.start is None


# -- exports -----------------------------------------------------------------------------------


def test_csv_export(desk):
    recent_rows(2)
    evil = make_entity("=HYPERLINK(1)")
    cover(evil, language="en", day=today())
    response = desk.get(url_of("entities:coverage_export", "csv"), {"language": ""})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="coverage-entity-language-')
    assert disposition.endswith('.csv"')
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert table[0] == ["Entity", "Type", "Kazakh", "Russian", "English", "Total"]
    assert table[1] == ["P0", "PER", "1", "1", "0", "2"]
    assert table[2] == ["P1", "PER", "1", "1", "0", "2"]
    assert table[3] == ["'=HYPERLINK(1)", "PER", "0", "0", "1", "1"]
    assert table[-1] == ["Total", "", "2", "2", "1", "5"]


def test_csv_export_of_a_story_matrix_has_no_type_column(desk):
    article = ArticleFactory(language="ru")
    make_story("Story", article, day=article.published_at)
    response = desk.get(url_of("entities:coverage_export", "csv"), {"matrix": "story-language"})
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0] == ["Story", "Kazakh", "Russian", "English", "Total"]
    assert table[1] == ["Story", "0", "1", "0", "1"]


def test_json_export(desk):
    recent_rows(1)
    response = desk.get(
        url_of("entities:coverage_export", "json"),
        {"matrix": "entity-period", "granularity": "month", "measure": "mentions"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].endswith('.json"')
    data = json.loads(response.content)
    assert data["matrix"] == "entity-period"
    assert data["measure"] == "mentions"
    assert data["filters"]["end"] == today().isoformat()
    assert data["rows"][0]["label"] == "P0"
    assert data["rows"][0]["total"] == 3
    assert data["total"] == 3
    assert data["columns"][-1]["key"] == today().replace(day=1).isoformat()
    cell = data["rows"][0]["cells"][-1]
    assert cell["count"] >= 2
    assert cell["url"].startswith("http://testserver/articles/?entity=")


def test_invalid_export_filters_are_400(desk):
    response = desk.get(url_of("entities:coverage_export", "csv"), {"matrix": "nope"})
    assert response.status_code == 400
    assert "matrix" in json.loads(response.content)["errors"]


# -- charts ------------------------------------------------------------------------------------


def test_charts_page_draws_svg_with_its_numbers(desk):
    recent_rows(2)
    response = desk.get(url_of("entities:coverage_charts"), {"granularity": "day"})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<svg class="chart-svg"') == 3
    assert 'role="img"' in page
    assert "<desc id=" in page
    assert "<polyline" in page
    assert "<rect" in page
    assert "<script" not in page.split("<main", 1)[1]
    assert 'style="' not in page.split("<main", 1)[1]
    # The numbers as tables: folded on screen, and a copy for print.
    assert page.count('class="data compact chart-table"') == 6
    bars = response.context["bars"]
    assert bars.labels == ["Paper"]
    assert [s.values for s in bars.series] == [[2], [2], [0]]
    assert '<td class="number">2</td>' in page


def test_charts_page_follows_one_entity(desk):
    recent_rows(2)
    followed = EntityCoverage.objects.order_by("entity_id").first().entity
    response = desk.get(url_of("entities:coverage_charts"), {"entity": followed.pk})
    assert response.status_code == 200
    assert response.context["entity"] == followed
    chart = response.context["followed"]
    assert [s.name for s in chart.series] == ["Kazakh", "Russian", "English"]
    assert sum(chart.series[0].values) == 1
    assert f'value="{followed.pk}" selected' in response.content.decode()

    missing = desk.get(url_of("entities:coverage_charts"), {"entity": 999999})
    assert missing.status_code == 400
    assert missing.context["entity"] is None


def test_charts_of_an_empty_period(desk):
    response = desk.get(url_of("entities:coverage_charts"))
    assert response.status_code == 200
    assert "No data for this period." in response.content.decode()


# -- query counts: constant whatever the number of rows ----------------------------------------


def _queries(client, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def _grow(count: int) -> None:
    recent_rows(count, prefix=f"N{count}-")
    for n in range(count):
        article = ArticleFactory(language="ru", title=f"Story article {count}-{n}")
        TranslationFactory(article=article, language="en")
        make_story(f"Story {count}-{n}", article, day=article.published_at)


@pytest.mark.parametrize(
    ("name", "fmt", "params"),
    [
        ("entities:coverage", "", {}),
        ("entities:coverage", "", {"matrix": "entity-source"}),
        ("entities:coverage", "", {"matrix": "story-language"}),
        ("entities:coverage", "", {"matrix": "entity-period", "period": "all"}),
        ("entities:coverage_export", "csv", {"matrix": "entity-source"}),
        ("entities:coverage_export", "json", {"matrix": "story-language"}),
        ("entities:coverage_charts", "", {}),
        ("entities:coverage_charts", "", {"entity": "ENTITY"}),
        ("entities:gaps", "", {}),
    ],
)
def test_queries_do_not_grow_with_rows(desk, django_assert_max_num_queries, name, fmt, params):
    desk.get(url_of("entities:coverage"))  # the session's first request stores the language
    counts = []
    follow = params.get("entity") == "ENTITY"
    for count in (3, 15):
        EntityCoverage.objects.all().delete()
        _grow(count)
        if follow:  # an entity of this round, so the followed entity has rows in both
            params = {"entity": EntityCoverage.objects.first().entity_id}
        counts.append(_queries(desk, url_of(name, fmt), params))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(counts[1]):
        desk.get(url_of(name, fmt), params)
    assert counts[1] <= 13

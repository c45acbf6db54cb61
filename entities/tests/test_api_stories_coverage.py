"""/api/v1/stories/ and /api/v1/coverage/: who may read them, what they show, the browser's
filters (bad values as 400 problems naming the field), and constant query counts."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import TranslationStatus
from articles.tests.factories import ArticleFactory, SourceFactory, TranslationFactory
from entities.coverage.periods import today
from entities.coverage.selectors import matrix_kinds
from entities.models import EntityCoverage
from entities.stories import similarity
from entities.stories.models import Story
from entities.stories.services import story_confirm
from entities.tests.test_coverage_selectors import cover, make_entity
from entities.tests.test_coverage_selectors import make_story as make_story_of
from entities.tests.test_stories_views import make_story

pytestmark = pytest.mark.django_db

STORIES = reverse("api:story-list")
COVERAGE = reverse("api:coverage-list")
KINDS = list(matrix_kinds())


def story_url(pk: int) -> str:
    return reverse("api:story-detail", args=[pk])


def matrix_url(kind: str) -> str:
    return reverse("api:coverage-matrix", kwargs={"matrix": kind})


@pytest.fixture(autouse=True)
def _a_big_archive(monkeypatch):
    """As in test_stories_views: count the archive as a desk's, where a story's names are
    rare enough to cluster its articles."""
    monkeypatch.setattr(similarity, "MIN_CORPUS", 1000)


@pytest.fixture
def users(translator, reviewer, editor, admin_user_):
    return {"translator": translator, "reviewer": reviewer, "editor": editor, "admin": admin_user_}


def assert_problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    if field is not None:
        assert field in {error["field"] for error in body["errors"]}, body
    return body


def warm(client) -> None:
    """The key's first use records it (an UPDATE); measure queries after that."""
    client.get(COVERAGE)


# -- roles ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("translator", 403), ("reviewer", 200), ("editor", 200), ("admin", 200)],
)
def test_role_matrix(api_client_for, users, role, status):
    story = make_story(2, tag="m")
    client = api_client_for(users[role], scopes=("read",))
    urls = [STORIES, story_url(story.pk), COVERAGE, *(matrix_url(kind) for kind in KINDS)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == status, (url, response.content)
        if status == 403:
            assert_problem(response, 403)
        # Reads only: writing methods are not routes here, whatever the key's scopes.
        assert api_client_for(users[role]).post(url).status_code in (403, 405)


def test_no_credentials_is_401(client):
    story = make_story(1, tag="a", translated=False)
    for url in (STORIES, story_url(story.pk), COVERAGE, matrix_url("entity-language")):
        assert_problem(client.get(url), 401)


def test_an_import_only_key_cannot_read(api_client_for, editor):
    assert_problem(api_client_for(editor, scopes=("import",)).get(STORIES), 403)


# -- stories ----------------------------------------------------------------------------------


def test_story_list_rows(api_client_for, editor):
    story = make_story(3, tag="x")
    other = make_story(1, tag="y", hours=100, translated=False)
    story_confirm(story=story, user=editor)

    body = api_client_for(editor).get(STORIES).json()

    assert [row["id"] for row in body["results"]] == [other.pk, story.pk]  # newest first
    row = body["results"][1]
    story.refresh_from_db()
    assert row["url"] == f"http://testserver{story_url(story.pk)}"
    assert row["web_url"] == f"http://testserver/stories/{story.pk}/"
    assert row["title"] == story.title
    assert (row["confirmed"], row["confirmed_by"]) == (True, editor.username)
    assert row["confirmed_at"] is not None
    assert row["article_count"] == 3
    assert row["languages"] == ["kk", "ru"]
    assert row["translated"] == ["en"]
    assert row["sources"] == ["Source Ax", "Source Bx"]
    assert body["results"][0]["confirmed"] is False
    assert body["results"][0]["confirmed_by"] is None
    assert body["results"][0]["translated"] == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"big", "small"}),
        ({"language_present": "en"}, {"big"}),
        ({"language_missing": "en"}, {"small"}),
        ({"language_present": "ru"}, {"big"}),
        ({"confirmed": "yes"}, {"big"}),
        ({"confirmed": "no"}, {"small"}),
        ({"published_from": "2025-09-20"}, {"small"}),
        ({"published_to": "2025-09-17"}, {"big"}),
        ({"published_from": "2025-09-16", "published_to": "2025-09-16"}, {"big"}),
    ],
)
def test_story_list_filters(api_client_for, editor, query, expected):
    made = {
        "big": make_story(3, tag="big"),
        "small": make_story(1, tag="small", hours=100, translated=False),
    }
    story_confirm(story=made["big"], user=editor)
    names = {story.pk: name for name, story in made.items()}

    rows = api_client_for(editor).get(STORIES, query).json()["results"]

    assert {names[row["id"]] for row in rows} == expected


def test_story_list_source_filter(api_client_for, editor):
    big = make_story(3, tag="big")
    make_story(1, tag="small", hours=100, translated=False)
    source = big.memberships.first().article.source

    rows = api_client_for(editor).get(STORIES, {"source": source.pk}).json()["results"]

    assert [row["id"] for row in rows] == [big.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"language_present": "de"}, "language_present"),
        ({"language_present": "kk", "language_missing": "kk"}, "language_missing"),
        ({"published_from": "yesterday"}, "published_from"),
        ({"published_from": "2025-09-20", "published_to": "2025-09-01"}, "published_to"),
        ({"source": "abc"}, "source"),
        ({"source": str(2**70)}, "source"),
        ({"source": "987654"}, "source"),
        ({"confirmed": "maybe"}, "confirmed"),
        ({"ordering": "title"}, None),
    ],
)
def test_story_list_bad_filters(api_client_for, editor, query, field):
    make_story(1, tag="f", translated=False)
    response = api_client_for(editor).get(STORIES, query)
    if field is None:  # an ordering not offered is ignored, as DRF's OrderingFilter does
        assert response.status_code == 200
        return
    assert_problem(response, 400, field)


def test_story_list_is_a_cursor(api_client_for, editor):
    made = [make_story(1, tag=f"p{n}", hours=50 * n, translated=False) for n in range(3)]
    client = api_client_for(editor)

    first = client.get(STORIES, {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    ids = [row["id"] for row in first["results"] + second["results"]]
    assert ids == [story.pk for story in reversed(made)]
    assert second["next"] is None


@pytest.mark.parametrize(
    "cursor", ["garbage", base64.b64encode(b"p=abc").decode(), base64.b64encode(b"p=1e99").decode()]
)
def test_story_list_bad_cursor_is_400(api_client_for, editor, cursor):
    make_story(1, tag="c", translated=False)
    assert_problem(api_client_for(editor).get(STORIES, {"cursor": cursor}), 400, "cursor")


def test_story_detail(api_client_for, editor):
    story = make_story(3, tag="p")
    first_article = story.memberships.order_by("article__published_at").first().article
    Story.objects.filter(pk=story.pk).update(title="Тоқаев инвесторлармен кездесті")

    response = api_client_for(editor).get(story_url(story.pk))

    assert response.status_code == 200, response.content
    assert response["ETag"].startswith(f'"story-{story.pk}-v')
    body = response.json()
    assert body["title"] == "Тоқаев инвесторлармен кездесті"
    assert (body["confirmed"], body["article_count"]) == (False, 3)
    assert (body["languages"], body["translated"], body["missing"]) == (["kk", "ru"], ["en"], [])
    articles = body["articles"]
    assert [a["language"] for a in articles] == ["kk", "ru", "kk"]  # oldest first
    assert articles[0] == {
        "id": first_article.pk,
        "url": articles[0]["url"],
        "web_url": f"http://testserver/articles/{first_article.pk}/",
        "title": first_article.title,
        "language": "kk",
        "source": {"id": first_article.source_id, "name": "Source Ap"},
        "published_at": articles[0]["published_at"],
        "status": first_article.status,
        "pinned": False,
        "score": articles[0]["score"],
    }
    assert articles[0]["url"].endswith(f"/api/v1/articles/{first_article.pk}/")
    assert [t["language"] for t in body["translations"]] == ["en", "en", "en"]
    assert {t["article"] for t in body["translations"]} == {a["id"] for a in articles}
    assert all(
        t["url"].startswith("http://testserver/api/v1/translations/") for t in body["translations"]
    )
    assert [(e["name"], e["article_count"]) for e in body["entities"]] == [
        ("Guest p", 3),
        ("Place p", 3),
    ]
    assert [(p["article"], p["position"]) for p in body["timeline"]] == [
        (articles[0]["id"], 0.0),
        (articles[1]["id"], 50.0),
        (articles[2]["id"], 100.0),
    ]


def test_story_detail_etag_follows_the_content(api_client_for, editor):
    story = make_story(2, tag="e")
    client = api_client_for(editor)
    before = client.get(story_url(story.pk))["ETag"]
    assert client.get(story_url(story.pk))["ETag"] == before

    TranslationFactory(article=story.memberships.first().article, language="ru")

    assert client.get(story_url(story.pk))["ETag"] != before


def test_missing_stories_are_404(api_client_for, editor):
    client = api_client_for(editor)
    assert_problem(client.get(story_url(987654)), 404)
    assert_problem(client.get("/api/v1/stories/abc/"), 404)
    assert_problem(client.get("/api/v1/stories/99999999999999999999999/"), 404)


def test_story_queries_do_not_grow(api_client_for, editor, django_assert_num_queries):
    client = api_client_for(editor)
    warm(client)
    small = make_story(2, tag="s")
    with CaptureQueriesContext(connection) as detail_queries:
        assert len(client.get(story_url(small.pk)).json()["articles"]) == 2
    with CaptureQueriesContext(connection) as list_queries:
        assert len(client.get(STORIES).json()["results"]) == 1

    large = make_story(12, tag="l", hours=500)
    for n in range(8):
        make_story(2, tag=f"more{n}", hours=1000 + 50 * n)
    with django_assert_num_queries(len(detail_queries)):
        assert len(client.get(story_url(large.pk)).json()["articles"]) == 12
    with django_assert_num_queries(len(list_queries)):
        assert len(client.get(STORIES).json()["results"]) == 10


# -- coverage ---------------------------------------------------------------------------------


@pytest.fixture
def covered():
    """Two entities in kk and ru texts of this week from two sources, and a story."""
    day = today()
    paper, agency = SourceFactory(name="Paper"), SourceFactory(name="Agency")
    tokayev, astana = make_entity("Tokayev"), make_entity("Astana", "LOC")
    cover(tokayev, language="kk", source=paper, day=day, mentions=3)
    cover(tokayev, language="ru", source=agency, day=day - timedelta(days=1))
    cover(astana, language="kk", source=paper, day=day)
    article = ArticleFactory(language="ru", source=paper)
    TranslationFactory(article=article, language="kk", status=TranslationStatus.PUBLISHED)
    TranslationFactory(article=article, language="en", status=TranslationStatus.IN_PROGRESS)
    story = make_story_of("Summit", article, day=timezone.now())
    return {"tokayev": tokayev, "astana": astana, "paper": paper, "agency": agency, "story": story}


def test_the_matrix_kinds(api_client_for, editor):
    body = api_client_for(editor).get(COVERAGE).json()
    assert [kind["kind"] for kind in body] == KINDS
    assert body[0]["url"] == f"http://testserver{matrix_url(KINDS[0])}"
    assert {(k["kind"], k["rows"], k["columns"]) for k in body} == {
        ("entity-language", "entity", "language"),
        ("entity-source", "entity", "source"),
        ("entity-period", "entity", "period"),
        ("story-language", "story", "language"),
    }


def test_entity_language_matrix(api_client_for, editor, covered):
    body = api_client_for(editor).get(matrix_url("entity-language")).json()

    assert body["kind"] == "entity-language"
    assert body["measure"] == "texts"
    assert body["granularity"] is None
    assert [c["key"] for c in body["columns"]] == ["kk", "ru", "en"]
    assert body["filters"]["end"] == today().isoformat()
    assert body["filters"]["start"] == (today() - timedelta(days=29)).isoformat()
    assert body["filters"]["top"] == 20
    tokayev = body["rows"][0]
    assert (tokayev["key"], tokayev["label"], tokayev["type"]) == (
        str(covered["tokayev"].pk),
        "Tokayev",
        "PER",
    )
    assert tokayev["url"].startswith("http://testserver/")
    assert [(c["column"], c["count"]) for c in tokayev["cells"]] == [
        ("kk", 1),
        ("ru", 1),
        ("en", 0),
    ]
    assert tokayev["cells"][0]["url"].startswith("http://testserver/articles/?")
    assert tokayev["cells"][2]["url"] == ""
    assert tokayev["total"] == 2
    assert body["column_totals"] == [2, 1, 0]
    assert body["total"] == 3


def test_entity_language_matrix_filters(api_client_for, editor, covered):
    client = api_client_for(editor)

    mentions = client.get(matrix_url("entity-language"), {"measure": "mentions"}).json()
    assert mentions["rows"][0]["total"] == 4
    places = client.get(matrix_url("entity-language"), {"entity_type": "LOC"}).json()
    assert [row["label"] for row in places["rows"]] == ["Astana"]
    russian = client.get(matrix_url("entity-language"), {"language": "ru"}).json()
    assert [c["key"] for c in russian["columns"]] == ["ru"]
    assert russian["filters"]["language"] == "ru"
    from_agency = client.get(matrix_url("entity-language"), {"source": covered["agency"].pk})
    assert [row["label"] for row in from_agency.json()["rows"]] == ["Tokayev"]
    long_ago = client.get(
        matrix_url("entity-language"), {"start": "2020-01-01", "end": "2020-01-31"}
    ).json()
    assert long_ago["rows"] == []
    assert long_ago["filters"]["start"] == "2020-01-01"
    all_time = client.get(matrix_url("entity-language"), {"period": "all", "top": "10"}).json()
    assert (all_time["filters"]["start"], all_time["filters"]["top"]) == (None, 10)


def test_entity_source_matrix(api_client_for, editor, covered):
    body = api_client_for(editor).get(matrix_url("entity-source")).json()

    columns = {c["key"]: c["label"] for c in body["columns"]}
    assert columns == {str(covered["paper"].pk): "Paper", str(covered["agency"].pk): "Agency"}
    tokayev = body["rows"][0]
    assert {c["column"]: c["count"] for c in tokayev["cells"]} == {
        str(covered["paper"].pk): 1,
        str(covered["agency"].pk): 1,
    }


def test_entity_period_matrix(api_client_for, editor, covered):
    body = (
        api_client_for(editor)
        .get(matrix_url("entity-period"), {"granularity": "day", "period": "7"})
        .json()
    )

    assert body["granularity"] == "day"
    assert [c["key"] for c in body["columns"]] == [
        (today() - timedelta(days=n)).isoformat() for n in range(6, -1, -1)
    ]
    tokayev = body["rows"][0]
    assert [c["count"] for c in tokayev["cells"]][-2:] == [1, 1]
    assert sum(c["count"] for c in tokayev["cells"]) == tokayev["total"] == 2

    long = (
        api_client_for(editor)
        .get(matrix_url("entity-period"), {"granularity": "day", "period": "365"})
        .json()
    )
    assert long["granularity"] == "week"
    assert long["notes"]


def test_story_language_matrix(api_client_for, editor, covered):
    body = api_client_for(editor).get(matrix_url("story-language")).json()

    [row] = body["rows"]
    assert (row["key"], row["label"], row["type"]) == (str(covered["story"].pk), "Summit", None)
    assert [(c["column"], c["count"], c["pending"]) for c in row["cells"]] == [
        ("kk", 1, 0),
        ("ru", 1, 0),
        ("en", 0, 1),
    ]
    assert row["url"] == f"http://testserver/stories/{covered['story'].pk}/"


def test_unknown_matrix_is_404(api_client_for, editor):
    body = assert_problem(api_client_for(editor).get(matrix_url("story-source")), 404)
    assert "entity-language" in body["detail"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"top": "7"}, "top"),
        ({"top": "x"}, "top"),
        ({"measure": "words"}, "measure"),
        ({"period": "14"}, "period"),
        ({"start": "2025-13-01"}, "start"),
        ({"start": "2025-09-10", "end": "2025-09-01"}, "end"),
        ({"language": "de"}, "language"),
        ({"entity_type": "GPE"}, "entity_type"),
        ({"granularity": "year"}, "granularity"),
        ({"source": "abc"}, "source"),
        ({"source": str(2**70)}, "source"),
        ({"source": "987654"}, "source"),
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_bad_filters_are_400_naming_the_field(api_client_for, editor, kind, query, field):
    assert_problem(api_client_for(editor).get(matrix_url(kind), query), 400, field)


@pytest.mark.parametrize("kind", KINDS)
def test_matrices_cost_the_same_queries_whatever_their_size(
    api_client_for, editor, kind, django_assert_num_queries
):
    client = api_client_for(editor)
    warm(client)
    source = SourceFactory(name="Paper")

    def grow(count: int) -> None:
        for n in range(count):
            person = make_entity(f"P{count}-{n}")
            cover(person, language="kk", source=SourceFactory(name=f"S{n}"), day=today())
            cover(person, language="ru", source=source, day=today() - timedelta(days=3))
            article = ArticleFactory(language="ru", source=source)
            TranslationFactory(article=article, language="kk")
            make_story_of(f"S{count}-{n}", article, day=timezone.now())

    query = {"source": source.pk, "period": "30"}
    grow(1)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(matrix_url(kind), query).json()["rows"]) == 1
    EntityCoverage.objects.all().delete()
    Story.objects.all().delete()
    grow(15)
    with django_assert_num_queries(len(small)):
        assert len(client.get(matrix_url(kind), query).json()["rows"]) == 15


def test_all_dates_are_iso_days(api_client_for, editor, covered):
    body = api_client_for(editor).get(
        matrix_url("entity-period"), {"start": "2025-01-01", "end": date.today().isoformat()}
    )
    assert body.status_code == 200
    assert body.json()["filters"]["start"] == "2025-01-01"

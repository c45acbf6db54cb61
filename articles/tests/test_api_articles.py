"""/api/v1/articles/: list (filters, ordering, cursor walk, visibility), detail (fields, ETag),
create, change (If-Match), delete, workflow steps and assignment, per role and key scope."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from articles.models import Article, ArticleStatus, Comment, ExtractionState, Source
from articles.tests.factories import ArticleFactory, SourceFactory, TranslationFactory
from entities.models import DateMention, Entity, Figure, Mention, Quote, ReviewStatus
from entities.stories.models import Story, StoryArticle

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
LIST = "/api/v1/articles/"


def detail(pk: int) -> str:
    return f"/api/v1/articles/{pk}/"


def etag(article: Article) -> str:
    article.refresh_from_db()
    return f'"article-{article.pk}-v{article.version}"'


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def walk(client, url: str) -> list[dict]:
    """Every row of a cursor-paged list, following ``next``."""
    rows: list[dict] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        rows.extend(response.json()["results"])
        url = response.json()["next"]
    return rows


@pytest.fixture(autouse=True)
def extraction_queue(monkeypatch):
    """Extraction is the pipeline's business (tested there); here it stays pending."""
    queued: list[int] = []
    monkeypatch.setattr("articles.services._enqueue_extraction", queued.append)
    return queued


@pytest.fixture
def editor_api(editor, api_client_for):
    return api_client_for(editor)


@pytest.fixture
def reviewer_api(reviewer, api_client_for):
    return api_client_for(reviewer)


@pytest.fixture
def translator_api(translator, api_client_for):
    return api_client_for(translator)


@pytest.fixture
def admin_api(admin_user_, api_client_for):
    return api_client_for(admin_user_)


def problem(response) -> dict:
    assert response["Content-Type"].startswith("application/problem+json"), response.content
    return response.json()


def error_fields(response) -> set[str]:
    return {error["field"] for error in problem(response)["errors"]}


# -- list -----------------------------------------------------------------------------------------

LIST_FIELDS = {
    "id", "url", "title", "language", "status", "source", "source_url", "published_at",
    "updated_at", "version", "extraction_state", "byline", "story",
}  # fmt: skip


def test_list_shape_newest_first(editor_api):
    source = SourceFactory(name="BAQ.KZ", domain="baq.kz")
    older = ArticleFactory(source=source, byline="Айгүл")
    newer = ArticleFactory(source=None)
    response = editor_api.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    assert ids(response) == [newer.pk, older.pk]
    row = body["results"][1]
    assert set(row) == LIST_FIELDS
    assert row["url"] == f"http://testserver/api/v1/articles/{older.pk}/"
    assert row["source"] == {"id": source.pk, "name": "BAQ.KZ", "domain": "baq.kz"}
    assert row["byline"] == "Айгүл"
    assert row["story"] is None
    assert row["version"] == 1
    assert body["results"][0]["source"] is None


def test_translator_sees_only_the_articles_they_translate(translator, translator_api):
    mine = ArticleFactory()
    TranslationFactory(article=mine, translator=translator)
    other = ArticleFactory()
    assert ids(translator_api.get(LIST)) == [mine.pk]
    assert translator_api.get(detail(mine.pk)).status_code == 200
    assert problem(translator_api.get(detail(other.pk)))["status"] == 404


def test_anonymous_is_401():
    from rest_framework.test import APIClient

    ArticleFactory()
    response = APIClient().get(LIST)
    assert response.status_code == 401


def test_filters(editor_api):
    source = SourceFactory()
    kk = ArticleFactory(language="kk", source=source, title="Қазақстан жаңалығы")
    ru = ArticleFactory(language="ru", status=ArticleStatus.PUBLISHED, title="Новости")
    ArticleFactory(language="en", title="News")
    assert ids(editor_api.get(LIST, {"language": "ru"})) == [ru.pk]
    assert ids(editor_api.get(LIST, {"status": "published"})) == [ru.pk]
    assert ids(editor_api.get(LIST, {"source": source.pk})) == [kk.pk]
    assert ids(editor_api.get(LIST, {"source": 999999})) == []
    # q ignores case in Cyrillic too
    assert ids(editor_api.get(LIST, {"q": "ҚАЗАҚСТАН"})) == [kk.pk]


def test_filter_by_entity_leaves_out_rejected_mentions(editor_api):
    entity = Entity.objects.create(type="PER", name_kk="Тоқаев", status="confirmed")
    named = ArticleFactory()
    rejected = ArticleFactory()
    ArticleFactory()
    Mention.objects.create(article=named, field="body", start=0, end=3, text="Бұл", type="PER",
                           entity=entity)  # fmt: skip
    Mention.objects.create(article=rejected, field="body", start=0, end=3, text="Бұл",
                           type="PER", entity=entity, review_status=ReviewStatus.REJECTED)  # fmt: skip
    assert ids(editor_api.get(LIST, {"entity": entity.pk})) == [named.pk]


def test_filter_by_story_and_story_field(editor_api):
    story = Story.objects.create(title="Сапар")
    member = ArticleFactory()
    ArticleFactory()
    StoryArticle.objects.create(article=member, story=story, score=0.9)
    response = editor_api.get(LIST, {"story": story.pk})
    assert ids(response) == [member.pk]
    assert response.json()["results"][0]["story"] == story.pk


def test_filter_by_publication_dates_and_update_time(editor_api):
    first = ArticleFactory(published_at=datetime(2025, 9, 1, 23, 30, tzinfo=ALMATY))
    second = ArticleFactory(published_at=datetime(2025, 9, 2, 10, 0, tzinfo=ALMATY))
    undated = ArticleFactory(published_at=None)
    # A date covers the whole day in the desk's time zone (23:30 on 1 September included).
    assert ids(editor_api.get(LIST, {"published_to": "2025-09-01"})) == [first.pk]
    assert ids(editor_api.get(LIST, {"published_from": "2025-09-02"})) == [second.pk]
    # A date and time is used as given.
    assert ids(editor_api.get(LIST, {"published_from": "2025-09-02T04:59:00Z"})) == [second.pk]
    assert ids(editor_api.get(LIST, {"published_to": "2025-09-01T18:29:00Z"})) == []
    long_ago = timezone.now() - timedelta(days=30)
    Article.objects.filter(pk__in=[first.pk, second.pk]).update(updated_at=long_ago)
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert ids(editor_api.get(LIST, {"updated_since": since})) == [undated.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"language": "xx"},
        {"status": "gone"},
        {"entity": "abc"},
        {"entity": "0"},
        {"source": str(2**70)},
        {"story": "1.5"},
        {"published_from": "yesterday"},
        {"published_to": "2025-13-45"},
        {"updated_since": "not a time"},
        {"updated_since": "0001-01-01T00:00:00"},  # before the first moment in UTC
        {"published_from": "0001-01-01T01:00:00"},
        {"q": "x" * 201},
    ],
)
def test_bad_filter_values_are_400(editor_api, params):
    ArticleFactory()
    response = editor_api.get(LIST, params)
    assert response.status_code == 400
    assert error_fields(response) == set(params)


def test_dates_at_the_ends_of_the_calendar(editor_api):
    article = ArticleFactory()
    for params in ({"published_from": "0001-01-01"}, {"published_to": "9999-12-31"}):
        assert ids(editor_api.get(LIST, params)) == [article.pk]
    assert ids(editor_api.get(LIST, {"published_to": "0001-01-01"})) == []


def test_times_before_1924_are_written_in_utc(editor_api):
    """Almaty's offset had seconds then (+05:07:48), which RFC 3339 cannot write."""
    old = ArticleFactory(published_at=datetime(1904, 4, 12, 15, 24, 39, tzinfo=ZoneInfo("UTC")))
    new = ArticleFactory(published_at=datetime(2025, 9, 5, 10, 15, tzinfo=ALMATY))
    assert editor_api.get(detail(old.pk)).json()["published_at"] == "1904-04-12T15:24:39Z"
    assert editor_api.get(detail(new.pk)).json()["published_at"] == "2025-09-05T10:15:00+05:00"
    rows = {row["id"]: row["published_at"] for row in editor_api.get(LIST).json()["results"]}
    assert rows[old.pk] == "1904-04-12T15:24:39Z"


def test_ordering_updated_at_walks_every_row_once(editor_api):
    articles = ArticleFactory.create_batch(7)
    # Equal update times (a bulk edit) must not make rows repeat or vanish between pages.
    same = timezone.now() - timedelta(hours=1)
    Article.objects.filter(pk__in=[a.pk for a in articles[:4]]).update(updated_at=same)
    Article.objects.filter(pk=articles[5].pk).update(updated_at=same - timedelta(minutes=5))
    rows = walk(editor_api, f"{LIST}?ordering=updated_at&page_size=2")
    walked = [row["id"] for row in rows]
    assert sorted(walked) == sorted(a.pk for a in articles)
    expected = list(Article.objects.order_by("updated_at", "id").values_list("pk", flat=True))
    assert walked == expected
    backwards = walk(editor_api, f"{LIST}?ordering=-updated_at&page_size=3")
    assert [row["id"] for row in backwards] == expected[::-1]


def test_ordering_published_at_walks_undated_articles_too(editor_api):
    dated = [
        ArticleFactory(published_at=datetime(2025, 9, day, 10, tzinfo=ALMATY)) for day in (3, 1, 2)
    ]
    undated = ArticleFactory.create_batch(2, published_at=None)
    rows = walk(editor_api, f"{LIST}?ordering=-published_at&page_size=2")
    assert sorted(r["id"] for r in rows) == sorted(a.pk for a in [*dated, *undated])
    # Undated articles sort at their creation time (now): first when newest first.
    assert [r["id"] for r in rows][:2] == sorted((a.pk for a in undated), reverse=True)
    assert [r["id"] for r in rows][2:] == [dated[0].pk, dated[2].pk, dated[1].pk]


def test_default_ordering_and_unknown_ordering_is_newest_id_first(editor_api):
    articles = ArticleFactory.create_batch(3)
    expected = [a.pk for a in reversed(articles)]
    assert ids(editor_api.get(LIST)) == expected
    assert ids(editor_api.get(LIST, {"ordering": "title"})) == expected


@pytest.mark.parametrize("rows", [1, 30])
def test_list_query_count_is_constant(editor_api, django_assert_num_queries, rows):
    story = Story.objects.create(title="S")
    for article in ArticleFactory.create_batch(rows):
        StoryArticle.objects.create(article=article, story=story, score=1)
        TranslationFactory(article=article)
    editor_api.get(LIST)  # the key's first use is recorded once a minute
    # key + user's roles + the page
    with django_assert_num_queries(3):
        response = editor_api.get(LIST, {"page_size": 50})
    assert len(response.json()["results"]) == rows


# -- detail ---------------------------------------------------------------------------------------

DETAIL_FIELDS = LIST_FIELDS | {
    "body", "paragraphs", "photo_credit", "assignee", "due_at", "language_locked",
    "created_at", "extraction", "mentions", "figures", "dates", "quotes", "translations",
}  # fmt: skip


def _spans(article: Article, n: int) -> Entity:
    entity = Entity.objects.create(type="LOC", name_kk="Астана", name_en="Astana")
    for i in range(n):
        start = i * 10
        Mention.objects.create(article=article, field="body", start=start, end=start + 3,
                               text="Аст", type="LOC", entity=entity, method="exact")  # fmt: skip
        Figure.objects.create(article=article, field="body", start=start + 4, end=start + 5,
                              text="7", kind="quantity", value=Decimal("7"), unit="")  # fmt: skip
        DateMention.objects.create(article=article, field="body", start=start + 6,
                                   end=start + 7, text="1", value=datetime(2025, 9, 1).date())  # fmt: skip
        Quote.objects.create(article=article, field="body", start=start + 8, end=start + 9,
                             text="«сөз»", speaker_text="Тоқаев")  # fmt: skip
    return entity


def test_detail_fields_spans_translations_and_etag(editor, editor_api, translator):
    article = ArticleFactory(
        title="Астана", body="Бірінші абзац.\n\nЕкінші абзац.", assignee=editor,
        extraction_state=ExtractionState.DONE,
    )  # fmt: skip
    entity = _spans(article, 1)
    Figure.objects.filter(article=article).update(
        kind="money", value=Decimal("7400000000"), unit="KZT"
    )
    translation = TranslationFactory(article=article, language="ru", translator=translator)
    response = editor_api.get(detail(article.pk))
    assert response.status_code == 200
    assert response["ETag"] == f'"article-{article.pk}-v1"'
    body = response.json()
    assert set(body) == DETAIL_FIELDS
    assert body["paragraphs"] == ["Бірінші абзац.", "Екінші абзац."]
    assert body["assignee"] == "editor"
    assert body["extraction"] == {"state": "done", "error": "", "extracted_at": None}
    [mention] = body["mentions"]
    assert mention["entity"]["id"] == entity.pk
    assert mention["entity"]["name"] == "Astana"
    assert mention["review_status"] == "suggested"
    assert (mention["field"], mention["start"], mention["end"]) == ("body", 0, 3)
    [figure] = body["figures"]
    assert (figure["kind"], figure["value"], figure["unit"]) == ("money", 7400000000, "KZT")
    assert body["dates"][0]["value"] == "2025-09-01"
    assert body["quotes"][0]["speaker_text"] == "Тоқаев"
    assert body["quotes"][0]["speaker"] is None
    [ref] = body["translations"]
    assert ref["id"] == translation.pk
    assert ref["language"] == "ru"
    assert ref["url"].endswith(f"/api/v1/translations/{translation.pk}/")


def test_translator_sees_only_their_translations_in_the_detail(translator, translator_api):
    article = ArticleFactory()
    mine = TranslationFactory(article=article, language="ru", translator=translator)
    TranslationFactory(article=article, language="en")
    body = translator_api.get(detail(article.pk)).json()
    assert [t["id"] for t in body["translations"]] == [mine.pk]


def test_unknown_article_is_404_problem(editor_api):
    response = editor_api.get(detail(987654))
    assert problem(response)["status"] == 404


@pytest.mark.parametrize("spans", [1, 20])
def test_detail_query_count_is_constant(editor_api, django_assert_num_queries, spans):
    article = ArticleFactory()
    _spans(article, spans)
    for language in ("ru", "en"):
        TranslationFactory(article=article, language=language)
    editor_api.get(detail(article.pk))
    # key + roles + article + translations + mentions + figures + dates + quotes
    with django_assert_num_queries(8):
        response = editor_api.get(detail(article.pk))
    assert len(response.json()["mentions"]) == spans


# -- create ---------------------------------------------------------------------------------------

NEW = {
    "title": "Астанада жаңа мектеп ашылды",
    "body": "Бүгін Астанада жаңа мектеп ашылды.\n\nҚұрылысқа 7,4 млрд теңге жұмсалды.",
    "language": "kk",
    "byline": "Айгүл",
    "source": {"name": "BAQ.KZ", "domain": "BAQ.kz"},
    "source_url": "https://baq.kz/news/1",
    "published_at": "2025-09-05T10:15:00+05:00",
}


def test_create_201_with_location_and_etag(
    editor, editor_api, extraction_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_api.post(LIST, NEW, format="json")
    assert response.status_code == 201, response.content
    article = Article.objects.get()
    assert response["Location"] == f"http://testserver/api/v1/articles/{article.pk}/"
    assert response["ETag"] == f'"article-{article.pk}-v1"'
    assert response.json()["id"] == article.pk
    assert article.created_by == editor
    assert (article.source.name, article.source.domain) == ("BAQ.KZ", "baq.kz")
    assert article.language_locked is True
    assert article.published_at == datetime(2025, 9, 5, 10, 15, tzinfo=ALMATY)
    assert extraction_queue == [article.pk]  # queued for extraction once committed


def test_create_with_source_id_and_detected_language(editor_api):
    source = SourceFactory()
    response = editor_api.post(
        LIST, {"title": "Тақырып", "body": "Мәтін.", "source_id": source.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    article = Article.objects.get()
    assert article.source == source
    assert (article.language, article.language_locked) == ("", False)


def test_create_duplicate_is_409_with_existing_id(editor_api):
    first = editor_api.post(LIST, NEW, format="json").json()
    again = editor_api.post(LIST, {**NEW, "title": f"  {NEW['title']} "}, format="json")
    body = problem(again)
    assert (body["status"], body["existing_id"]) == (409, first["id"])
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, {"title", "body"}),
        ({"title": "   ", "body": "Мәтін."}, {"title"}),
        ({"title": "T", "body": ""}, {"body"}),
        ({"title": "T" * 501, "body": "B"}, {"title"}),
        ({"title": "T", "body": "B", "language": "de"}, {"language"}),
        ({"title": "T", "body": "B", "source_id": 999999}, {"source_id"}),
        ({"title": "T", "body": "B", "source_id": 2**70}, {"source_id"}),
        ({"title": "T", "body": "B", "source": {"domain": "x.kz"}}, {"source.name"}),
        ({"title": "T", "body": "B", "published_at": "yesterday"}, {"published_at"}),
        ({"title": "T", "body": "B", "published_at": "0001-01-01T00:00:00"}, {"published_at"}),
        ({"title": "T", "body": "B", "source_url": "not a url"}, {"source_url"}),
        ({"title": ["T"], "body": {"a": 1}}, {"title", "body"}),
        ({"title": "T\x00", "body": "B"}, {"title"}),
    ],
)
def test_create_validation_is_400_with_field_errors(editor_api, payload, fields):
    response = editor_api.post(LIST, payload, format="json")
    assert response.status_code == 400
    assert error_fields(response) == fields
    assert Article.objects.count() == 0


def test_create_source_and_source_id_together_is_400(editor_api):
    source = SourceFactory()
    payload = {**NEW, "source_id": source.pk}
    response = editor_api.post(LIST, payload, format="json")
    assert error_fields(response) == {"source_id"}
    assert Source.objects.count() == 1


def test_create_malformed_json_is_400(editor_api):
    response = editor_api.generic("POST", LIST, "{not json", content_type="application/json")
    assert problem(response)["status"] == 400


def test_create_form_data_is_415(editor_api):
    response = editor_api.post(LIST, {"title": "T", "body": "B"}, format="multipart")
    assert problem(response)["status"] == 415


@pytest.mark.parametrize("who", ["reviewer_api", "translator_api"])
def test_create_needs_an_editor(request, who):
    response = request.getfixturevalue(who).post(LIST, NEW, format="json")
    assert problem(response)["status"] == 403
    assert Article.objects.count() == 0


def test_admin_creates(admin_api):
    assert admin_api.post(LIST, NEW, format="json").status_code == 201


# -- change ---------------------------------------------------------------------------------------


def test_patch_changes_fields_and_returns_the_new_etag(
    editor, editor_api, extraction_queue, django_capture_on_commit_callbacks
):
    article = ArticleFactory(title="Old", byline="X")
    tag = etag(article)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_api.patch(
            detail(article.pk),
            {"title": "New title", "published_at": None, "source_id": None},
            format="json",
            HTTP_IF_MATCH=tag,
        )
    assert response.status_code == 200, response.content
    article.refresh_from_db()
    assert (article.title, article.byline, article.version) == ("New title", "X", 2)
    assert article.published_at is None
    assert article.source is None
    assert article.updated_by == editor
    assert response["ETag"] == f'"article-{article.pk}-v2"'
    assert response.json()["version"] == 2
    assert extraction_queue == [article.pk]  # the text changed: extracted again
    assert article.history.first().history_change_reason == "api"


def test_patch_without_if_match_is_428_and_stale_is_412(editor_api):
    article = ArticleFactory(title="Old")
    response = editor_api.patch(detail(article.pk), {"title": "New"}, format="json")
    assert problem(response)["status"] == 428
    stale = f'"article-{article.pk}-v0"'
    response = editor_api.patch(
        detail(article.pk), {"title": "New"}, format="json", HTTP_IF_MATCH=stale
    )
    assert problem(response)["status"] == 412
    other = f'"article-{article.pk + 1}-v1"'
    response = editor_api.patch(
        detail(article.pk), {"title": "New"}, format="json", HTTP_IF_MATCH=other
    )
    assert problem(response)["status"] == 412
    article.refresh_from_db()
    assert (article.title, article.version) == ("Old", 1)


def test_a_refused_change_creates_no_source(editor_api):
    article = ArticleFactory(source=None)
    stale = f'"article-{article.pk}-v0"'
    response = editor_api.patch(
        detail(article.pk),
        {"source": {"name": "New source", "domain": "new.kz"}},
        format="json",
        HTTP_IF_MATCH=stale,
    )
    assert problem(response)["status"] == 412
    assert not Source.objects.filter(domain="new.kz").exists()
    response = editor_api.patch(
        detail(article.pk),
        {"source": {"name": "New source", "domain": "new.kz"}},
        format="json",
        HTTP_IF_MATCH=etag(article),
    )
    assert response.json()["source"]["domain"] == "new.kz"


def test_two_clients_with_the_same_etag_one_wins(editor_api, reviewer_api):
    article = ArticleFactory(title="Old")
    tag = etag(article)
    first = editor_api.patch(detail(article.pk), {"title": "A"}, format="json", HTTP_IF_MATCH=tag)
    second = reviewer_api.patch(
        detail(article.pk), {"title": "B"}, format="json", HTTP_IF_MATCH=tag
    )
    assert (first.status_code, second.status_code) == (200, 412)
    article.refresh_from_db()
    assert article.title == "A"


def test_patch_language_lock_and_unlock(
    editor_api, extraction_queue, django_capture_on_commit_callbacks
):
    article = ArticleFactory(language="kk", language_locked=False)
    # Empty while detected: kept.
    response = editor_api.patch(
        detail(article.pk), {"language": ""}, format="json", HTTP_IF_MATCH=etag(article)
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert (article.language, article.language_locked, article.version) == ("kk", False, 1)
    response = editor_api.patch(
        detail(article.pk), {"language": "ru"}, format="json", HTTP_IF_MATCH=etag(article)
    )
    article.refresh_from_db()
    assert (article.language, article.language_locked) == ("ru", True)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_api.patch(
            detail(article.pk), {"language": ""}, format="json", HTTP_IF_MATCH=etag(article)
        )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.language_locked is False
    assert article.extraction_state == ExtractionState.PENDING
    assert extraction_queue == [article.pk]  # detection runs with the extraction


def test_patch_duplicate_text_is_409(editor_api):
    existing = ArticleFactory()
    article = ArticleFactory()
    response = editor_api.patch(
        detail(article.pk),
        {"title": existing.title, "body": existing.body},
        format="json",
        HTTP_IF_MATCH=etag(article),
    )
    assert problem(response)["existing_id"] == existing.pk


def test_patch_cannot_change_status_or_unknown_fields(editor_api):
    article = ArticleFactory()
    response = editor_api.patch(
        detail(article.pk),
        {"status": "published", "assignee": "editor", "version": 9},
        format="json",
        HTTP_IF_MATCH=etag(article),
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert (article.status, article.assignee, article.version) == ("draft", None, 1)


def test_put_replaces_and_empties_what_is_left_out(editor_api):
    article = ArticleFactory(byline="Someone", photo_credit="P", source_url="https://a.kz/1")
    response = editor_api.put(
        detail(article.pk),
        {"title": "Жаңа", "body": "Жаңа мәтін.", "language": "kk"},
        format="json",
        HTTP_IF_MATCH=etag(article),
    )
    assert response.status_code == 200, response.content
    article.refresh_from_db()
    assert (article.title, article.byline, article.photo_credit, article.source_url) == (
        "Жаңа", "", "", "",
    )  # fmt: skip
    assert article.source is None
    assert article.published_at is None
    response = editor_api.put(
        detail(article.pk), {"title": "Only"}, format="json", HTTP_IF_MATCH=etag(article)
    )
    assert error_fields(response) == {"body"}


def test_reviewer_edits_translator_cannot(reviewer_api, translator, translator_api):
    article = ArticleFactory()
    TranslationFactory(article=article, translator=translator)
    hidden = ArticleFactory()
    payload = {"byline": "R"}
    assert (
        reviewer_api.patch(detail(article.pk), payload, HTTP_IF_MATCH=etag(article)).status_code
        == 200
    )
    response = translator_api.patch(detail(article.pk), payload, HTTP_IF_MATCH=etag(article))
    assert problem(response)["status"] == 403
    response = translator_api.patch(detail(hidden.pk), payload, HTTP_IF_MATCH=etag(hidden))
    assert problem(response)["status"] == 404


def test_archived_articles_are_read_only(editor_api):
    article = ArticleFactory(status=ArticleStatus.ARCHIVED)
    response = editor_api.patch(detail(article.pk), {"byline": "x"}, HTTP_IF_MATCH=etag(article))
    assert problem(response)["status"] == 403


# -- delete ---------------------------------------------------------------------------------------


def test_delete_admins_only_with_if_match(admin_api, editor_api):
    article = ArticleFactory()
    TranslationFactory(article=article)
    assert (
        problem(editor_api.delete(detail(article.pk), HTTP_IF_MATCH=etag(article)))["status"] == 403
    )
    assert problem(admin_api.delete(detail(article.pk)))["status"] == 428
    stale = f'"article-{article.pk}-v7"'
    assert problem(admin_api.delete(detail(article.pk), HTTP_IF_MATCH=stale))["status"] == 412
    assert Article.objects.filter(pk=article.pk).exists()
    response = admin_api.delete(detail(article.pk), HTTP_IF_MATCH=etag(article))
    assert response.status_code == 204
    assert not Article.objects.filter(pk=article.pk).exists()
    assert problem(admin_api.get(detail(article.pk)))["status"] == 404
    deleted = Article.history.filter(id=article.pk, history_type="-").get()
    assert deleted.history_user.username == "admin"


# -- workflow -------------------------------------------------------------------------------------


def step(client, article: Article, name: str, comment: str | None = None, **headers):
    payload = {} if comment is None else {"comment": comment}
    return client.post(f"{detail(article.pk)}{name}/", payload, format="json", **headers)


def test_the_whole_workflow(editor_api, reviewer_api, extraction_queue):
    article = ArticleFactory()
    response = step(editor_api, article, "submit")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_review"
    assert response["ETag"] == f'"article-{article.pk}-v2"'
    assert step(reviewer_api, article, "return", "Цифрларды тексеріңіз").json()["status"] == "draft"
    assert Comment.objects.get(article=article).transition == "return"
    step(editor_api, article, "submit")
    assert step(reviewer_api, article, "approve").json()["status"] == "approved"
    assert step(editor_api, article, "publish").json()["status"] == "published"
    assert step(editor_api, article, "unpublish", "Қате").json()["status"] == "draft"
    assert step(editor_api, article, "archive").json()["status"] == "archived"
    response = step(editor_api, article, "restore")
    assert response.json()["status"] == "draft"
    article.refresh_from_db()
    assert (article.status, article.version) == ("draft", 9)
    assert extraction_queue == []  # status changes do not re-extract


@pytest.mark.parametrize("name", ["return", "unpublish"])
def test_comment_required(editor_api, reviewer_api, name):
    status = ArticleStatus.IN_REVIEW if name == "return" else ArticleStatus.PUBLISHED
    article = ArticleFactory(status=status)
    client = reviewer_api if name == "return" else editor_api
    for comment in (None, "   "):
        response = step(client, article, name, comment)
        assert response.status_code == 400
        assert error_fields(response) == {"comment"}
    article.refresh_from_db()
    assert article.status == status


def test_role_that_cannot_take_the_step_is_403(
    reviewer_api, editor_api, translator, translator_api
):
    article = ArticleFactory()
    TranslationFactory(article=article, translator=translator)
    assert problem(step(reviewer_api, article, "submit"))["status"] == 403
    assert problem(step(editor_api, article, "approve"))["status"] == 403
    assert problem(step(translator_api, article, "submit"))["status"] == 403
    hidden = ArticleFactory()
    assert problem(step(translator_api, hidden, "submit"))["status"] == 404
    article.refresh_from_db()
    assert article.status == "draft"


def test_step_not_possible_now_is_409(editor_api, reviewer_api):
    article = ArticleFactory()
    assert problem(step(editor_api, article, "publish"))["status"] == 409
    assert problem(step(editor_api, article, "restore"))["status"] == 409
    assert problem(step(reviewer_api, article, "approve"))["status"] == 409
    article.refresh_from_db()
    assert (article.status, article.version) == ("draft", 1)


def test_step_if_match_optional_but_checked(editor_api):
    article = ArticleFactory()
    stale = f'"article-{article.pk}-v5"'
    assert problem(step(editor_api, article, "submit", HTTP_IF_MATCH=stale))["status"] == 412
    response = step(editor_api, article, "submit", HTTP_IF_MATCH=etag(article))
    assert response.status_code == 200
    assert response.json()["status"] == "in_review"


def test_step_comment_too_long_is_400(reviewer_api):
    article = ArticleFactory(status=ArticleStatus.IN_REVIEW)
    response = step(reviewer_api, article, "return", "x" * 10_001)
    assert error_fields(response) == {"comment"}


def test_assign(editor_api, reviewer, reviewer_api, translator, extraction_queue):
    article = ArticleFactory()
    url = f"{detail(article.pk)}assign/"
    response = editor_api.post(
        url, {"assignee": "reviewer", "due_at": "2025-09-12T18:00:00+05:00"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["assignee"] == "reviewer"
    assert response.json()["due_at"] == "2025-09-12T18:00:00+05:00"
    article.refresh_from_db()
    assert article.assignee == reviewer
    assert problem(reviewer_api.post(url, {"assignee": None}, format="json"))["status"] == 403
    response = editor_api.post(url, {"assignee": "translator"}, format="json")
    assert error_fields(response) == {"assignee"}
    response = editor_api.post(url, {"assignee": "nobody-such"}, format="json")
    assert error_fields(response) == {"assignee"}
    response = editor_api.post(url, {"assignee": None}, format="json", HTTP_IF_MATCH=etag(article))
    assert response.json()["assignee"] is None


# -- key scopes -----------------------------------------------------------------------------------


def test_read_only_key_reads_but_cannot_write(editor, api_client_for):
    client = api_client_for(editor, scopes=("read",))
    article = ArticleFactory()
    assert client.get(LIST).status_code == 200
    assert client.get(detail(article.pk)).status_code == 200
    tag = etag(article)
    writes = [
        client.post(LIST, NEW, format="json"),
        client.patch(detail(article.pk), {"byline": "x"}, format="json", HTTP_IF_MATCH=tag),
        client.put(detail(article.pk), NEW, format="json", HTTP_IF_MATCH=tag),
        client.delete(detail(article.pk), HTTP_IF_MATCH=tag),
        step(client, article, "submit"),
        client.post(f"{detail(article.pk)}assign/", {"assignee": None}, format="json"),
    ]
    assert [problem(r)["status"] for r in writes] == [403] * len(writes)
    article.refresh_from_db()
    assert (article.status, article.byline, article.version) == ("draft", "", 1)
    assert Article.objects.count() == 1


def test_write_key_without_read_cannot_list(editor, api_client_for):
    client = api_client_for(editor, scopes=("write",))
    assert problem(client.get(LIST))["status"] == 403


def test_session_user_uses_the_api(client, editor):
    from conftest import PASSWORD

    ArticleFactory()
    assert client.login(username="editor", password=PASSWORD)
    assert client.get(LIST).status_code == 200


def test_reads_write_nothing(editor_api):
    """GETs never write: the version and update time stay."""
    article = ArticleFactory()
    before = Article.objects.values_list("version", "updated_at").get(pk=article.pk)
    editor_api.get(detail(article.pk))
    editor_api.get(LIST)
    assert Article.objects.values_list("version", "updated_at").get(pk=article.pk) == before


@pytest.mark.parametrize("pk", [2**63, 10**30])
def test_ids_out_of_range_are_404(editor_api, pk):
    ArticleFactory()
    assert problem(editor_api.get(detail(pk)))["status"] == 404
    assert problem(editor_api.get(f"/api/v1/imports/{pk}/"))["status"] == 404
    assert problem(step(editor_api, Article(pk=pk), "submit"))["status"] == 404

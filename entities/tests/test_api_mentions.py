"""/api/v1/mentions/: the list (filters, visibility, shape, constant queries) and the reviewer's
decisions (confirm, reject, reopen, retype, relink, add): role × endpoint, key scopes, bad
input as 400 problems, If-Match, and the same downstream refresh as a decision in the browser."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse

from articles.tests.factories import ArticleFactory, TranslationFactory
from entities.coverage.models import EntityCoverage
from entities.coverage.services import coverage_refresh
from entities.models import Entity, EntityType, Mention, ReviewStatus, SpanDecision

pytestmark = pytest.mark.django_db

TITLE = "Тоқаев Астанада"
BODY = "Тоқаев бүгін Астанада сөйледі. Самұрық-Қазына есеп берді."
LIST = reverse("api:mention-list")


def detail(pk: int) -> str:
    return reverse("api:mention-detail", args=[pk])


def act(pk: int, name: str) -> str:
    return reverse(f"api:mention-{name}", args=[pk])


def make_entity(name: str, kind: str = EntityType.PERSON, **extra) -> Entity:
    return Entity.objects.create(type=kind, name_en=name, name_kk=f"{name} (kk)", **extra)


def mention(owner, start: int, end: int, *, entity=None, kind=EntityType.PERSON, **extra):
    text = owner.body if extra.get("field", "body") == "body" else owner.title
    owner_field = "article" if owner._meta.model_name == "article" else "translation"
    return Mention.objects.create(
        **{owner_field: owner},
        field=extra.pop("field", "body"),
        start=start,
        end=end,
        text=text[start:end],
        type=entity.type if entity else kind,
        entity=entity,
        method=Mention.Method.EXACT if entity else Mention.Method.NONE,
        **extra,
    )


@pytest.fixture
def tokayev():
    return make_entity("Tokayev", status=Entity.Status.CONFIRMED)


@pytest.fixture
def astana():
    return make_entity("Astana", EntityType.LOCATION)


@pytest.fixture
def article():
    return ArticleFactory(title=TITLE, body=BODY, language="kk")


@pytest.fixture
def mentions(article, tokayev, astana):
    """Three mentions: Tokayev (linked), Astana (linked, suggested), Самұрық-Қазына (unlinked)."""
    return {
        "tokayev": mention(article, 0, 6, entity=tokayev),
        "astana": mention(article, 13, 21, entity=astana),
        "samruk": mention(article, 31, 45, kind=EntityType.ORGANISATION),
    }


@pytest.fixture
def users(translator, reviewer, editor, admin_user_):
    return {"translator": translator, "reviewer": reviewer, "editor": editor, "admin": admin_user_}


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def assert_problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    if field is not None:
        assert field in {error["field"] for error in body["errors"]}, body
    return body


# -- reading ----------------------------------------------------------------------------------


def test_list_by_article_has_every_field(api_client_for, editor, article, mentions, tokayev):
    other = ArticleFactory()
    mention(other, 0, 4, entity=tokayev)

    rows = results(api_client_for(editor).get(LIST, {"article": article.pk}))

    assert [row["id"] for row in rows] == [m.pk for m in mentions.values()]
    first = rows[0]
    assert first == {
        "id": mentions["tokayev"].pk,
        "article": article.pk,
        "translation": None,
        "field": "body",
        "start": 0,
        "end": 6,
        "text": "Тоқаев",
        "type": "PER",
        "entity": {
            "id": tokayev.pk,
            "type": "PER",
            "status": "confirmed",
            "name": "Tokayev",
            "name_kk": "Tokayev (kk)",
            "name_ru": "",
            "name_en": "Tokayev",
        },
        "suggested_entity": None,
        "method": "exact",
        "confidence": 1.0,
        "review_status": "suggested",
        "reviewed_by": None,
        "reviewed_at": None,
        "created_at": first["created_at"],
        "updated_at": first["updated_at"],
    }
    assert rows[2]["entity"] is None
    assert rows[2]["method"] == ""


def test_list_by_entity_status_type_and_field(api_client_for, editor, article, mentions, tokayev):
    elsewhere = mention(ArticleFactory(), 0, 4, entity=tokayev)
    client = api_client_for(editor)

    by_entity = results(client.get(LIST, {"entity": tokayev.pk}))
    assert {row["id"] for row in by_entity} == {mentions["tokayev"].pk, elsewhere.pk}

    Mention.objects.filter(pk=mentions["astana"].pk).update(review_status=ReviewStatus.REJECTED)
    rejected = results(client.get(LIST, {"review_status": "rejected"}))
    assert [row["id"] for row in rejected] == [mentions["astana"].pk]
    organisations = results(client.get(LIST, {"type": "ORG", "article": article.pk}))
    assert [row["id"] for row in organisations] == [mentions["samruk"].pk]
    assert results(client.get(LIST, {"field": "title", "article": article.pk})) == []


def test_list_of_a_translation(api_client_for, editor, article, tokayev):
    translation = TranslationFactory(article=article, language="ru", body="Токаев выступил")
    in_translation = mention(translation, 0, 6, entity=tokayev)
    mention(article, 0, 6, entity=tokayev)

    rows = results(api_client_for(editor).get(LIST, {"translation": translation.pk}))

    assert [(row["id"], row["article"], row["translation"]) for row in rows] == [
        (in_translation.pk, None, translation.pk)
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"article": "abc"}, "article"),
        ({"article": "0"}, "article"),
        ({"entity": str(2**70)}, "entity"),
        ({"translation": "1.5"}, "translation"),
        ({"review_status": "maybe"}, "review_status"),
        ({"type": "XYZ"}, "type"),
        ({"field": "lede"}, "field"),
    ],
)
def test_bad_filters_are_400_problems(api_client_for, editor, mentions, query, field):
    assert_problem(api_client_for(editor).get(LIST, query), 400, field)


def test_translators_see_mentions_of_their_assignments_only(
    api_client_for, translator, article, mentions, tokayev
):
    translation = TranslationFactory(article=article, language="ru", translator=translator)
    in_translation = mention(translation, 0, 4, entity=tokayev)
    hidden_article = ArticleFactory()
    hidden = mention(hidden_article, 0, 4, entity=tokayev)
    hidden_translation = mention(TranslationFactory(article=hidden_article), 0, 4, entity=tokayev)
    client = api_client_for(translator)

    seen = {row["id"] for row in results(client.get(LIST))}

    assert seen == {*(m.pk for m in mentions.values()), in_translation.pk}
    assert results(client.get(LIST, {"article": hidden_article.pk})) == []
    assert_problem(client.get(detail(hidden.pk)), 404)
    assert_problem(client.get(detail(hidden_translation.pk)), 404)
    assert client.get(detail(in_translation.pk)).status_code == 200


def test_detail_has_an_etag(api_client_for, reviewer, mentions):
    response = api_client_for(reviewer).get(detail(mentions["tokayev"].pk))

    assert response.status_code == 200
    assert response.json()["id"] == mentions["tokayev"].pk
    assert response["ETag"].startswith(f'"mention-{mentions["tokayev"].pk}-v')


def test_unknown_and_malformed_ids_are_404(api_client_for, editor):
    client = api_client_for(editor)
    assert_problem(client.get(detail(987654)), 404)
    assert_problem(client.get("/api/v1/mentions/abc/"), 404)
    assert_problem(client.post("/api/v1/mentions/99999999999999999999999/confirm/"), 404)


def test_no_credentials_is_401(client, mentions):
    assert_problem(client.get(LIST), 401)
    assert_problem(client.post(act(mentions["tokayev"].pk, "confirm")), 401)


def test_pagination_is_a_cursor(api_client_for, editor, article, tokayev):
    made = [mention(article, n, n + 1, entity=tokayev) for n in range(5)]
    client = api_client_for(editor)

    first = client.get(LIST, {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert [row["id"] for row in first["results"] + second["results"]] == [m.pk for m in made[:4]]
    newest_first = results(client.get(LIST, {"ordering": "-id"}))
    assert [row["id"] for row in newest_first] == [m.pk for m in reversed(made)]


@pytest.mark.parametrize(
    "query",
    [
        {"cursor": "not-a-cursor"},
        {"cursor": base64.b64encode(b"p=abc").decode()},
        {"cursor": base64.b64encode(b"p=yesterday").decode(), "ordering": "created_at"},
    ],
)
def test_bad_cursors_are_400(api_client_for, editor, mentions, query):
    assert_problem(api_client_for(editor).get(LIST, query), 400, "cursor")


def test_the_list_costs_the_same_queries_whatever_its_length(
    api_client_for, editor, translator, tokayev, django_assert_num_queries
):
    """By article, by entity and for a translator (visibility subqueries): 1 row and 40."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def setup(count: int):
        article = ArticleFactory(body="x" * 100)
        translation = TranslationFactory(article=article, translator=translator, body="y" * 100)
        for n in range(count):
            entity = make_entity(f"E{count}-{n}", merged_into=None)
            mention(article, n, n + 1, entity=entity)
            Mention.objects.create(
                translation=translation, field="body", start=n, end=n + 1, text="y",
                type="PER", entity=tokayev, reviewed_by=editor,
                review_status=ReviewStatus.CONFIRMED,
            )  # fmt: skip
        return article

    queries = {}
    for user in (editor, translator):
        Mention.objects.all().delete()
        client = api_client_for(user)
        client.get(LIST)  # the key's first use records it (an UPDATE): not the list's cost
        small = setup(1)
        with CaptureQueriesContext(connection) as captured:
            assert len(results(client.get(LIST, {"article": small.pk}))) == 1
        queries[user.username] = len(captured)
        large = setup(40)
        with django_assert_num_queries(queries[user.username]):
            assert len(results(client.get(LIST, {"article": large.pk}))) == 40
        with django_assert_num_queries(queries[user.username]):
            assert len(results(client.get(LIST, {"entity": tokayev.pk}))) == 41
    assert queries["editor"] <= 6


# -- decisions: roles and scopes ----------------------------------------------------------------


DECISIONS = {
    "confirm": ({}, ReviewStatus.CONFIRMED),
    "reject": ({}, ReviewStatus.REJECTED),
    "reopen": ({}, ReviewStatus.SUGGESTED),
    "retype": ({"type": "LOC"}, ReviewStatus.CONFIRMED),
}


@pytest.mark.parametrize("name", list(DECISIONS))
@pytest.mark.parametrize(
    ("role", "status"),
    [("translator", 403), ("reviewer", 200), ("editor", 200), ("admin", 200)],
)
def test_decision_role_matrix(api_client_for, users, article, mentions, name, role, status):
    # The translator sees the article (they translate it): the refusal is the role's.
    TranslationFactory(article=article, translator=users["translator"])
    target = mentions["samruk"]
    Mention.objects.filter(pk=target.pk).update(review_status=ReviewStatus.REJECTED)
    payload, expected = DECISIONS[name]

    response = api_client_for(users[role]).post(act(target.pk, name), payload)

    target.refresh_from_db()
    if status == 403:
        assert_problem(response, 403)
        assert target.review_status == ReviewStatus.REJECTED
        assert not SpanDecision.objects.exists()
        return
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == target.pk
    assert body["review_status"] == expected == target.review_status
    assert body["reviewed_by"] == users[role].username
    assert body["reviewed_at"] is not None
    assert response["ETag"].startswith(f'"mention-{target.pk}-v')
    [decision] = SpanDecision.objects.all()
    assert (decision.span_id, decision.user) == (target.pk, users[role])


def test_retype_drops_a_link_of_another_type(api_client_for, reviewer, mentions):
    response = api_client_for(reviewer).post(act(mentions["tokayev"].pk, "retype"), {"type": "ORG"})

    assert response.status_code == 200
    assert (response.json()["type"], response.json()["entity"]) == ("ORG", None)


def test_decisions_on_texts_the_user_cannot_see_are_404(api_client_for, translator, tokayev):
    hidden = mention(ArticleFactory(), 0, 4, entity=tokayev)
    client = api_client_for(translator)
    for name in ("confirm", "reject", "relink"):
        assert_problem(client.post(act(hidden.pk, name), {"entity": tokayev.pk}), 404)


@pytest.mark.parametrize("name", ["confirm", "reject", "reopen", "retype", "relink"])
def test_a_read_only_key_cannot_decide(api_client_for, editor, mentions, tokayev, name):
    client = api_client_for(editor, scopes=("read",))
    target = mentions["samruk"]

    response = client.post(act(target.pk, name), {"type": "LOC", "entity": tokayev.pk})

    assert_problem(response, 403)
    assert "write" in response.json()["detail"]
    target.refresh_from_db()
    assert (target.review_status, target.entity_id) == (ReviewStatus.SUGGESTED, None)
    assert client.get(detail(target.pk)).status_code == 200


def test_a_read_only_key_cannot_add(api_client_for, editor, article):
    response = api_client_for(editor, scopes=("read",)).post(
        LIST, {"article": article.pk, "field": "body", "start": 0, "end": 6, "type": "PER"}
    )
    assert_problem(response, 403)
    assert not Mention.objects.exists()


# -- relink -----------------------------------------------------------------------------------


def test_relink_to_an_entity_confirms_and_takes_its_type(api_client_for, reviewer, mentions):
    fund = make_entity("Samruk-Kazyna", EntityType.ORGANISATION)
    target = mentions["tokayev"]

    response = api_client_for(reviewer).post(act(target.pk, "relink"), {"entity": fund.pk})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["entity"]["id"] == fund.pk
    assert (body["type"], body["method"], body["review_status"]) == ("ORG", "manual", "confirmed")
    target.refresh_from_db()
    assert target.entity_id == fund.pk


def test_relink_follows_a_merged_entity(api_client_for, reviewer, mentions, tokayev):
    duplicate = make_entity("Tokaev", merged_into=tokayev)

    response = api_client_for(reviewer).post(
        act(mentions["samruk"].pk, "relink"), {"entity": duplicate.pk}
    )

    assert response.json()["entity"]["id"] == tokayev.pk


def test_relink_to_a_new_entity_is_for_editors(api_client_for, editor, reviewer, mentions):
    target = mentions["samruk"]
    payload = {"new_entity": {"type": "ORG", "names": {"kk": "Самұрық-Қазына", "en": ""}}}

    refused = api_client_for(reviewer).post(act(target.pk, "relink"), payload)
    assert_problem(refused, 403)
    assert not Entity.objects.filter(name_kk="Самұрық-Қазына").exists()

    response = api_client_for(editor).post(act(target.pk, "relink"), payload)
    assert response.status_code == 200, response.content
    created = Entity.objects.get(name_kk="Самұрық-Қазына")
    assert (created.type, created.status) == ("ORG", Entity.Status.CONFIRMED)
    assert response.json()["entity"]["id"] == created.pk


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, ""),
        ({"entity": 1, "new_entity": {"type": "PER", "names": {"en": "X"}}}, ""),
        ({"entity": 987654}, "entity"),
        ({"entity": "x"}, "entity"),
        ({"entity": 2**64}, "entity"),
        ({"new_entity": {"type": "PER", "names": {"kk": " "}}}, "new_entity.names"),
        ({"new_entity": {"type": "GPE", "names": {"en": "X"}}}, "new_entity.type"),
        ({"new_entity": {"type": "PER", "names": {"en": "X" * 301}}}, "new_entity.names.en"),
    ],
)
def test_bad_relinks_are_400_and_change_nothing(api_client_for, editor, mentions, payload, field):
    target = mentions["samruk"]
    entities = Entity.objects.count()

    assert_problem(api_client_for(editor).post(act(target.pk, "relink"), payload), 400, field)

    target.refresh_from_db()
    assert (target.entity_id, target.review_status) == (None, ReviewStatus.SUGGESTED)
    assert Entity.objects.count() == entities
    assert not SpanDecision.objects.exists()


def test_retype_needs_a_known_type(api_client_for, editor, mentions):
    assert_problem(
        api_client_for(editor).post(act(mentions["samruk"].pk, "retype"), {}), 400, "type"
    )
    response = api_client_for(editor).post(act(mentions["samruk"].pk, "retype"), {"type": "GPE"})
    assert_problem(response, 400, "type")


# -- If-Match -----------------------------------------------------------------------------------


def test_if_match_guards_a_decision(api_client_for, reviewer, editor, mentions):
    target = mentions["samruk"]
    client = api_client_for(reviewer)
    etag = client.get(detail(target.pk))["ETag"]
    assert api_client_for(editor).post(act(target.pk, "reject")).status_code == 200

    stale = client.post(act(target.pk, "confirm"), HTTP_IF_MATCH=etag)
    assert_problem(stale, 412)
    target.refresh_from_db()
    assert target.review_status == ReviewStatus.REJECTED

    fresh = client.get(detail(target.pk))["ETag"]
    assert fresh != etag
    response = client.post(act(target.pk, "confirm"), HTTP_IF_MATCH=fresh)
    assert response.status_code == 200
    assert response["ETag"] != fresh
    assert_problem(client.post(act(target.pk, "confirm"), HTTP_IF_MATCH='"article-1-v1"'), 412)


# -- add ----------------------------------------------------------------------------------------


def test_reviewer_adds_a_mention(api_client_for, reviewer, article):
    payload = {
        "article": article.pk,
        "field": "body",
        "start": 31,
        "end": 45,
        "type": "ORG",
        "expected_text": "Самұрық-Қазына",
    }
    response = api_client_for(reviewer).post(LIST, payload)

    assert response.status_code == 201, response.content
    body = response.json()
    created = Mention.objects.get()
    assert response["Location"].endswith(detail(created.pk))
    assert (body["id"], body["text"], body["type"]) == (created.pk, "Самұрық-Қазына", "ORG")
    assert (body["method"], body["review_status"]) == ("manual", "confirmed")
    assert body["reviewed_by"] == reviewer.username
    assert SpanDecision.objects.get().action == SpanDecision.Action.ADDED


def test_add_to_a_translation_linked_to_an_entity(api_client_for, editor, article, astana):
    translation = TranslationFactory(article=article, language="ru", title="Астана сегодня")
    payload = {
        "translation": translation.pk,
        "field": "title",
        "start": 0,
        "end": 6,
        "entity": astana.pk,
    }
    response = api_client_for(editor).post(LIST, payload)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["translation"], body["article"], body["text"]) == (translation.pk, None, "Астана")
    assert (body["type"], body["entity"]["id"]) == ("LOC", astana.pk)


def test_translators_cannot_add(api_client_for, translator, article):
    TranslationFactory(article=article, translator=translator)
    response = api_client_for(translator).post(
        LIST, {"article": article.pk, "field": "body", "start": 0, "end": 6, "type": "PER"}
    )
    assert_problem(response, 403)
    assert not Mention.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"article": None}, ""),  # neither article nor translation
        ({"translation": 1}, ""),  # both
        ({"article": 987654}, "article"),
        ({"field": "lede"}, "field"),
        ({"start": -1}, "start"),
        ({"end": 2**40}, "end"),
        ({"start": 6, "end": 6}, "end"),
        ({"end": 500}, "end"),
        ({"type": None}, "type"),
        ({"type": "GPE"}, "type"),
        ({"entity": 987654}, "entity"),
        ({"expected_text": "Назарбаев"}, "expected_text"),
        ({"expected_text": "x" * 501}, "expected_text"),
        ({"start": 6, "end": 7}, ""),  # only a space
    ],
)
def test_bad_additions_are_400_and_write_nothing(api_client_for, editor, article, change, field):
    payload = {"article": article.pk, "field": "body", "start": 0, "end": 6, "type": "PER"}
    payload.update(change)
    payload = {key: value for key, value in payload.items() if value is not None}

    assert_problem(api_client_for(editor).post(LIST, payload), 400, field)
    assert not Mention.objects.exists()
    assert not SpanDecision.objects.exists()


def test_an_entity_of_another_type_than_asked_is_400(api_client_for, editor, article, astana):
    payload = {"article": article.pk, "field": "body", "start": 0, "end": 6}
    response = api_client_for(editor).post(LIST, {**payload, "type": "PER", "entity": astana.pk})
    assert_problem(response, 400, "type")


# -- the downstream refresh -------------------------------------------------------------------


def test_a_decision_refreshes_coverage_as_in_the_browser(
    api_client_for, reviewer, article, mentions, tokayev, django_capture_on_commit_callbacks
):
    coverage_refresh(owner=article)
    assert EntityCoverage.objects.filter(entity=tokayev).exists()
    client = api_client_for(reviewer)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client.post(act(mentions["tokayev"].pk, "reject")).status_code == 200
    assert len(callbacks) == 1
    assert not EntityCoverage.objects.filter(entity=tokayev).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(act(mentions["tokayev"].pk, "reopen")).status_code == 200
    assert EntityCoverage.objects.filter(entity=tokayev).exists()

    fund = make_entity("Samruk-Kazyna", EntityType.ORGANISATION)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(act(mentions["samruk"].pk, "relink"), {"entity": fund.pk}).status_code
            == 200
        )
    assert EntityCoverage.objects.filter(entity=fund, article=article).exists()


def test_a_refused_decision_queues_no_refresh(
    api_client_for, translator, article, mentions, django_capture_on_commit_callbacks
):
    TranslationFactory(article=article, translator=translator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert (
            api_client_for(translator).post(act(mentions["tokayev"].pk, "reject")).status_code
            == 403
        )
    assert callbacks == []

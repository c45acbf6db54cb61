"""/api/v1/entities/: search across scripts, filters, paging, roles, conditional changes,
merges and aliases, with query counts that do not grow with the rows."""

from __future__ import annotations

import datetime
from base64 import b64encode

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from articles.roles import Role
from entities.coverage.models import EntityCoverage
from entities.curation.models import EntityCuration
from entities.models import Alias, Entity, EntityType
from entities.services import alias_add, entity_create
from entities.tests.conftest import entity_named

pytestmark = pytest.mark.django_db

LIST = reverse("api:entity-list")
PROBLEM = "application/problem+json"


def detail_url(entity: Entity | int) -> str:
    return reverse("api:entity-detail", args=[getattr(entity, "pk", entity)])


def merge_url(entity: Entity) -> str:
    return reverse("api:entity-merge", args=[entity.pk])


def confirm_url(entity: Entity) -> str:
    return reverse("api:entity-confirm", args=[entity.pk])


def aliases_url(entity: Entity) -> str:
    return reverse("api:entity-alias-list", args=[entity.pk])


def alias_url(alias: Alias) -> str:
    return reverse("api:entity-alias-detail", args=[alias.entity_id, alias.pk])


def make_entity(entity_type: str = "PER", **names: str) -> Entity:
    return entity_create(entity_type=entity_type, names=names, user=None)


def ids_of(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def walk(client: APIClient, url: str, params: dict) -> list[int]:
    """Every id of a list, following ``next`` links."""
    seen: list[int] = []
    response = client.get(url, params)
    while True:
        seen += ids_of(response)
        following = response.json()["next"]
        if following is None:
            return seen
        response = client.get(following)


@pytest.fixture
def desk(editor, api_client_for) -> APIClient:
    return api_client_for(editor)


@pytest.fixture
def tokayev() -> Entity:
    return entity_named("Tokayev")


# -- search and filters ----------------------------------------------------------------------


@pytest.mark.parametrize("query", ["Токаев", "Тоқаев", "Tokayev", "tokayev", "ТОКАЕВ"])
def test_search_finds_the_same_entity_in_every_script_and_language(desk, tokayev, query) -> None:
    found = ids_of(desk.get(LIST, {"q": query}))
    assert found[0] == tokayev.pk


def test_search_reads_aliases_and_ranks_exact_names_first(desk) -> None:
    exact = make_entity(kk="Тестбаев")
    longer = make_entity(kk="Тестбаева Айгүл")
    alias_add(entity=longer, text="Т. Тестбаева", language="kk")
    found = ids_of(desk.get(LIST, {"q": "Тестбаев"}))
    assert found[:2] == [exact.pk, longer.pk]
    # A search is ranked by relevance whatever ordering says.
    assert ids_of(desk.get(LIST, {"q": "Тестбаев", "ordering": "-id"}))[:2] == found[:2]
    assert ids_of(desk.get(LIST, {"q": "Т. Тестбаева"})) == [longer.pk]


def test_search_honours_type_status_and_language(desk, tokayev) -> None:
    assert tokayev.pk not in ids_of(desk.get(LIST, {"q": "Tokayev", "type": "ORG"}))
    assert tokayev.pk in ids_of(desk.get(LIST, {"q": "Tokayev", "type": "PER"}))
    assert tokayev.pk not in ids_of(desk.get(LIST, {"q": "Tokayev", "status": "proposed"}))
    kk_only = make_entity(kk="Жаңабай Ерғалиұлы")
    assert ids_of(desk.get(LIST, {"q": "Жаңабай", "language": "kk"})) == [kk_only.pk]
    assert ids_of(desk.get(LIST, {"q": "Жаңабай", "language": "en"})) == []


def test_a_query_without_letters_finds_nothing(desk) -> None:
    response = desk.get(LIST, {"q": "!!!"})
    assert response.json() == {"next": None, "previous": None, "results": []}


def test_filters_without_a_query(desk) -> None:
    proposed = Entity.objects.create(
        type=EntityType.LOCATION, name_ru="Новоселовка", status=Entity.Status.PROPOSED
    )
    places = ids_of(desk.get(LIST, {"type": "LOC", "page_size": 200}))
    assert places
    assert set(Entity.objects.filter(pk__in=places).values_list("type", flat=True)) == {"LOC"}
    assert ids_of(desk.get(LIST, {"status": "proposed", "type": "LOC"})) == [proposed.pk]
    assert ids_of(desk.get(LIST, {"status": "proposed", "language": "kk"})) == []
    assert ids_of(desk.get(LIST, {"status": "proposed", "language": "ru"})) == [proposed.pk]


def test_updated_since_lists_what_changed(desk) -> None:
    cutoff = timezone.now()
    Entity.objects.update(updated_at=cutoff - datetime.timedelta(days=1))
    changed = make_entity(en="Changed Later")
    found = ids_of(desk.get(LIST, {"updated_since": cutoff.isoformat()}))
    assert found == [changed.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"type": "XYZ"},
        {"status": "gone"},
        {"language": "de"},
        {"updated_since": "yesterday"},
        {"updated_since": "0001-01-01T00:00:00+05:00"},
        {"q": "x" * 201},
        {"cursor": "not-a-cursor"},
        {"cursor": b64encode(b"p=not-a-number").decode()},
        {"q": "Tokayev", "cursor": "not-a-cursor"},
        {"q": "Tokayev", "cursor": b64encode(b"o=-5").decode()},
    ],
)
def test_bad_list_parameters_are_400_problems(desk, params) -> None:
    response = desk.get(LIST, params)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM


def test_cursor_pages_cover_the_list_once_in_each_ordering(desk) -> None:
    everything = ids_of(desk.get(LIST, {"type": "LOC", "page_size": 200}))
    assert len(everything) > 6
    assert walk(desk, LIST, {"type": "LOC", "page_size": 4}) == sorted(everything)
    by_name = walk(desk, LIST, {"type": "LOC", "page_size": 4, "ordering": "-name_en"})
    assert sorted(by_name) == sorted(everything)
    names = list(Entity.objects.filter(pk__in=by_name).values_list("pk", "name_en"))
    expected = [pk for pk, _name in sorted(names, key=lambda row: (row[1], row[0]), reverse=True)]
    assert by_name == expected


def test_search_pages_keep_the_ranking(desk) -> None:
    for number in range(7):
        make_entity(en=f"Pagerank Person {number}")
    ranked = ids_of(desk.get(LIST, {"q": "Pagerank", "page_size": 200}))
    assert len(ranked) == 7
    assert walk(desk, LIST, {"q": "Pagerank", "page_size": 3}) == ranked
    second = desk.get(desk.get(LIST, {"q": "Pagerank", "page_size": 3}).json()["next"])
    back = desk.get(second.json()["previous"])
    assert ids_of(back) == ranked[:3]


# -- the representation ----------------------------------------------------------------------


def test_detail_shape_aliases_and_etag(desk, tokayev) -> None:
    response = desk.get(detail_url(tokayev))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == tokayev.pk
    assert body["url"].endswith(detail_url(tokayev))
    assert body["type"] == "PER"
    assert body["names"] == {"kk": tokayev.name_kk, "ru": tokayev.name_ru, "en": tokayev.name_en}
    assert body["merged_into"] is None
    assert body["status"] == "confirmed"
    alias_texts = {a["text"] for a in body["aliases"]}
    assert alias_texts == set(tokayev.aliases.values_list("text", flat=True))
    assert set(body["aliases"][0]) == {"id", "text", "language", "kind", "origin"}
    assert response["ETag"].startswith(f'"entity-{tokayev.pk}-v')


def test_counts_come_from_the_coverage_rows(desk, seed_articles) -> None:
    top = (
        EntityCoverage.objects.values("entity_id")
        .annotate(total=Sum("mentions"))
        .order_by("-total", "entity_id")
        .first()
    )
    assert top is not None
    assert top["total"] > 0
    texts = EntityCoverage.objects.filter(entity_id=top["entity_id"]).count()
    body = desk.get(detail_url(top["entity_id"])).json()
    assert (body["mention_count"], body["text_count"]) == (top["total"], texts)
    listed = {item["id"]: item for item in desk.get(LIST, {"page_size": 200}).json()["results"]}
    if top["entity_id"] in listed:
        assert listed[top["entity_id"]]["mention_count"] == top["total"]


def test_unknown_entity_is_404_problem(desk) -> None:
    response = desk.get(detail_url(10**12))
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


# -- who may read ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.EDITOR, 200), (Role.REVIEWER, 200), (Role.TRANSLATOR, 403), (None, 403)],
)
def test_reading_is_for_the_desk(make_user, api_client_for, tokayev, role, expected) -> None:
    user = make_user("someone", *([role] if role else []))
    client = api_client_for(user)
    for url in (LIST, detail_url(tokayev), aliases_url(tokayev)):
        response = client.get(url)
        assert response.status_code == expected, (url, response.content)
    alias = tokayev.aliases.first()
    assert client.get(alias_url(alias)).status_code == expected


def test_admin_reads_and_anonymous_is_401(admin_user_, api_client_for, tokayev) -> None:
    assert api_client_for(admin_user_).get(detail_url(tokayev)).status_code == 200
    assert APIClient().get(LIST).status_code == 401


# -- creating --------------------------------------------------------------------------------


def test_editor_creates_an_entity(desk, editor) -> None:
    response = desk.post(
        LIST,
        {"type": "ORG", "names": {"kk": "Тест банкі", "ru": " Тест  банк "}, "description": "X"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    entity = Entity.objects.get(pk=body["id"])
    assert response["Location"].endswith(detail_url(entity))
    assert response["ETag"] == f'"entity-{entity.pk}-v{entity_version_of(entity)}"'
    assert body["names"] == {"kk": "Тест банкі", "ru": "Тест банк", "en": ""}
    assert (entity.status, entity.created_by) == (Entity.Status.CONFIRMED, editor)
    assert {a["text"] for a in body["aliases"]} == {"Тест банкі", "Тест банк"}


def entity_version_of(entity: Entity) -> int:
    entity.refresh_from_db()
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    return (entity.updated_at - epoch) // datetime.timedelta(microseconds=1)


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.TRANSLATOR])
def test_only_editors_create(make_user, api_client_for, role) -> None:
    client = api_client_for(make_user("other", role))
    response = client.post(LIST, {"type": "PER", "names": {"en": "Nobody"}}, format="json")
    assert response.status_code == 403
    assert not Entity.objects.filter(name_en="Nobody").exists()


@pytest.mark.parametrize(
    "body",
    [
        {"type": "PER", "names": {}},
        {"type": "PER", "names": {"en": "   "}},
        {"type": "PER", "names": {"en": "!!!"}},
        {"type": "PER", "names": {"en": "x" * 301}},
        {"type": "PER", "names": {"en": None}},
        {"type": "PER", "names": "Tokayev"},
        {"type": "XYZ", "names": {"en": "Somebody"}},
        {"names": {"en": "Somebody"}},
        {"type": "PER", "names": {"en": "Somebody"}, "description": ["a"]},
    ],
)
def test_invalid_new_entities_are_400(desk, body) -> None:
    before = Entity.objects.count()
    response = desk.post(LIST, body, format="json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    assert Entity.objects.count() == before


# -- changing --------------------------------------------------------------------------------


def test_patch_with_if_match_changes_and_returns_a_new_etag(desk) -> None:
    entity = make_entity(kk="Ерлан Тестов")
    etag = desk.get(detail_url(entity))["ETag"]
    response = desk.patch(
        detail_url(entity),
        {"names": {"en": "Yerlan Testov"}, "gender": "m", "wikidata_id": "q4242", "reason": "r"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] != etag
    body = response.json()
    assert body["names"] == {"kk": "Ерлан Тестов", "ru": "", "en": "Yerlan Testov"}
    assert (body["gender"], body["wikidata_id"]) == ("m", "Q4242")
    assert "Yerlan Testov" in {a["text"] for a in body["aliases"]}
    record = EntityCuration.objects.get(entity=entity, action=EntityCuration.Action.EDITED)
    assert record.reason == "r"
    # The old ETag is stale now.
    stale = desk.patch(
        detail_url(entity), {"description": "late"}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    assert stale["Content-Type"] == PROBLEM
    entity.refresh_from_db()
    assert entity.description == ""


def test_patch_needs_if_match(desk) -> None:
    entity = make_entity(en="Needs Header")
    response = desk.patch(detail_url(entity), {"description": "x"}, format="json")
    assert response.status_code == 428
    assert (
        desk.patch(
            detail_url(entity), {"description": "x"}, format="json", HTTP_IF_MATCH='"entity-1-v1"'
        ).status_code
        == 412
    )
    wildcard = desk.patch(
        detail_url(entity), {"description": "any"}, format="json", HTTP_IF_MATCH="*"
    )
    assert wildcard.status_code == 200
    assert wildcard.json()["description"] == "any"


@pytest.mark.parametrize(
    "body",
    [
        {"wikidata_id": "42"},
        {"gender": "x"},
        {"names": {"en": "", "kk": "", "ru": ""}},
        {"names": {"kk": "???"}},
        {"description": None},
    ],
)
def test_invalid_changes_are_400(desk, body) -> None:
    entity = make_entity(en="Stays Same")
    etag = desk.get(detail_url(entity))["ETag"]
    response = desk.patch(detail_url(entity), body, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400, response.content
    entity.refresh_from_db()
    assert (entity.name_en, entity.gender, entity.wikidata_id) == ("Stays Same", "", "")


def test_a_wikidata_id_of_another_entity_is_refused(desk, tokayev) -> None:
    Entity.objects.filter(pk=tokayev.pk).update(wikidata_id="Q97654321")
    entity = make_entity(en="Somebody Else")
    etag = desk.get(detail_url(entity))["ETag"]
    response = desk.patch(
        detail_url(entity), {"wikidata_id": "Q97654321"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 400
    assert "Q97654321" in response.json()["detail"]
    entity.refresh_from_db()
    assert entity.wikidata_id == ""


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.TRANSLATOR])
def test_only_editors_change(make_user, api_client_for, role) -> None:
    entity = make_entity(en="Locked Name")
    client = api_client_for(make_user("other", role))
    response = client.patch(
        detail_url(entity), {"description": "x"}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 403
    assert client.post(confirm_url(entity), {}, format="json").status_code == 403


def test_put_is_not_allowed(desk) -> None:
    entity = make_entity(en="No Put")
    response = desk.put(detail_url(entity), {}, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 405


def test_confirm_a_proposed_entity(desk) -> None:
    proposed = Entity.objects.create(type="PER", name_kk="Ұсынылған", status="proposed")
    response = desk.post(confirm_url(proposed), {"reason": "known"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"
    again = desk.post(confirm_url(proposed), {}, format="json")
    assert again.status_code == 409


# -- merging ---------------------------------------------------------------------------------


def test_merge_moves_to_the_target_and_hides_the_source(desk) -> None:
    source = make_entity(ru="Иван Тестовый")
    target = make_entity(en="Ivan Testovy")
    response = desk.post(merge_url(source), {"into": target.pk, "reason": "dup"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == target.pk
    assert response["Content-Location"].endswith(detail_url(target))
    assert body["names"]["ru"] == "Иван Тестовый"  # filled from the source
    assert "Иван Тестовый" in {a["text"] for a in body["aliases"]}

    merged = desk.get(detail_url(source))
    assert merged.status_code == 200
    assert merged.json()["merged_into"] == target.pk
    assert source.pk not in ids_of(desk.get(LIST, {"type": "PER", "page_size": 200}))
    assert source.pk not in ids_of(desk.get(LIST, {"q": "Иван Тестовый"}))
    newest = {"include_merged": "true", "ordering": "-id", "page_size": 5}
    assert ids_of(desk.get(LIST, newest))[:2] == [target.pk, source.pk]

    again = desk.post(merge_url(source), {"into": target.pk}, format="json")
    assert again.status_code == 409
    change = desk.patch(detail_url(source), {"description": "x"}, format="json", HTTP_IF_MATCH="*")
    assert change.status_code == 409
    alias_change = desk.post(aliases_url(source), {"text": "Ванька"}, format="json")
    assert alias_change.status_code == 409


@pytest.mark.parametrize("case", ["itself", "other_type", "missing", "negative", "text"])
def test_impossible_merges_are_400(desk, case) -> None:
    source = make_entity(en="Merge Source")
    into = {
        "itself": source.pk,
        "other_type": make_entity("ORG", en="An Organisation").pk,
        "missing": 10**12,
        "negative": -1,
        "text": "abc",
    }[case]
    response = desk.post(merge_url(source), {"into": into}, format="json")
    assert response.status_code == 400, response.content
    source.refresh_from_db()
    assert source.merged_into_id is None


def test_merge_with_a_stale_if_match_is_412(desk) -> None:
    source = make_entity(en="Stale Source")
    target = make_entity(en="Stale Target")
    etag = desk.get(detail_url(source))["ETag"]
    alias_add(entity=source, text="Stale Alias")
    Entity.objects.filter(pk=source.pk).update(updated_at=timezone.now())
    response = desk.post(merge_url(source), {"into": target.pk}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    source.refresh_from_db()
    assert source.merged_into_id is None


def test_reviewers_do_not_merge(make_user, api_client_for) -> None:
    source, target = make_entity(en="R Source"), make_entity(en="R Target")
    client = api_client_for(make_user("rev", Role.REVIEWER))
    assert client.post(merge_url(source), {"into": target.pk}, format="json").status_code == 403


# -- aliases ---------------------------------------------------------------------------------


def test_add_list_and_remove_an_alias(desk) -> None:
    entity = make_entity(en="Alias Holder")
    etag = desk.get(detail_url(entity))["ETag"]
    response = desk.post(
        aliases_url(entity),
        {"text": "Холдер", "language": "ru", "kind": "transliteration", "reason": "seen"},
        format="json",
    )
    assert response.status_code == 201, response.content
    alias = Alias.objects.get(pk=response.json()["id"])
    assert (alias.entity_id, alias.language, alias.kind) == (entity.pk, "ru", "transliteration")
    assert response["Location"].endswith(alias_url(alias))
    assert desk.get(response["Location"]).json()["text"] == "Холдер"
    assert desk.get(detail_url(entity))["ETag"] != etag  # the entity's version moved

    listed = desk.get(aliases_url(entity)).json()
    assert {a["text"] for a in listed["results"]} == {"Alias Holder", "Холдер"}
    assert ids_of(desk.get(aliases_url(entity), {"language": "ru"})) == [alias.pk]
    assert ids_of(desk.get(aliases_url(entity), {"kind": "transliteration"})) == [alias.pk]

    duplicate = desk.post(aliases_url(entity), {"text": "  холдер "}, format="json")
    assert duplicate.status_code == 409

    removed = desk.delete(alias_url(alias) + "?reason=wrong")
    assert removed.status_code == 204
    assert not Alias.objects.filter(pk=alias.pk).exists()
    record = EntityCuration.objects.get(entity=entity, action=EntityCuration.Action.ALIAS_REMOVED)
    assert record.reason == "wrong"
    assert desk.delete(alias_url(alias)).status_code == 404


def test_an_alias_of_another_entity_is_404(desk, tokayev) -> None:
    other = make_entity(en="Other Entity")
    alias = tokayev.aliases.first()
    url = reverse("api:entity-alias-detail", args=[other.pk, alias.pk])
    assert desk.get(url).status_code == 404
    assert desk.delete(url).status_code == 404
    assert Alias.objects.filter(pk=alias.pk).exists()


@pytest.mark.parametrize(
    "body",
    [{}, {"text": "«»"}, {"text": "ok", "language": "de"}, {"text": "ok", "kind": "nick"}],
)
def test_invalid_aliases_are_400(desk, body) -> None:
    entity = make_entity(en="Alias Target")
    response = desk.post(aliases_url(entity), body, format="json")
    assert response.status_code == 400, response.content
    assert entity.aliases.count() == 1


def test_reviewers_do_not_change_aliases(make_user, api_client_for, tokayev) -> None:
    client = api_client_for(make_user("rev", Role.REVIEWER))
    alias = tokayev.aliases.first()
    assert client.post(aliases_url(tokayev), {"text": "Токаш"}, format="json").status_code == 403
    assert client.delete(alias_url(alias)).status_code == 403
    assert Alias.objects.filter(pk=alias.pk).exists()


# -- key scopes ------------------------------------------------------------------------------


def test_a_read_only_key_reads_but_never_writes(editor, api_client_for, tokayev) -> None:
    client = api_client_for(editor, scopes=("read",))
    assert client.get(detail_url(tokayev)).status_code == 200
    alias = tokayev.aliases.first()
    other = make_entity("PER", en="Read Only Target")
    writes = [
        client.post(LIST, {"type": "PER", "names": {"en": "Nope"}}, format="json"),
        client.patch(detail_url(tokayev), {"description": "x"}, format="json", HTTP_IF_MATCH="*"),
        client.post(merge_url(other), {"into": tokayev.pk}, format="json"),
        client.post(confirm_url(other), {}, format="json"),
        client.post(aliases_url(tokayev), {"text": "Токаш"}, format="json"),
        client.delete(alias_url(alias)),
    ]
    assert [response.status_code for response in writes] == [403] * len(writes)
    assert Alias.objects.filter(pk=alias.pk).exists()
    other.refresh_from_db()
    assert other.merged_into_id is None


def test_a_write_only_key_does_not_read(editor, api_client_for, tokayev) -> None:
    client = api_client_for(editor, scopes=("write",))
    assert client.get(detail_url(tokayev)).status_code == 403


# -- query counts ----------------------------------------------------------------------------


def warm_up(client: APIClient) -> None:
    """One request first: the key's last-used time is written once a while, not each time."""
    assert client.get(LIST, {"page_size": 1}).status_code == 200


def _add_aliases(entity: Entity, count: int) -> None:
    for number in range(count):
        alias_add(entity=entity, text=f"Extra Alias {entity.pk} {number}")


def test_list_queries_do_not_grow_with_rows(
    desk, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    for entity in Entity.objects.filter(type="PER")[:30]:
        _add_aliases(entity, 2)
    warm_up(desk)
    with django_assert_max_num_queries(10) as one:
        assert len(ids_of(desk.get(LIST, {"type": "PER", "page_size": 1}))) == 1
    with django_assert_num_queries(len(one)):
        assert len(ids_of(desk.get(LIST, {"type": "PER", "page_size": 30}))) == 30


def test_search_queries_do_not_grow_with_rows(
    desk, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    for number in range(30):
        _add_aliases(make_entity(en=f"Countable Person {number}"), 2)
    params = {"q": "Countable", "language": "en"}
    warm_up(desk)
    with django_assert_max_num_queries(12) as one:
        assert len(ids_of(desk.get(LIST, {**params, "page_size": 1}))) == 1
    with django_assert_num_queries(len(one)):
        assert len(ids_of(desk.get(LIST, {**params, "page_size": 30}))) == 30


def test_detail_queries_do_not_grow_with_aliases(
    desk, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    few, many = make_entity(en="Few Aliases"), make_entity(en="Many Aliases")
    _add_aliases(many, 30)
    warm_up(desk)
    with django_assert_max_num_queries(8) as one:
        assert len(desk.get(detail_url(few)).json()["aliases"]) == 1
    with django_assert_num_queries(len(one)):
        assert len(desk.get(detail_url(many)).json()["aliases"]) == 31


def test_alias_list_queries_do_not_grow_with_rows(
    desk, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    entity = make_entity(en="Alias Counter")
    _add_aliases(entity, 30)
    warm_up(desk)
    with django_assert_max_num_queries(8) as one:
        assert len(ids_of(desk.get(aliases_url(entity), {"page_size": 1}))) == 1
    with django_assert_num_queries(len(one)):
        assert len(ids_of(desk.get(aliases_url(entity), {"page_size": 30}))) == 30

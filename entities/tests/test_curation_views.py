"""Entity pages, the entity list, the review queue and the curation actions through HTTP: what
they show, who may use them, constant query counts, and refusals that write nothing."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PASSWORD
from entities.curation import services
from entities.curation.models import EntityCuration
from entities.curation.views import REVIEW_PER_PAGE
from entities.models import Alias, Entity, Mention
from entities.tests.test_curation_fixtures import (
    cover,
    figure,
    make_article,
    make_entity,
    mention,
    ownership,
    quote,
)

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 9, 1)


@pytest.fixture(autouse=True)
def _no_coverage_refresh(monkeypatch):
    monkeypatch.setattr(
        services.coverage_services, "coverage_refresh_for_entities", lambda *, entity_ids: None
    )


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def populate(entity: Entity, n: int) -> list:
    """``n`` articles naming the entity, each with a quote of it, a figure beside it, another
    entity named with it, and an alias and a history record per row."""
    articles = []
    for i in range(n):
        partner = make_entity(kk=f"Серіктес {i}", type="ORG")
        article = make_article(
            f"{entity.name_kk} {i} мәлімдеді: «Бюджет {i} өсті». Бюджет {i} млн доллар болды.\n\n"
            f"Серіктес {i} келісті.",
            title=f"Мақала {i} туралы",
            day=DAY + datetime.timedelta(days=i),
        )
        mention(article, entity, entity.name_kk)
        mention(article, partner, f"Серіктес {i}")
        quote(article, entity, f"Бюджет {i} өсті", entity.name_kk)
        figure(article, f"{i} млн доллар", f"{i}000000", "USD")
        cover(article, entity)
        cover(article, partner)
        services.entity_alias_add(entity=entity, text=f"Лақап {i}", user=None)
        articles.append(article)
    return articles


# -- the entity page ---------------------------------------------------------------------------


def test_entity_page_shows_names_aliases_articles_partners_quotes_figures_and_history(
    client, editor
):
    erlan = make_entity(
        kk="Ерлан Сапаров",
        ru="Ерлан Сапаров",
        en="Yerlan Saparov",
        wikidata_id="Q4115189",
        description="Akim of Atyrau",
    )
    articles = populate(erlan, 3)
    services.entity_update(entity=erlan, user=editor, description="Akim of Atyrau region")
    response = login(client, editor).get(reverse("entities:entity", args=[erlan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Yerlan Saparov",
        "Akim of Atyrau region",
        'href="https://www.wikidata.org/wiki/Q4115189"',
        "Лақап 2",
        "Мақала 2 туралы",
        "Серіктес 1",
        "In the last 3 articles mentioning this entity.",
        "Бюджет 2 өсті",
        "2 млн доллар",
        "Undo",
        reverse("entities:entity_merge", args=[erlan.pk]),
        reverse("entities:alias_add", args=[erlan.pk]),
    ):
        assert text in html, text
    # Newest article first.
    assert html.index("Мақала 2 туралы") < html.index("Мақала 0 туралы")
    assert reverse("articles:detail", args=[articles[2].pk]) in html


def test_entity_page_groups_aliases_by_language_with_kind_and_origin(client, reviewer):
    entity = make_entity(kk="Тоқаев", ru="Токаев", aliases=(("ҚЖТ", ""),))
    Alias.objects.filter(text="ҚЖТ").update(kind=Alias.Kind.ABBREVIATION)
    html = login(client, reviewer).get(reverse("entities:entity", args=[entity.pk])).content
    html = html.decode()
    assert html.index("Kazakh") < html.index("Тоқаев</span>")
    assert "Any language" in html
    assert "Abbreviation" in html
    assert "Seed knowledge base" in html
    # A reviewer reads, but gets no buttons that change anything.
    assert reverse("entities:alias_add", args=[entity.pk]) not in html
    assert "Undo" not in html


def test_merged_entity_redirects_to_the_one_it_became(client, editor):
    kept = make_entity(ru="Токаев")
    merged = make_entity(kk="Тоқаевтың", status=Entity.Status.PROPOSED)
    services.entity_merge(source=merged, target=kept, user=editor)
    response = login(client, editor).get(reverse("entities:entity", args=[merged.pk]), follow=True)
    assert response.redirect_chain == [(reverse("entities:entity", args=[kept.pk]), 302)]
    assert "was merged into «Токаев»" in response.content.decode()


def test_proposed_entity_shows_its_badge_and_a_confirm_button(client, editor):
    entity = make_entity(kk="Жаңа Адам", status=Entity.Status.PROPOSED)
    html = login(client, editor).get(reverse("entities:entity", args=[entity.pk])).content.decode()
    assert "status-proposed" in html
    assert reverse("entities:entity_confirm", args=[entity.pk]) in html


def test_entity_page_merge_search_lists_entities_of_the_same_type(client, editor):
    entity = make_entity(kk="Тоқаевтың", status=Entity.Status.PROPOSED)
    target = make_entity(ru="Токаев")
    make_entity(type="LOC", ru="Токаевка")
    html = (
        login(client, editor)
        .get(reverse("entities:entity", args=[entity.pk]), {"merge_q": "Токаев"})
        .content.decode()
    )
    assert f'name="target" value="{target.pk}"' in html
    assert "Токаевка" not in html


def test_missing_entity_is_404(client, editor):
    assert login(client, editor).get(reverse("entities:entity", args=[999999])).status_code == 404


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["entity", "list", "review"])
def test_query_count_does_not_grow_with_rows(client, editor, page, django_assert_max_num_queries):
    login(client, editor)

    def build(n: int, tag: str) -> str:
        if page == "entity":
            entity = make_entity(kk=f"Адам {tag}", ru=f"Адам {tag}")
            populate(entity, n)
            for i in range(n):  # more history rows, some undoable
                services.entity_update(entity=entity, user=editor, description=f"{tag} {i}")
            return reverse("entities:entity", args=[entity.pk])
        if page == "list":
            for i in range(n):
                entity = make_entity(kk=f"{tag} Қала {i}", type="LOC")
                cover(make_article("Мәтін."), entity)
            return reverse("entities:entity_list") + f"?q={tag}"
        for i in range(n):
            known = make_entity(ru=f"{tag}ов Иван{i}")
            proposed = make_entity(
                kk=f"{tag}ов Иван{i}тың", status=Entity.Status.PROPOSED, type="PER"
            )
            cover(make_article("Мәтін."), proposed, mentions=i + 1)
            cover(make_article("Мәтін."), known)
        return reverse("entities:entity_review")

    small = build(3, "Азат")
    large = build(15, "Бекзат")
    _queries(client, small)  # warm caches (sessions, content types, pymorphy)
    counts = (_queries(client, small), _queries(client, large))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(22):
        client.get(large)


def test_review_queue_query_count_with_15_proposals_and_candidates(client, editor):
    """Every proposal on the page with its candidates: still a fixed number of queries, on a
    full page and on the last one."""
    login(client, editor)
    for i in range(15):
        make_entity(ru=f"Сапаров{i}")
        proposed = make_entity(kk=f"Сапаров{i}тың", status=Entity.Status.PROPOSED)
        cover(make_article("Мәтін."), proposed)
    url = reverse("entities:entity_review")
    client.get(url)
    shown = []
    for page in (1, 2):
        with CaptureQueriesContext(connection) as captured:
            html = client.get(url, {"page": page}).content.decode()
        shown.append(html.count("is an inflected form of"))
        assert len(captured) <= 14
    assert shown == [REVIEW_PER_PAGE, 15 - REVIEW_PER_PAGE]


# -- the entity list ---------------------------------------------------------------------------


def test_entity_list_searches_every_language_and_script(client, reviewer):
    tokayev = make_entity(kk="Тоқаев", ru="Токаев", en="Tokayev")
    make_entity(kk="Назарбаев")
    astana = make_entity(type="LOC", kk="Ззастана", status=Entity.Status.PROPOSED)
    person = make_entity(kk="Ззадам")
    cover(make_article("Мәтін."), tokayev, mentions=4)
    login(client, reviewer)
    for q in ("Tokayev", "токаев", "ТОҚАЕВ", "Tokaev"):
        html = client.get(reverse("entities:entity_list"), {"q": q}).content.decode()
        assert f'data-entity-id="{tokayev.pk}"' in html, q
        assert "Назарбаев" not in html, q
    html = client.get(reverse("entities:entity_list"), {"q": "Зз", "type": "LOC"}).content.decode()
    assert f'data-entity-id="{astana.pk}"' in html
    assert f'data-entity-id="{person.pk}"' not in html
    html = client.get(
        reverse("entities:entity_list"), {"q": "Зз", "status": "proposed"}
    ).content.decode()
    assert f'data-entity-id="{astana.pk}"' in html
    assert f'data-entity-id="{person.pk}"' not in html
    html = client.get(reverse("entities:entity_list"), {"q": "Tokayev"}).content.decode()
    assert '<td class="number">4</td>' in html  # mentions from the coverage rows


def test_entity_list_leaves_out_merged_entities_and_pages(client, editor):
    kept = make_entity(kk="Ззбірінші")
    merged = make_entity(kk="Ззбірінші ұйым")
    services.entity_merge(source=merged, target=kept, user=editor)
    for i in range(55):
        make_entity(kk=f"Ззадам {i:02d}")
    login(client, editor)
    html = client.get(reverse("entities:entity_list"), {"q": "Зз"}).content.decode()
    assert f'data-entity-id="{merged.pk}"' not in html
    assert "Page 1 of 2" in html
    assert client.get(reverse("entities:entity_list"), {"type": "XXX"}).status_code == 200


# -- the review queue ------------------------------------------------------------------------


def test_review_queue_suggests_duplicates_with_reasons(client, editor):
    tokayev = make_entity(ru="Токаев")
    saparov = make_entity(kk="Ерлан Сапаров")
    make_entity(type="LOC", ru="Токаев")  # another type: never suggested
    translit = make_entity(kk="Тоқаев", status=Entity.Status.PROPOSED)
    inflected = make_entity(kk="Тоқаевтың", status=Entity.Status.PROPOSED)
    fuzzy = make_entity(kk="Ерлан Сапров", status=Entity.Status.PROPOSED)
    lonely = make_entity(kk="Мүлде Басқа", status=Entity.Status.PROPOSED)
    for entity, n in ((translit, 5), (inflected, 3), (fuzzy, 2)):
        for _ in range(n):
            cover(make_article("Мәтін."), entity)
    html = login(client, editor).get(reverse("entities:entity_review")).content.decode()
    # Most mentioned first.
    positions = [html.index(f'data-entity-id="{e.pk}"') for e in (translit, inflected, fuzzy)]
    assert positions == sorted(positions)
    assert "same transliteration: «Тоқаев» = «Токаев»" in html
    assert "«Тоқаевтың» is an inflected form of «Токаев»" in html
    assert "% similar: «Ерлан Сапров» ~ «Ерлан Сапаров»" in html
    assert f'name="target" value="{tokayev.pk}"' in html
    assert f'name="target" value="{saparov.pk}"' in html
    assert reverse("entities:entity_confirm", args=[lonely.pk]) in html
    assert "No likely duplicate found." in html
    # Nothing merged by showing it.
    assert not Entity.objects.filter(merged_into__isnull=False).exists()


def test_review_queue_merge_button_merges_and_returns_to_the_queue(client, editor):
    tokayev = make_entity(ru="Токаев")
    proposed = make_entity(kk="Тоқаевтың", status=Entity.Status.PROPOSED)
    article = make_article("Тоқаевтың сөзі.")
    mention(article, proposed, "Тоқаевтың")
    queue = reverse("entities:entity_review")
    response = login(client, editor).post(
        reverse("entities:entity_merge", args=[proposed.pk]),
        {"target": tokayev.pk, "reason": "same person", "next": queue},
        follow=True,
    )
    assert response.redirect_chain == [(queue, 302)]
    assert "Merged «Тоқаевтың» into «Токаев»: 1 mentions" in response.content.decode()
    assert Mention.objects.get().entity_id == tokayev.pk
    assert EntityCuration.objects.get().reason == "same person"


def test_review_queue_confirm_button(client, editor):
    proposed = make_entity(kk="Жаңа Адам", status=Entity.Status.PROPOSED)
    queue = reverse("entities:entity_review")
    response = login(client, editor).post(
        reverse("entities:entity_confirm", args=[proposed.pk]), {"next": queue}, follow=True
    )
    assert response.redirect_chain == [(queue, 302)]
    proposed.refresh_from_db()
    assert proposed.status == Entity.Status.CONFIRMED
    assert "confirmed entity" in response.content.decode()


# -- actions: validation and refusals --------------------------------------------------------


def test_merge_into_another_type_is_refused_with_a_message_and_no_write(client, editor):
    person = make_entity(kk="Астана Адам", status=Entity.Status.PROPOSED)
    place = make_entity(type="LOC", kk="Астана")
    before = ownership(person, place)
    url = reverse("entities:entity", args=[person.pk])
    response = login(client, editor).post(
        reverse("entities:entity_merge", args=[person.pk]), {"target": place.pk}, follow=True
    )
    assert response.redirect_chain == [(url, 302)]
    assert "different types" in response.content.decode()
    assert ownership(person, place) == before
    assert not EntityCuration.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [({}, "Choose the entity to merge into."), ({"target": "999999"}, "no entity number")],
)
def test_merge_form_errors(client, editor, data, message):
    entity = make_entity(kk="Бір")
    response = login(client, editor).post(
        reverse("entities:entity_merge", args=[entity.pk]), data, follow=True
    )
    assert message in response.content.decode()
    assert not EntityCuration.objects.exists()


def test_merge_ignores_an_unsafe_next(client, editor):
    source, target = make_entity(kk="Бір"), make_entity(kk="Екі")
    response = login(client, editor).post(
        reverse("entities:entity_merge", args=[source.pk]),
        {"target": target.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("entities:entity", args=[target.pk])


def test_alias_add_remove_and_undo_through_the_page(client, editor):
    entity = make_entity(kk="Тоқаев")
    login(client, editor)
    page = reverse("entities:entity", args=[entity.pk])
    response = client.post(
        reverse("entities:alias_add", args=[entity.pk]),
        {"text": "Токаев", "language": "ru", "kind": "name"},
        follow=True,
    )
    assert response.redirect_chain == [(page, 302)]
    assert "Added the alias «Токаев»." in response.content.decode()
    response = client.post(
        reverse("entities:alias_add", args=[entity.pk]),
        {"text": "токаев", "language": "ru", "kind": "name"},
        follow=True,
    )
    assert "already has the alias" in response.content.decode()
    response = client.post(
        reverse("entities:alias_add", args=[entity.pk]), {"text": "", "kind": "name"}, follow=True
    )
    assert "Type the alias to add." in response.content.decode()
    alias = Alias.objects.get(entity=entity, text="Токаев")
    client.post(reverse("entities:alias_remove", args=[entity.pk, alias.pk]))
    assert not Alias.objects.filter(entity=entity, text="Токаев").exists()
    removed = EntityCuration.objects.get(action="alias_removed")
    response = client.post(reverse("entities:curation_revert", args=[removed.pk]), follow=True)
    assert "Undid «Alias removed»." in response.content.decode()
    assert Alias.objects.filter(text="Токаев", entity=entity).exists()
    # An alias of another entity is not found under this one.
    other = make_entity(kk="Басқа")
    other_alias = other.aliases.get()
    url = reverse("entities:alias_remove", args=[entity.pk, other_alias.pk])
    assert client.post(url).status_code == 404


def test_undo_that_is_refused_says_why(client, editor):
    kept, merged = make_entity(ru="Токаев"), make_entity(kk="Тоқаевтың")
    record = services.entity_merge(source=merged, target=kept, user=editor)
    services.entity_merge(source=kept, target=make_entity(en="Tokayev"), user=editor)
    response = login(client, editor).post(
        reverse("entities:curation_revert", args=[record.pk]), follow=True
    )
    assert response.status_code == 200
    assert "undo that merge first" in response.content.decode()


def test_edit_page_saves_and_shows_errors(client, editor):
    taken = make_entity(kk="Біреу", wikidata_id="Q77")
    entity = make_entity(kk="Тоқаев")
    login(client, editor)
    url = reverse("entities:entity_edit", args=[entity.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name_kk": "Тоқаев", "wikidata_id": "Q77"})
    assert response.status_code == 400
    assert f"Q77 already belongs to Біреу (#{taken.pk})" in response.content.decode()
    response = client.post(url, {"name_kk": "", "name_ru": "", "name_en": ""})
    assert response.status_code == 400
    assert "Give a name in at least one language." in response.content.decode()
    response = client.post(url, {"name_kk": "Тоқаев", "wikidata_id": "abc"})
    assert "looks like Q42" in response.content.decode()
    response = client.post(
        url,
        {"name_kk": "Тоқаев", "name_en": "Tokayev", "wikidata_id": "q4", "gender": "m"},
        follow=True,
    )
    entity.refresh_from_db()
    assert (entity.name_en, entity.wikidata_id, entity.gender) == ("Tokayev", "Q4", "m")
    assert "Saved the changes" in response.content.decode()


def test_split_page_lists_mentions_and_splits(client, editor):
    erlan = make_entity(kk="Ерлан Сапаров")
    first = make_article("Кеше Ерлан Сапаров Атырауда болды.")
    second = make_article("Әнші Ерлан Сапаров концерт берді.")
    m1 = mention(first, erlan, "Ерлан Сапаров")
    m2 = mention(second, erlan, "Ерлан Сапаров")
    login(client, editor)
    url = reverse("entities:entity_split", args=[erlan.pk])
    html = client.get(url).content.decode()
    assert "Әнші <mark>Ерлан Сапаров</mark> концерт берді." in html
    assert f'value="{m1.pk}"' in html
    assert f'value="{m2.pk}"' in html
    response = client.post(url, {"type": "PER", "name_kk": "Ерлан Сапаров (әнші)"})
    assert response.status_code == 400
    assert "Select the mentions that name the other entity." in response.content.decode()
    response = client.post(
        url, {"type": "PER", "name_kk": "Ерлан Сапаров (әнші)", "mentions": [m2.pk]}, follow=True
    )
    assert "Moved 1 mentions to the new entity" in response.content.decode()
    assert Mention.objects.get(pk=m2.pk).entity.name_kk == "Ерлан Сапаров (әнші)"
    assert Mention.objects.get(pk=m1.pk).entity_id == erlan.pk


# -- who may do what ---------------------------------------------------------------------------

ROLES = ("anonymous", "translator", "reviewer", "editor", "admin")
# (url name, method): expected status per role, in the order of ROLES.
MATRIX = {
    ("entities:entity_list", "GET"): (302, 403, 200, 200, 200),
    ("entities:entity_list", "POST"): (302, 405, 405, 405, 405),
    ("entities:entity_review", "GET"): (302, 403, 200, 200, 200),
    ("entities:entity_review", "POST"): (302, 405, 405, 405, 405),
    ("entities:entity", "GET"): (302, 403, 200, 200, 200),
    ("entities:entity", "POST"): (302, 405, 405, 405, 405),
    ("entities:entity_edit", "GET"): (302, 403, 403, 200, 200),
    ("entities:entity_edit", "POST"): (302, 403, 403, 302, 302),
    ("entities:entity_split", "GET"): (302, 403, 403, 200, 200),
    ("entities:entity_split", "POST"): (302, 403, 403, 302, 302),
    ("entities:entity_confirm", "POST"): (302, 403, 403, 302, 302),
    ("entities:entity_confirm", "GET"): (302, 405, 405, 405, 405),
    ("entities:entity_merge", "POST"): (302, 403, 403, 302, 302),
    ("entities:entity_merge", "GET"): (302, 405, 405, 405, 405),
    ("entities:alias_add", "POST"): (302, 403, 403, 302, 302),
    ("entities:alias_add", "GET"): (302, 405, 405, 405, 405),
    ("entities:alias_remove", "POST"): (302, 403, 403, 302, 302),
    ("entities:alias_remove", "GET"): (302, 405, 405, 405, 405),
    ("entities:curation_revert", "POST"): (302, 403, 403, 302, 302),
    ("entities:curation_revert", "GET"): (302, 405, 405, 405, 405),
}


def _request(name: str, editor) -> tuple[str, dict, callable]:
    """The URL, a payload that succeeds, and a check that it did (for 302 rows)."""
    proposed = make_entity(kk="Тоқаевтың", status=Entity.Status.PROPOSED)
    kept = make_entity(ru="Токаев")
    article = make_article("Тоқаевтың сөзі.")
    m = mention(article, proposed, "Тоқаевтың")
    pk = proposed.pk
    if name == "entities:entity_edit":
        return (
            reverse(name, args=[pk]),
            {"name_kk": "Тоқаев"},
            lambda: Entity.objects.get(pk=pk).name_kk == "Тоқаев",
        )
    if name == "entities:entity_split":
        return (
            reverse(name, args=[pk]),
            {"type": "PER", "name_kk": "Басқа", "mentions": [m.pk]},
            lambda: Mention.objects.get(pk=m.pk).entity_id != pk,
        )
    if name == "entities:entity_confirm":
        return (
            reverse(name, args=[pk]),
            {},
            lambda: Entity.objects.get(pk=pk).status == "confirmed",
        )
    if name == "entities:entity_merge":
        return (
            reverse(name, args=[pk]),
            {"target": kept.pk},
            lambda: Entity.objects.get(pk=pk).merged_into_id == kept.pk,
        )
    if name == "entities:alias_add":
        return (
            reverse(name, args=[pk]),
            {"text": "Жаңа", "kind": "name"},
            lambda: Alias.objects.filter(entity_id=pk, text="Жаңа").exists(),
        )
    if name == "entities:alias_remove":
        alias = proposed.aliases.get()
        return (
            reverse(name, args=[pk, alias.pk]),
            {},
            lambda: not Alias.objects.filter(pk=alias.pk).exists(),
        )
    if name == "entities:curation_revert":
        record = services.entity_confirm(entity=proposed, user=editor)
        return (
            reverse(name, args=[record.pk]),
            {},
            lambda: Entity.objects.get(pk=pk).status == "proposed",
        )
    if name in ("entities:entity_list", "entities:entity_review"):
        return reverse(name), {}, lambda: True
    return reverse(name, args=[pk]), {}, lambda: True


@pytest.mark.parametrize(("name", "method"), list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, make_user, name, method, role):
    from articles.roles import Role

    editor_user = make_user("the-editor", Role.EDITOR)
    users = {
        "anonymous": None,
        "translator": lambda: make_user("t", Role.TRANSLATOR),
        "reviewer": lambda: make_user("r", Role.REVIEWER),
        "editor": lambda: editor_user,
        "admin": lambda: make_user("a", superuser=True),
    }
    if users[role] is not None:
        login(client, users[role]())
    url, data, succeeded = _request(name, editor_user)
    records = EntityCuration.objects.count()
    response = client.get(url) if method == "GET" else client.post(url, data)
    expected = MATRIX[(name, method)][ROLES.index(role)]
    assert response.status_code == expected, (name, method, role, response.status_code)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    if expected == 302 and role != "anonymous":
        assert succeeded(), (name, role)
        assert EntityCuration.objects.count() == records + 1
    elif method == "POST":
        assert EntityCuration.objects.count() == records  # refused: nothing written


def test_a_concurrent_write_conflict_is_a_message_not_a_500(client, editor, monkeypatch):
    from django.db import IntegrityError

    source, target = make_entity(kk="Бір"), make_entity(kk="Екі")

    def clash(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(services, "entity_merge", clash)
    response = login(client, editor).post(
        reverse("entities:entity_merge", args=[source.pk]), {"target": target.pk}, follow=True
    )
    assert response.status_code == 200
    assert "saved at the same moment" in response.content.decode()


def test_entity_page_lists_a_translation_mentioning_the_entity(client, editor):
    from articles.tests.factories import TranslationFactory
    from entities.coverage.models import EntityCoverage

    entity = make_entity(kk="Тоқаев")
    article = make_article("Тоқаев келді.", day=DAY)
    translation = TranslationFactory(article=article, language="ru", title="Токаев приехал")
    cover(article, entity)
    EntityCoverage.objects.create(
        article=article, translation=translation, entity=entity, language="ru", mentions=1
    )
    html = login(client, editor).get(reverse("entities:entity", args=[entity.pk])).content
    html = html.decode()
    assert reverse("articles:translation", args=[translation.pk]) in html
    assert "Токаев приехал" in html
    assert 'Articles <span class="muted">(2)</span>' in html

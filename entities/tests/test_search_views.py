"""The search page (``entities:search``) and the ``{% search_box %}`` tag: who may search,
what the page shows (results, reasons, highlighting, filters, pages), and that its query count
does not grow with the results."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.tests.factories import ArticleFactory, SourceFactory, TranslationFactory
from conftest import PASSWORD
from entities.search.selectors import PAGE_SIZE
from entities.search.services import search_document_update
from entities.tests.test_search import make_entity, mention

pytestmark = pytest.mark.django_db

URL = reverse("entities:search")


def indexed(*owners):
    for owner in owners:
        search_document_update(owner=owner)
    return owners[0] if len(owners) == 1 else owners


@pytest.fixture
def users(make_user, admin_user_):
    return {
        "translator": make_user("translator", "translator"),
        "reviewer": make_user("reviewer", "reviewer"),
        "editor": make_user("editor", "editor"),
        "admin": admin_user_,
    }


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    # The first request of a session stores the interface language in it: not the page's.
    client.get(URL)


# -- who may search ----------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client) -> None:
    for method in (client.get, client.post):
        response = method(URL, {"q": "сапар"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["translator", "reviewer", "editor", "admin"])
def test_every_role_may_search_with_get_only(client, users, role) -> None:
    login(client, users[role])
    assert client.get(URL).status_code == 200
    assert client.get(URL, {"q": "сапар"}).status_code == 200
    assert client.head(URL, {"q": "сапар"}).status_code == 200
    assert client.post(URL, {"q": "сапар"}).status_code == 405


def test_a_translator_sees_only_their_texts(client, users) -> None:
    translator = users["translator"]
    mine = ArticleFactory(title="Менің сапарым", body="Сапар туралы.", language="kk")
    other = ArticleFactory(title="Басқа сапар", body="Сапар туралы.", language="kk")
    translation = TranslationFactory(
        article=mine, language="ru", title="Мой визит", body="Сапар.", translator=translator
    )
    indexed(mine, other, translation)
    login(client, translator)
    html = client.get(URL, {"q": "сапар"}).content.decode()
    assert "Менің" in html
    assert "Мой визит" in html
    assert "Басқа сапар" not in html
    assert reverse("articles:translation", args=[translation.pk]) in html
    assert "translation of «Менің сапарым»" in html
    # Entity names are not links for translators (entity pages are the desk's).
    assert 'href="/entities/' not in html


# -- what the page shows -----------------------------------------------------------------------


def test_results_show_reasons_highlights_and_links(client, users) -> None:
    tokayev_like = make_entity(
        name_kk="Ержан Құдайбергенов",
        name_ru="Ержан Кудайбергенов",
        name_en="Yerzhan Kudaibergenov",
        aliases=("Құдайбергенов", "Кудайбергенов"),
    )
    zakon = SourceFactory(name="Zakon.kz")
    kazakh = ArticleFactory(
        title="Әкімнің есебі",
        body="Ержан Құдайбергеновтың сөзінше, <script>alert(1)</script> жоба аяқталды.",
        language="kk",
        source=zakon,
        published_at=timezone.make_aware(datetime.datetime(2025, 9, 2, 10, 30)),
    )
    mention(kazakh, tokayev_like, "Ержан Құдайбергеновтың")
    indexed(kazakh)
    login(client, users["editor"])
    response = client.get(URL, {"q": "Кудайбергенову"})
    html = response.content.decode()
    assert response.context["page"].count == 1
    assert reverse("articles:detail", args=[kazakh.pk]) in html
    assert "Zakon.kz" in html
    assert "<mark>Ержан Құдайбергеновтың</mark>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Mentions Yerzhan Kudaibergenov as" in html
    assert '<q lang="kk">Ержан Құдайбергеновтың</q>' in html
    # The entity chip links to its page for the desk.
    assert reverse("entities:entity", args=[tokayev_like.pk]) in html
    assert "1 result" in html


def test_the_page_without_a_query_explains_itself(client, users) -> None:
    login(client, users["reviewer"])
    response = client.get(URL)
    assert response.context["page"] is None
    assert "Inflected forms match" in response.content.decode()


def test_filters_and_order_come_from_the_query_string(client, users) -> None:
    zakon, baq = SourceFactory(name="Zakon.kz"), SourceFactory(name="BAQ.KZ")
    now = timezone.now()
    indexed(
        ArticleFactory(title="Хабар A", body="Бір сапар.", source=zakon, published_at=now),
        ArticleFactory(
            title="Сапар B",
            body="Сапар сапар сапар.",
            source=baq,
            published_at=now - datetime.timedelta(days=2),
        ),
    )
    login(client, users["editor"])

    def titles(**params) -> list[str]:
        page = client.get(URL, {"q": "сапар", **params}).context["page"]
        return [r.document.article.title for r in page.results]

    assert titles(order="newest") == ["Хабар A", "Сапар B"]
    assert titles(order="relevance") == ["Сапар B", "Хабар A"]
    assert titles(source=zakon.pk) == ["Хабар A"]
    assert titles(kind="translation") == []
    yesterday = (now - datetime.timedelta(days=1)).date().isoformat()
    assert titles(date_to=yesterday) == ["Сапар B"]


def test_an_invalid_filter_is_shown_and_left_out(client, users) -> None:
    indexed(ArticleFactory(title="Сапар A", body="Сапар."))
    login(client, users["editor"])
    response = client.get(
        URL, {"q": "сапар", "date_from": "2025-09-10", "date_to": "2025-09-01", "page": "x"}
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    # date_from still applies; the article (published now) is after it.
    assert response.context["page"].count == 1


def test_pages_link_to_each_other(client, users, monkeypatch) -> None:
    for i in range(PAGE_SIZE + 2):
        indexed(ArticleFactory(title=f"Сапар {i}", body="Сапар."))
    login(client, users["editor"])
    first = client.get(URL, {"q": "сапар", "order": "newest"})
    assert len(first.context["page"].results) == PAGE_SIZE
    assert 'rel="next"' in first.content.decode()
    assert f"{PAGE_SIZE + 2} results" in first.content.decode()
    second = client.get(URL, {"q": "сапар", "order": "newest", "page": 2})
    assert len(second.context["page"].results) == 2
    assert 'start="21"' in second.content.decode()
    assert 'rel="prev"' in second.content.decode()
    # Past the counting cap the page says so, and that relevance ranks the newest matches.
    monkeypatch.setattr("entities.search.selectors.MAX_COUNTED", PAGE_SIZE + 1)
    capped = client.get(URL, {"q": "сапар"}).content.decode()
    assert f"More than {PAGE_SIZE + 1} results" in capped
    assert "Ordered by relevance among the" in capped
    newest = client.get(URL, {"q": "сапар", "order": "newest"}).content.decode()
    assert "Ordered by relevance among the" not in newest


# -- queries -----------------------------------------------------------------------------------


def _page_queries(client, count: int, *, translated: bool = False) -> int:
    """Queries of a page listing ``count`` texts that mention one entity (every third one a
    translation when ``translated``)."""
    entity = make_entity(name_ru=f"Сапаров {count}")
    for i in range(count):
        if translated and i % 3 == 2:
            translation = TranslationFactory(
                title=f"Визит {count}-{i}", language="ru", body=f"Сапаров {count} сказал."
            )
            mention(translation, entity, f"Сапаров {count}")
            indexed(translation)
            continue
        created = ArticleFactory(title=f"Сапар {count}-{i}", body=f"Сапаров {count} сапары.")
        mention(created, entity, f"Сапаров {count}")
        indexed(created)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": f"Сапаров {count}"})
    assert response.status_code == 200
    page = response.context["page"]
    assert len(page.results) == min(count, PAGE_SIZE)
    assert all(r.reasons for r in page.results)
    return len(queries)


def test_query_count_does_not_grow_with_results(client, users, django_assert_max_num_queries):
    login(client, users["editor"])
    few = _page_queries(client, 3, translated=True)
    assert few == _page_queries(client, 15, translated=True)
    # session, user, role, aliases, entities, documents, mentions, unread notifications,
    # permissions (2), sources of the filter (the count is skipped: the page is not full);
    # on PostgreSQL also the planner setting and its savepoint (``_index_only_matching``).
    with django_assert_max_num_queries(11 + (3 if connection.vendor == "postgresql" else 0)):
        client.get(URL, {"q": "Сапаров 3"})


def test_query_count_of_full_pages_does_not_grow_either(client, users) -> None:
    login(client, users["editor"])
    assert _page_queries(client, 25) == _page_queries(client, 40, translated=True)


def test_a_translators_page_costs_the_same_queries(client, users) -> None:
    translator = users["translator"]
    login(client, translator)

    def queries(count: int) -> int:
        for i in range(count):
            created = ArticleFactory(title=f"Сапар {count}-{i}", body="Сапар.")
            translation = TranslationFactory(
                article=created, language="ru", title="Визит", body="Сапар.", translator=translator
            )
            indexed(created, translation)
        with CaptureQueriesContext(connection) as captured:
            client.get(URL, {"q": f"сапар {count}"})
        return len(captured)

    assert queries(3) == queries(15)


# -- the top bar's box ---------------------------------------------------------------------------


def test_search_box_tag() -> None:
    template = Template("{% load search_tags %}{% search_box %}")
    elsewhere = RequestFactory().get("/articles/", {"q": "<b>x</b>"})
    html = template.render(Context({"request": elsewhere}))
    assert f'action="{URL}"' in html
    assert 'name="q" value=""' in html  # the article list's q is not the search's
    on_page = RequestFactory().get(URL, {"q": "<b>Тоқаев</b>"})
    from django.urls import resolve

    on_page.resolver_match = resolve(URL)
    html = template.render(Context({"request": on_page}))
    assert 'value="&lt;b&gt;Тоқаев&lt;/b&gt;"' in html

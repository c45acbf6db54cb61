"""The review panel's endpoints: who may do what (role × endpoint), what each action writes,
precise 400s that write nothing, constant queries, and the entity search."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.tests.factories import ArticleFactory, TranslationFactory
from conftest import PASSWORD
from entities.models import (
    Alias,
    DateMention,
    Entity,
    Figure,
    Mention,
    Quote,
    ReviewStatus,
    SpanDecision,
)
from entities.selectors import entity_search
from entities.services import alias_add
from entities.tests.conftest import entity_named

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TITLE = "Токаев встретился с Си Цзиньпином"
QUOTE = "Мы вложим 7,4 млрд долларов"
BODY = (
    f"Касым-Жомарт Токаев сказал: «{QUOTE}». Это было 2 сентября 2025 года.\n\n"
    "В Пекине прошли переговоры с компанией Sinopec."
)


def _span(model, article, words, field="body", **fields):
    text = getattr(article, field)
    start = text.index(words)
    return model.objects.create(
        article=article, field=field, start=start, end=start + len(words), text=words, **fields
    )


@pytest.fixture
def article():
    return ArticleFactory(language="ru", title=TITLE, body=BODY)


@pytest.fixture
def spans(article):
    tokayev = entity_named("Токаев")
    return {
        "mention": _span(
            Mention, article, "Касым-Жомарт Токаев", type="PER", entity=tokayev,
            method="exact", confidence=0.98,
        ),
        "unlinked": _span(
            Mention, article, "Пекине", type="ORG", suggested_entity=entity_named("Пекин"),
            method="", confidence=0.6,
        ),
        "title": _span(Mention, article, "Токаев", field="title", type="PER", entity=tokayev),
        "figure": _span(
            Figure, article, "7,4 млрд долларов", kind="money", value=Decimal(7400000000),
            unit="USD",
        ),
        "date": _span(DateMention, article, "2 сентября 2025 года", value=date(2025, 9, 2)),
        "quote": _span(Quote, article, QUOTE, speaker_text="Токаев", speaker=tokayev),
    }  # fmt: skip


def _login(client, user):
    if user is not None:
        client.login(username=user.username, password=PASSWORD)


# -- role × endpoint ---------------------------------------------------------------------------


def _endpoints(article, spans):
    mention = spans["mention"]
    start = article.body.index("Sinopec")
    return {
        "panel": ("get", reverse("entities:span_panel", args=["figure", spans["figure"].pk]), {}),
        "search": ("get", reverse("entities:entity_search", args=[mention.pk]), {"q": "tok"}),
        "review": (
            "post",
            reverse("entities:span_review", args=["mention", mention.pk]),
            {"status": "confirmed"},
        ),
        "retype": ("post", reverse("entities:mention_retype", args=[mention.pk]), {"type": "LOC"}),
        "link": (
            "post",
            reverse("entities:mention_link", args=[mention.pk]),
            {"entity": entity_named("Астана").pk},
        ),
        "create": (
            "post",
            reverse("entities:mention_entity_create", args=[mention.pk]),
            {"type": "PER", "name_ru": "Новый человек"},
        ),
        "add": (
            "post",
            reverse("entities:mention_add", args=[article.pk]),
            {"field": "body", "start": start, "end": start + 7, "text": "Sinopec", "type": "ORG"},
        ),
    }


ENDPOINTS = ["panel", "search", "review", "retype", "link", "create", "add"]
# Who gets what: GETs for anyone who sees the article, decisions for reviewers and editors,
# new entities for editors only. Translators see the article through their translation.
EXPECTED = {
    "translator": {"panel": 200, "search": 200, "review": 403, "retype": 403, "link": 403,
                   "create": 403, "add": 403},
    "reviewer": {"panel": 200, "search": 200, "review": 200, "retype": 200, "link": 200,
                 "create": 403, "add": 200},
    "editor": dict.fromkeys(ENDPOINTS, 200),
    "admin": dict.fromkeys(ENDPOINTS, 200),
}  # fmt: skip


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_users_are_sent_to_log_in(client, article, spans, endpoint) -> None:
    method, url, data = _endpoints(article, spans)[endpoint]
    response = getattr(client, method)(url, data, **HTMX)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ["translator", "reviewer", "editor", "admin"])
def test_roles_and_endpoints(client, request, article, spans, translator, role, endpoint) -> None:
    user = request.getfixturevalue("admin_user_" if role == "admin" else role)
    TranslationFactory(article=article, translator=translator)
    _login(client, user)
    method, url, data = _endpoints(article, spans)[endpoint]
    decisions = SpanDecision.objects.count()
    response = getattr(client, method)(url, data, **HTMX)
    assert response.status_code == EXPECTED[role][endpoint], response.content.decode()[:500]
    if response.status_code == 403:
        assert SpanDecision.objects.count() == decisions
        assert Mention.objects.get(pk=spans["mention"].pk).review_status == "suggested"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_articles_a_translator_cannot_see_are_not_found(
    client, article, spans, translator, endpoint
) -> None:
    _login(client, translator)
    method, url, data = _endpoints(article, spans)[endpoint]
    assert getattr(client, method)(url, data, **HTMX).status_code == 404


def test_spans_of_translations_and_unknown_kinds_are_not_found(client, editor, article) -> None:
    translation = TranslationFactory(article=article, title="Тоқаев", body="Тоқаев келді.")
    span = Mention.objects.create(
        translation=translation, field="body", start=0, end=6, text="Тоқаев", type="PER"
    )
    _login(client, editor)
    assert client.get(reverse("entities:span_panel", args=["mention", span.pk])).status_code == 404
    assert client.get(reverse("entities:span_panel", args=["entity", span.pk])).status_code == 404
    review = reverse("entities:span_review", args=["mention", span.pk])
    assert client.post(review, {"status": "confirmed"}).status_code == 404


def test_wrong_methods_are_refused(client, editor, article, spans) -> None:
    _login(client, editor)
    mention = spans["mention"]
    assert client.get(reverse("entities:mention_link", args=[mention.pk])).status_code == 405
    panel = reverse("entities:span_panel", args=["mention", mention.pk])
    assert client.post(panel).status_code == 405


# -- the panel -----------------------------------------------------------------------------------


def test_mention_panel_shows_entity_names_method_suggestion_and_actions(
    client, editor, spans
) -> None:
    _login(client, editor)
    html = client.get(
        reverse("entities:span_panel", args=["mention", spans["unlinked"].pk]), **HTMX
    ).content.decode()
    assert "Пекине" in html
    assert "not linked" in html
    assert "Beijing" in html  # the suggestion in all three languages
    assert "Бейжің" in html
    assert "Accept the suggestion" in html
    assert 'hx-trigger="input changed delay:200ms, search"' in html
    # The new entity's name is prefilled in the article's language (Russian) only.
    assert 'name="name_ru" lang="ru" value="Пекине"' in html
    assert 'name="name_kk" lang="kk" value=""' in html
    assert 'value="rejected"' in html
    assert 'value="confirmed"' in html
    assert 'value="suggested"' not in html  # nothing to reopen: it is still a suggestion

    html = client.get(
        reverse("entities:span_panel", args=["mention", spans["mention"].pk])
    ).content.decode()
    assert "Kassym-Jomart Tokayev" in html
    assert "Қасым-Жомарт Тоқаев" in html
    assert "Exact alias" in html
    assert "confidence 0.98" in html


def test_figure_date_and_quote_panels_show_their_values(client, translator, article, spans):
    TranslationFactory(article=article, translator=translator)
    _login(client, translator)

    def panel(kind):
        url = reverse("entities:span_panel", args=[kind, spans[kind].pk])
        return client.get(url).content.decode()

    figure = panel("figure")
    assert '<data value="7400000000">' in figure
    assert "USD" in figure
    assert 'datetime="2025-09-02"' in panel("date")
    quote = panel("quote")
    assert QUOTE in quote
    assert "Kassym-Jomart Tokayev" in quote
    # A translator reads, but gets no decision buttons.
    assert "action-confirm" not in figure
    assert "entity-search" not in panel("mention")


def test_reviewer_sees_no_create_entity_form(client, reviewer, spans) -> None:
    _login(client, reviewer)
    html = client.get(
        reverse("entities:span_panel", args=["mention", spans["mention"].pk])
    ).content.decode()
    assert "entity-search" in html
    assert "Create a new entity" not in html


# -- actions and their effects ------------------------------------------------------------------


def test_confirm_updates_the_span_logs_it_and_redraws_text_and_side_list(
    client, editor, spans
) -> None:
    mention = spans["mention"]
    _login(client, editor)
    response = client.post(
        reverse("entities:span_review", args=["mention", mention.pk]),
        {"status": "confirmed"},
        **HTMX,
    )
    assert response.status_code == 200
    mention.refresh_from_db()
    assert mention.review_status == ReviewStatus.CONFIRMED
    assert mention.reviewed_by == editor
    decision = SpanDecision.objects.get()
    assert (decision.span_kind, decision.span_id, decision.action, decision.user) == (
        "mention",
        mention.pk,
        "confirmed",
        editor,
    )
    html = response.content.decode()
    assert f'data-kind="mention" data-id="{mention.pk}"' in html
    assert '<article id="article-text"' in html
    assert 'hx-swap-oob="true"' in html
    assert '<section id="entity-sidebar"' in html
    assert 'hx-swap-oob="innerHTML:#article-title-text"' in html
    assert f'is-confirmed span-per" data-kind="mention" data-id="{mention.pk}"' in html


@pytest.mark.parametrize(
    ("kind", "status"),
    [("figure", "rejected"), ("date", "confirmed"), ("quote", "rejected"), ("mention", "rejected")],
)
def test_every_kind_can_be_confirmed_rejected_and_reopened(
    client, reviewer, spans, kind, status
) -> None:
    span = spans[kind]
    url = reverse("entities:span_review", args=[kind, span.pk])
    _login(client, reviewer)
    assert client.post(url, {"status": status}, **HTMX).status_code == 200
    span.refresh_from_db()
    assert span.review_status == status
    response = client.post(url, {"status": "suggested"})  # reopen, without htmx
    assert response.status_code == 302
    assert response.url == reverse("articles:detail", args=[span.article_id])
    span.refresh_from_db()
    assert span.review_status == "suggested"
    assert list(SpanDecision.objects.order_by("id").values_list("action", flat=True)) == [
        status,
        "suggested",
    ]


def test_rejected_mentions_stay_in_the_text_and_leave_the_side_list(client, editor, spans):
    mention = spans["unlinked"]
    _login(client, editor)
    html = client.post(
        reverse("entities:span_review", args=["mention", mention.pk]),
        {"status": "rejected"},
        **HTMX,
    ).content.decode()
    text, sidebar = html.split('<section id="entity-sidebar"')
    assert f'is-rejected span-org is-unlinked" data-kind="mention" data-id="{mention.pk}"' in text
    assert "Пекине" not in sidebar


def test_retype_drops_a_link_of_the_old_type(client, editor, spans) -> None:
    mention = spans["mention"]
    _login(client, editor)
    response = client.post(
        reverse("entities:mention_retype", args=[mention.pk]), {"type": "ORG"}, **HTMX
    )
    assert response.status_code == 200
    mention.refresh_from_db()
    assert (mention.type, mention.entity_id, mention.review_status) == ("ORG", None, "confirmed")
    assert SpanDecision.objects.get().action == "retyped"


def test_link_to_a_searched_entity_and_accept_a_suggestion(client, reviewer, spans) -> None:
    mention, unlinked = spans["mention"], spans["unlinked"]
    astana = entity_named("Астана")
    _login(client, reviewer)
    client.post(reverse("entities:mention_link", args=[mention.pk]), {"entity": astana.pk}, **HTMX)
    mention.refresh_from_db()
    assert (mention.entity, mention.type, mention.method) == (astana, "LOC", "manual")

    beijing = unlinked.suggested_entity
    response = client.post(
        reverse("entities:mention_link", args=[unlinked.pk]), {"entity": beijing.pk}, **HTMX
    )
    unlinked.refresh_from_db()
    assert (unlinked.entity, unlinked.suggested_entity, unlinked.review_status) == (
        beijing,
        None,
        "confirmed",
    )
    assert "Beijing" in response.content.decode()
    assert list(SpanDecision.objects.values_list("action", "detail").order_by("id")) == [
        ("linked", "Astana"),
        ("linked", "Beijing"),
    ]


def test_create_entity_names_it_in_three_languages_and_links_it(client, editor, spans) -> None:
    mention = spans["unlinked"]
    _login(client, editor)
    response = client.post(
        reverse("entities:mention_entity_create", args=[mention.pk]),
        {"type": "LOC", "name_kk": "Бейжің қаласы", "name_ru": "Пекин-Сити", "name_en": ""},
        **HTMX,
    )
    assert response.status_code == 200
    entity = Entity.objects.get(name_ru="Пекин-Сити")
    assert (entity.type, entity.name_kk, entity.status, entity.created_by) == (
        "LOC",
        "Бейжің қаласы",
        "confirmed",
        editor,
    )
    assert set(Alias.objects.filter(entity=entity).values_list("language", flat=True)) == {
        "kk",
        "ru",
    }
    mention.refresh_from_db()
    assert (mention.entity, mention.type) == (entity, "LOC")


def test_add_a_mention_from_a_selection(client, reviewer, article, spans) -> None:
    start = article.body.index("Sinopec")
    _login(client, reviewer)
    response = client.post(
        reverse("entities:mention_add", args=[article.pk]),
        {"field": "body", "start": start, "end": start + 7, "text": "Sinopec", "type": "ORG"},
        **HTMX,
    )
    assert response.status_code == 200
    mention = Mention.objects.get(article=article, text="Sinopec")
    assert (mention.start, mention.type, mention.method, mention.review_status) == (
        start,
        "ORG",
        "manual",
        "confirmed",
    )
    assert SpanDecision.objects.get().action == "added"
    html = response.content.decode()
    assert f'<div class="panel-card" data-kind="mention" data-id="{mention.pk}">' in html
    assert f'data-id="{mention.pk}" data-type="ORG"' in html  # the new mark, out of band

    title_start = article.title.index("Си Цзиньпином")
    client.post(
        reverse("entities:mention_add", args=[article.pk]),
        {"field": "title", "start": title_start, "end": title_start + 13,
         "text": "Си Цзиньпином", "type": "PER"},
    )  # fmt: skip
    assert Mention.objects.filter(article=article, field="title", start=title_start).exists()


# -- bad input: 400 with a precise message, nothing written --------------------------------------


def _sinopec(article, **changes):
    start = article.body.index("Sinopec")
    data = {"field": "body", "start": start, "end": start + 7, "text": "Sinopec", "type": "ORG"}
    return {**data, **changes}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": "Sinopek"}, "The text changed since you selected it"),
        ({"start": 10_000, "end": 10_007}, "is outside the body"),
        ({"type": "XYZ"}, "Choose Person, Organisation or Place."),
        ({"field": "byline"}, "Select words in the title or the body."),
        ({"start": "abc"}, "Enter a whole number."),
    ],
)
def test_bad_selections_are_refused_with_a_message(
    client, editor, article, spans, changes, message
) -> None:
    _login(client, editor)
    mentions = Mention.objects.count()
    response = client.post(
        reverse("entities:mention_add", args=[article.pk]), _sinopec(article, **changes), **HTMX
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="panel-error" role="alert"' in html
    assert message in html
    assert Mention.objects.count() == mentions
    assert not SpanDecision.objects.exists()


@pytest.mark.parametrize(
    ("endpoint", "data", "message"),
    [
        ("review", {"status": "maybe"}, "Unknown decision «maybe»"),
        ("retype", {"type": "GPE"}, "Unknown type «GPE»; expected PER, ORG or LOC."),
        ("link", {"entity": "999999"}, "There is no entity with id «999999»."),
        ("link", {"entity": "Tokayev"}, "There is no entity with id «Tokayev»."),
        ("create", {"type": "PER"}, "Give the new entity a name in at least one language."),
        ("create", {"type": "XYZ", "name_en": "X"}, "Choose Person, Organisation or Place."),
    ],
)
def test_bad_decisions_are_refused_with_a_message(
    client, editor, article, spans, endpoint, data, message
) -> None:
    mention = spans["mention"]
    _login(client, editor)
    _method, url, _data = _endpoints(article, spans)[endpoint]
    entities = Entity.objects.count()
    response = client.post(url, data, **HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'data-id="{mention.pk}"' in html  # the panel is shown again, with the message
    mention.refresh_from_db()
    assert (mention.review_status, mention.type, mention.entity) == (
        "suggested",
        "PER",
        entity_named("Токаев"),
    )
    assert Entity.objects.count() == entities
    assert not SpanDecision.objects.exists()


# -- constant queries --------------------------------------------------------------------------


def _article_with_mentions(count: int):
    words = [f"Сөз{n}" for n in range(count)]
    body = " ".join(words)
    article = ArticleFactory(body=body)
    position = 0
    created = []
    for word in words:
        created.append(
            Mention(
                article=article, field="body", start=position, end=position + len(word),
                text=word, type="LOC", entity=entity_named("Астана"),
            )
        )  # fmt: skip
        position += len(word) + 1
    return article, Mention.objects.bulk_create(created)


def _queries(client, method, url, data=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {}, **HTMX)
    assert response.status_code == 200
    return len(queries)


def test_panel_and_actions_take_the_same_queries_for_1_and_30_mentions(
    client, editor, django_assert_max_num_queries
) -> None:
    few, few_mentions = _article_with_mentions(1)
    _many, many_mentions = _article_with_mentions(30)
    _login(client, editor)
    client.get(reverse("articles:detail", args=[few.pk]))  # warm up: session
    panel = [
        _queries(client, "get", reverse("entities:span_panel", args=["mention", m[0].pk]))
        for m in (few_mentions, many_mentions)
    ]
    review = [
        _queries(
            client,
            "post",
            reverse("entities:span_review", args=["mention", m[-1].pk]),
            {"status": "confirmed"},
        )
        for m in (few_mentions, many_mentions)
    ]
    assert panel[0] == panel[1] <= 6
    assert review[0] == review[1]
    with django_assert_max_num_queries(6):
        client.get(reverse("entities:span_panel", args=["mention", many_mentions[5].pk]))


def test_entity_search_is_one_query(django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        entity_search(q="Тоқаев", entity_type="PER")


# -- entity search -----------------------------------------------------------------------------


def _names(results) -> list[str]:
    return [entity.name_en for entity in results]


@pytest.mark.parametrize("query", ["тоқаев", "ТОҚАЕВ", "Tokayev", "tokaev", "Токаев", "Қасым-Жом"])
def test_entity_search_finds_tokayev_in_any_script_and_case(query) -> None:
    results = entity_search(q=query)
    assert results[0].name_en == "Kassym-Jomart Tokayev"
    assert len(results) <= 20


def test_entity_search_finds_inflected_aliases_and_restricts_by_type() -> None:
    tokayev = entity_named("Токаев")
    alias_add(entity=tokayev, text="Токаевым", language="ru", kind=Alias.Kind.INFLECTED)
    assert entity_search(q="токаевым")[0] == tokayev
    assert tokayev in entity_search(q="Тоқаев", entity_type="PER")
    assert tokayev not in entity_search(q="Тоқаев", entity_type="LOC")
    assert entity_search(q="  ") == []


def test_entity_search_leaves_out_merged_entities_and_stops_at_20(make_user) -> None:
    tokayev = entity_named("Токаев")
    duplicate = Entity.objects.create(type="PER", name_ru="Токаев К.", merged_into=tokayev)
    alias_add(entity=duplicate, text="Токаев К.")
    assert duplicate not in entity_search(q="Токаев")
    assert len(entity_search(q="а")) == 20


def test_search_endpoint_lists_matches_with_link_buttons_for_reviewers(
    client, reviewer, spans
) -> None:
    _login(client, reviewer)
    url = reverse("entities:entity_search", args=[spans["unlinked"].pk])
    html = client.get(url, {"q": "пекин", "type": "LOC"}, **HTMX).content.decode()
    assert "Beijing" in html
    assert reverse("entities:mention_link", args=[spans["unlinked"].pk]) in html
    assert "No entity matches «zzzz»." in client.get(url, {"q": "zzzz"}).content.decode()

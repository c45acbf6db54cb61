"""The conflicting-figures queue, its two decisions, and the template tags: role matrix,
content, filters, bad input, and constant query counts. ``make_conflict`` stores a conflict as
detection would (test_conflicts_services.py uses it too)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.tests.factories import ArticleFactory, SourceFactory
from conftest import PASSWORD
from entities.conflicts.detection import conflict_fingerprint
from entities.conflicts.models import FigureConflict
from entities.models import Entity
from entities.stories.models import Story

pytestmark = pytest.mark.django_db
Status = FigureConflict.Status

KK_SENTENCE = "Chevron компаниясы Теңіз жобасына 27 млрд доллар инвестиция салады."
RU_SENTENCE = "Компания Chevron сообщила, что инвестиции в Тенгиз составят 25 млрд долларов."


def make_conflict(
    *,
    story: Story | None = None,
    entity: Entity | None = None,
    status: str = Status.OPEN,
    kind: str = "money",
    value_b: Decimal = Decimal(25_000_000_000),
) -> FigureConflict:
    """Two articles (Kazakh and Russian) and the conflict between their figures, as detection
    stores it."""
    kk = ArticleFactory(
        language="kk", title="Chevron 27 млрд доллар", source=SourceFactory(name="Kazinform")
    )
    ru = ArticleFactory(
        language="ru", title="Chevron 25 млрд долларов", source=SourceFactory(name="Tengrinews")
    )
    value_a = Decimal(27_000_000_000)
    return FigureConflict.objects.create(
        fingerprint=conflict_fingerprint(
            article_a=kk.pk,
            article_b=ru.pk,
            kind=kind,
            unit="USD",
            value_a=value_a,
            value_b=value_b,
        ),
        story=story,
        entity=entity,
        kind=kind,
        unit="USD",
        article_a=kk,
        article_b=ru,
        value_a=value_a,
        value_b=value_b,
        text_a="27 млрд доллар",
        text_b="25 млрд долларов",
        context_a=KK_SENTENCE,
        context_b=RU_SENTENCE,
        field_a="body",
        start_a=KK_SENTENCE.index("27"),
        end_a=KK_SENTENCE.index("27") + len("27 млрд доллар"),
        field_b="body",
        start_b=RU_SENTENCE.index("25"),
        end_b=RU_SENTENCE.index("25") + len("25 млрд долларов"),
        reason="both about Chevron; words: инвестиция / инвестиции",
        status=status,
    )


@pytest.fixture
def chevron() -> Entity:
    return Entity.objects.create(type="ORG", name_en="Chevron", status="confirmed")


@pytest.fixture
def story() -> Story:
    return Story.objects.create(title="Chevron expands Tengiz")


@pytest.fixture
def users(make_user, translator, reviewer, editor, admin_user_) -> dict:
    return {"translator": translator, "reviewer": reviewer, "editor": editor, "admin": admin_user_}


def _as(client, user):
    if user is not None:
        client.force_login(user)
    return client


# -- role matrix ---------------------------------------------------------------------------

ROLES = ("anonymous", "translator", "reviewer", "editor", "admin")
MATRIX = {
    # (url name, method):               anon  trans review editor admin
    ("entities:conflict_list", "GET"): (302, 403, 200, 200, 200),
    ("entities:conflict_list", "POST"): (302, 405, 405, 405, 405),
    ("entities:conflict_explain", "POST"): (302, 403, 302, 302, 302),
    ("entities:conflict_explain", "GET"): (302, 405, 405, 405, 405),
    ("entities:conflict_reopen", "POST"): (302, 403, 302, 302, 302),
    ("entities:conflict_reopen", "GET"): (302, 405, 405, 405, 405),
}


@pytest.mark.parametrize(("name", "method"), list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, users, story, chevron, name, method, role) -> None:
    status = Status.EXPLAINED if name == "entities:conflict_reopen" else Status.OPEN
    conflict = make_conflict(story=story, entity=chevron, status=status)
    url = reverse(name) if name == "entities:conflict_list" else reverse(name, args=[conflict.pk])
    payload = {"explanation": "The first phase only."} if name.endswith("explain") else {}
    client = _as(client, users.get(role))
    response = client.post(url, payload) if method == "POST" else client.get(url)

    expected = MATRIX[(name, method)][ROLES.index(role)]
    assert response.status_code == expected
    conflict.refresh_from_db()
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    changed = response.status_code == 302 and role != "anonymous"
    if method == "POST" and name.endswith("explain"):
        assert (conflict.status == Status.EXPLAINED) is changed
    elif method == "POST" and name.endswith("reopen"):
        assert (conflict.status == Status.OPEN) is changed
    else:
        assert conflict.status == status


def test_a_password_login_reaches_the_queue(client, reviewer) -> None:
    assert client.login(username="reviewer", password=PASSWORD)
    assert client.get(reverse("entities:conflict_list")).status_code == 200


# -- the page --------------------------------------------------------------------------------


def test_the_queue_shows_both_sides_open_first(client, editor, story, chevron) -> None:
    explained = make_conflict(story=story, entity=chevron, status=Status.EXPLAINED)
    FigureConflict.objects.filter(pk=explained.pk).update(explanation="Two phases.")
    opened = make_conflict(story=story, entity=chevron)
    gone = make_conflict(status=Status.GONE)

    response = _as(client, editor).get(reverse("entities:conflict_list"))

    html = response.content.decode()
    assert html.index(f'id="conflict-{opened.pk}"') < html.index(f'id="conflict-{explained.pk}"')
    assert f'id="conflict-{gone.pk}"' not in html  # only when asked for
    assert '<mark class="conflict-figure">27 млрд доллар</mark>' in html
    assert "Компания Chevron сообщила, что инвестиции в Тенгиз составят " in html
    assert reverse("articles:detail", args=[opened.article_a_id]) in html
    assert reverse("articles:detail", args=[opened.article_b_id]) in html
    assert reverse("entities:story", args=[story.pk]) in html
    assert reverse("entities:entity", args=[chevron.pk]) in html
    assert "Kazinform" in html
    assert "Tengrinews" in html
    assert "both about Chevron; words: инвестиция / инвестиции" in html
    assert "Two phases." in html
    assert reverse("entities:conflict_explain", args=[opened.pk]) in html
    assert reverse("entities:conflict_reopen", args=[explained.pk]) in html
    assert 'lang="kk"' in html
    assert "css/conflicts.css" in html


def test_filters(client, reviewer, story, chevron) -> None:
    in_story = make_conflict(story=story)
    of_entity = make_conflict(entity=chevron)
    percent = make_conflict(kind="percent", value_b=Decimal(20))
    explained = make_conflict(status=Status.EXPLAINED)
    gone = make_conflict(status=Status.GONE)
    client = _as(client, reviewer)
    url = reverse("entities:conflict_list")

    def shown(**params) -> set[int]:
        response = client.get(url, params)
        assert response.status_code == 200
        return {c.pk for c in response.context["page"]}

    assert shown() == {in_story.pk, of_entity.pk, percent.pk, explained.pk}
    assert shown(status="open") == {in_story.pk, of_entity.pk, percent.pk}
    assert shown(status="explained") == {explained.pk}
    assert shown(status="gone") == {gone.pk}
    assert len(shown(status="all")) == 5
    assert shown(kind="percent") == {percent.pk}
    assert shown(story=story.pk) == {in_story.pk}
    assert shown(entity=chevron.pk) == {of_entity.pk}
    # A bad filter is left out, and said so.
    response = client.get(url, {"status": "bogus", "story": "x", "kind": "percent"})
    assert {c.pk for c in response.context["page"]} == {percent.pk}
    assert "Some filters were not applied" in response.content.decode()


def test_the_queue_is_paginated(client, editor) -> None:
    for _ in range(21):
        make_conflict()
    client = _as(client, editor)
    first = client.get(reverse("entities:conflict_list"))
    second = client.get(reverse("entities:conflict_list"), {"page": 2})
    assert len(first.context["page"]) == 20
    assert len(second.context["page"]) == 1
    assert 'rel="next"' in first.content.decode()


def _list_queries(client, count: int) -> int:
    FigureConflict.objects.all().delete()
    story = Story.objects.create(title=f"Story {count}")
    for number in range(count):
        entity = Entity.objects.create(type="ORG", name_en=f"Company {count}-{number}")
        status = Status.EXPLAINED if number % 3 == 0 else Status.OPEN
        make_conflict(story=story, entity=entity, status=status)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("entities:conflict_list"))
    assert response.status_code == 200
    assert len(response.context["page"]) == count
    return len(queries)


def test_the_queue_queries_do_not_grow_with_rows(client, editor, django_assert_max_num_queries):
    client = _as(client, editor)
    client.get(reverse("entities:conflict_list"))  # the first request stores the session
    few = _list_queries(client, 3)
    many = _list_queries(client, 15)
    assert few == many
    # Today 10: session, user, roles, count, page, two filter menus, and base.html's own
    # (notifications, permissions); a little room for what the navigation may add.
    assert many <= 12
    FigureConflict.objects.all().delete()
    with django_assert_max_num_queries(12):
        client.get(reverse("entities:conflict_list"), {"story": 1, "entity": 1})


# -- decisions ---------------------------------------------------------------------------------


def test_explain_redirects_back_with_a_message(client, reviewer) -> None:
    conflict = make_conflict()
    back = reverse("entities:conflict_list") + "?kind=money&page=1"
    response = _as(client, reviewer).post(
        reverse("entities:conflict_explain", args=[conflict.pk]),
        {"explanation": "  Tengrinews gives the first phase.  ", "next": back},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == back + f"#conflict-{conflict.pk}"
    assert "Marked as explained" in response.content.decode()
    conflict.refresh_from_db()
    assert conflict.status == Status.EXPLAINED
    assert conflict.explanation == "Tengrinews gives the first phase."
    assert conflict.explained_by == reviewer
    assert conflict.explained_at is not None


def test_explain_without_words_writes_nothing(client, editor) -> None:
    conflict = make_conflict()
    response = _as(client, editor).post(
        reverse("entities:conflict_explain", args=[conflict.pk]), {"explanation": "   "}
    )
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("explains the difference" in m for m in messages)
    conflict.refresh_from_db()
    assert (conflict.status, conflict.explanation, conflict.explained_by) == (
        Status.OPEN,
        "",
        None,
    )


def test_a_gone_conflict_cannot_be_explained_or_reopened(client, editor) -> None:
    conflict = make_conflict(status=Status.GONE)
    client = _as(client, editor)
    for name, data in (
        ("entities:conflict_explain", {"explanation": "Fine."}),
        ("entities:conflict_reopen", {}),
    ):
        response = client.post(reverse(name, args=[conflict.pk]), data, follow=True)
        assert response.status_code == 200
        assert response.context["messages"]
        assert any(m.level_tag == "error" for m in response.context["messages"])
    conflict.refresh_from_db()
    assert (conflict.status, conflict.explanation) == (Status.GONE, "")


def test_reopen(client, editor) -> None:
    conflict = make_conflict(status=Status.EXPLAINED)
    response = _as(client, editor).post(reverse("entities:conflict_reopen", args=[conflict.pk]))
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert conflict.status == Status.OPEN


def test_an_outside_next_is_not_followed(client, editor) -> None:
    conflict = make_conflict()
    response = _as(client, editor).post(
        reverse("entities:conflict_explain", args=[conflict.pk]),
        {"explanation": "Checked.", "next": "https://evil.example/"},
    )
    assert response["Location"] == (reverse("entities:conflict_list") + f"#conflict-{conflict.pk}")


def test_an_unknown_conflict_is_404(client, editor) -> None:
    response = _as(client, editor).post(
        reverse("entities:conflict_explain", args=[999_999]), {"explanation": "x"}
    )
    assert response.status_code == 404


# -- template tags ------------------------------------------------------------------------------


def _render_story_conflicts(story: Story) -> tuple[str, int]:
    template = Template("{% load figure_conflicts %}{% story_conflicts story %}")
    with CaptureQueriesContext(connection) as queries:
        html = template.render(Context({"story": story}))
    return html, len(queries)


def test_story_conflicts_tag_is_one_query(story) -> None:
    for _ in range(3):
        make_conflict(story=story)
    make_conflict(story=story, status=Status.GONE)
    html, few = _render_story_conflicts(story)
    assert html.count("data-conflict-id=") == 3
    assert "27 млрд доллар" in html
    assert "Kazinform" in html
    assert f"{reverse('entities:conflict_list')}?story={story.pk}" in html

    for _ in range(12):
        make_conflict(story=story)
    html, many = _render_story_conflicts(story)
    assert few == many == 1
    assert html.count("data-conflict-id=") == 10
    assert "All conflicting figures of this story" in html

    empty = Story.objects.create(title="Quiet")
    html, _queries = _render_story_conflicts(empty)
    assert "No conflicting figures in this story." in html


def test_open_conflicts_count_is_one_query(django_assert_num_queries) -> None:
    make_conflict()
    make_conflict()
    make_conflict(status=Status.EXPLAINED)
    template = Template("{% load figure_conflicts %}{% open_conflicts_count %}")
    with django_assert_num_queries(1):
        assert template.render(Context({})) == "2"

"""The story pages and actions: who may do what (role × endpoint), what the pages show,
constant query counts, clear refusals that write nothing, the article page's story badge, and
the story id in the export."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.export import article_export_record, article_export_records, articles_for_export
from articles.models import Translation
from articles.tests.factories import ArticleFactory, SourceFactory, TranslationFactory
from conftest import PASSWORD
from entities.models import Entity, EntityType, Mention
from entities.stories import similarity
from entities.stories.models import Story, StoryArticle, StoryDecision, StorySeparation
from entities.stories.services import story_article_move, story_assign, story_rename

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 9, 16, 10, 0, tzinfo=ZoneInfo("Asia/Almaty"))


@pytest.fixture(autouse=True)
def _a_big_archive(monkeypatch):
    """These tests build stories of up to 15 articles in a database of about 20: count the
    archive as a desk's (1,000 articles), where a story's own names are rare."""
    monkeypatch.setattr(similarity, "MIN_CORPUS", 1000)


def make_story(size: int, *, tag: str = "", hours: float = 0, translated: bool = True) -> Story:
    """A story of ``size`` articles (alternating kk/ru, two sources) naming two entities of
    their own, each article with a translation; placed by clustering."""
    guest = Entity.objects.create(type=EntityType.PERSON, name_en=f"Guest {tag}")
    place = Entity.objects.create(type=EntityType.LOCATION, name_en=f"Place {tag}")
    sources = [SourceFactory(name=f"Source A{tag}"), SourceFactory(name=f"Source B{tag}")]
    articles = []
    for n in range(size):
        language = ("kk", "ru")[n % 2]
        made = ArticleFactory(
            language=language,
            title=f"Story {tag} article {n}",
            published_at=T0 + timedelta(hours=hours + n),
            source=sources[n % 2],
        )
        for i, linked in enumerate((guest, place)):
            Mention.objects.create(
                article=made, field="body", start=i * 10, end=i * 10 + 5, text="xxxxx",
                type=linked.type, entity=linked,
            )  # fmt: skip
        if translated:
            TranslationFactory(article=made, language="en", title=f"Translated {n}")
        articles.append(made)
    for made in articles:
        story_assign(article=made)
    [story_id] = set(
        StoryArticle.objects.filter(article__in=articles).values_list("story_id", flat=True)
    )
    return Story.objects.get(pk=story_id)


def login(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


@pytest.fixture
def users(make_user, translator, reviewer, editor, admin_user_):
    return {
        "translator": translator,
        "reviewer": reviewer,
        "editor": editor,
        "admin": admin_user_,
    }


# -- the role matrix ------------------------------------------------------------------------

ROLES = ("anonymous", "translator", "reviewer", "editor", "admin")
# (url name, method): status per role (anonymous is sent to the login page).
EXPECTED = {
    ("entities:story_list", "GET"): (302, 403, 200, 200, 200),
    ("entities:story_list", "POST"): (302, 405, 405, 405, 405),
    ("entities:story", "GET"): (302, 403, 200, 200, 200),
    ("entities:story", "POST"): (302, 405, 405, 405, 405),
    ("entities:story_confirm", "POST"): (302, 403, 403, 302, 302),
    ("entities:story_confirm", "GET"): (302, 405, 405, 405, 405),
    ("entities:story_rename", "POST"): (302, 403, 403, 302, 302),
    ("entities:story_rename", "GET"): (302, 405, 405, 405, 405),
    ("entities:story_split", "POST"): (302, 403, 403, 302, 302),
    ("entities:story_split", "GET"): (302, 405, 405, 405, 405),
    ("entities:story_merge", "POST"): (302, 403, 403, 302, 302),
    ("entities:story_merge", "GET"): (302, 405, 405, 405, 405),
    ("entities:story_article_move", "POST"): (302, 403, 403, 302, 302),
    ("entities:story_article_move", "GET"): (302, 405, 405, 405, 405),
}


def _request(name: str, story: Story, other: Story) -> tuple[str, dict]:
    """The URL and a payload that succeeds for someone allowed."""
    _first, second = StoryArticle.objects.filter(story=story).order_by("article_id")[:2]
    if name == "entities:story_list":
        return reverse(name), {}
    if name == "entities:story_article_move":
        return reverse(name, args=[second.article_id]), {"target": "new"}
    payload = {
        "entities:story_rename": {"title": "A better title"},
        "entities:story_split": {"articles": [second.article_id]},
        "entities:story_merge": {"other": other.pk},
    }.get(name, {})
    return reverse(name, args=[story.pk]), payload


def _what_changed(story: Story, other: Story) -> str:
    return repr(
        (
            sorted(StoryArticle.objects.values_list("article_id", "story_id", "pinned")),
            sorted(Story.objects.values_list("pk", "title", "confirmed_at")),
            StoryDecision.objects.count(),
            StorySeparation.objects.count(),
        )
    )


@pytest.mark.parametrize(("name", "method"), list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, users, name, method, role) -> None:
    story = make_story(3, tag="m")
    other = make_story(2, tag="o", hours=200)
    if role != "anonymous":
        login(client, users[role])
    url, payload = _request(name, story, other)
    before = _what_changed(story, other)
    response = getattr(client, method.lower())(url, payload)
    expected = EXPECTED[(name, method)][ROLES.index(role)]
    assert response.status_code == expected, (name, method, role)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    changed = _what_changed(story, other) != before
    assert changed == (method == "POST" and expected == 302 and role != "anonymous")
    if changed:
        messages = [m.level_tag for m in get_messages(response.wsgi_request)]
        assert messages == ["success"], messages


def test_every_story_url_is_in_the_matrix() -> None:
    from entities.urls import urlpatterns

    names = {f"entities:{p.name}" for p in urlpatterns if "stor" in str(p.pattern)}
    assert names == {name for name, _method in EXPECTED}


# -- the pages ------------------------------------------------------------------------------


def test_story_list_shows_languages_sources_counts_and_confirmation(client, editor) -> None:
    story = make_story(3, tag="x")
    other = make_story(1, tag="y", hours=100, translated=False)
    story.confirmed_at, story.confirmed_by = T0, editor
    story.save()
    login(client, editor)
    response = client.get(reverse("entities:story_list"))
    assert response.status_code == 200
    rows = {row.story.pk: row for row in response.context["rows"]}
    assert rows[story.pk].languages == ["kk", "ru"]
    assert rows[story.pk].translated == ["en"]
    assert rows[story.pk].sources == ["Source Ax", "Source Bx"]
    assert rows[other.pk].languages == ["kk"]
    assert rows[other.pk].translated == []
    # Newest first.
    assert [r.story.pk for r in response.context["rows"]] == [other.pk, story.pk]
    html = response.content.decode()
    assert reverse("entities:story", args=[story.pk]) in html
    assert "story-confirmed" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"language_present": "ru"}, {"big"}),
        ({"language_present": "en"}, {"big"}),  # through its translations
        ({"language_missing": "ru"}, {"small"}),
        ({"language_missing": "kk"}, set()),
        ({"source": "source-b"}, {"big"}),
        ({"published_from": "2025-09-19"}, {"small"}),
        ({"published_to": "2025-09-17"}, {"big"}),
        ({"published_from": "2025-09-16", "published_to": "2025-09-16"}, {"big"}),
        ({"confirmed": "yes"}, {"small"}),
        ({"confirmed": "no"}, {"big"}),
        ({"published_from": "2025-09-20", "published_to": "2025-09-01"}, {"big", "small"}),
        ({"language_present": "xx"}, {"big", "small"}),
    ],
)
def test_story_list_filters(client, editor, query, expected) -> None:
    stories = {
        "big": make_story(3, tag="big"),
        "small": make_story(1, tag="small", hours=100, translated=False),
    }
    Story.objects.filter(pk=stories["small"].pk).update(confirmed_at=T0)
    if query.get("source") == "source-b":
        query = {"source": str(SourceFactory(name="Source Bbig").pk)}
    login(client, editor)
    response = client.get(reverse("entities:story_list"), query)
    assert response.status_code == 200
    shown = {r.story.pk for r in response.context["rows"]}
    assert shown == {stories[k].pk for k in expected}
    invalid = query.get("language_present") == "xx" or query.get("published_to") == "2025-09-01"
    assert bool(response.context["form"].errors) == invalid


def test_story_list_is_paginated(client, editor) -> None:
    for n in range(27):
        Story.objects.create(title=f"Story {n}", article_count=0)
    login(client, editor)
    first = client.get(reverse("entities:story_list"))
    second = client.get(reverse("entities:story_list"), {"page": 2})
    assert len(first.context["rows"]) == 25
    assert len(second.context["rows"]) == 2
    assert client.get(reverse("entities:story_list"), {"page": "x"}).status_code == 200


def test_story_page_shows_articles_translations_entities_timeline_history(client, editor) -> None:
    story = make_story(3, tag="p")
    story_rename(story=story, title="The visit", user=editor)
    login(client, editor)
    response = client.get(reverse("entities:story", args=[story.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    articles = list(StoryArticle.objects.filter(story=story).values_list("article_id", flat=True))
    for article_id in articles:
        assert reverse("articles:detail", args=[article_id]) in html
    for translation in Translation.objects.filter(article_id__in=articles):
        assert reverse("articles:translation", args=[translation.pk]) in html
    for entity in Entity.objects.filter(name_en__endswith=" p"):
        assert reverse("entities:entity", args=[entity.pk]) in html
    assert [code for code, _label, _items in response.context["by_language"]] == ["kk", "ru"]
    assert response.context["by_source"] == [("Source Ap", [2, 0, 0]), ("Source Bp", [0, 1, 0])]
    assert len(response.context["timeline"]) == 3
    assert [p.x for p in response.context["timeline"]] == [0.0, 50.0, 100.0]
    assert "story-timeline" in html
    assert "from «Story p article 0» to «The visit»" in html.replace("&laquo;", "«").replace(
        "&raquo;", "»"
    )
    # Editors get the forms.
    for name in ("story_confirm", "story_rename", "story_split", "story_merge"):
        assert reverse(f"entities:{name}", args=[story.pk]) in html
    assert reverse("entities:story_article_move", args=[articles[0]]) in html
    assert "story-conflicts" in html  # the conflicting figures of the story


def test_reviewers_see_the_story_without_the_editor_forms(client, reviewer) -> None:
    story = make_story(2, tag="r")
    login(client, reviewer)
    html = client.get(reverse("entities:story", args=[story.pk])).content.decode()
    assert reverse("entities:story_confirm", args=[story.pk]) not in html
    assert 'name="articles"' not in html


def test_a_missing_story_is_404(client, editor) -> None:
    login(client, editor)
    assert client.get(reverse("entities:story", args=[999999])).status_code == 404
    assert client.post(reverse("entities:story_confirm", args=[999999])).status_code == 404


# -- constant queries -----------------------------------------------------------------------


def _queries(client, url) -> int:
    client.get(url)  # the first request of a session also saves the session and preferences
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_story_list_queries_do_not_grow_with_stories(
    client, users, who, django_assert_max_num_queries
) -> None:
    login(client, users[who])
    url = reverse("entities:story_list")
    for n in range(3):
        make_story(2, tag=f"a{n}", hours=10 * n)
    small = _queries(client, url)
    for n in range(12):
        make_story(2, tag=f"b{n}", hours=100 + 10 * n)
    assert Story.objects.count() == 15
    large = _queries(client, url)
    assert small == large
    with django_assert_max_num_queries(11):
        client.get(url)


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_story_page_queries_do_not_grow_with_articles(
    client, users, who, editor, django_assert_max_num_queries
) -> None:
    login(client, users[who])
    small_story = make_story(3, tag="s")
    large_story = make_story(15, tag="l", hours=500)
    for story in (small_story, large_story):
        story_rename(story=story, title=f"Renamed {story.pk}", user=editor)
        [first] = StoryArticle.objects.filter(story=story).order_by("article_id")[:1]
        story_article_move(article=first.article, target=None, user=editor)
        story_article_move(article=first.article, target=story, user=editor)
    small = _queries(client, reverse("entities:story", args=[small_story.pk]))
    large = _queries(client, reverse("entities:story", args=[large_story.pk]))
    assert small == large
    with django_assert_max_num_queries(13):
        client.get(reverse("entities:story", args=[large_story.pk]))


# -- refusals -------------------------------------------------------------------------------


def _message(response) -> str:
    [message] = list(get_messages(response.wsgi_request))
    assert message.level_tag == "error"
    return str(message)


@pytest.mark.parametrize(
    ("name", "payload", "words"),
    [
        ("story_rename", {"title": "   "}, "not renamed"),
        ("story_rename", {"title": "x" * 600}, "not renamed"),
        ("story_split", {}, "Choose the articles"),
        ("story_split", {"articles": ["abc"]}, "invalid"),
        ("story_split", {"articles": ["999999"]}, "not in this story"),
        ("story_split", {"articles": ["all"]}, "at least one"),
        ("story_merge", {}, "choose an existing story"),
        ("story_merge", {"other": "999999"}, "choose an existing story"),
        ("story_merge", {"other_id": "self"}, "itself"),
        ("story_merge", {"other_id": "#abc"}, "choose an existing story"),
    ],
)
def test_bad_story_actions_write_nothing(client, editor, name, payload, words) -> None:
    story = make_story(2, tag="z")
    if payload.get("articles") == ["all"]:
        payload = {
            "articles": [str(a) for a in StoryArticle.objects.values_list("article_id", flat=True)]
        }
    if payload.get("other_id") == "self":
        payload = {"other_id": f"#{story.pk}"}
    login(client, editor)
    before = _what_changed(story, story)
    response = client.post(reverse(f"entities:{name}", args=[story.pk]), payload)
    assert response.status_code == 302
    assert response["Location"] == reverse("entities:story", args=[story.pk])
    assert words in _message(response)
    assert _what_changed(story, story) == before


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ({"target": "999999"}, "existing story"),
        ({"target": ""}, "existing story"),
        ({"target": "same"}, "already in that story"),
    ],
)
def test_bad_moves_write_nothing(client, editor, payload, words) -> None:
    story = make_story(2, tag="v")
    article_id = StoryArticle.objects.filter(story=story).values_list("article_id", flat=True)[0]
    if payload["target"] == "same":
        payload = {"target": "new", "target_id": str(story.pk)}
    login(client, editor)
    before = _what_changed(story, story)
    response = client.post(reverse("entities:story_article_move", args=[article_id]), payload)
    assert response["Location"] == reverse("entities:story", args=[story.pk])
    assert words in _message(response)
    assert _what_changed(story, story) == before


def test_moving_an_article_goes_back_to_the_story_it_left(client, editor) -> None:
    story = make_story(2, tag="w")
    other = make_story(2, tag="q", hours=300)
    article_id = StoryArticle.objects.filter(story=story).values_list("article_id", flat=True)[0]
    login(client, editor)
    response = client.post(
        reverse("entities:story_article_move", args=[article_id]), {"target_id": str(other.pk)}
    )
    assert response["Location"] == reverse("entities:story", args=[story.pk])
    assert StoryArticle.objects.get(article_id=article_id).story_id == other.pk
    assert client.post(
        reverse("entities:story_article_move", args=[999999]), {"target": "new"}
    ).status_code == 404  # fmt: skip


# -- the badge of the article page ------------------------------------------------------------


def _badge(article, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load stories %}{% story_badge article %}")
    return template.render(Context({"article": article, "request": request}))


def test_story_badge(editor, translator, django_assert_max_num_queries) -> None:
    story = make_story(3, tag="b")
    article = StoryArticle.objects.filter(story=story).first().article
    editor._kzeditor_roles = {"editor"}  # the article page has looked the roles up already
    with django_assert_max_num_queries(1):
        html = _badge(article, editor)
    assert reverse("entities:story", args=[story.pk]) in html
    assert "3 articles" in html
    assert ">kk<" in html
    assert ">ru<" in html
    assert ">en<" in html  # the translations
    assert _badge(article, translator).strip() == ""
    alone = ArticleFactory()
    assert _badge(alone, editor).strip() == ""


# -- the export -----------------------------------------------------------------------------


def test_export_has_the_story_id_in_constant_queries() -> None:
    story = make_story(3, tag="e")
    stray = ArticleFactory()
    records = {r["id"]: r for r in map(article_export_record, articles_for_export())}
    for article_id in StoryArticle.objects.filter(story=story).values_list("article_id", flat=True):
        assert records[article_id]["story"] == story.pk
    assert records[stray.pk]["story"] is None
    with CaptureQueriesContext(connection) as small:
        list(article_export_records())
    make_story(12, tag="f", hours=300)
    with CaptureQueriesContext(connection) as large:
        assert len(list(article_export_records())) == 16
    assert len(small) == len(large)


def test_period_filter_uses_whole_days() -> None:
    from entities.stories.selectors import stories_list

    story = make_story(1, tag="d", translated=False)
    day = story.first_published_at.astimezone(ZoneInfo("Asia/Almaty")).date()
    assert day == date(2025, 9, 16)
    assert list(stories_list(published_from=day, published_to=day)) == [story]
    assert list(stories_list(published_from=day + timedelta(days=1))) == []

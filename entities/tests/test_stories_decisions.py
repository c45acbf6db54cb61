"""Editors' story decisions (confirm, rename, split, merge, move): what they write, that they
are logged, that they can be undone, and that they stick through re-clustering. Also the
clustering rules they rely on (pins, separations, titles, counts) and concurrent workers.

Articles here are built with factories and mentions linked by hand, so each test says exactly
which entities an article names."""

from __future__ import annotations

import io
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from articles.tests.factories import ArticleFactory
from conftest import require_service
from entities.models import Entity, EntityType, Mention
from entities.stories import services
from entities.stories.models import Story, StoryArticle, StoryDecision, StorySeparation
from entities.stories.services import (
    StoryActionError,
    stories_recluster,
    story_article_move,
    story_assign,
    story_confirm,
    story_merge,
    story_rename,
    story_split,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 9, 16, 10, 0, tzinfo=ZoneInfo("Asia/Almaty"))


def entity(name: str, kind: str = EntityType.PERSON) -> Entity:
    return Entity.objects.create(type=kind, name_en=name, status=Entity.Status.CONFIRMED)


def article(*entities: Entity, hours: float = 0, language: str = "kk", title: str = ""):
    """An extracted article naming these entities, published ``hours`` after T0."""
    made = ArticleFactory(
        language=language,
        published_at=T0 + timedelta(hours=hours),
        **({"title": title} if title else {}),
    )
    for i, linked in enumerate(entities):
        Mention.objects.create(
            article=made,
            field="body",
            start=i * 10,
            end=i * 10 + 5,
            text=linked.name_en[:5],
            type=linked.type,
            entity=linked,
        )
    return made


def story_of(a) -> int | None:
    return StoryArticle.objects.filter(article=a).values_list("story_id", flat=True).first()


def grouping(*articles) -> list[set[int]]:
    by_story: dict[int, set[int]] = {}
    for a in articles:
        by_story.setdefault(story_of(a), set()).add(a.pk)
    return sorted(by_story.values(), key=min)


def assert_story_stats_right() -> None:
    for story in Story.objects.all():
        members = StoryArticle.objects.filter(story=story).select_related("article")
        dates = [m.article.published_at for m in members if m.article.published_at]
        assert story.article_count == len(members) > 0
        assert story.first_published_at == (min(dates) if dates else None)
        assert story.last_published_at == (max(dates) if dates else None)


@pytest.fixture
def events():
    """Two events of the same morning: a visit (three articles) and a fire (two), plus
    entities everybody names (the president, the country) in all five."""
    president, country = entity("President"), entity("Country", EntityType.LOCATION)
    guest, city = entity("Guest"), entity("Capital", EntityType.LOCATION)
    rescuer, region = entity("Rescuer"), entity("Region", EntityType.LOCATION)
    filler = [entity(f"Background {n}") for n in range(12)]
    visit = [
        article(president, country, guest, city, hours=0, title="Visit A"),
        article(president, country, guest, city, hours=2, language="ru", title="Visit B"),
        article(president, guest, city, hours=5, title="Visit C"),
    ]
    fire = [
        article(president, country, rescuer, region, hours=1, title="Fire A"),
        article(country, rescuer, region, hours=3, language="ru", title="Fire B"),
    ]
    # Articles of other days name the president and the country too (so they weigh little).
    others = [article(president, country, f, hours=24 * (n + 5)) for n, f in enumerate(filler)]
    for a in [*visit, *fire, *others]:
        story_assign(article=a)
    return {"visit": visit, "fire": fire, "others": others}


def test_events_are_clustered_apart(events) -> None:
    visit, fire = events["visit"], events["fire"]
    assert len({story_of(a) for a in visit}) == 1
    assert len({story_of(a) for a in fire}) == 1
    assert story_of(visit[0]) != story_of(fire[0])
    story = Story.objects.get(pk=story_of(visit[0]))
    assert story.title == "Visit A"  # the earliest article's
    assert_story_stats_right()


def test_the_earliest_article_titles_the_story(events) -> None:
    guest = Entity.objects.get(name_en="Guest")
    city = Entity.objects.get(name_en="Capital")
    earlier = article(guest, city, hours=-3, title="Visit announced")
    story_assign(article=earlier)
    story = Story.objects.get(pk=story_of(events["visit"][0]))
    assert story_of(earlier) == story.pk
    assert story.title == "Visit announced"
    assert story.first_published_at == earlier.published_at
    assert story.article_count == 4


def test_confirm_pins_the_articles_and_is_logged(events, editor) -> None:
    story = Story.objects.get(pk=story_of(events["visit"][0]))
    story_confirm(story=story, user=editor)
    story.refresh_from_db()
    assert story.confirmed_by == editor
    assert story.confirmed_at is not None
    assert set(StoryArticle.objects.filter(story=story).values_list("pinned", flat=True)) == {True}
    [decision] = StoryDecision.objects.filter(story=story)
    assert (decision.action, decision.user) == ("confirmed", editor)
    assert sorted(decision.detail["pinned"]) == sorted(a.pk for a in events["visit"])
    counts = stories_recluster()
    assert counts["pinned"] == 0  # pinned articles are not even looked at
    assert StoryArticle.objects.filter(story=story).count() == 3


def test_rename_sticks_and_refuses_an_empty_title(events, editor) -> None:
    story = Story.objects.get(pk=story_of(events["visit"][0]))
    with pytest.raises(StoryActionError):
        story_rename(story=story, title="   ", user=editor)
    with pytest.raises(StoryActionError):
        story_rename(story=story, title="x" * 501, user=editor)
    assert not StoryDecision.objects.exists()
    story_rename(story=story, title="  The guest's   visit ", user=editor)
    story.refresh_from_db()
    assert (story.title, story.title_edited) == ("The guest's visit", True)
    # An earlier article joins: a machine title would change, an editor's does not.
    guest, city = Entity.objects.get(name_en="Guest"), Entity.objects.get(name_en="Capital")
    story_assign(article=article(guest, city, hours=-2, title="Earlier"))
    stories_recluster()
    story.refresh_from_db()
    assert story.title == "The guest's visit"
    assert story.article_count == 4
    decision = StoryDecision.objects.get(story=story)
    assert decision.detail == {"previous": "Visit A", "title": "The guest's visit"}


def test_split_moves_pins_separates_and_survives_reclustering(events, editor) -> None:
    visit = events["visit"]
    story = Story.objects.get(pk=story_of(visit[0]))
    new = story_split(story=story, article_ids=[visit[2].pk], user=editor)
    assert story_of(visit[2]) == new.pk
    assert story_of(visit[0]) == story_of(visit[1]) == story.pk
    assert StoryArticle.objects.get(article=visit[2]).pinned
    assert not StoryArticle.objects.get(article=visit[0]).pinned
    pairs = set(StorySeparation.objects.values_list("article_a_id", "article_b_id"))
    assert pairs == {tuple(sorted((visit[2].pk, a.pk))) for a in visit[:2]}
    assert StorySeparation.objects.filter(created_by=editor).count() == 2
    story.refresh_from_db()
    new.refresh_from_db()
    assert (story.article_count, new.article_count, new.title) == (2, 1, "Visit C")
    assert_story_stats_right()
    assert set(StoryDecision.objects.values_list("story_id", "action")) == {
        (story.pk, "split"),
        (new.pk, "split"),
    }
    # Re-clustering: the unpinned articles that stayed are most like visit[2], but never
    # join it again; visit[2] is pinned.
    stories_recluster()
    assert grouping(*visit) == [{visit[0].pk, visit[1].pk}, {visit[2].pk}]
    story_assign(article=visit[0])
    assert story_of(visit[0]) == story.pk


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ("none", "Choose the articles"),
        ("stranger", "not in this story"),
        ("all", "at least one"),
    ],
)
def test_split_refuses_bad_choices_without_writing(events, editor, choice, message) -> None:
    visit = events["visit"]
    story = Story.objects.get(pk=story_of(visit[0]))
    ids = {
        "none": [],
        "stranger": [visit[0].pk, events["fire"][0].pk],
        "all": [a.pk for a in visit],
    }[choice]
    before = (Story.objects.count(), list(StoryArticle.objects.values_list("story_id", "pinned")))
    with pytest.raises(StoryActionError, match=message):
        story_split(story=story, article_ids=ids, user=editor)
    after = (Story.objects.count(), list(StoryArticle.objects.values_list("story_id", "pinned")))
    assert after == before
    assert not StorySeparation.objects.exists()
    assert not StoryDecision.objects.exists()


def test_merge_moves_pins_lifts_separations_and_keeps_history(events, editor) -> None:
    visit, fire = events["visit"], events["fire"]
    story = Story.objects.get(pk=story_of(visit[0]))
    other = Story.objects.get(pk=story_of(fire[0]))
    story_rename(story=other, title="Fire", user=editor)
    StorySeparation.objects.create(article_a=visit[0], article_b=fire[1])
    with pytest.raises(StoryActionError):
        story_merge(story=story, other=story, user=editor)
    story_merge(story=story, other=other, user=editor)
    assert not Story.objects.filter(pk=other.pk).exists()
    assert {story_of(a) for a in [*visit, *fire]} == {story.pk}
    assert StoryArticle.objects.filter(article__in=fire, pinned=True).count() == 2
    assert not StorySeparation.objects.exists()
    story.refresh_from_db()
    assert story.article_count == 5
    assert_story_stats_right()
    # The other story's history came along; the merge is logged.
    actions = list(StoryDecision.objects.filter(story=story).values_list("action", flat=True))
    assert actions == ["merged", "renamed"]
    merged = StoryDecision.objects.get(action="merged")
    assert (merged.detail["merged"], merged.detail["merged_title"]) == (other.pk, "Fire")
    stories_recluster()
    assert {story_of(a) for a in [*visit, *fire]} == {story.pk}


def test_split_then_merge_gives_the_original_grouping(events, editor) -> None:
    visit, fire, others = events["visit"], events["fire"], events["others"]
    everything = [*visit, *fire, *others]
    original = grouping(*everything)
    story = Story.objects.get(pk=story_of(visit[0]))
    new = story_split(story=story, article_ids=[visit[1].pk, visit[2].pk], user=editor)
    assert grouping(*everything) != original
    story_merge(story=story, other=new, user=editor)
    assert grouping(*everything) == original
    stories_recluster()
    assert grouping(*everything) == original
    assert not StorySeparation.objects.exists()
    assert_story_stats_right()


def test_move_to_another_story_pins_and_separates(events, editor) -> None:
    visit, fire = events["visit"], events["fire"]
    source = Story.objects.get(pk=story_of(visit[2]))
    target = Story.objects.get(pk=story_of(fire[0]))
    assert story_article_move(article=visit[2], target=target, user=editor) == target
    assert story_of(visit[2]) == target.pk
    assert StoryArticle.objects.get(article=visit[2]).pinned
    assert set(StorySeparation.objects.values_list("article_a_id", "article_b_id")) == {
        tuple(sorted((visit[2].pk, a.pk))) for a in visit[:2]
    }
    source.refresh_from_db()
    target.refresh_from_db()
    assert (source.article_count, target.article_count) == (2, 3)
    assert_story_stats_right()
    assert set(StoryDecision.objects.values_list("story_id", "action")) == {
        (source.pk, "moved"),
        (target.pk, "moved"),
    }
    with pytest.raises(StoryActionError, match="already in that story"):
        story_article_move(article=visit[2], target=target, user=editor)
    stories_recluster()
    assert story_of(visit[2]) == target.pk
    assert story_of(visit[0]) == source.pk


def test_move_back_lifts_the_separation(events, editor) -> None:
    visit = events["visit"]
    source = Story.objects.get(pk=story_of(visit[0]))
    new = story_article_move(article=visit[0], target=None, user=editor)
    assert new.pk != source.pk
    assert story_of(visit[0]) == new.pk
    assert (new.article_count, new.title) == (1, "Visit A")
    source.refresh_from_db()
    assert source.title == "Visit B"  # its earliest article now
    story_article_move(article=visit[0], target=source, user=editor)
    assert not Story.objects.filter(pk=new.pk).exists()  # left empty: gone
    assert not StorySeparation.objects.exists()
    assert story_of(visit[0]) == source.pk
    lonely = article(hours=100)
    story_assign(article=lonely)
    with pytest.raises(StoryActionError, match="alone"):
        story_article_move(article=lonely, target=None, user=editor)


def test_an_article_in_no_story_can_be_moved(events, editor) -> None:
    stray = ArticleFactory(published_at=T0)
    target = Story.objects.get(pk=story_of(events["fire"][0]))
    story_article_move(article=stray, target=target, user=editor)
    assert StoryArticle.objects.get(article=stray).story_id == target.pk
    target.refresh_from_db()
    assert target.article_count == 3


def test_a_separated_article_starts_its_own_story(editor) -> None:
    guest, city = entity("Guest"), entity("Capital", EntityType.LOCATION)
    first = article(guest, city, hours=0)
    second = article(guest, city, hours=1)
    StorySeparation.objects.create(article_a=first, article_b=second, created_by=editor)
    story_assign(article=first)
    story_assign(article=second)
    assert story_of(first) != story_of(second)
    third = article(guest, city, hours=2)
    story_assign(article=third)
    assert story_of(third) in {story_of(first), story_of(second)}


def test_an_unplaced_similar_article_is_claimed_not_duplicated() -> None:
    """Worker B places its article while worker A's article, just like it, has no story yet:
    B starts the story of both, and A then finds itself in it (one story, not two)."""
    guest, city = entity("Guest"), entity("Capital", EntityType.LOCATION)
    a, b = article(guest, city, hours=0), article(guest, city, hours=1)
    story_assign(article=b)
    assert story_of(a) == story_of(b) is not None
    story_assign(article=a)
    assert story_of(a) == story_of(b)
    assert Story.objects.count() == 1
    assert Story.objects.get().article_count == 2


def test_a_race_with_another_worker_is_retried(monkeypatch) -> None:
    """Between B's reading and writing, another worker places A in a story: B's claim of A
    fails on the one-story-per-article constraint, B reads again and joins A's story."""
    guest, city = entity("Guest"), entity("Capital", EntityType.LOCATION)
    a, b = article(guest, city, hours=0), article(guest, city, hours=1)
    real = services._target_find
    calls = []

    def racing(**kwargs):
        target = real(**kwargs)
        if not calls:
            story = Story.objects.create(title="A", article_count=1)
            StoryArticle.objects.create(article=a, story=story)
        calls.append(target)
        return target

    monkeypatch.setattr(services, "_target_find", racing)
    story_assign(article=b)
    assert len(calls) == 2
    assert story_of(a) == story_of(b)
    assert Story.objects.count() == 1
    assert_story_stats_right()


def test_recluster_command_and_task(events) -> None:
    out = io.StringIO()
    call_command("recluster_stories", "--since", "2025-09-01", stdout=out)
    assert "Stories re-clustered" in out.getvalue()
    assert "17 stayed" in out.getvalue()
    from entities.tasks import recluster_stories

    result = recluster_stories.delay().get()
    assert result["created"] == result["joined"] == 0  # recent window: nothing (2025) to do
    with pytest.raises(Exception, match="not a date"):
        call_command("recluster_stories", "--since", "yesterday", stdout=out)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_workers_assigning_at_once_make_one_story() -> None:
    """Two threads (two connections) place two articles about one event at the same moment,
    many times over: never an error, and every time both end in one story."""
    require_service(connection.vendor == "postgresql", "the database is not PostgreSQL")
    background = [entity(f"Background {n}") for n in range(20)]
    for n, other in enumerate(background):  # an archive where the event's names are rare
        article(other, hours=-100 - n)
    for round_ in range(8):
        # Each round is another event (its own names), far from the others in time.
        guest, city = entity(f"Guest {round_}"), entity(f"City {round_}", EntityType.LOCATION)
        a = article(guest, city, hours=100 * round_)
        b = article(guest, city, hours=100 * round_ + 1)
        barrier, errors = threading.Barrier(2), []

        def place(item, barrier=barrier, errors=errors):
            try:
                barrier.wait()
                story_assign(article=item)
            except Exception as error:  # collected and asserted below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=place, args=(x,)) for x in (a, b)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        assert story_of(a) == story_of(b) is not None, round_
    assert_story_stats_right()


def test_story_dates_follow_a_publication_time_edit(events, editor) -> None:
    """An edit of the publication time alone runs ``story_assign`` again (no re-extraction):
    the story's dates follow, also for an article an editor placed."""
    visit = events["visit"]
    story = Story.objects.get(pk=story_of(visit[0]))
    story_confirm(story=story, user=editor)
    type(visit[0]).objects.filter(pk=visit[0].pk).update(published_at=T0 - timedelta(hours=6))
    story_assign(article=visit[0])
    story.refresh_from_db()
    assert story.first_published_at == T0 - timedelta(hours=6)
    assert_story_stats_right()


def test_reclustering_repairs_counts_after_articles_are_deleted(events) -> None:
    fire = events["fire"]
    story_id = story_of(fire[0])
    fire[1].delete()
    assert Story.objects.get(pk=story_id).article_count == 2  # no hook on deletion…
    counts = stories_recluster(since=T0 + timedelta(days=30))  # …the sweep recounts it
    assert counts["stories refreshed"] == 1
    assert Story.objects.get(pk=story_id).article_count == 1
    fire[0].delete()
    stories_recluster(since=T0 + timedelta(days=30))
    assert not Story.objects.filter(pk=story_id).exists()
    assert_story_stats_right()
    assert stories_recluster()["stories refreshed"] == 0

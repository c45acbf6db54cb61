"""The gap queue: stories without a version in a language (and those being translated), and
entities covered in one desk language only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleStatus, Translation, TranslationStatus
from articles.roles import Role
from articles.tests.factories import ArticleFactory, SourceFactory, TranslationFactory
from entities.coverage.gaps import entities_in_one_language, story_gaps
from entities.coverage.periods import CoverageFilters, today
from entities.tests.test_coverage_selectors import cover, make_entity, make_story

pytestmark = pytest.mark.django_db

WEEK = CoverageFilters.last_days(7)


def story_of(title: str, *articles):
    return make_story(title, *articles, day=timezone.now())


@pytest.fixture
def stories():
    """Four stories of this week, each with a Russian article, and one old one."""
    russian_only = story_of("Russian only", ArticleFactory(language="ru"))
    with_kazakh = story_of(
        "Has Kazakh", ArticleFactory(language="ru"), ArticleFactory(language="kk")
    )
    being_translated = ArticleFactory(language="ru")
    TranslationFactory(
        article=being_translated, language="kk", status=TranslationStatus.IN_PROGRESS
    )
    in_progress = story_of("Being translated", being_translated)
    translated = ArticleFactory(language="ru")
    TranslationFactory(article=translated, language="kk", status=TranslationStatus.PUBLISHED)
    done = story_of("Translated", translated)
    old = make_story("Old", ArticleFactory(language="ru"))  # 2025: outside the week
    return {
        "russian_only": russian_only,
        "with_kazakh": with_kazakh,
        "in_progress": in_progress,
        "done": done,
        "old": old,
    }


def test_story_gaps_in_kazakh(stories, editor):
    gaps = story_gaps(language="kk", filters=WEEK, user=editor)
    assert [g.title for g in gaps.missing] == ["Russian only"]
    assert [g.title for g in gaps.in_progress] == ["Being translated"]
    [translation] = gaps.in_progress[0].translations
    assert translation.status == TranslationStatus.IN_PROGRESS
    assert gaps.missing[0].languages == ["ru"]
    assert gaps.missing[0].candidate.language == "ru"

    everything = story_gaps(language="kk", filters=CoverageFilters(), user=editor)
    assert {g.title for g in everything.missing} == {"Russian only", "Old"}


def test_story_gaps_in_russian(stories, editor):
    only_kazakh = story_of("Kazakh only", ArticleFactory(language="kk"))
    gaps = story_gaps(language="ru", filters=WEEK, user=editor)
    assert [g.story_id for g in gaps.missing] == [only_kazakh.pk]
    assert gaps.in_progress == []


def test_the_article_to_translate_is_finished_and_in_the_closest_language(editor):
    draft_ru = ArticleFactory(language="ru", status=ArticleStatus.DRAFT)
    published_en = ArticleFactory(language="en", status=ArticleStatus.PUBLISHED)
    published_ru = ArticleFactory(language="ru", status=ArticleStatus.PUBLISHED)
    unknown = ArticleFactory(language="", status=ArticleStatus.PUBLISHED)
    story_of("Mixed", draft_ru, published_en, published_ru, unknown)
    [gap] = story_gaps(language="kk", filters=WEEK, user=editor).missing
    assert gap.candidate == published_ru
    assert gap.languages == ["en", "ru"]

    story_of("Unknown language only", ArticleFactory(language=""))
    gaps = story_gaps(language="kk", filters=WEEK, user=editor).missing
    assert [g.candidate for g in gaps if g.title == "Unknown language only"] == [None]


def test_one_language_entities():
    day = today()
    only_kk, mostly_kk, both, few = (make_entity(n) for n in ("Only", "Mostly", "Both", "Few"))
    source = SourceFactory(name="Paper")
    for _n in range(3):
        cover(only_kk, language="kk", day=day, source=source)
    for _n in range(20):
        cover(mostly_kk, language="kk", day=day, source=source)
    for _n in range(2):
        cover(mostly_kk, language="ru", day=day, source=source)
    for _n in range(3):
        cover(both, language="kk", day=day, source=source)
    cover(both, language="ru", day=day, source=source)
    for _n in range(2):
        cover(few, language="ru", day=day, source=source)
    cover(only_kk, language="ru", day=day - timedelta(days=30), source=source)  # out of the week

    found = entities_in_one_language(filters=WEEK)

    assert [item.header.label for item in found] == ["Mostly", "Only"]
    assert found[0].texts == {"kk": 20, "ru": 2}
    assert (found[0].covered, found[0].missing) == ("kk", "ru")
    assert found[1].mentions == {"kk": 3, "ru": 0}
    assert f"entity={only_kk.pk}" in found[1].url
    assert "language=kk" in found[1].url

    russian = make_entity("Russian")
    for _n in range(4):
        cover(russian, language="ru", day=day, source=source)
    found = entities_in_one_language(filters=WEEK, min_texts=4)
    assert [(i.header.label, i.covered, i.missing) for i in found] == [
        ("Mostly", "kk", "ru"),
        ("Russian", "ru", "kk"),
    ]


# -- the page ----------------------------------------------------------------------------------


def test_gap_page_offers_a_translation_request_to_editors(client, editor, stories):
    client.force_login(editor)
    response = client.get(reverse("entities:gaps"))
    assert response.status_code == 200
    page = response.content.decode()
    gap = response.context["gaps"].missing[0]
    action = reverse("articles:translation_request", args=[gap.candidate.pk])
    assert f'action="{action}"' in page
    assert '<input type="hidden" name="language" value="kk">' in page
    assert f'<input type="hidden" name="next" value="{reverse("entities:gaps")}">' in page
    assert "Request Kazakh translation" in page
    assert "Being translated" in page
    assert (
        reverse("articles:translation", args=[Translation.objects.get(status="in_progress").pk])
        in page
    )
    assert "Has Kazakh" not in page
    assert "Translated<" not in page

    # The form works with the existing request view.
    posted = client.post(action, {"language": "kk", "translator": "", "next": "/coverage/gaps/"})
    assert posted.status_code == 302
    assert Translation.objects.filter(article=gap.candidate, language="kk").exists()
    after = client.get(reverse("entities:gaps"))
    assert [g.title for g in after.context["gaps"].missing] == []
    assert {g.title for g in after.context["gaps"].in_progress} == {
        "Russian only",
        "Being translated",
    }


def test_gap_page_in_russian_and_for_reviewers(client, make_user, stories):
    client.force_login(make_user("rev", Role.REVIEWER))
    story_of("Kazakh only", ArticleFactory(language="kk"))
    response = client.get(reverse("entities:gaps"), {"language": "ru"})
    assert response.status_code == 200
    assert [g.title for g in response.context["gaps"].missing] == ["Kazakh only"]
    page = response.content.decode()
    assert "Request Russian translation" not in page  # reviewers do not request translations
    assert "/translations/request/" not in page

    assert client.get(reverse("entities:gaps"), {"language": "xx"}).status_code == 400

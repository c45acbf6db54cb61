"""Reads of the story pages: a constant number of queries per page, whatever the number of
stories on it or of articles in a story."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from articles.models import Article, Language, Source, Translation
from articles.selectors import articles_visible_to
from entities.models import Entity, ReviewStatus
from entities.stories.models import Story, StoryArticle, StoryDecision

LANGUAGES = tuple(Language.values)
STORY_ENTITIES = 40
MERGE_CHOICES = 30
DECISIONS_SHOWN = 50


def _language_present(language: str) -> Exists:
    """The story has an article in ``language`` or an article translated into it (a
    translation at any stage: someone is on it)."""
    return Exists(
        StoryArticle.objects.filter(story_id=OuterRef("pk")).filter(
            Q(article__language=language)
            | Q(article__in=Translation.objects.filter(language=language).values("article_id"))
        )
    )


def stories_list(
    *,
    language_present: str = "",
    language_missing: str = "",
    source: Source | None = None,
    published_from: date | None = None,
    published_to: date | None = None,
    confirmed: bool | None = None,
) -> QuerySet[Story]:
    """Stories, newest first (by their latest article), filtered. ``published_from`` /
    ``published_to``: the story has articles in that period (its span overlaps it)."""
    stories = Story.objects.select_related("confirmed_by").order_by(
        F("last_published_at").desc(nulls_last=True), "-id"
    )
    if language_present:
        stories = stories.filter(_language_present(language_present))
    if language_missing:
        stories = stories.filter(~_language_present(language_missing))
    if source is not None:
        stories = stories.filter(
            Exists(StoryArticle.objects.filter(story_id=OuterRef("pk"), article__source=source))
        )
    if published_from:
        start = timezone.make_aware(datetime.combine(published_from, time.min))
        stories = stories.filter(last_published_at__gte=start)
    if published_to:
        end = timezone.make_aware(datetime.combine(published_to + timedelta(days=1), time.min))
        stories = stories.filter(first_published_at__lt=end)
    if confirmed is not None:
        stories = stories.filter(confirmed_at__isnull=not confirmed)
    return stories


@dataclass
class StoryRow:
    story: Story
    languages: list[str] = field(default_factory=list)  # of its articles
    translated: list[str] = field(default_factory=list)  # only through translations
    sources: list[str] = field(default_factory=list)


def story_rows(stories: Sequence[Story]) -> list[StoryRow]:
    """The languages and sources of a page of stories (two queries for the whole page)."""
    ids = [s.pk for s in stories]
    languages: dict[int, set[str]] = defaultdict(set)
    sources: dict[int, set[str]] = defaultdict(set)
    for story_id, language, source in (
        StoryArticle.objects.filter(story_id__in=ids)
        .values_list("story_id", "article__language", "article__source__name")
        .distinct()
    ):
        if language:
            languages[story_id].add(language)
        if source:
            sources[story_id].add(source)
    translated: dict[int, set[str]] = defaultdict(set)
    for story_id, language in (
        Translation.objects.filter(article__story_membership__story_id__in=ids)
        .values_list("article__story_membership__story_id", "language")
        .distinct()
    ):
        translated[story_id].add(language)
    return [
        StoryRow(
            story=story,
            languages=[lang for lang in LANGUAGES if lang in languages[story.pk]],
            translated=[
                lang
                for lang in LANGUAGES
                if lang in translated[story.pk] and lang not in languages[story.pk]
            ],
            sources=sorted(sources[story.pk], key=str.casefold),
        )
        for story in stories
    ]


def story_get(*, pk: int) -> Story | None:
    return Story.objects.select_related("confirmed_by").filter(pk=pk).first()


def story_articles(*, story: Story, user: AbstractBaseUser | AnonymousUser) -> list[Article]:
    """The story's articles the user may see, oldest first, each with its source, membership
    and translations (three queries)."""
    return list(
        articles_visible_to(user)
        .filter(story_membership__story=story)
        .select_related("story_membership")
        .defer("body", "import_warnings")
        .prefetch_related(
            Prefetch(
                "translations",
                queryset=Translation.objects.defer("body").order_by("language"),
            )
        )
        .order_by(F("published_at").asc(nulls_last=True), "pk")
    )


def story_entities(*, story: Story, limit: int = STORY_ENTITIES) -> list[Entity]:
    """The entities linked in the story's articles, those in most articles first (then most
    mentioned), each with ``article_count`` and ``mention_count`` (one query)."""
    return list(
        Entity.objects.filter(
            mentions__article__story_membership__story=story,
            mentions__review_status__in=[ReviewStatus.SUGGESTED, ReviewStatus.CONFIRMED],
        )
        .annotate(
            article_count=Count("mentions__article", distinct=True),
            mention_count=Count("mentions"),
        )
        .order_by("-article_count", "-mention_count", "pk")[:limit]
    )


def story_decisions(*, story: Story, limit: int = DECISIONS_SHOWN) -> list[StoryDecision]:
    return list(StoryDecision.objects.filter(story=story).select_related("user")[:limit])


def stories_for_merge(*, story: Story, limit: int = MERGE_CHOICES) -> list[Story]:
    """Recent stories to offer as merge partners (newest first, this one left out)."""
    return list(
        Story.objects.exclude(pk=story.pk)
        .only("pk", "title", "article_count", "last_published_at")
        .order_by(F("last_published_at").desc(nulls_last=True), "-id")[:limit]
    )


@dataclass
class TimelinePoint:
    article: Article
    x: float  # 0…100: where on the story's span it was published


def story_timeline(articles: Sequence[Article]) -> list[TimelinePoint]:
    """Where each dated article falls on the story's span (no query: from the articles)."""
    dated = [a for a in articles if a.published_at]
    if not dated:
        return []
    first = min(a.published_at for a in dated)
    span = (max(a.published_at for a in dated) - first).total_seconds()

    def position(article: Article) -> float:
        if span == 0:
            return 50.0
        return round((article.published_at - first).total_seconds() / span * 100, 2)

    return [
        TimelinePoint(article=a, x=position(a))
        for a in sorted(dated, key=lambda a: (a.published_at, a.pk))
    ]


def story_badge_data(*, article_id: int) -> Story | None:
    """The story of an article, with ``has_kk``/``has_ru``/``has_en``: whether it has an
    article or a translation in that language (one query)."""
    return (
        Story.objects.filter(memberships__article_id=article_id)
        .annotate(**{f"has_{code}": _language_present(code) for code in LANGUAGES})
        .first()
    )

"""Coverage gaps the desk can act on.

- Stories without a version in a language: no article in it and no finished (approved or
  published) translation into it. Those with a translation into it still being worked on are
  listed apart, "in progress": they need a push, not a new request. (Translations cannot be
  cancelled in this product; a deleted one is simply gone and the story is a gap again.)
- Entities covered in one desk language only: at least ``min_texts`` texts in one of Kazakh
  and Russian over the period, and at most a tenth (``dominance``) of that in the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Greatest
from django.urls import reverse

from articles.models import Article, ArticleStatus, Language, Translation
from articles.selectors import articles_visible_to
from articles.translations.selectors import translations_visible_to
from entities.coverage.periods import CoverageFilters
from entities.coverage.selectors import (
    FINISHED_TRANSLATION,
    Header,
    articles_list_url,
    coverage_rows,
    entity_headers,
    stories_in_period,
)
from entities.stories.models import Story, StoryArticle

DESK_LANGUAGES = ("kk", "ru")
# Which article to translate for a gap in a language: first from these languages, in order.
PREFERRED_SOURCES = {"kk": ("ru", "en"), "ru": ("kk", "en"), "en": ("ru", "kk")}
GAP_LIMIT = 50


@dataclass
class StoryGap:
    story_id: int
    title: str
    article_count: int
    last_published_at: datetime | None
    languages: list[str] = field(default_factory=list)  # of its articles (that the user sees)
    candidate: Article | None = None  # the article to request a translation of
    translations: list[Translation] = field(default_factory=list)  # in progress

    @property
    def url(self) -> str:
        return reverse("entities:story", args=[self.story_id])


@dataclass
class StoryGaps:
    language: str
    missing: list[StoryGap]
    in_progress: list[StoryGap]


def _pending_translations(language: str) -> QuerySet[Translation]:
    return Translation.objects.filter(
        article__story_membership__story=OuterRef("pk"), language=language
    ).exclude(status__in=FINISHED_TRANSLATION)


def stories_without_language(*, language: str, filters: CoverageFilters) -> QuerySet[Story]:
    """Stories of the period with an article but neither an article in ``language`` nor a
    finished translation into it; biggest and newest first."""
    in_language = StoryArticle.objects.filter(story=OuterRef("pk"), article__language=language)
    finished = Translation.objects.filter(
        article__story_membership__story=OuterRef("pk"),
        language=language,
        status__in=FINISHED_TRANSLATION,
    )
    return (
        stories_in_period(filters)
        .filter(Exists(StoryArticle.objects.filter(story=OuterRef("pk"))))
        .filter(~Exists(in_language), ~Exists(finished))
        .order_by("-article_count", F("last_published_at").desc(nulls_last=True), "-id")
    )


def _candidate_rank(article: Article, language: str) -> tuple:
    preferred = PREFERRED_SOURCES.get(language, ())
    finished = article.status in (ArticleStatus.PUBLISHED, ArticleStatus.APPROVED)
    published = article.published_at.timestamp() if article.published_at else 0
    return (
        not finished,
        preferred.index(article.language) if article.language in preferred else len(preferred),
        -published,
        article.pk,
    )


def story_gaps(
    *, language: str, filters: CoverageFilters, user: AbstractBaseUser, limit: int = GAP_LIMIT
) -> StoryGaps:
    """The gap queue's stories: four queries whatever the number of stories."""
    if language not in Language.values:
        raise ValueError(f"Unknown language {language!r}.")
    stories = stories_without_language(language=language, filters=filters)
    pending = _pending_translations(language)
    fields = ("pk", "title", "article_count", "last_published_at")
    missing = [
        StoryGap(story_id=s["pk"], title=s["title"], article_count=s["article_count"],
                 last_published_at=s["last_published_at"])
        for s in stories.filter(~Exists(pending)).values(*fields)[:limit]
    ]  # fmt: skip
    in_progress = [
        StoryGap(story_id=s["pk"], title=s["title"], article_count=s["article_count"],
                 last_published_at=s["last_published_at"])
        for s in stories.filter(Exists(pending)).values(*fields)[:limit]
    ]  # fmt: skip

    if missing:
        by_story = {gap.story_id: gap for gap in missing}
        members = (
            articles_visible_to(user)
            .filter(story_membership__story_id__in=by_story)
            .exclude(language="")
            .defer("body", "import_warnings")
            .annotate(story_id=F("story_membership__story_id"))
        )
        candidates: dict[int, list[Article]] = {}
        for article in members:
            candidates.setdefault(article.story_id, []).append(article)
        for story_id, articles in candidates.items():
            gap = by_story[story_id]
            gap.languages = sorted({a.language for a in articles})
            usable = [a for a in articles if a.language != language]
            if usable:
                gap.candidate = min(usable, key=lambda a: _candidate_rank(a, language))

    if in_progress:
        by_story = {gap.story_id: gap for gap in in_progress}
        translations = (
            translations_visible_to(user)
            .filter(article__story_membership__story_id__in=by_story, language=language)
            .exclude(status__in=FINISHED_TRANSLATION)
            .defer("body", "article__body", "article__import_warnings")
            .annotate(story_id=F("article__story_membership__story_id"))
            .order_by("pk")
        )
        for translation in translations:
            by_story[translation.story_id].translations.append(translation)
    return StoryGaps(language=language, missing=missing, in_progress=in_progress)


@dataclass
class OneLanguageEntity:
    header: Header
    texts: dict[str, int]  # by language
    mentions: dict[str, int]
    covered: str  # the language it is covered in
    missing: str  # the language it is (almost) absent from
    url: str  # the articles about it in the covered language


def entities_in_one_language(
    *,
    filters: CoverageFilters,
    languages: tuple[str, str] = DESK_LANGUAGES,
    min_texts: int = 3,
    dominance: int = 10,
    limit: int = 20,
) -> list[OneLanguageEntity]:
    """Entities with at least ``min_texts`` texts in one language of the pair over the period
    and at most 1/``dominance`` of that in the other: two queries (the counts, grouped by
    entity id alone, then the names of the entities found)."""
    first, second = languages
    in_first, in_second = Q(language=first), Q(language=second)
    rows = list(
        coverage_rows(filters.but(language=""))
        .filter(language__in=languages)
        .values("entity_id")
        .annotate(
            texts_a=Count("entity", filter=in_first),
            texts_b=Count("entity", filter=in_second),
            mentions_a=Sum("mentions", filter=in_first),
            mentions_b=Sum("mentions", filter=in_second),
        )
        .filter(
            (Q(texts_a__gte=min_texts) & Q(texts_a__gte=F("texts_b") * dominance))
            | (Q(texts_b__gte=min_texts) & Q(texts_b__gte=F("texts_a") * dominance))
        )
        .order_by(Greatest("texts_a", "texts_b").desc(), "entity_id")[:limit]
    )
    headers = entity_headers(row["entity_id"] for row in rows) if rows else {}
    found = []
    for row in rows:
        if row["entity_id"] not in headers:
            continue  # deleted since it was counted
        covered, missing = (first, second) if row["texts_a"] >= row["texts_b"] else (second, first)
        found.append(
            OneLanguageEntity(
                header=headers[row["entity_id"]],
                texts={first: row["texts_a"], second: row["texts_b"]},
                mentions={first: row["mentions_a"] or 0, second: row["mentions_b"] or 0},
                covered=covered,
                missing=missing,
                url=articles_list_url(
                    entity_id=row["entity_id"],
                    language=covered,
                    source_id=filters.source_id,
                    start=filters.start,
                    end=filters.end,
                ),
            )
        )
    return found

"""Reads for conflicting figures: the fact-checking queue, a story's conflicts, the open count,
and the rows detection compares (articles' texts, figures and linked mentions)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.db.models.functions import Coalesce

from articles.models import Article
from articles.roles import sees_all_articles
from articles.selectors import articles_visible_to
from entities.conflicts.detection import EntityRef, FigureFacts, MentionSpan, figure_facts
from entities.conflicts.models import FigureConflict
from entities.extraction.base import NoEntities, extractor_for
from entities.models import Alias, Entity, EntityType, Figure, Mention
from entities.stories.models import Story, StoryArticle

Status = FigureConflict.Status

# The queue's status filter: "" is what needs or had a decision (open first, then explained).
STATUS_CURRENT = ""
STATUS_ALL = "all"
_STATUS_RANK = Case(
    When(status=Status.OPEN, then=Value(0)),
    When(status=Status.EXPLAINED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
FILTER_OPTIONS_LIMIT = 200


def _with_relations(conflicts: QuerySet[FigureConflict]) -> QuerySet[FigureConflict]:
    return conflicts.select_related(
        "article_a__source", "article_b__source", "story", "entity", "explained_by"
    )


def _queue_order(conflicts: QuerySet[FigureConflict]) -> QuerySet[FigureConflict]:
    return conflicts.annotate(status_rank=_STATUS_RANK).order_by(
        "status_rank", "-detected_at", "-id"
    )


def figure_conflicts_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet:
    """Conflicts between two articles the user may see."""
    conflicts = FigureConflict.objects.all()
    if sees_all_articles(user):
        return conflicts
    visible = articles_visible_to(user).values("pk")
    return conflicts.filter(article_a__in=visible, article_b__in=visible)


def figure_conflict_list(
    *,
    user: AbstractBaseUser | AnonymousUser,
    status: str = STATUS_CURRENT,
    kind: str = "",
    story_id: int | None = None,
    entity_id: int | None = None,
) -> QuerySet[FigureConflict]:
    """The fact-checking queue: open conflicts first, then explained ones (and, when asked
    for, those no longer in the texts), newest first, both articles and their sources
    joined."""
    conflicts = figure_conflicts_visible_to(user)
    if status == STATUS_CURRENT:
        conflicts = conflicts.exclude(status=Status.GONE)
    elif status != STATUS_ALL:
        conflicts = conflicts.filter(status=status)
    if kind:
        conflicts = conflicts.filter(kind=kind)
    if story_id:
        conflicts = conflicts.filter(story_id=story_id)
    if entity_id:
        conflicts = conflicts.filter(entity_id=entity_id)
    return _queue_order(_with_relations(conflicts))


@dataclass(frozen=True)
class FilterOptions:
    stories: list[tuple[int, str]]
    entities: list[Entity]


def figure_conflict_filter_options(
    *, story_id: int | None = None, entity_id: int | None = None
) -> FilterOptions:
    """The stories and entities that have conflicts (two queries), for the filter menus; the
    selected ones are always among them."""
    story_ids = FigureConflict.objects.filter(story__isnull=False).values("story_id")
    stories = Story.objects.filter(pk__in=story_ids)
    if story_id:
        stories = stories | Story.objects.filter(pk=story_id)
    entity_ids = FigureConflict.objects.filter(entity__isnull=False).values("entity_id")
    entities = Entity.objects.filter(pk__in=entity_ids)
    if entity_id:
        entities = entities | Entity.objects.filter(pk=entity_id)
    return FilterOptions(
        stories=list(
            stories.order_by("title", "pk").values_list("pk", "title")[:FILTER_OPTIONS_LIMIT]
        ),
        entities=list(
            entities.only("pk", "name_kk", "name_ru", "name_en").order_by(
                "name_en", "name_ru", "name_kk", "pk"
            )[:FILTER_OPTIONS_LIMIT]
        ),
    )


def story_conflicts(*, story_id: int, limit: int) -> list[FigureConflict]:
    """A story's conflicts still in the texts, open first: at most ``limit`` + 1 rows (one
    query), so the caller knows whether there are more."""
    conflicts = FigureConflict.objects.filter(story_id=story_id).exclude(status=Status.GONE)
    return list(
        _queue_order(conflicts.select_related("article_a__source", "article_b__source"))[
            : limit + 1
        ]
    )


def open_conflicts_count() -> int:
    return FigureConflict.objects.filter(status=Status.OPEN).count()


# -- what detection compares -----------------------------------------------------------------


def story_article_ids(*, story_id: int, limit: int) -> list[int]:
    """The story's most recent articles (translations are checked by the translation QA)."""
    return list(
        Article.objects.filter(story_membership__story_id=story_id)
        .order_by(Coalesce("published_at", "created_at").desc(), "-pk")
        .values_list("pk", flat=True)[:limit]
    )


def entity_ids_of(entity_id: int) -> tuple[int, list[int]] | None:
    """The entity (followed to what it was merged into) and every entity merged into it."""
    entity = Entity.objects.filter(pk=entity_id).only("pk", "merged_into_id").first()
    seen: set[int] = set()
    while entity is not None and entity.merged_into_id and entity.pk not in seen:
        seen.add(entity.pk)
        entity = (
            Entity.objects.filter(pk=entity.merged_into_id).only("pk", "merged_into_id").first()
        )
    if entity is None:
        return None
    merged = list(Entity.objects.filter(merged_into=entity).values_list("pk", flat=True))
    return entity.pk, [entity.pk, *merged]


def entity_article_ids(
    *, entity_ids: list[int], since: datetime, until: datetime, limit: int
) -> list[int]:
    """The most recent articles published in [since, until] that name the entity and have a
    figure: walks the published_at index backwards and stops after ``limit``."""
    named = Mention.objects.not_rejected().filter(article=OuterRef("pk"), entity_id__in=entity_ids)
    with_figures = Figure.objects.not_rejected().filter(article=OuterRef("pk"))
    return list(
        Article.objects.filter(published_at__gte=since, published_at__lte=until)
        .filter(Exists(named), Exists(with_figures))
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)[:limit]
    )


def story_of_articles(article_ids: list[int]) -> dict[int, int]:
    return dict(
        StoryArticle.objects.filter(article_id__in=article_ids).values_list(
            "article_id", "story_id"
        )
    )


_SUBJECT_TYPES = {EntityType.PERSON, EntityType.ORGANISATION}


def detection_facts(article_ids: list[int]) -> dict[int, list[FigureFacts]]:
    """Every figure (not rejected) of the articles, with its sentence, its interval, the
    names in that sentence (linked entities with merged ones followed, and unlinked names) and
    its topics. Three queries, a fourth for the aliases when an article's language has no NER
    model (English), whose names are then found by the aliases of the entities linked in the
    others."""
    if not article_ids:
        return {}
    articles = {
        row["pk"]: row
        for row in Article.objects.filter(pk__in=article_ids).values(
            "pk", "title", "body", "language"
        )
    }
    figures: dict[int, list] = {}
    for row in (
        Figure.objects.not_rejected()
        .filter(article_id__in=article_ids)
        .order_by("article_id", "field", "start")
        .values_list("article_id", "field", "start", "end", "text", "kind", "unit", "value")
    ):
        figures.setdefault(row[0], []).append(row[1:])
    mentions: dict[int, list[MentionSpan]] = {}
    rows = (
        Mention.objects.not_rejected()
        .filter(article_id__in=list(figures))
        .annotate(
            linked_id=Coalesce("entity__merged_into_id", "entity_id"),
            linked_en=Coalesce("entity__merged_into__name_en", "entity__name_en"),
            linked_ru=Coalesce("entity__merged_into__name_ru", "entity__name_ru"),
            linked_kk=Coalesce("entity__merged_into__name_kk", "entity__name_kk"),
        )
        .values_list(
            "article_id", "field", "start", "end", "text", "type", "linked_id", "linked_en",
            "linked_ru", "linked_kk",
        )
    )  # fmt: skip
    for article_id, field, start, end, text, type_, entity_id, en, ru, kk in rows:
        subject = type_ in _SUBJECT_TYPES
        entity = EntityRef(entity_id, en or ru or kk, subject) if entity_id else None
        mentions.setdefault(article_id, []).append(
            MentionSpan(field, start, end, text, subject, entity)
        )
    known = {m.entity.id: m.entity for spans in mentions.values() for m in spans if m.entity}
    without_ner = [pk for pk in figures if pk in articles and not _has_ner(articles[pk])]
    if without_ner and known:
        find = _alias_finder(known)
        for article_id in without_ner:
            row = articles[article_id]
            mentions[article_id] = [
                *find("title", row["title"]),
                *find("body", row["body"]),
            ]
    return {
        article_id: figure_facts(
            article_id=article_id,
            texts={"title": articles[article_id]["title"], "body": articles[article_id]["body"]},
            language=articles[article_id]["language"],
            figures=rows_,
            mentions=mentions.get(article_id, ()),
            has_ner=_has_ner(articles[article_id]),
        )
        for article_id, rows_ in figures.items()
        if article_id in articles
    }


def _has_ner(article: dict) -> bool:
    language = article["language"]
    return bool(language) and not isinstance(extractor_for(language), NoEntities)


def _alias_finder(entities: dict[int, EntityRef]):
    """Where the names and aliases of these entities occur in a text (one query)."""
    by_name: dict[str, EntityRef] = {}
    for entity_id, text in Alias.objects.filter(entity_id__in=list(entities)).values_list(
        "entity_id", "text"
    ):
        if len(text) >= 3:
            by_name.setdefault(text.casefold(), entities[entity_id])
    for entity in entities.values():
        if len(entity.name) >= 3:
            by_name.setdefault(entity.name.casefold(), entity)
    if not by_name:
        return lambda _field, _text: []
    names = sorted(by_name, key=len, reverse=True)
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE
    )

    def find(field: str, text: str) -> list[MentionSpan]:
        spans = []
        for match in pattern.finditer(text):
            entity = by_name.get(match.group().casefold())
            if entity is not None:
                spans.append(
                    MentionSpan(
                        field, match.start(), match.end(), match.group(), entity.is_subject, entity
                    )
                )
        return spans

    return find

"""Reads of the translation desk, with their joins applied so no caller can make N+1 queries:
who sees which translation, the editor's rows, the glossary of each row, the dashboard lists."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, Prefetch, Q, QuerySet

from articles.models import (
    PARAGRAPH_SEPARATOR,
    Article,
    Translation,
    TranslationSegment,
    TranslationStatus,
)
from articles.roles import Role, has_role, sees_all_articles
from articles.selectors import DASHBOARD_ROWS, _due_first

OPEN_TRANSLATION_STATUSES = [
    TranslationStatus.REQUESTED,
    TranslationStatus.IN_PROGRESS,
    TranslationStatus.SUBMITTED,
    TranslationStatus.CHANGES_REQUESTED,
]


def translations_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Translation]:
    """Editors, reviewers and admins see every translation; a translator sees the ones
    assigned to them."""
    translations = Translation.objects.select_related(
        "article", "article__source", "translator", "reviewer"
    )
    if sees_all_articles(user):
        return translations
    if not user.is_authenticated:
        return translations.none()
    return translations.filter(translator=user)


def translation_list(
    *, user: AbstractBaseUser, status: str = "", language: str = "", mine: bool = False
) -> QuerySet[Translation]:
    translations = translations_visible_to(user).defer("body", "article__body")
    if status == "outdated":
        translations = translations.filter(outdated_since__isnull=False)
    elif status:
        translations = translations.filter(status=status)
    if language:
        translations = translations.filter(language=language)
    if mine:
        translations = translations.filter(Q(translator=user) | Q(reviewer=user))
    return translations.order_by(F("due_at").asc(nulls_last=True), "-updated_at", "-id")


def translation_rows(*, translation: Translation) -> list[TranslationSegment]:
    return list(translation.segments.select_related("updated_by").order_by("position"))


def article_translations(*, article: Article) -> list[Translation]:
    return list(article.translations.select_related("translator", "reviewer").order_by("language"))


# -- dashboard ----------------------------------------------------------------------------------


def dashboard_translations_to_review(
    *, user: AbstractBaseUser, limit: int = DASHBOARD_ROWS
) -> list:
    """Submitted translations waiting for this reviewer (or for any reviewer)."""
    if not (user.is_superuser or has_role(user, Role.REVIEWER)):
        return []
    return list(
        translations_visible_to(user)
        .defer("body", "article__body")
        .filter(status=TranslationStatus.SUBMITTED)
        .filter(Q(reviewer=user) | Q(reviewer__isnull=True))
        .order_by(*_due_first())[:limit]
    )


def dashboard_translations_outdated(*, user: AbstractBaseUser, limit: int = DASHBOARD_ROWS) -> list:
    """Translations whose source changed after they were made: the desk's for editors, their
    own for translators."""
    translations = translations_visible_to(user).defer("body", "article__body")
    if not (user.is_superuser or has_role(user, Role.EDITOR)):
        translations = translations.filter(Q(translator=user) | Q(reviewer=user))
    return list(
        translations.filter(outdated_since__isnull=False).order_by("-outdated_since", "-id")[:limit]
    )


def dashboard_translations_requested_by_desk(
    *, user: AbstractBaseUser, limit: int = DASHBOARD_ROWS
) -> list:
    """For editors: the desk's open translations, soonest due first."""
    if not (user.is_superuser or has_role(user, Role.EDITOR)):
        return []
    return list(
        translations_visible_to(user)
        .defer("body", "article__body")
        .filter(status__in=OPEN_TRANSLATION_STATUSES)
        .order_by(*_due_first())[:limit]
    )


# -- glossary -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GlossaryTerm:
    entity_id: int
    entity_type: str
    source_text: str  # as written in the source («Тоқаевтың»)
    target_name: str  # the entity's name in the target language («Токаев»)
    alternatives: tuple[str, ...]  # other names and aliases in the target language


def _paragraph_bounds(body: str) -> list[tuple[int, int]]:
    bounds, offset = [], 0
    for paragraph in body.split(PARAGRAPH_SEPARATOR):
        bounds.append((offset, offset + len(paragraph)))
        offset += len(paragraph) + len(PARAGRAPH_SEPARATOR)
    return bounds


def translation_glossary(*, translation: Translation) -> dict[int | None, list[GlossaryTerm]]:
    """For each source paragraph (``None`` for the title), the linked entities of the source
    with their names in the target language from the knowledge base: «Тоқаев» → «Токаев».
    Two queries, whatever the length of the article."""
    from entities.models import Alias, Mention, ReviewStatus

    article = translation.article
    language = translation.language
    mentions = (
        Mention.objects.filter(article=article, entity__isnull=False)
        .exclude(review_status=ReviewStatus.REJECTED)
        .select_related("entity")
        .prefetch_related(
            Prefetch(
                "entity__aliases",
                queryset=Alias.objects.filter(language=language).order_by("kind", "text"),
                to_attr="target_aliases",
            )
        )
        .order_by("field", "start")
    )
    bounds = _paragraph_bounds(article.body)
    glossary: dict[int | None, list[GlossaryTerm]] = defaultdict(list)
    seen: set[tuple[int | None, int]] = set()
    for mention in mentions:
        if mention.field == "title":
            paragraph = None
        else:
            paragraph = next(
                (i for i, (start, end) in enumerate(bounds) if start <= mention.start < end), None
            )
            if paragraph is None:
                continue
        entity = mention.entity
        if (paragraph, entity.pk) in seen:
            continue
        seen.add((paragraph, entity.pk))
        names = [a.text for a in entity.target_aliases]
        target_name = getattr(entity, f"name_{language}", "") or (names[0] if names else "")
        if not target_name:
            target_name = entity.name_en or entity.name_ru or entity.name_kk
        glossary[paragraph].append(
            GlossaryTerm(
                entity_id=entity.pk,
                entity_type=entity.type,
                source_text=mention.text,
                target_name=target_name,
                alternatives=tuple(n for n in dict.fromkeys(names) if n != target_name)[:4],
            )
        )
    return dict(glossary)


def segment_glossary(
    glossary: dict[int | None, list[GlossaryTerm]], segment: TranslationSegment
) -> list[GlossaryTerm]:
    """The terms of a row (a merged row has those of all its paragraphs)."""
    if segment.field == TranslationSegment.Field.TITLE:
        return glossary.get(None, [])
    terms: list[GlossaryTerm] = []
    seen: set[int] = set()
    for index in range(segment.source_start, segment.source_start + segment.source_count):
        for term in glossary.get(index, []):
            if term.entity_id not in seen:
                seen.add(term.entity_id)
                terms.append(term)
    return terms

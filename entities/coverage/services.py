"""Keeping the coverage rows (``EntityCoverage``) true.

A text's rows are always rebuilt whole from its mentions: delete, then insert, in one
transaction that holds the text's row lock, so running a refresh twice (or two workers at once)
leaves the same rows. The batch form does the same for many texts with the same five queries,
whatever the batch size: the entity services and the ``rebuild_coverage`` command use it.

What a row counts:
- texts: an article in its language, a translation in its target language (whatever its
  workflow status: a translation is counted once it has text that was extracted);
- mentions: not rejected, linked to an entity, counted on the entity they now live on (a merged
  entity's mentions count for the entity it was merged into);
- the day: the article's publication time as a date in the desk's time zone (``TIME_ZONE``);
  a translation has no publication time of its own, so it takes its article's day and source;
- texts whose language is not known yet have no rows (the language edit refreshes them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone

from articles.models import Article, Translation
from entities.coverage.models import EntityCoverage
from entities.models import Entity, Mention

BATCH_SIZE = 500


def local_day(moment: datetime | None) -> date | None:
    """The desk's calendar day of a moment (the article list filters on the same day)."""
    if moment is None:
        return None
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def surviving_entities(entity_ids: Iterable[int]) -> dict[int, int]:
    """Each id → the entity it now lives on, following ``merged_into`` chains (A → B → C).
    One query per link of the longest chain; none for entities that were never merged."""
    survivor: dict[int, int] = {}
    pending = set(entity_ids)
    # parent[x] = what x was merged into; walk until every chain ends.
    parent: dict[int, int | None] = {}
    while pending:
        rows = Entity.objects.filter(pk__in=pending).values_list("pk", "merged_into_id")
        pending = set()
        for pk, merged_into in rows:
            parent[pk] = merged_into
            if merged_into and merged_into not in parent:
                pending.add(merged_into)
    for start in parent:
        current, seen = start, {start}
        while parent.get(current) and parent[current] not in seen:
            current = parent[current]
            seen.add(current)
        survivor[start] = current
    return survivor


def _mention_counts(owner_field: str, owner_ids: Sequence[int]) -> dict[int, dict[int, int]]:
    """owner id → {surviving entity id: mentions}, from the not-rejected linked mentions."""
    rows = list(
        Mention.objects.filter(**{f"{owner_field}_id__in": owner_ids}, entity__isnull=False)
        .not_rejected()
        .values_list(f"{owner_field}_id", "entity_id", "entity__merged_into_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    merged = {entity_id for _owner, entity_id, merged_into, _n in rows if merged_into}
    survivors = surviving_entities(merged) if merged else {}
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for owner_id, entity_id, _merged_into, n in rows:
        counts[owner_id][survivors.get(entity_id, entity_id)] += n
    return counts


def _rebuild_articles(article_ids: Sequence[int], *, translations_follow: bool = False) -> int:
    """Replace the article rows of these articles. Returns the number of rows written.

    ``translations_follow``: also give the rows of their translations the article's current
    source and day (one UPDATE per article: meant for a single article's metadata edit)."""
    with transaction.atomic():
        # Locked in id order: two batches that overlap wait for each other, never deadlock.
        articles = list(
            Article.objects.select_for_update(of=("self",))
            .filter(pk__in=article_ids)
            .order_by("pk")
            .values_list("pk", "language", "source_id", "published_at")
        )
        counts = _mention_counts("article", [pk for pk, *_rest in articles])
        rows = [
            EntityCoverage(
                article_id=pk,
                translation=None,
                entity_id=entity_id,
                language=language,
                source_id=source_id,
                published_on=local_day(published_at),
                mentions=n,
            )
            for pk, language, source_id, published_at in articles
            if language
            for entity_id, n in sorted(counts.get(pk, {}).items())
        ]
        EntityCoverage.objects.filter(article_id__in=article_ids, translation__isnull=True).delete()
        EntityCoverage.objects.bulk_create(rows, batch_size=1000)
        if translations_follow:
            for pk, _language, source_id, published_at in articles:
                EntityCoverage.objects.filter(article_id=pk, translation__isnull=False).update(
                    source_id=source_id, published_on=local_day(published_at)
                )
    return len(rows)


def _rebuild_translations(translation_ids: Sequence[int]) -> int:
    with transaction.atomic():
        translations = list(
            Translation.objects.select_for_update(of=("self",))
            .filter(pk__in=translation_ids)
            .order_by("pk")
            .values_list(
                "pk", "article_id", "language", "article__source_id", "article__published_at"
            )
        )
        counts = _mention_counts("translation", [pk for pk, *_rest in translations])
        rows = [
            EntityCoverage(
                article_id=article_id,
                translation_id=pk,
                entity_id=entity_id,
                language=language,
                source_id=source_id,
                published_on=local_day(published_at),
                mentions=n,
            )
            for pk, article_id, language, source_id, published_at in translations
            if language
            for entity_id, n in sorted(counts.get(pk, {}).items())
        ]
        EntityCoverage.objects.filter(translation_id__in=translation_ids).delete()
        EntityCoverage.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _batches(ids: Iterable[int], size: int) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def coverage_refresh(*, owner: models.Model) -> None:
    """Rebuild the coverage rows of one article or translation from its mentions.

    For an article, the rows of its translations also take the article's current source and
    day (they have none of their own): this is what runs after a metadata edit."""
    if owner._meta.model_name == "article":
        _rebuild_articles([owner.pk], translations_follow=True)
    else:
        _rebuild_translations([owner.pk])


def coverage_refresh_for_entities(
    *, entity_ids: Iterable[int], batch_size: int = BATCH_SIZE
) -> None:
    """Rebuild the rows of every text mentioning these entities (after a merge or split).

    A text is rebuilt when it has rows for one of the entities (or for an entity merged into
    one of them), or a mention linked to one of them: so rows move to the surviving entity
    after a merge, and to the new entity after a split."""
    ids = set(entity_ids)
    if not ids:
        return
    ids |= set(Entity.objects.filter(merged_into__in=ids).values_list("pk", flat=True))
    article_ids: set[int] = set()
    translation_ids: set[int] = set()
    for article_id, translation_id in EntityCoverage.objects.filter(entity_id__in=ids).values_list(
        "article_id", "translation_id"
    ):
        if translation_id:
            translation_ids.add(translation_id)
        else:
            article_ids.add(article_id)
    for article_id, translation_id in Mention.objects.filter(entity_id__in=ids).values_list(
        "article_id", "translation_id"
    ):
        if translation_id:
            translation_ids.add(translation_id)
        elif article_id:
            article_ids.add(article_id)
    for batch in _batches(article_ids, batch_size):
        _rebuild_articles(batch)
    for batch in _batches(translation_ids, batch_size):
        _rebuild_translations(batch)


def coverage_rebuild(
    *,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[int, int]:
    """Rebuild every row, a batch of texts per transaction (id ranges, so each batch is one
    index range read whatever the table's size). Returns (texts, rows written). Rows of
    deleted texts went with them (cascade); texts without mentions lose their rows."""
    texts = rows = 0
    for model, rebuild in ((Article, _rebuild_articles), (Translation, _rebuild_translations)):
        label = model._meta.model_name
        last = 0
        while True:
            ids = list(
                model.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            rows += rebuild(ids)
            texts += len(ids)
            last = ids[-1]
            if progress:
                progress(label, len(ids), rows)
    return texts, rows

"""Keeping the search index true: one ``SearchDocument`` per article and per translation.

``search_document_update`` is called by ``entities.pipeline`` after every extraction of an
article or a translation (new text, new mentions) and after an article's source, publication
time or language changed. It recomputes the document from the database, so it is idempotent
and safe to call twice or concurrently. ``search_index_rebuild`` does the same in batches for
the ``rebuild_search_index`` command (existing texts, or after the stemming changed)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import IntegrityError, models, transaction
from django.db.models import Count
from django.utils import timezone

from articles.models import Article, Translation
from entities.models import Mention
from entities.search.documents import document_stems
from entities.search.models import SearchDocument

REBUILD_BATCH_SIZE = 500
# bulk_update writes one CASE per column with a branch per row, evaluated for every row: a
# thousand rows of long stems take seconds in one statement, ten statements of 100 a tenth.
UPDATE_BATCH_SIZE = 100


def _entity_mentions(**owner_filter) -> dict[tuple[int, int], int]:
    """(owner id, entity id) → number of not-rejected linked mentions, for many owners at once
    (``article_id__in=…`` or ``translation_id__in=…``)."""
    owner_field = next(iter(owner_filter)).split("__")[0]
    rows = (
        Mention.objects.filter(**owner_filter, entity__isnull=False)
        .not_rejected()
        .order_by()
        .values_list(owner_field, "entity_id")
        .annotate(n=Count("id"))
    )
    return {(owner_id, entity_id): n for owner_id, entity_id, n in rows}


def _by_owner(counts: dict[tuple[int, int], int]) -> dict[int, dict[int, int]]:
    out: dict[int, dict[int, int]] = defaultdict(dict)
    for (owner_id, entity_id), n in counts.items():
        out[owner_id][entity_id] = n
    return out


def _article_fields(article: Article, entity_mentions: dict[int, int]) -> dict:
    return {
        "language": article.language,
        "published_at": article.published_at,
        "stems": document_stems(
            title=article.title,
            body=article.body,
            language=article.language,
            entity_mentions=entity_mentions,
        ),
    }


def _translation_fields(
    translation: Translation, published_at, entity_mentions: dict[int, int]
) -> dict:
    return {
        "language": translation.language,
        "published_at": published_at,
        "stems": document_stems(
            title=translation.title,
            body=translation.body,
            language=translation.language,
            entity_mentions=entity_mentions,
        ),
    }


def _is_empty(translation: Translation) -> bool:
    """A translation nobody has written yet has nothing to find."""
    return not (translation.title.strip() or translation.body.strip())


def _upsert(*, lookup: dict, defaults: dict) -> SearchDocument:
    """update_or_create, once more if a concurrent indexer created the row meanwhile (the
    unique constraints make the second try an update)."""
    for attempt in range(2):
        try:
            with transaction.atomic():
                document, _created = SearchDocument.objects.update_or_create(
                    **lookup, defaults=defaults
                )
            return document
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def search_document_update(*, owner: models.Model) -> SearchDocument | None:
    """(Re)index one article or translation from what the database holds now.

    An article's translations keep their own text and language; only their publication time,
    which is the article's, is brought along (a metadata edit does not re-extract them). A
    translation that is gone, or still empty, has no document. Returns the document."""
    if owner._meta.model_name == "article":
        article = Article.objects.filter(pk=owner.pk).first()
        if article is None:
            return None
        mentions = _by_owner(_entity_mentions(article_id__in=[article.pk]))
        document = _upsert(
            lookup={"article": article, "translation": None},
            defaults=_article_fields(article, mentions.get(article.pk, {})),
        )
        SearchDocument.objects.filter(article=article, translation__isnull=False).exclude(
            published_at=article.published_at
        ).update(published_at=article.published_at)
        return document
    translation = (
        (
            Translation.objects.select_related("article").only(
                "title", "body", "language", "article__published_at"
            )
        )
        .filter(pk=owner.pk)
        .first()
    )
    if translation is None:
        return None
    if _is_empty(translation):
        SearchDocument.objects.filter(translation=translation).delete()
        return None
    mentions = _by_owner(_entity_mentions(translation_id__in=[translation.pk]))
    return _upsert(
        lookup={"translation": translation},
        defaults={
            "article_id": translation.article_id,
            **_translation_fields(
                translation, translation.article.published_at, mentions.get(translation.pk, {})
            ),
        },
    )


# -- rebuilding in batches ---------------------------------------------------------------------


@dataclass
class RebuildProgress:
    articles: int = 0
    translations: int = 0


def _batches(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _store(documents: list[tuple[int, SearchDocument]], existing: dict[int, int]) -> None:
    """Create the new documents and update the existing ones (by the owner key → row id)."""
    now = timezone.now()
    new, old = [], []
    for key, document in documents:
        if key in existing:
            document.pk = existing[key]
            document.updated_at = now  # bulk_update does not apply auto_now
            old.append(document)
        else:
            new.append(document)
    SearchDocument.objects.bulk_create(new)
    SearchDocument.objects.bulk_update(
        old, ["language", "published_at", "stems", "updated_at"], batch_size=UPDATE_BATCH_SIZE
    )


def _rebuild_articles(ids: list[int]) -> None:
    articles = Article.objects.filter(pk__in=ids).only("title", "body", "language", "published_at")
    mentions = _by_owner(_entity_mentions(article_id__in=ids))
    existing = dict(
        SearchDocument.objects.filter(article_id__in=ids, translation__isnull=True).values_list(
            "article_id", "pk"
        )
    )
    documents = [
        (
            article.pk,
            SearchDocument(article_id=article.pk, **_article_fields(article, mentions[article.pk])),
        )
        for article in articles
    ]
    with transaction.atomic():
        _store(documents, existing)


def _rebuild_translations(ids: list[int]) -> None:
    translations = list(
        Translation.objects.filter(pk__in=ids)
        .select_related("article")
        .only("title", "body", "language", "article_id", "article__published_at")
    )
    mentions = _by_owner(_entity_mentions(translation_id__in=ids))
    existing = dict(
        SearchDocument.objects.filter(translation_id__in=ids).values_list("translation_id", "pk")
    )
    documents = [
        (
            t.pk,
            SearchDocument(
                article_id=t.article_id,
                translation_id=t.pk,
                **_translation_fields(t, t.article.published_at, mentions[t.pk]),
            ),
        )
        for t in translations
        if not _is_empty(t)
    ]
    empty = [t.pk for t in translations if _is_empty(t)]
    with transaction.atomic():
        if empty:
            SearchDocument.objects.filter(translation_id__in=empty).delete()
        _store(documents, existing)


def search_documents_refresh_for_entities(
    *, entity_ids: Iterable[int], batch_size: int = REBUILD_BATCH_SIZE
) -> RebuildProgress:
    """Reindex every text that mentions these entities, or whose index still says it does:
    after a merge, a split, or mentions relinked in bulk (a text indexed before carries the
    old entity's token). Batched like the rebuild; returns how many texts were reindexed."""
    from entities.search.selectors import search_documents_of_entities

    entity_ids = list(entity_ids)
    owners = set(
        Mention.objects.filter(entity_id__in=entity_ids)
        .order_by()
        .values_list("article_id", "translation_id")
        .distinct()
    )
    owners.update(
        search_documents_of_entities(entity_ids=entity_ids).values_list(
            "article_id", "translation_id"
        )
    )
    article_ids = sorted({a for a, t in owners if t is None and a is not None})
    translation_ids = sorted({t for _a, t in owners if t is not None})
    done = RebuildProgress()
    for batch in _batches(article_ids, batch_size):
        _rebuild_articles(batch)
        done.articles += len(batch)
    for batch in _batches(translation_ids, batch_size):
        _rebuild_translations(batch)
        done.translations += len(batch)
    return done


def search_index_rebuild(
    *,
    batch_size: int = REBUILD_BATCH_SIZE,
    progress: Callable[[RebuildProgress], None] | None = None,
) -> RebuildProgress:
    """Index every article and translation again, ``batch_size`` texts per transaction (a
    handful of queries per batch, whatever its size). Safe to interrupt and run again; texts
    indexed meanwhile by the pipeline are simply indexed twice."""
    done = RebuildProgress()
    article_ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for batch in _batches(article_ids, batch_size):
        _rebuild_articles(batch)
        done.articles += len(batch)
        if progress:
            progress(done)
    translation_ids = list(Translation.objects.order_by("pk").values_list("pk", flat=True))
    for batch in _batches(translation_ids, batch_size):
        _rebuild_translations(batch)
        done.translations += len(batch)
        if progress:
            progress(done)
    return done

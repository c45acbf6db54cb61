"""The export record of an article: what ``export_articles`` writes and integrations read.

The shape is a contract (see the README): change it only by adding a versioned format."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from articles.models import Article
from entities.models import DateMention, Figure, Mention, Quote

CHUNK = 200


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def articles_for_export(*, language: str = "", status: str = "") -> QuerySet[Article]:
    """Articles with everything the export needs in five queries per chunk; spans editors
    rejected are left out."""
    articles = Article.objects.select_related("source").prefetch_related(
        *(
            Prefetch(name, queryset=model.objects.not_rejected().order_by("field", "start"))
            for name, model in (
                ("mentions", Mention),
                ("figures", Figure),
                ("dates", DateMention),
                ("quotes", Quote),
            )
        )
    )
    if language:
        articles = articles.filter(language=language)
    if status:
        articles = articles.filter(status=status)
    return articles.order_by("pk")


def article_export_record(article: Article) -> dict[str, Any]:
    return {
        "id": article.pk,
        "language": article.language,
        "title": article.title,
        "body": article.body,
        "source": article.source.name if article.source else None,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "story": None,
        "mentions": [
            {
                "field": m.field,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "type": m.type,
                "entity": m.entity_id,
            }
            for m in article.mentions.all()
        ],
        "figures": [
            {
                "field": f.field,
                "start": f.start,
                "end": f.end,
                "text": f.text,
                "kind": f.kind,
                "value": _number(f.value),
                "unit": f.unit,
            }
            for f in article.figures.all()
        ],
        "dates": [
            {
                "field": d.field,
                "start": d.start,
                "end": d.end,
                "text": d.text,
                "value": d.value.isoformat(),
            }
            for d in article.dates.all()
        ],
        "quotes": [
            {
                "field": q.field,
                "start": q.start,
                "end": q.end,
                "text": q.text,
                "speaker": q.speaker_id,
            }
            for q in article.quotes.all()
        ],
    }


def article_export_records(*, language: str = "", status: str = "") -> Iterator[dict[str, Any]]:
    """Export records in id order, fetched in chunks so memory stays flat for any archive."""
    for article in articles_for_export(language=language, status=status).iterator(chunk_size=CHUNK):
        yield article_export_record(article)

"""The export record of an article: what ``export_articles`` writes and integrations read.

The shape is a contract (see the README): change it only by adding a versioned format."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from articles.kazakh_latin import KazakhScript, kazakh_to_latin, kazakh_to_latin_with_offsets
from articles.models import Article, Language, Translation
from entities.models import DateMention, Figure, Mention, Quote

CHUNK = 200
SPAN_KINDS = ("mentions", "figures", "dates", "quotes")


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def articles_for_export(*, language: str = "", status: str = "") -> QuerySet[Article]:
    """Articles with everything the export needs in five queries per chunk; spans editors
    rejected are left out."""
    articles = Article.objects.select_related("source", "story_membership").prefetch_related(
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


def article_export_record(
    article: Article, *, kazakh_script: str = KazakhScript.CYRILLIC
) -> dict[str, Any]:
    """The record of one article; with ``kazakh_script="latin"`` a Kazakh article's title, body
    and span texts are in the 2021 Latin alphabet (span offsets moved to match)."""
    record = {
        "id": article.pk,
        "language": article.language,
        "title": article.title,
        "body": article.body,
        "source": article.source.name if article.source else None,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "story": getattr(getattr(article, "story_membership", None), "story_id", None),
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
    if kazakh_script == KazakhScript.LATIN and article.language == Language.KAZAKH:
        return _record_in_latin(record)
    return record


def _record_in_latin(record: dict[str, Any]) -> dict[str, Any]:
    """Transliterate title and body and move every span onto the Latin text, so that
    ``record[field][start:end] == text`` still holds for each span (the export contract)."""
    latin = {field: kazakh_to_latin_with_offsets(record[field]) for field in ("title", "body")}
    for field, (text, _offsets) in latin.items():
        record[field] = text
    for kind in SPAN_KINDS:
        for item in record[kind]:
            text, offsets = latin[item["field"]]
            last = len(offsets) - 1
            start, end = offsets[min(item["start"], last)], offsets[min(item["end"], last)]
            item.update(start=start, end=end, text=text[start:end])
    return record


def article_export_records(
    *, language: str = "", status: str = "", kazakh_script: str = KazakhScript.CYRILLIC
) -> Iterator[dict[str, Any]]:
    """Export records in id order, fetched in chunks so memory stays flat for any archive."""
    for article in articles_for_export(language=language, status=status).iterator(chunk_size=CHUNK):
        yield article_export_record(article, kazakh_script=kazakh_script)


def article_plain_text(
    *, article: Article | Translation, kazakh_script: str = KazakhScript.CYRILLIC
) -> str:
    """One article (or translation) as a plain-text download: title, blank line, body.

    With ``kazakh_script="latin"`` Kazakh text is in the 2021 Latin alphabet; text in other
    languages is returned as it is, so a view can offer the toggle on every article."""
    text = f"{article.title}\n\n{article.body}\n"
    if kazakh_script == KazakhScript.LATIN and article.language == Language.KAZAKH:
        return kazakh_to_latin(text)
    return text


def article_plain_text_filename(
    *, article: Article | Translation, kazakh_script: str = KazakhScript.CYRILLIC
) -> str:
    """A download name that says what the file holds: ``article-12-kk-latn.txt``,
    ``translation-3-ru.txt`` (``-latn`` only when the text really is in Latin)."""
    kind = "translation" if isinstance(article, Translation) else "article"
    latin = kazakh_script == KazakhScript.LATIN and article.language == Language.KAZAKH
    return f"{kind}-{article.pk}-{article.language}{'-latn' if latin else ''}.txt"

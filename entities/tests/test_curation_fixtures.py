"""Small builders for the curation tests: entities with aliases, mentions, quotes, figures and
coverage rows made directly (the coverage rows are built here, not by the coverage services,
so these tests do not depend on them)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from articles.models import Article
from articles.tests.factories import ArticleFactory
from entities.coverage.models import EntityCoverage
from entities.linking.keys import lookup_key, translit_key
from entities.models import Alias, Entity, Figure, Mention, Quote


def make_entity(
    *,
    type: str = "PER",
    kk: str = "",
    ru: str = "",
    en: str = "",
    status: str = Entity.Status.CONFIRMED,
    aliases: tuple[tuple[str, str], ...] = (),
    **fields,
) -> Entity:
    """An entity with its names (and ``aliases``: (text, language) pairs) as aliases."""
    entity = Entity.objects.create(
        type=type, name_kk=kk, name_ru=ru, name_en=en, status=status, **fields
    )
    texts = [(kk, "kk"), (ru, "ru"), (en, "en"), *aliases]
    for text, language in texts:
        if text and not Alias.objects.filter(entity=entity, key=lookup_key(text)).exists():
            Alias.objects.create(
                entity=entity,
                text=text,
                language=language,
                key=lookup_key(text),
                translit_key=translit_key(text),
                origin=Alias.Origin.KNOWLEDGE_BASE,
            )
    return entity


def make_article(
    body: str = "", *, title: str = "", day: datetime.date | None = None, language: str = "kk"
) -> Article:
    kwargs = {"language": language}
    if body:
        kwargs["body"] = body
    if title:
        kwargs["title"] = title
    if day:
        kwargs["published_at"] = datetime.datetime.combine(day, datetime.time(12), datetime.UTC)
    return ArticleFactory(**kwargs)


def mention(article: Article, entity: Entity | None, words: str, *, field: str = "body", nth: int = 0,
            suggested: Entity | None = None, review_status: str = "suggested") -> Mention:  # fmt: skip
    """A mention of the ``nth`` occurrence of ``words`` in the article's field."""
    text = getattr(article, field)
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return Mention.objects.create(
        article=article,
        field=field,
        start=start,
        end=start + len(words),
        text=words,
        type=(entity or suggested).type,
        entity=entity,
        suggested_entity=suggested,
        method="exact" if entity else "fuzzy",
        review_status=review_status,
    )


def quote(article: Article, speaker: Entity | None, words: str, speaker_words: str) -> Quote:
    body = article.body
    start = body.index(words)
    speaker_start = body.index(speaker_words)
    return Quote.objects.create(
        article=article,
        field="body",
        start=start,
        end=start + len(words),
        text=words,
        speaker_text=speaker_words,
        speaker_start=speaker_start,
        speaker_end=speaker_start + len(speaker_words),
        speaker=speaker,
    )


def figure(article: Article, words: str, value: str, unit: str, kind: str = "money") -> Figure:
    start = article.body.index(words)
    return Figure.objects.create(
        article=article,
        field="body",
        start=start,
        end=start + len(words),
        text=words,
        kind=kind,
        value=Decimal(value),
        unit=unit,
    )


def cover(article: Article, entity: Entity, *, mentions: int = 1) -> EntityCoverage:
    """The coverage row the coverage services would write for this article and entity."""
    return EntityCoverage.objects.create(
        article=article,
        entity=entity,
        language=article.language,
        source=article.source,
        published_on=article.published_at.date() if article.published_at else None,
        mentions=mentions,
    )


def ownership(*entities: Entity) -> dict:
    """Who owns what, for comparing the state before a change and after its undo."""
    ids = [e.pk for e in entities]
    return {
        "mentions": sorted(
            Mention.objects.filter(entity_id__in=ids).values_list("pk", "entity_id", "type")
        ),
        "suggested": sorted(
            Mention.objects.filter(suggested_entity_id__in=ids).values_list(
                "pk", "suggested_entity_id"
            )
        ),
        "quotes": sorted(Quote.objects.filter(speaker_id__in=ids).values_list("pk", "speaker_id")),
        "aliases": sorted(
            Alias.objects.filter(entity_id__in=ids).values_list("pk", "entity_id", "key")
        ),
        "entities": sorted(
            Entity.objects.filter(pk__in=ids).values_list(
                "pk",
                "name_kk",
                "name_ru",
                "name_en",
                "description",
                "wikidata_id",
                "gender",
                "status",
                "type",
                "merged_into_id",
            )
        ),
    }

"""The benchmark data generator (benchmarks/datagen.py) on a small scale: counts, offsets and the
derived tables agree with the generated mentions. Runs on SQLite (bulk_create) and, under
`make test-postgres`, on PostgreSQL (COPY)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import Count

from articles.models import Article, Source, Translation
from benchmarks.datagen import generate, search_words
from entities.coverage.services import coverage_rebuild
from entities.models import (
    Alias,
    DateMention,
    Entity,
    EntityCoverage,
    Figure,
    Mention,
    Quote,
    SearchDocument,
    Story,
    StoryArticle,
)
from entities.search.documents import document_stems
from entities.search.stemming import text_stems

ARTICLES, MENTIONS, ENTITIES = 200, 4_000, 60
END = date(2026, 11, 20)


def _generate(seed: int = 7, scale: int = 1):
    return generate(
        articles=ARTICLES // scale,
        mentions=MENTIONS // scale,
        entities=ENTITIES // scale,
        seed=seed,
        batch=64,
        end=END,
    )


@pytest.mark.django_db
def test_generated_data_is_consistent():
    """One generation (a few seconds), every invariant checked on it."""
    # The migrations load a seed knowledge base; the generated entities come after it.
    last_seed_entity = Entity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    report = _generate()
    _check_counts(report, last_seed_entity)
    _check_spans_point_at_their_text()
    _check_coverage_rows_are_the_mentions_grouped()
    _check_search_documents()
    _check_stories_and_translations()
    _check_popularity_is_skewed()


def _check_counts(report, last_seed_entity):
    assert Article.objects.count() == ARTICLES == report.articles
    assert Mention.objects.count() == MENTIONS == report.mentions
    assert Entity.objects.filter(pk__gt=last_seed_entity).count() == ENTITIES
    assert Source.objects.count() == 30
    assert Translation.objects.count() == report.translations == round(ARTICLES * 0.03)
    assert Figure.objects.exists()
    assert DateMention.objects.exists()
    assert Quote.objects.exists()
    assert Alias.objects.filter(entity_id__gt=last_seed_entity).count() > ENTITIES * 3
    languages = Counter(Article.objects.values_list("language", flat=True))
    assert set(languages) == {"kk", "ru", "en"}
    assert languages["kk"] > languages["en"]
    assert languages["ru"] > languages["en"]


def _check_spans_point_at_their_text():
    for model in (Mention, Figure, DateMention, Quote):
        spans = model.objects.select_related("article", "translation")
        for span in spans:
            owner = span.article or span.translation
            text = owner.title if span.field == "title" else owner.body
            assert text[span.start : span.end] == span.text, (model.__name__, span.pk)
    for quote in Quote.objects.select_related("article", "translation", "speaker"):
        body = (quote.article or quote.translation).body
        assert body[quote.speaker_start : quote.speaker_end] == quote.speaker_text
        assert quote.speaker.type == "PER"


def _check_coverage_rows_are_the_mentions_grouped():
    tz = ZoneInfo(settings.TIME_ZONE)
    expected = Counter()
    mentions = (
        Mention.objects.not_rejected()
        .filter(entity__isnull=False)
        .select_related("article__source", "translation__article__source")
    )
    for mention in mentions:
        article = mention.article or mention.translation.article
        language = (mention.translation or mention.article).language
        key = (
            article.pk,
            mention.translation_id,
            mention.entity_id,
            language,
            article.source_id,
            article.published_at.astimezone(tz).date(),
        )
        expected[key] += 1
    actual = _coverage_rows()
    assert actual == dict(expected)
    assert EntityCoverage.objects.filter(translation__isnull=False).exists()
    # The coverage feature's own rebuild writes the same rows.
    coverage_rebuild()
    assert _coverage_rows() == actual


def _coverage_rows() -> dict[tuple, int]:
    return {
        (
            row.article_id,
            row.translation_id,
            row.entity_id,
            row.language,
            row.source_id,
            row.published_on,
        ): row.mentions
        for row in EntityCoverage.objects.all()
    }


def _check_search_documents():
    assert SearchDocument.objects.filter(translation__isnull=True).count() == ARTICLES
    assert SearchDocument.objects.filter(translation__isnull=False).count() == (
        Translation.objects.count()
    )
    # The same stems as the search feature's own indexing would write.
    linked = Counter(
        (m.article_id, m.translation_id, m.entity_id)
        for m in Mention.objects.not_rejected().filter(entity__isnull=False)
    )
    for document in SearchDocument.objects.select_related("article", "translation"):
        owner = document.translation or document.article
        assert document.language == owner.language
        entity_mentions = {
            entity: n
            for (article, translation, entity), n in linked.items()
            if (article, translation)
            == ((None, owner.pk) if document.translation else (owner.pk, None))
        }
        assert document.stems == document_stems(
            title=owner.title,
            body=owner.body,
            language=owner.language,
            entity_mentions=entity_mentions,
        )
    [frequent] = text_stems(search_words(7)["frequent"], "kk")
    assert SearchDocument.objects.filter(stems__contains=f" {frequent} ").count() > ARTICLES / 5


def _check_stories_and_translations():
    stories = Story.objects.annotate(members=Count("memberships"))
    assert stories.count() >= 5
    for story in stories:
        assert story.members == story.article_count
        assert 2 <= story.article_count <= 6
        dates = [m.article.published_at for m in story.memberships.select_related("article")]
        assert (story.first_published_at, story.last_published_at) == (min(dates), max(dates))
    assert StoryArticle.objects.values("article").distinct().count() == StoryArticle.objects.count()

    for translation in Translation.objects.select_related("article"):
        assert translation.language != translation.article.language
        segments = list(translation.segments.order_by("position"))
        assert segments[0].field == "title"
        assert segments[0].target_text == translation.title
        body = "\n\n".join(s.target_text for s in segments[1:] if s.target_text)
        assert body == translation.body
        assert [s.source_text for s in segments[1:]] == translation.article.paragraphs


def _check_popularity_is_skewed():
    per_entity = sorted(
        EntityCoverage.objects.values("entity")
        .annotate(n=Count("article", distinct=True))
        .values_list("n", flat=True),
        reverse=True,
    )
    assert per_entity[0] >= 5 * per_entity[len(per_entity) // 2]


@pytest.mark.django_db
def test_the_same_seed_makes_the_same_texts():
    def texts() -> list[tuple[str, str]]:
        return list(Article.objects.order_by("pk").values_list("language", "body"))

    with transaction.atomic():
        _generate(seed=11, scale=4)
        first = texts()
        transaction.set_rollback(True)
    assert not Article.objects.exists()
    _generate(seed=11, scale=4)
    assert texts() == first
    assert len(first) == ARTICLES // 4

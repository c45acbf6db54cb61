"""coverage_refresh, coverage_refresh_for_entities, coverage_rebuild and rebuild_coverage: the
rows are what the mentions say, whatever ran before."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.tests.factories import ArticleFactory, SourceFactory, TranslationFactory
from entities.coverage.services import (
    coverage_rebuild,
    coverage_refresh,
    coverage_refresh_for_entities,
    surviving_entities,
)
from entities.models import Entity, EntityCoverage, Mention, ReviewStatus

pytestmark = pytest.mark.django_db

# 20:30 UTC is already the next day in Almaty (UTC+5): the day must be the desk's.
EVENING_UTC = datetime(2025, 9, 5, 20, 30, tzinfo=UTC)


def entity(name: str, kind: str = "PER", **fields) -> Entity:
    return Entity.objects.create(type=kind, name_en=name, **fields)


def mention(owner, linked: Entity | None, *, status=ReviewStatus.SUGGESTED, **fields) -> Mention:
    owner_field = "article" if isinstance(owner, Article) else "translation"
    start = Mention.objects.count() * 10
    return Mention.objects.create(
        **{owner_field: owner},
        field="body",
        start=start,
        end=start + 5,
        text="name",
        type=linked.type if linked else "PER",
        entity=linked,
        review_status=status,
        **fields,
    )


def _order(row: tuple) -> tuple:
    return tuple((value is not None, str(value)) for value in row)


def rows(**filters) -> list[tuple]:
    return sorted(
        EntityCoverage.objects.filter(**filters).values_list(
            "article_id", "translation_id", "entity_id", "language", "source_id",
            "published_on", "mentions",
        ),
        key=_order,
    )  # fmt: skip


def test_article_rows_count_not_rejected_linked_mentions_per_entity():
    article = ArticleFactory(language="ru", published_at=EVENING_UTC)
    tokayev, akorda, other = entity("Tokayev"), entity("Akorda", "ORG"), entity("Other")
    mention(article, tokayev)
    mention(article, tokayev, status=ReviewStatus.CONFIRMED)
    mention(article, tokayev, status=ReviewStatus.REJECTED)
    mention(article, akorda)
    mention(article, other, status=ReviewStatus.REJECTED)  # only rejected: no row
    mention(article, None, suggested_entity=other)  # offered, not linked: no row

    coverage_refresh(owner=article)

    day = date(2025, 9, 6)
    assert rows() == sorted(
        [
            (article.pk, None, tokayev.pk, "ru", article.source_id, day, 2),
            (article.pk, None, akorda.pk, "ru", article.source_id, day, 1),
        ],
        key=_order,
    )


def test_merged_entities_count_for_the_entity_they_live_on():
    article = ArticleFactory()
    final = entity("Final")
    middle = entity("Middle", merged_into=final)
    first = entity("First", merged_into=middle)  # a chain: first → middle → final
    mention(article, first)
    mention(article, middle)
    mention(article, final)

    coverage_refresh(owner=article)

    assert [(r[2], r[6]) for r in rows()] == [(final.pk, 3)]
    assert surviving_entities([first.pk, final.pk]) == {
        first.pk: final.pk,
        middle.pk: final.pk,
        final.pk: final.pk,
    }


def test_refresh_is_idempotent_and_replaces_stale_rows():
    article = ArticleFactory()
    kept, dropped = entity("Kept"), entity("Dropped")
    mention(article, kept)
    gone = mention(article, dropped)
    coverage_refresh(owner=article)
    first = rows()
    coverage_refresh(owner=article)
    assert rows() == first

    gone.review_status = ReviewStatus.REJECTED
    gone.save()
    coverage_refresh(owner=article)
    assert [r[2] for r in rows()] == [kept.pk]


def test_translation_counts_in_its_own_language_with_the_articles_source_and_day():
    article = ArticleFactory(language="ru", published_at=EVENING_UTC)
    translation = TranslationFactory(article=article, language="kk")
    person = entity("Person")
    mention(article, person)
    mention(translation, person)
    mention(translation, person)

    coverage_refresh(owner=article)
    coverage_refresh(owner=translation)

    day = date(2025, 9, 6)
    assert rows() == sorted(
        [
            (article.pk, None, person.pk, "ru", article.source_id, day, 1),
            (article.pk, translation.pk, person.pk, "kk", article.source_id, day, 2),
        ],
        key=_order,
    )
    # Refreshing the article leaves its translation's rows (another text) in place.
    coverage_refresh(owner=article)
    assert len(rows(translation=translation)) == 1


def test_article_metadata_change_moves_its_translations_rows_too():
    article = ArticleFactory(language="ru", published_at=EVENING_UTC)
    translation = TranslationFactory(article=article, language="kk")
    person = entity("Person")
    mention(article, person)
    mention(translation, person)
    coverage_refresh(owner=article)
    coverage_refresh(owner=translation)

    new_source = SourceFactory(name="New source")
    Article.objects.filter(pk=article.pk).update(
        source=new_source, published_at=datetime(2025, 1, 2, 3, 0, tzinfo=UTC)
    )
    coverage_refresh(owner=article)

    assert {(r[4], r[5]) for r in rows()} == {(new_source.pk, date(2025, 1, 2))}


def test_unknown_language_and_undated_articles():
    unknown = ArticleFactory(language="", title="no language")
    undated = ArticleFactory(language="kk", published_at=None, title="no date")
    person = entity("Person")
    mention(unknown, person)
    mention(undated, person)
    coverage_refresh(owner=unknown)
    coverage_refresh(owner=undated)
    assert rows() == [(undated.pk, None, person.pk, "kk", undated.source_id, None, 1)]


@pytest.mark.parametrize("owner_kind", ["article", "translation"])
def test_refresh_queries_do_not_grow_with_mentions(owner_kind):
    def queries_for(mentions: int) -> int:
        article = ArticleFactory(language="ru")
        owner = article if owner_kind == "article" else TranslationFactory(article=article)
        for n in range(mentions):
            mention(owner, entity(f"E{owner_kind}{mentions}-{n}"))
        with CaptureQueriesContext(connection) as captured:
            coverage_refresh(owner=owner)
        assert EntityCoverage.objects.filter(article=article).count() == mentions
        return len(captured)

    few, many = queries_for(3), queries_for(15)
    assert few == many
    assert many <= 9


def test_refresh_for_entities_after_a_merge_and_a_split():
    first, second = ArticleFactory(language="kk"), ArticleFactory(language="ru")
    translation = TranslationFactory(article=second, language="kk")
    kept, merged = entity("Kept"), entity("Merged")
    mention(first, merged)
    mention(second, kept)
    mention(translation, merged)
    for owner in (first, second, translation):
        coverage_refresh(owner=owner)
    assert EntityCoverage.objects.filter(entity=merged).count() == 2

    # A merge that leaves the old links in place: the rows still move to the survivor.
    Entity.objects.filter(pk=merged.pk).update(merged_into=kept)
    coverage_refresh_for_entities(entity_ids=[kept.pk], batch_size=1)
    assert not EntityCoverage.objects.filter(entity=merged).exists()
    assert EntityCoverage.objects.filter(entity=kept).count() == 3

    # A split: the second article's mention goes to a new entity.
    split = entity("Split off")
    Mention.objects.filter(article=second).update(entity=split)
    coverage_refresh_for_entities(entity_ids=[kept.pk, split.pk])
    assert rows(entity=split) == [
        (second.pk, None, split.pk, "ru", second.source_id, rows(entity=split)[0][5], 1)
    ]
    assert EntityCoverage.objects.filter(entity=kept).count() == 2

    coverage_refresh_for_entities(entity_ids=[])  # nothing to do, no error


def test_rebuild_everything_in_batches():
    articles = [ArticleFactory(language="kk") for _n in range(5)]
    translation = TranslationFactory(article=articles[0], language="ru")
    person = entity("Person")
    for article in articles:
        mention(article, person)
    mention(translation, person)
    stale_article = ArticleFactory(language="kk")  # rows but no mentions any more
    EntityCoverage.objects.create(article=stale_article, entity=person, language="kk", mentions=4)
    calls = []

    texts, written = coverage_rebuild(batch_size=2, progress=lambda *a: calls.append(a))

    assert (texts, written) == (7, 6)
    assert not EntityCoverage.objects.filter(article=stale_article).exists()
    assert EntityCoverage.objects.filter(translation=translation, language="ru").count() == 1
    assert [c[0] for c in calls] == ["article", "article", "article", "translation"]


def test_rebuild_coverage_command(capsys):
    article = ArticleFactory(language="kk")
    mention(article, entity("Person"))
    call_command("rebuild_coverage", "--batch-size", "1")
    assert "1 rows" in capsys.readouterr().out
    assert EntityCoverage.objects.count() == 1


def test_extraction_fills_the_coverage_rows(import_articles):
    from entities.tests.conftest import seed_file

    [article] = import_articles(seed_file("003"))
    linked = (
        Mention.objects.filter(article=article, entity__isnull=False)
        .not_rejected()
        .values("entity_id")
        .distinct()
        .count()
    )
    assert linked
    assert EntityCoverage.objects.filter(article=article, language=article.language).count() == (
        linked
    )

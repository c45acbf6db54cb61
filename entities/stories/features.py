"""The reads of clustering: what an article is about (its features), how common each entity is,
and which articles may be about the same event (candidates). A constant number of queries per
call whatever the size of the archive; every query is bounded by ids, an index and a LIMIT."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import Article
from entities.models import (
    DateMention,
    EntityCoverage,
    Figure,
    Mention,
    ReviewStatus,
    SpanField,
)
from entities.stories.similarity import (
    RARE_IDF,
    UNDATED_WINDOW,
    WINDOW,
    ArticleFeatures,
    entity_weight,
    salience,
)

# How many candidate articles one assignment scores, at most.
CANDIDATES = 40
# How many of the article's rarest entities look for candidates.
RARE_ENTITIES = 8
# A mentioned range of days longer than this counts by its ends only («2025–2030 жылдары»).
MAX_RANGE_DAYS = 10


def features_load(*, article_ids: Iterable[int]) -> dict[int, ArticleFeatures]:
    """The features of these articles (four queries): linked entities with their salience
    (an entity merged into another counts as that one), figures, explicit dates, publication
    time."""
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        return {}
    entities: dict[int, dict[int, float]] = defaultdict(dict)
    for article_id, entity_id, count, titled in (
        Mention.objects.filter(article_id__in=ids, entity__isnull=False)
        .exclude(review_status=ReviewStatus.REJECTED)
        .values_list("article_id", Coalesce("entity__merged_into_id", "entity_id"))
        .annotate(n=Count("id"), titled=Count("id", filter=Q(field=SpanField.TITLE)))
        .order_by()
    ):
        entities[article_id][entity_id] = salience(mentions=count, in_title=titled > 0)
    figures: dict[int, set[tuple[str, str, str]]] = defaultdict(set)
    for article_id, kind, unit, value in (
        Figure.objects.filter(article_id__in=ids)
        .exclude(review_status=ReviewStatus.REJECTED)
        .values_list("article_id", "kind", "unit", "value")
    ):
        figures[article_id].add((kind, unit, f"{value.normalize():f}"))
    dates: dict[int, set[date]] = defaultdict(set)
    for article_id, first, last in (
        DateMention.objects.filter(article_id__in=ids, relative=False)
        .exclude(review_status=ReviewStatus.REJECTED)
        .values_list("article_id", "value", "value_end")
    ):
        dates[article_id].update(_days(first, last))
    published = dict(Article.objects.filter(pk__in=ids).values_list("pk", "published_at"))
    features = {}
    for article_id in ids:
        if article_id not in published:
            continue
        when, estimated = published[article_id], False
        if when is None and dates[article_id]:
            # An undated article happened around the latest day it mentions.
            when = timezone.make_aware(datetime.combine(max(dates[article_id]), time(12)))
            estimated = True
        features[article_id] = ArticleFeatures(
            article_id=article_id,
            entities=entities[article_id],
            figures=frozenset(figures[article_id]),
            dates=frozenset(dates[article_id]),
            when=when,
            when_estimated=estimated,
        )
    return features


def _days(first: date, last: date | None) -> list[date]:
    if last is None or last <= first:
        return [first]
    if (last - first).days > MAX_RANGE_DAYS:
        return [first, last]
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


class EntityWeights:
    """Entity id → rarity weight (IDF over articles), fetched once per entity and kept for the
    life of this object (one re-clustering run, or one assignment)."""

    def __init__(self) -> None:
        self._weights: dict[int, float] = {}
        self._frequencies: dict[int, int] = {}
        self._total: int | None = None

    @property
    def total(self) -> int:
        if self._total is None:
            self._total = Article.objects.count()
        return self._total

    def of(self, entity_ids: Iterable[int]) -> dict[int, float]:
        wanted = set(entity_ids)
        missing = wanted - self._weights.keys()
        if missing:
            frequencies = document_frequencies(entity_ids=missing)
            for entity_id in missing:
                frequency = frequencies.get(entity_id, 0)
                self._frequencies[entity_id] = frequency
                self._weights[entity_id] = entity_weight(
                    document_frequency=frequency, total=self.total
                )
        return {e: self._weights[e] for e in wanted}

    def in_other_articles(self, entity_id: int) -> bool:
        """Whether another article links the entity (else it cannot find a candidate)."""
        return self._frequencies.get(entity_id, 2) > 1


def document_frequencies(*, entity_ids: Iterable[int]) -> dict[int, int]:
    """In how many articles each entity is linked (one query, two when the coverage rows are
    not there). Counted on the coverage rows (one per article and entity, indexed by entity)
    rather than on millions of mentions; an entity without any coverage row means the rows
    have not been built (the article being assigned has its own), so mentions are counted."""
    ids = set(entity_ids)
    if not ids:
        return {}
    counts = dict(
        EntityCoverage.objects.filter(entity_id__in=ids, translation__isnull=True)
        .values("entity_id")
        .annotate(n=Count("id"))
        .values_list("entity_id", "n")
    )
    if ids <= counts.keys():
        return counts
    return dict(
        Mention.objects.filter(entity_id__in=ids, article__isnull=False)
        .exclude(review_status=ReviewStatus.REJECTED)
        .values("entity_id")
        .annotate(n=Count("article_id", distinct=True))
        .values_list("entity_id", "n")
    )


def candidates_find(*, features: ArticleFeatures, weights: EntityWeights) -> list[int]:
    """Articles that share the article's rarer entities, published within the window (or
    undated), those sharing the most first (one query, LIMIT ``CANDIDATES``)."""
    weight = weights.of(features.entities)
    rare = sorted(
        (e for e in features.entities if weight[e] >= RARE_IDF and weights.in_other_articles(e)),
        key=lambda e: (-weight[e] * features.entities[e], e),
    )[:RARE_ENTITIES]
    if not rare:
        return []
    mentions = (
        Mention.objects.filter(entity_id__in=rare, article__isnull=False)
        .exclude(article_id=features.article_id)
        .exclude(review_status=ReviewStatus.REJECTED)
    )
    if features.when is not None:
        window = UNDATED_WINDOW if features.when_estimated else WINDOW
        mentions = mentions.filter(
            Q(article__published_at__range=(features.when - window, features.when + window))
            | Q(article__published_at__isnull=True)
        )
    return list(
        mentions.values("article_id")
        .annotate(shared=Count("entity_id", distinct=True))
        .order_by("-shared", "-article_id")
        .values_list("article_id", flat=True)[:CANDIDATES]
    )

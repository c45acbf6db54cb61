"""Reads of extraction results, with their relations joined (no N+1 for any caller)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Case, Exists, IntegerField, Model, OuterRef, Q, QuerySet, Value, When

from entities.linking.keys import lookup_key, translit_key
from entities.models import (
    Alias,
    DateMention,
    Entity,
    EntityType,
    ExtractedSpan,
    Figure,
    Mention,
    Quote,
    ReviewStatus,
)

# The kinds of span a URL or a rendered mark names, and their models.
SPAN_KINDS: dict[str, type[ExtractedSpan]] = {
    "mention": Mention,
    "figure": Figure,
    "date": DateMention,
    "quote": Quote,
}
ENTITY_SEARCH_LIMIT = 20


@dataclass
class EntityMentions:
    """One entity (or one unlinked name) and its mentions in a document."""

    entity: Entity | None
    label: str
    type: str
    mentions: list[Mention] = field(default_factory=list)

    @property
    def methods(self) -> list[str]:
        return sorted({m.get_method_display() for m in self.mentions if m.method})

    @property
    def type_label(self) -> str:
        return str(EntityType(self.type).label)

    @property
    def suggested_count(self) -> int:
        """Mentions still waiting for a reviewer's decision."""
        return sum(1 for m in self.mentions if m.review_status == ReviewStatus.SUGGESTED)

    @property
    def is_proposed(self) -> bool:
        """The entity is extraction's proposal, not yet in the knowledge base proper."""
        return self.entity is not None and self.entity.status == Entity.Status.PROPOSED

    @property
    def mention_ids(self) -> str:
        return ",".join(str(m.pk) for m in self.mentions)


@dataclass
class ExtractionSummary:
    entities: list[EntityMentions]
    figures: list[Figure]
    dates: list[DateMention]
    quotes: list[Quote]


@dataclass
class DocumentSpans:
    """Every span of one article or translation, rejected ones included, in text order.

    Fetched once per page and used both for the highlighted text and for the side list."""

    mentions: list[Mention]
    figures: list[Figure]
    dates: list[DateMention]
    quotes: list[Quote]

    def all(self) -> list[tuple[str, ExtractedSpan]]:
        return [
            *(("mention", s) for s in self.mentions),
            *(("figure", s) for s in self.figures),
            *(("date", s) for s in self.dates),
            *(("quote", s) for s in self.quotes),
        ]


def _spans_of(model: type[ExtractedSpan], owner: Model) -> QuerySet:
    return model.objects.of(owner).order_by("field", "start", "end")


def document_spans(*, owner: Model) -> DocumentSpans:
    """All spans of an article or translation with what they link to: four queries."""
    return DocumentSpans(
        mentions=list(_spans_of(Mention, owner).select_related("entity", "suggested_entity")),
        figures=list(_spans_of(Figure, owner)),
        dates=list(_spans_of(DateMention, owner)),
        quotes=list(_spans_of(Quote, owner).select_related("speaker")),
    )


def summary_from_spans(spans: DocumentSpans, *, language: str = "en") -> ExtractionSummary:
    """Group fetched spans for reading (no query): mentions by entity (most mentioned first),
    unlinked names by their normalised text; figures, dates and quotes. Rejected spans are
    left out."""
    groups: dict[object, EntityMentions] = {}
    for mention in spans.mentions:
        if mention.review_status == ReviewStatus.REJECTED:
            continue
        key = mention.entity_id or ("unlinked", mention.type, lookup_key(mention.text))
        if key not in groups:
            label = mention.entity.name_in(language) if mention.entity else mention.text
            groups[key] = EntityMentions(mention.entity, label, mention.type)
        groups[key].mentions.append(mention)

    def kept(items: list) -> list:
        return [s for s in items if s.review_status != ReviewStatus.REJECTED]

    return ExtractionSummary(
        entities=sorted(groups.values(), key=lambda g: (-len(g.mentions), g.label)),
        figures=kept(spans.figures),
        dates=kept(spans.dates),
        quotes=kept(spans.quotes),
    )


def extraction_summary(*, owner: Model, language: str = "en") -> ExtractionSummary:
    """What extraction found in an article or a translation, grouped for reading: mentions by
    entity (most mentioned first), then figures, dates and quotes. Four queries."""
    return summary_from_spans(document_spans(owner=owner), language=language)


def span_visible_to(
    *, user: AbstractBaseUser | AnonymousUser, kind: str, pk: int
) -> ExtractedSpan | None:
    """A span of an article the user may see, with its article (and for a mention its
    entities) joined; None if there is no such span or the user may not see its article.
    Spans of translations are not reviewed here. One query."""
    from articles.selectors import articles_visible_to

    model = SPAN_KINDS.get(kind)
    if model is None:
        return None
    related = ["article", "reviewed_by"]
    if model is Mention:
        related += ["entity", "suggested_entity"]
    elif model is Quote:
        related.append("speaker")
    return (
        model.objects.select_related(*related)
        .filter(pk=pk, article__in=articles_visible_to(user).values("pk"))
        .first()
    )


def entity_search(*, q: str, entity_type: str = "") -> list[Entity]:
    """Entities whose name or alias (any language) matches ``q``: case-insensitively, also for
    Cyrillic on SQLite (aliases are searched by their folded lookup key), and across scripts
    (Тоқаев, Токаев and Tokayev share a transliteration key). Exact matches first, then
    prefixes, then the rest; merged-away entities are left out. One query."""
    key = lookup_key(q or "")
    if not key:
        return []
    latin = translit_key(q)
    alias_match = Q(key__contains=key)
    if latin:
        # A prefix of a transliteration only once it says something («zzzz» folds to «z»).
        alias_match |= (
            Q(translit_key__startswith=latin) if len(latin) >= 3 else Q(translit_key=latin)
        )
    matching_aliases = Alias.objects.filter(alias_match).values("entity_id")
    name_match = Q(pk__in=matching_aliases)
    for language in ("kk", "ru", "en"):
        name_match |= Q(**{f"name_{language}__icontains": q.strip()})
    entities = Entity.objects.filter(name_match, merged_into__isnull=True)
    if entity_type in EntityType.values:
        entities = entities.filter(type=entity_type)
    aliases = Alias.objects.filter(entity=OuterRef("pk"))
    same_name = Q(key=key) | Q(translit_key=latin) if latin else Q(key=key)
    exact = Exists(aliases.filter(same_name))
    prefix = Exists(aliases.filter(key__startswith=key))
    return list(
        entities.annotate(
            rank=Case(
                When(exact, then=Value(0)),
                When(prefix, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            confirmed_first=Case(
                When(status=Entity.Status.CONFIRMED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        ).order_by("rank", "confirmed_first", "name_en", "name_ru", "name_kk", "pk")[
            :ENTITY_SEARCH_LIMIT
        ]
    )

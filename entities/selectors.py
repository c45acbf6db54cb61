"""Reads of extraction results, with their relations joined (no N+1 for any caller)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model, QuerySet

from entities.models import DateMention, Entity, ExtractedSpan, Figure, Mention, Quote


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


@dataclass
class ExtractionSummary:
    entities: list[EntityMentions]
    figures: list[Figure]
    dates: list[DateMention]
    quotes: list[Quote]


def _spans_of(model: type[ExtractedSpan], owner: Model) -> QuerySet:
    return model.objects.of(owner).not_rejected().order_by("field", "start")


def extraction_summary(*, owner: Model, language: str = "en") -> ExtractionSummary:
    """What extraction found in an article or a translation, grouped for reading: mentions by
    entity (most mentioned first), then figures, dates and quotes. Four queries."""
    groups: dict[object, EntityMentions] = {}
    mentions = _spans_of(Mention, owner).select_related("entity", "suggested_entity")
    for mention in mentions:
        key = mention.entity_id or ("unlinked", mention.type, mention.text)
        if key not in groups:
            label = mention.entity.name_in(language) if mention.entity else mention.text
            groups[key] = EntityMentions(mention.entity, label, mention.type)
        groups[key].mentions.append(mention)
    return ExtractionSummary(
        entities=sorted(groups.values(), key=lambda g: (-len(g.mentions), g.label)),
        figures=list(_spans_of(Figure, owner)),
        dates=list(_spans_of(DateMention, owner)),
        quotes=list(_spans_of(Quote, owner).select_related("speaker")),
    )

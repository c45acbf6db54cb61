"""Writes to the knowledge base and to extraction results. Views, the admin, commands, tasks
and tests call these; nothing else writes entities, aliases or extracted spans."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from entities.extraction import EXTRACTOR_VERSION, DocumentExtraction
from entities.linking.keys import lookup_key, translit_key
from entities.linking.linker import MentionText, entity_link_text, mentions_link
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
    SpanDecision,
    SpanField,
)

logger = logging.getLogger(__name__)

KNOWLEDGE_BASE_PATH = Path(settings.BASE_DIR) / "seeds" / "entities.json"
LANGUAGES = ("kk", "ru", "en")
_WIKIDATA_ID = re.compile(r"Q[1-9][0-9]*")


class KnowledgeBaseError(ValueError):
    """The knowledge-base file is missing, not JSON, or an entry is invalid."""


# -- knowledge base ------------------------------------------------------------------------


@dataclass
class KnowledgeBaseLoad:
    created: int = 0
    updated: int = 0
    aliases_added: int = 0
    unchanged: int = 0


def knowledge_base_read(path: Path = KNOWLEDGE_BASE_PATH) -> list[dict[str, Any]]:
    """The entries of a knowledge-base file, validated (nothing is written)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KnowledgeBaseError(f"{path}: no such file.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KnowledgeBaseError(f"{path}: not valid UTF-8 JSON ({exc}).") from None
    entries = data.get("entities") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise KnowledgeBaseError(f"{path}: expected an object with an «entities» list.")
    slugs: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: entity #{number}"
        if not isinstance(entry, dict):
            raise KnowledgeBaseError(f"{where} is not an object.")
        slug = entry.get("slug")
        if not isinstance(slug, str) or not slug:
            raise KnowledgeBaseError(f"{where} has no slug.")
        if slug in slugs:
            raise KnowledgeBaseError(f"{where}: slug «{slug}» appears twice.")
        slugs.add(slug)
        if entry.get("type") not in EntityType.values:
            raise KnowledgeBaseError(f"{where} («{slug}»): type must be PER, ORG or LOC.")
        names = entry.get("names") or {}
        if not any(isinstance(names.get(lang), str) and names[lang] for lang in LANGUAGES):
            raise KnowledgeBaseError(f"{where} («{slug}») has no name in kk, ru or en.")
        wikidata = entry.get("wikidata") or ""
        if not isinstance(wikidata, str) or (wikidata and not _WIKIDATA_ID.fullmatch(wikidata)):
            raise KnowledgeBaseError(f"{where} («{slug}»): Wikidata id must look like Q42.")
        for group in ("aliases", "abbreviations"):
            by_language = entry.get(group) or {}
            if not isinstance(by_language, dict) or not all(
                isinstance(texts, list) and all(isinstance(t, str) for t in texts)
                for texts in by_language.values()
            ):
                raise KnowledgeBaseError(
                    f"{where} («{slug}»): {group} must map a language to a list of texts."
                )
        if entry.get("gender", "") not in ("", None, "m", "f"):
            raise KnowledgeBaseError(f"{where} («{slug}»): gender must be m or f.")
    return entries


def _entry_aliases(entry: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(text, language, kind) of every name, alias and abbreviation of an entry."""
    found: list[tuple[str, str, str]] = []
    for language in LANGUAGES:
        name = (entry.get("names") or {}).get(language)
        if name:
            found.append((name, language, Alias.Kind.NAME))
        for alias in (entry.get("aliases") or {}).get(language) or ():
            found.append((alias, language, Alias.Kind.NAME))
        for abbreviation in (entry.get("abbreviations") or {}).get(language) or ():
            found.append((abbreviation, language, Alias.Kind.ABBREVIATION))
    return found


@transaction.atomic
def knowledge_base_load(
    *, path: Path = KNOWLEDGE_BASE_PATH, overwrite: bool = False
) -> KnowledgeBaseLoad:
    """Load (or reload) the seed knowledge base.

    Entities are matched by their slug. New ones are created; for existing ones blank fields
    are filled (``overwrite`` replaces names, description and Wikidata id from the file) and
    missing aliases are added. Nothing editors added is touched: their entities, their aliases
    and the aliases extraction proposed all stay."""
    entries = knowledge_base_read(path)
    result = KnowledgeBaseLoad()
    existing = {e.kb_slug: e for e in Entity.objects.exclude(kb_slug="")}
    alias_keys = set(
        Alias.objects.filter(entity__in=existing.values()).values_list("entity_id", "key")
    )
    # A Wikidata id an editor already gave another entity stays with that entity.
    wikidata_taken = dict(
        Entity.objects.exclude(wikidata_id="").values_list("wikidata_id", "kb_slug")
    )
    new_aliases: list[Alias] = []
    for entry in entries:
        fields = {
            "type": entry["type"],
            "name_kk": (entry.get("names") or {}).get("kk", ""),
            "name_ru": (entry.get("names") or {}).get("ru", ""),
            "name_en": (entry.get("names") or {}).get("en", ""),
            "description": entry.get("description", ""),
            "wikidata_id": entry.get("wikidata", "") or "",
            "gender": entry.get("gender", "") or "",
        }
        if wikidata_taken.get(fields["wikidata_id"], entry["slug"]) != entry["slug"]:
            logger.warning(
                "Knowledge base: %s keeps no Wikidata id; %s belongs to another entity.",
                entry["slug"],
                fields["wikidata_id"],
            )
            fields["wikidata_id"] = ""
        entity = existing.get(entry["slug"])
        if entity is None:
            entity = Entity.objects.create(
                kb_slug=entry["slug"], status=Entity.Status.CONFIRMED, **fields
            )
            result.created += 1
        else:
            changed = [
                name
                for name, value in fields.items()
                if value
                and getattr(entity, name) != value
                and (overwrite or not getattr(entity, name))
            ]
            for name in changed:
                setattr(entity, name, fields[name])
            if changed:
                entity.save(update_fields=[*changed, "updated_at"])
                result.updated += 1
            else:
                result.unchanged += 1
        for text, language, kind in _entry_aliases(entry):
            key = lookup_key(text)
            if not key or (entity.pk, key) in alias_keys:
                continue
            alias_keys.add((entity.pk, key))
            new_aliases.append(
                Alias(
                    entity=entity,
                    text=text,
                    language=language,
                    key=key,
                    translit_key=translit_key(text),
                    kind=kind,
                    origin=Alias.Origin.KNOWLEDGE_BASE,
                )
            )
    Alias.objects.bulk_create(new_aliases, batch_size=500)
    result.aliases_added = len(new_aliases)
    return result


def knowledge_base_load_if_empty() -> KnowledgeBaseLoad | None:
    """Load the seed knowledge base into a fresh database (after ``migrate``), once."""
    if Entity.objects.exclude(kb_slug="").exists() or not KNOWLEDGE_BASE_PATH.exists():
        return None
    return knowledge_base_load()


def alias_add(
    *, entity: Entity, text: str, language: str = "", kind: str = Alias.Kind.NAME
) -> Alias:
    """An editor's alias (idempotent: an alias with the same key is returned as it is)."""
    key = lookup_key(text)
    if not key:
        raise ValueError(gettext("An alias needs at least one letter or digit."))
    alias, _ = Alias.objects.get_or_create(
        entity=entity,
        key=key,
        defaults={
            "text": text.strip(),
            "language": language,
            "kind": kind,
            "translit_key": translit_key(text),
            "origin": Alias.Origin.EDITOR,
        },
    )
    return alias


# -- storing extraction results --------------------------------------------------------------


def _owner_fields(owner: models.Model) -> dict[str, Any]:
    """The foreign key a new span of this article or translation sets."""
    return {owner._meta.model_name: owner}


def _relocate(span: ExtractedSpan, text: str) -> bool:
    """Move a kept span to where its words are now (the nearest occurrence); False if the
    words are gone from the text."""
    if text[span.start : span.end] == span.text:
        return True
    positions = []
    found = text.find(span.text)
    while found != -1:
        positions.append(found)
        found = text.find(span.text, found + 1)
    if not positions:
        return False
    nearest = min(positions, key=lambda position: abs(position - span.start))
    span.start, span.end = nearest, nearest + len(span.text)
    return True


# Beyond any text's length: where moved spans wait while the others move.
_PARKING_OFFSET = 10**9


def _keep_decisions(
    model: type[ExtractedSpan], owner: models.Model, texts: dict[str, str]
) -> list[ExtractedSpan]:
    """Editors' decisions on this owner, moved along with their words; machine suggestions
    and decisions whose words were deleted are removed."""
    spans = model.objects.of(owner)
    decided = _decided_condition(model)
    kept: list[ExtractedSpan] = []
    taken: set[tuple[str, int, int]] = set()
    moved: list[ExtractedSpan] = []
    gone: list[int] = []
    for span in spans.filter(decided):
        start, end = span.start, span.end
        if not _relocate(span, texts.get(span.field, "")) or (
            (span.field, span.start, span.end) in taken
        ):
            gone.append(span.pk)
            continue
        taken.add((span.field, span.start, span.end))
        kept.append(span)
        if (span.start, span.end) != (start, end):
            moved.append(span)
    spans.exclude(decided).delete()
    if gone:
        model.objects.filter(pk__in=gone).delete()
    if moved:
        # Two phases, as a span may move onto the old place of another (unique spans).
        for shift in (_PARKING_OFFSET, -_PARKING_OFFSET):
            for span in moved:
                span.start, span.end = span.start + shift, span.end + shift
            model.objects.bulk_update(moved, ["start", "end"])
    return kept


def _decided_condition(model: type[ExtractedSpan]) -> models.Q:
    """What re-extraction must keep: reviewed spans and spans editors added by hand."""
    condition = ~models.Q(review_status=ReviewStatus.SUGGESTED)
    if model is Mention:
        condition |= models.Q(method=Mention.Method.MANUAL)
    return condition


def _overlaps(field: str, start: int, end: int, kept: Iterable[ExtractedSpan]) -> bool:
    return any(k.field == field and k.start < end and start < k.end for k in kept)


@transaction.atomic
def extraction_store(
    *, owner: models.Model, result: DocumentExtraction, texts: dict[str, str]
) -> None:
    """Link and store one document's extraction for an article or a translation.

    Machine suggestions of the previous run are replaced; editors' decisions (confirmed,
    rejected, manual) are kept, moved with their words, and win over any new span that
    overlaps them."""
    owner_fields = _owner_fields(owner)
    language = result.language
    kept = {model: _keep_decisions(model, owner, texts) for model in SPAN_MODELS}

    entity_spans = [
        (name, span)
        for name, found in result.fields.items()
        for span in found.entities
        if not _overlaps(name, span.start, span.end, kept[Mention])
    ]
    links = mentions_link(
        [MentionText(span.text, span.type) for _, span in entity_spans], language=language
    )
    mentions = [
        Mention(
            **owner_fields,
            field=name,
            start=span.start,
            end=span.end,
            text=span.text[:500],
            type=link.type,
            entity_id=link.entity_id,
            suggested_entity_id=link.suggested_entity_id,
            confidence=link.confidence,
            method=link.method,
            extractor_version=EXTRACTOR_VERSION,
        )
        for (name, span), link in zip(entity_spans, links, strict=True)
    ]
    Mention.objects.bulk_create(mentions)
    all_mentions = [*kept[Mention], *mentions]

    _spans_create(
        Figure,
        owner_fields,
        result,
        "figures",
        kept[Figure],
        lambda _field, span: {"kind": span.kind, "value": span.value, "unit": span.unit},
    )
    _spans_create(
        DateMention,
        owner_fields,
        result,
        "dates",
        kept[DateMention],
        lambda _field, span: {
            "value": span.value,
            "value_end": span.value_end,
            "time": span.time,
            "relative": span.relative,
        },
    )
    _spans_create(
        Quote,
        owner_fields,
        result,
        "quotes",
        kept[Quote],
        lambda field, span: {
            "text": span.text,  # a quote may be longer than other spans' 500 characters
            "speaker_text": span.speaker_text[:300],
            "speaker_start": span.speaker_start,
            "speaker_end": span.speaker_end,
            "speaker_id": _speaker_entity(field, span, all_mentions, language),
        },
    )


SPAN_MODELS: tuple[type[ExtractedSpan], ...] = (Mention, Figure, DateMention, Quote)


def _spans_create(
    model: type[ExtractedSpan],
    owner_fields: dict[str, Any],
    result: DocumentExtraction,
    kind: str,
    kept: list[ExtractedSpan],
    own_fields: Callable[[str, Any], dict[str, Any]],
) -> None:
    """Store one kind of span of every field, except where an editor's decision lies."""
    model.objects.bulk_create(
        model(
            **{
                **owner_fields,
                "field": name,
                "start": span.start,
                "end": span.end,
                "text": span.text[:500],
                "extractor_version": EXTRACTOR_VERSION,
                **own_fields(name, span),
            }
        )
        for name, found in result.fields.items()
        for span in getattr(found, kind)
        if not _overlaps(name, span.start, span.end, kept)
    )


def _speaker_entity(
    field: str, quote: Any, mentions: Sequence[Mention], language: str
) -> int | None:
    """The person a quote's speaker span names: a mention inside that span, or else the
    speaker's words linked on their own (no new entity from a speaker alone)."""
    if quote.speaker_start is None or quote.speaker_end is None:
        return None
    for mention in mentions:
        if (
            mention.field == field
            and mention.entity_id
            and mention.type == "PER"
            and mention.review_status != ReviewStatus.REJECTED
            and mention.start < quote.speaker_end
            and quote.speaker_start < mention.end
        ):
            return mention.entity_id
    return entity_link_text(quote.speaker_text, language=language, entity_type="PER")


# -- editors' decisions ---------------------------------------------------------------------


def _reviewer(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.is_authenticated else None


def _decision_log(
    span: ExtractedSpan, action: str, user: AbstractBaseUser | None, detail: str = ""
) -> None:
    SpanDecision.objects.create(
        article_id=span.article_id,
        translation_id=span.translation_id,
        span_kind=span._meta.model_name,
        span_id=span.pk,
        field=span.field,
        start=span.start,
        end=span.end,
        text=span.text,
        action=action,
        detail=detail[:300],
        user=_reviewer(user),
    )
    from entities.pipeline import span_decided

    kind, article_id, translation_id = span._meta.model_name, span.article_id, span.translation_id
    transaction.on_commit(
        lambda: span_decided(kind=kind, article_id=article_id, translation_id=translation_id)
    )


@transaction.atomic
def span_review(
    *,
    span: ExtractedSpan,
    status: str,
    user: AbstractBaseUser | None,
) -> ExtractedSpan:
    """Confirm or reject an extracted span (mention, figure, date or quote), or reopen it
    (back to suggested). Recorded in the article's history."""
    if status not in ReviewStatus.values:
        raise ValueError(gettext("Unknown review status «%(status)s».") % {"status": status})
    span.review_status = status
    span.reviewed_by = _reviewer(user)
    span.reviewed_at = timezone.now()
    span.save(update_fields=["review_status", "reviewed_by", "reviewed_at", "updated_at"])
    _decision_log(span, status, user)
    return span


@transaction.atomic
def mention_link_to(*, mention: Mention, entity: Entity, user: AbstractBaseUser | None) -> Mention:
    """An editor links a mention to an entity (relink, or accept a suggestion): confirmed."""
    entity = _merge_target(entity)
    mention.entity = entity
    mention.suggested_entity = None
    mention.type = entity.type
    mention.method = Mention.Method.MANUAL
    mention.confidence = 1.0
    mention.review_status = ReviewStatus.CONFIRMED
    mention.reviewed_by = _reviewer(user)
    mention.reviewed_at = timezone.now()
    mention.save(
        update_fields=[
            "entity",
            "suggested_entity",
            "type",
            "method",
            "confidence",
            "review_status",
            "reviewed_by",
            "reviewed_at",
            "updated_at",
        ]
    )
    _decision_log(mention, SpanDecision.Action.LINKED, user, detail=entity.display_name())
    return mention


@transaction.atomic
def mention_retype(*, mention: Mention, entity_type: str, user: AbstractBaseUser | None) -> Mention:
    """An editor corrects a mention's type (a place read as an organisation…). A link to an
    entity of the old type no longer fits and is dropped; the mention is confirmed."""
    if entity_type not in EntityType.values:
        raise ValueError(
            gettext("Unknown entity type «%(type)s»; expected PER, ORG or LOC.")
            % {"type": entity_type}
        )
    previous = mention.type
    mention.type = entity_type
    if mention.entity_id and mention.entity.type != entity_type:
        mention.entity = None
        mention.method = Mention.Method.NONE
    if mention.suggested_entity_id and mention.suggested_entity.type != entity_type:
        mention.suggested_entity = None
    mention.review_status = ReviewStatus.CONFIRMED
    mention.reviewed_by = _reviewer(user)
    mention.reviewed_at = timezone.now()
    mention.save(
        update_fields=[
            "type",
            "entity",
            "method",
            "suggested_entity",
            "review_status",
            "reviewed_by",
            "reviewed_at",
            "updated_at",
        ]
    )
    _decision_log(mention, SpanDecision.Action.RETYPED, user, detail=f"{previous} → {entity_type}")
    return mention


def _merge_target(entity: Entity) -> Entity:
    """The entity a merged entity now lives on (links never point at a merged-away entity)."""
    seen = set()
    while entity.merged_into_id and entity.pk not in seen:
        seen.add(entity.pk)
        entity = entity.merged_into
    return entity


@transaction.atomic
def entity_create(
    *,
    entity_type: str,
    names: dict[str, str],
    user: AbstractBaseUser | None,
    description: str = "",
) -> Entity:
    """An editor adds an entity to the knowledge base (confirmed), with each name as an
    alias in its language."""
    if entity_type not in EntityType.values:
        raise ValueError(
            gettext("Unknown entity type «%(type)s»; expected PER, ORG or LOC.")
            % {"type": entity_type}
        )
    cleaned = {lang: " ".join((names.get(lang) or "").split())[:300] for lang in LANGUAGES}
    if not any(cleaned.values()):
        raise ValueError(gettext("A new entity needs a name in at least one language."))
    entity = Entity.objects.create(
        type=entity_type,
        name_kk=cleaned["kk"],
        name_ru=cleaned["ru"],
        name_en=cleaned["en"],
        description=description.strip(),
        status=Entity.Status.CONFIRMED,
        created_by=_reviewer(user),
    )
    for language, name in cleaned.items():
        if name:
            alias_add(entity=entity, text=name, language=language)
    return entity


@transaction.atomic
def mention_link_to_new_entity(
    *,
    mention: Mention,
    entity_type: str,
    names: dict[str, str],
    user: AbstractBaseUser | None,
) -> Mention:
    """The mention names someone the knowledge base lacks: add the entity and link the mention
    to it, in one transaction (the entity exists only if the link is made too)."""
    entity = entity_create(entity_type=entity_type, names=names, user=user)
    return mention_link_to(mention=mention, entity=entity, user=user)


@transaction.atomic
def mention_add(
    *,
    owner: models.Model,
    field: str,
    start: int,
    end: int,
    entity_type: str,
    entity: Entity | None,
    user: AbstractBaseUser | None,
    expected_text: str | None = None,
) -> Mention:
    """An editor marks a span the extractor missed (or takes over the machine's mention of
    exactly that span: it becomes the editor's, confirmed). ``expected_text`` guards against
    a text that changed since the editor selected in it."""
    if field not in SpanField.values:
        raise ValueError(gettext("Unknown field «%(field)s».") % {"field": field})
    if entity is None and entity_type not in EntityType.values:
        raise ValueError(
            gettext("Unknown entity type «%(type)s»; expected PER, ORG or LOC.")
            % {"type": entity_type}
        )
    text = getattr(owner, field)
    if not 0 <= start < end <= len(text):
        raise ValueError(
            gettext("The span %(start)d–%(end)d is outside the %(field)s.")
            % {"start": start, "end": end, "field": str(SpanField(field).label).lower()}
        )
    if expected_text is not None and text[start:end] != expected_text:
        raise ValueError(
            gettext("The text changed since you selected it; reload the article and select again.")
        )
    if not text[start:end].strip():
        raise ValueError(gettext("Select some words, not only spaces."))
    mention, _ = Mention.objects.update_or_create(
        **_owner_fields(owner),
        field=field,
        start=start,
        end=end,
        defaults={
            "text": text[start:end][:500],
            "type": entity.type if entity else entity_type,
            "entity": entity,
            "suggested_entity": None,
            "method": Mention.Method.MANUAL,
            "confidence": 1.0,
            "review_status": ReviewStatus.CONFIRMED,
            "reviewed_by": _reviewer(user),
            "reviewed_at": timezone.now(),
            "extractor_version": EXTRACTOR_VERSION,
        },
    )
    _decision_log(
        mention, SpanDecision.Action.ADDED, user, detail=entity.display_name() if entity else ""
    )
    return mention

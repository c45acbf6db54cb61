"""Editors' changes to the knowledge base: merge, split, aliases, names, confirmation, undo.

Every change runs in one transaction and writes an ``EntityCuration`` record whose payload
says exactly what moved, so a merge or a split can be undone. Nothing here merges on its own:
each function is one editor's decision. Refusals raise ``CurationError`` (a ``ValueError``)
with a message for the editor, before anything is written."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypedDict

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.audit import audit_log_change
from entities import services as entity_services
from entities.conflicts.models import FigureConflict
from entities.coverage import services as coverage_services
from entities.curation.models import EntityCuration
from entities.linking.keys import lookup_key
from entities.models import Alias, Entity, EntityType, Gender, Mention, Quote

LANGUAGES = ("kk", "ru", "en")
NAME_FIELDS = ("name_kk", "name_ru", "name_en")
# What a merge copies onto the kept entity when it has none (names, description, ids).
FILLABLE_FIELDS = (*NAME_FIELDS, "description", "wikidata_id", "gender")
EDITABLE_FIELDS = (*NAME_FIELDS, "description", "wikidata_id", "gender")
MAX_NAME_LENGTH = 300
Action = EntityCuration.Action


class CurationError(ValueError):
    """A change refused, with the reason in words for the editor. Nothing was written."""


class NewEntityFields(TypedDict, total=False):
    """What an editor gives the entity a split creates."""

    type: str
    name_kk: str
    name_ru: str
    name_en: str
    description: str


# -- helpers ---------------------------------------------------------------------------------


def _user(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.is_authenticated else None


def _label(entity: Entity) -> str:
    return f"{entity.display_name()} (#{entity.pk})"


def _locked(entity_ids: Iterable[int]) -> dict[int, Entity]:
    """Lock the entities (in id order, so two editors cannot deadlock) and read them fresh."""
    return {
        e.pk: e
        for e in Entity.objects.select_for_update().filter(pk__in=set(entity_ids)).order_by("pk")
    }


def _final_target(entity: Entity) -> Entity:
    """Follow ``merged_into`` to the entity that survives (with its row locked)."""
    seen: set[int] = set()
    while entity.merged_into_id and entity.pk not in seen:
        seen.add(entity.pk)
        entity = _locked([entity.merged_into_id])[entity.merged_into_id]
    return entity


def _after_commit_refresh(entity_ids: Sequence[int]) -> None:
    ids = [pk for pk in dict.fromkeys(entity_ids) if pk]
    transaction.on_commit(lambda: _refresh_for_entities(ids))


def _refresh_for_entities(ids: list[int]) -> None:
    """The coverage rows and the search index follow the mentions that moved."""
    from entities.search.services import search_documents_refresh_for_entities

    coverage_services.coverage_refresh_for_entities(entity_ids=ids)
    search_documents_refresh_for_entities(entity_ids=ids)


def _log(
    *,
    action: str,
    entity: Entity,
    user: AbstractBaseUser | None,
    reason: str = "",
    other: Entity | None = None,
    payload: dict[str, Any] | None = None,
) -> EntityCuration:
    return EntityCuration.objects.create(
        action=action,
        entity=entity,
        other=other,
        reason=(reason or "").strip(),
        payload=payload or {},
        user=_user(user),
    )


def _clean_name(value: str | None) -> str:
    return " ".join((value or "").split())


def _refuse_if_merged(entity: Entity) -> None:
    if entity.merged_into_id:
        raise CurationError(
            _("%(entity)s was merged into entity #%(target)s; change that entity instead.")
            % {"entity": _label(entity), "target": entity.merged_into_id}
        )


# -- merge -----------------------------------------------------------------------------------


@transaction.atomic
def entity_merge(
    *, source: Entity, target: Entity, user: AbstractBaseUser | None, reason: str = ""
) -> EntityCuration:
    """Merge ``source`` into ``target``: its mentions (linked and suggested), quotes, figure
    conflicts and the aliases the target lacks move to the target, which also gets the names
    (description, Wikidata id, gender) it has none of. The source row stays, pointing at the
    target (``merged_into``), so links to it resolve and the merge can be undone.

    Refused: merging an entity into itself (or into an entity merged into it), an entity
    already merged, and entities of different types (retype the mentions first)."""
    locked = _locked([source.pk, target.pk])
    if source.pk not in locked or target.pk not in locked:
        raise CurationError(_("One of the entities no longer exists."))
    source = locked[source.pk]
    if source.merged_into_id:
        raise CurationError(
            _("%(entity)s is already merged into entity #%(target)s.")
            % {"entity": _label(source), "target": source.merged_into_id}
        )
    target = _final_target(locked[target.pk])
    if target.pk == source.pk:
        raise CurationError(_("An entity cannot be merged into itself."))
    if target.type != source.type:
        raise CurationError(
            _(
                "%(source)s (%(source_type)s) and %(target)s (%(target_type)s) are of different "
                "types, so they are not merged. Correct the type first."
            )
            % {
                "source": _label(source),
                "source_type": EntityType(source.type).label,
                "target": _label(target),
                "target_type": EntityType(target.type).label,
            }
        )

    mention_ids = list(Mention.objects.filter(entity=source).values_list("pk", flat=True))
    suggested_ids = list(
        Mention.objects.filter(suggested_entity=source).values_list("pk", flat=True)
    )
    quote_ids = list(Quote.objects.filter(speaker=source).values_list("pk", flat=True))
    conflict_ids = list(FigureConflict.objects.filter(entity=source).values_list("pk", flat=True))
    Mention.objects.filter(pk__in=mention_ids).update(entity=target, updated_at=timezone.now())
    Mention.objects.filter(pk__in=suggested_ids).update(
        suggested_entity=target, updated_at=timezone.now()
    )
    Quote.objects.filter(pk__in=quote_ids).update(speaker=target, updated_at=timezone.now())
    FigureConflict.objects.filter(pk__in=conflict_ids).update(entity=target)

    target_keys = set(Alias.objects.filter(entity=target).values_list("key", flat=True))
    moved: list[int] = []
    dropped: list[dict[str, Any]] = []
    for alias in Alias.objects.filter(entity=source).order_by("pk"):
        if alias.key in target_keys:
            # Left on the merged-away entity (which still resolves to the target).
            dropped.append({"id": alias.pk, "text": alias.text, "language": alias.language})
        else:
            moved.append(alias.pk)
            target_keys.add(alias.key)
    Alias.objects.filter(pk__in=moved).update(entity=target)

    filled = {
        name: getattr(source, name)
        for name in FILLABLE_FIELDS
        if getattr(source, name) and not getattr(target, name)
    }
    if "wikidata_id" in filled:  # unique: the source gives it up first
        source.wikidata_id = ""
    source.merged_into = target
    source.save(update_fields=["wikidata_id", "merged_into", "updated_at"])
    for name, value in filled.items():
        setattr(target, name, value)
    # Saved even when nothing was filled: the linker's alias cache watches ``updated_at``.
    target.save(update_fields=[*filled, "updated_at"])

    curation = _log(
        action=Action.MERGED,
        entity=source,
        other=target,
        user=user,
        reason=reason,
        payload={
            "source": source.display_name(),
            "target": target.display_name(),
            "mentions": mention_ids,
            "suggested_mentions": suggested_ids,
            "quotes": quote_ids,
            "figure_conflicts": conflict_ids,
            "aliases_moved": moved,
            "aliases_dropped": dropped,
            "fields_filled": filled,
        },
    )
    # Audit: what moved with update() (no model signal) is one entry on the target.
    audit_log_change(
        instance=target,
        actor=user,
        changes={
            "merged_from": ["", f"#{source.pk} {source.display_name()}"],
            "mentions_moved": [0, len(mention_ids) + len(suggested_ids)],
            "quotes_moved": [0, len(quote_ids)],
            "aliases_moved": [0, len(moved)],
        },
    )
    _after_commit_refresh([source.pk, target.pk])
    return curation


def _merge_revert(curation: EntityCuration, user: AbstractBaseUser | None) -> dict[str, Any]:
    payload = curation.payload
    locked = _locked([curation.entity_id, curation.other_id or 0])
    source = locked.get(curation.entity_id)
    target = locked.get(curation.other_id) if curation.other_id else None
    if source is None or target is None:
        raise CurationError(_("One of the merged entities no longer exists."))
    if source.merged_into_id != target.pk:
        raise CurationError(
            _("%(source)s is no longer merged into %(target)s; nothing to undo.")
            % {"source": _label(source), "target": _label(target)}
        )
    if target.merged_into_id:
        raise CurationError(
            _("%(target)s was itself merged into entity #%(other)s since; undo that merge first.")
            % {"target": _label(target), "other": target.merged_into_id}
        )
    now = timezone.now()
    # Only what is still where the merge put it goes back: a mention an editor relinked since
    # stays with the editor's choice.
    back = Mention.objects.filter(pk__in=payload.get("mentions", []), entity=target)
    mentions = back.update(entity=source, updated_at=now)
    suggested = Mention.objects.filter(
        pk__in=payload.get("suggested_mentions", []), suggested_entity=target
    ).update(suggested_entity=source, updated_at=now)
    quotes = Quote.objects.filter(pk__in=payload.get("quotes", []), speaker=target).update(
        speaker=source, updated_at=now
    )
    FigureConflict.objects.filter(pk__in=payload.get("figure_conflicts", []), entity=target).update(
        entity=source
    )
    source_keys = set(Alias.objects.filter(entity=source).values_list("key", flat=True))
    aliases = [
        alias.pk
        for alias in Alias.objects.filter(pk__in=payload.get("aliases_moved", []), entity=target)
        if alias.key not in source_keys
    ]
    Alias.objects.filter(pk__in=aliases).update(entity=source)

    restored = []
    for name, value in (payload.get("fields_filled") or {}).items():
        if getattr(target, name) == value:  # an edit made since wins over the undo
            setattr(target, name, "")
            restored.append(name)
    target.save(update_fields=[*restored, "updated_at"])
    source.merged_into = None
    if "wikidata_id" in restored:
        source.wikidata_id = payload["fields_filled"]["wikidata_id"]
    source.save(update_fields=["merged_into", "wikidata_id", "updated_at"])
    _after_commit_refresh([source.pk, target.pk])
    return {
        "mentions": mentions,
        "suggested_mentions": suggested,
        "quotes": quotes,
        "aliases": len(aliases),
        "fields": restored,
    }


# -- split -----------------------------------------------------------------------------------


def _new_entity_fields(fields: NewEntityFields) -> dict[str, str]:
    entity_type = (fields.get("type") or "").strip()
    if entity_type not in EntityType.values:
        raise CurationError(_("Choose the type of the new entity (person, organisation, place)."))
    names = {name: _clean_name(fields.get(name)) for name in NAME_FIELDS}
    if not any(names.values()):
        raise CurationError(_("The new entity needs a name in at least one language."))
    for name, value in names.items():
        if len(value) > MAX_NAME_LENGTH:
            raise CurationError(
                _("A name may have at most %(max)d characters.") % {"max": MAX_NAME_LENGTH}
            )
        if value and not lookup_key(value):
            raise CurationError(_("A name needs at least one letter or digit."))
        names[name] = value
    return {"type": entity_type, **names, "description": (fields.get("description") or "").strip()}


@transaction.atomic
def entity_split(
    *,
    entity: Entity,
    mention_ids: Sequence[int],
    new_entity_fields: NewEntityFields,
    user: AbstractBaseUser | None,
    reason: str = "",
) -> Entity:
    """Move some mentions of ``entity`` to a new entity (confirmed, named by the editor, with
    its names as aliases) and return it. Quotes whose speaker span is one of the moved mentions
    go along. Undoing the split (its ``split`` record) removes the new entity again."""
    fields = _new_entity_fields(new_entity_fields)
    ids = sorted({int(pk) for pk in mention_ids})
    if not ids:
        raise CurationError(_("Select the mentions that name the other entity."))
    entity = _locked([entity.pk]).get(entity.pk)
    if entity is None:
        raise CurationError(_("The entity no longer exists."))
    _refuse_if_merged(entity)
    mentions = list(
        Mention.objects.filter(pk__in=ids, entity=entity).only(
            "pk", "article_id", "translation_id", "field", "start", "end", "type"
        )
    )
    if len(mentions) != len(ids):
        raise CurationError(
            _(
                "%(count)d of the selected mentions are no longer linked to %(entity)s; "
                "reload the page and select again."
            )
            % {"count": len(ids) - len(mentions), "entity": _label(entity)}
        )

    new = Entity.objects.create(
        type=fields["type"],
        name_kk=fields["name_kk"],
        name_ru=fields["name_ru"],
        name_en=fields["name_en"],
        description=fields["description"],
        status=Entity.Status.CONFIRMED,
        created_by=_user(user),
    )
    aliases = [
        entity_services.alias_add(entity=new, text=fields[f"name_{lang}"], language=lang).pk
        for lang in LANGUAGES
        if fields[f"name_{lang}"]
    ]
    retyped = {str(m.pk): m.type for m in mentions if m.type != new.type}
    now = timezone.now()
    Mention.objects.filter(pk__in=ids).update(entity=new, type=new.type, updated_at=now)

    # A quote's speaker is the mention inside its speaker span (as extraction decided it).
    spans: dict[tuple[int | None, int | None, str], list[tuple[int, int]]] = {}
    for m in mentions:
        spans.setdefault((m.article_id, m.translation_id, m.field), []).append((m.start, m.end))
    owners = Q(pk__in=[])
    article_ids = {m.article_id for m in mentions if m.article_id}
    translation_ids = {m.translation_id for m in mentions if m.translation_id}
    if article_ids:
        owners |= Q(article_id__in=article_ids)
    if translation_ids:
        owners |= Q(translation_id__in=translation_ids)
    quote_ids = [
        quote.pk
        for quote in Quote.objects.filter(owners, speaker=entity).only(
            "pk", "article_id", "translation_id", "field", "speaker_start", "speaker_end"
        )
        if quote.speaker_start is not None
        and quote.speaker_end is not None
        and any(
            start < quote.speaker_end and quote.speaker_start < end
            for start, end in spans.get((quote.article_id, quote.translation_id, quote.field), ())
        )
    ]
    Quote.objects.filter(pk__in=quote_ids).update(speaker=new, updated_at=now)
    entity.save(update_fields=["updated_at"])

    _log(
        action=Action.SPLIT,
        entity=entity,
        other=new,
        user=user,
        reason=reason,
        payload={
            "entity": entity.display_name(),
            "new_entity": new.display_name(),
            "new_entity_id": new.pk,
            "mentions": ids,
            "mention_types": retyped,
            "quotes": quote_ids,
            "aliases_created": aliases,
        },
    )
    _after_commit_refresh([entity.pk, new.pk])
    return new


def _split_revert(curation: EntityCuration, user: AbstractBaseUser | None) -> dict[str, Any]:
    payload = curation.payload
    if curation.other_id is None:
        raise CurationError(_("The entity this split created no longer exists."))
    locked = _locked([curation.entity_id, curation.other_id])
    entity, new = locked.get(curation.entity_id), locked.get(curation.other_id)
    if entity is None or new is None:
        raise CurationError(_("One of the entities of this split no longer exists."))
    if entity.merged_into_id:
        raise CurationError(
            _("%(entity)s was merged into entity #%(target)s since; undo that merge first.")
            % {"entity": _label(entity), "target": entity.merged_into_id}
        )
    mention_ids = payload.get("mentions", [])
    used = {
        _("other mentions"): Mention.objects.filter(entity=new).exclude(pk__in=mention_ids),
        _("suggested mentions"): Mention.objects.filter(suggested_entity=new),
        _("other quotes"): Quote.objects.filter(speaker=new).exclude(
            pk__in=payload.get("quotes", [])
        ),
        _("other aliases"): Alias.objects.filter(entity=new).exclude(
            pk__in=payload.get("aliases_created", [])
        ),
        _("merged entities"): Entity.objects.filter(merged_into=new),
        _("conflicting figures"): FigureConflict.objects.filter(entity=new),
        _("later changes"): EntityCuration.objects.filter(Q(entity=new) | Q(other=new)).exclude(
            pk=curation.pk
        ),
    }
    found = [label for label, rows in used.items() if rows.exists()]
    if new.merged_into_id or found:
        raise CurationError(
            _(
                "%(new)s has been used since the split (%(what)s), so undoing it could lose "
                "work. Merge it into %(entity)s instead."
            )
            % {
                "new": _label(new),
                "what": ", ".join(found) or _("merged"),
                "entity": _label(entity),
            }
        )
    now = timezone.now()
    types = payload.get("mention_types") or {}
    moved = list(Mention.objects.filter(pk__in=mention_ids, entity=new).only("pk", "type"))
    for mention in moved:
        mention.entity = entity
        mention.type = types.get(str(mention.pk), mention.type)
        mention.updated_at = now
    Mention.objects.bulk_update(moved, ["entity", "type", "updated_at"])
    quotes = Quote.objects.filter(pk__in=payload.get("quotes", []), speaker=new).update(
        speaker=entity, updated_at=now
    )
    # The split's record stays (with the new entity's name in its payload); the entity goes.
    curation.other = None
    curation.save(update_fields=["other"])
    new.delete()
    entity.save(update_fields=["updated_at"])
    _after_commit_refresh([entity.pk])
    return {"mentions": len(moved), "quotes": quotes, "deleted_entity": payload.get("new_entity")}


# -- aliases, names, confirmation ------------------------------------------------------------


def _alias_payload(alias: Alias) -> dict[str, Any]:
    return {
        "id": alias.pk,
        "text": alias.text,
        "language": alias.language,
        "key": alias.key,
        "translit_key": alias.translit_key,
        "kind": alias.kind,
        "origin": alias.origin,
    }


@transaction.atomic
def entity_alias_add(
    *,
    entity: Entity,
    text: str,
    user: AbstractBaseUser | None,
    language: str = "",
    kind: str = Alias.Kind.NAME,
    reason: str = "",
) -> Alias:
    """Add an editor's alias to an entity (refused if the entity already has it)."""
    entity = _locked([entity.pk]).get(entity.pk)
    if entity is None:
        raise CurationError(_("The entity no longer exists."))
    _refuse_if_merged(entity)
    text = _clean_name(text)
    if language not in ("", *LANGUAGES):
        raise CurationError(_("Unknown language «%(language)s».") % {"language": language})
    if kind not in Alias.Kind.values:
        raise CurationError(_("Unknown kind of alias «%(kind)s».") % {"kind": kind})
    if len(text) > MAX_NAME_LENGTH:
        raise CurationError(
            _("An alias may have at most %(max)d characters.") % {"max": MAX_NAME_LENGTH}
        )
    key = lookup_key(text)
    if not key:
        raise CurationError(_("An alias needs at least one letter or digit."))
    existing = Alias.objects.filter(entity=entity, key=key).first()
    if existing:
        raise CurationError(
            _("%(entity)s already has the alias «%(alias)s».")
            % {"entity": _label(entity), "alias": existing.text}
        )
    alias = entity_services.alias_add(entity=entity, text=text, language=language, kind=kind)
    entity.save(update_fields=["updated_at"])  # the linker's alias cache watches this
    _log(
        action=Action.ALIAS_ADDED,
        entity=entity,
        user=user,
        reason=reason,
        payload={"alias": _alias_payload(alias)},
    )
    return alias


@transaction.atomic
def entity_alias_remove(
    *, alias: Alias, user: AbstractBaseUser | None, reason: str = ""
) -> EntityCuration:
    """Remove an alias (mentions already linked stay linked; new ones no longer match it)."""
    alias = Alias.objects.select_for_update().filter(pk=alias.pk).first()
    if alias is None:
        raise CurationError(_("That alias was already removed."))
    entity = _locked([alias.entity_id])[alias.entity_id]
    _refuse_if_merged(entity)
    payload = {"alias": _alias_payload(alias)}
    alias.delete()
    entity.save(update_fields=["updated_at"])
    return _log(
        action=Action.ALIAS_REMOVED, entity=entity, user=user, reason=reason, payload=payload
    )


def _alias_add_revert(curation: EntityCuration) -> dict[str, Any]:
    data = curation.payload["alias"]
    deleted, _count = Alias.objects.filter(pk=data["id"], entity_id=curation.entity_id).delete()
    if not deleted:
        raise CurationError(
            _("The alias «%(alias)s» was already removed.") % {"alias": data["text"]}
        )
    Entity.objects.filter(pk=curation.entity_id).update(updated_at=timezone.now())
    return {"alias": data["text"]}


def _alias_remove_revert(curation: EntityCuration) -> dict[str, Any]:
    data = curation.payload["alias"]
    if Alias.objects.filter(entity_id=curation.entity_id, key=data["key"]).exists():
        raise CurationError(
            _("The entity has the alias «%(alias)s» again.") % {"alias": data["text"]}
        )
    Alias.objects.create(
        pk=None if Alias.objects.filter(pk=data["id"]).exists() else data["id"],
        entity_id=curation.entity_id,
        text=data["text"],
        language=data["language"],
        key=data["key"],
        translit_key=data["translit_key"],
        kind=data["kind"],
        origin=data["origin"],
    )
    Entity.objects.filter(pk=curation.entity_id).update(updated_at=timezone.now())
    return {"alias": data["text"]}


def _check_wikidata(value: str, entity: Entity) -> None:
    if value and not entity_services._WIKIDATA_ID.fullmatch(value):
        raise CurationError(_("A Wikidata id looks like Q42 (Q and a number)."))
    if value:
        other = Entity.objects.filter(wikidata_id=value).exclude(pk=entity.pk).first()
        if other:
            raise CurationError(
                _("%(id)s already belongs to %(entity)s; merge the two entities instead.")
                % {"id": value, "entity": _label(other)}
            )


@transaction.atomic
def entity_update(
    *,
    entity: Entity,
    user: AbstractBaseUser | None,
    name_kk: str | None = None,
    name_ru: str | None = None,
    name_en: str | None = None,
    description: str | None = None,
    wikidata_id: str | None = None,
    gender: str | None = None,
    reason: str = "",
) -> EntityCuration | None:
    """Change names, description, Wikidata id or gender (``None`` leaves a field as it is).
    A new name also becomes an alias, so mentions of it link. None when nothing changed."""
    entity = _locked([entity.pk]).get(entity.pk)
    if entity is None:
        raise CurationError(_("The entity no longer exists."))
    _refuse_if_merged(entity)
    given = {
        "name_kk": name_kk,
        "name_ru": name_ru,
        "name_en": name_en,
        "description": description,
        "wikidata_id": wikidata_id,
        "gender": gender,
    }
    wanted: dict[str, str] = {}
    for name, value in given.items():
        if value is None:
            continue
        if name in NAME_FIELDS:
            value = _clean_name(value)
            if len(value) > MAX_NAME_LENGTH:
                raise CurationError(
                    _("A name may have at most %(max)d characters.") % {"max": MAX_NAME_LENGTH}
                )
            if value and not lookup_key(value):
                raise CurationError(_("A name needs at least one letter or digit."))
        elif name == "wikidata_id":
            value = value.strip().upper()
        else:
            value = value.strip()
        wanted[name] = value
    if "gender" in wanted and wanted["gender"] not in ("", *Gender.values):
        raise CurationError(_("Gender must be male, female or unknown."))
    if not any(wanted.get(name, getattr(entity, name)) for name in NAME_FIELDS):
        raise CurationError(_("An entity needs a name in at least one language."))
    _check_wikidata(wanted.get("wikidata_id", ""), entity)
    changed = {name: value for name, value in wanted.items() if getattr(entity, name) != value}
    if not changed:
        return None
    before = {name: getattr(entity, name) for name in changed}
    for name, value in changed.items():
        setattr(entity, name, value)
    try:
        with transaction.atomic():
            entity.save(update_fields=[*changed, "updated_at"])
    except IntegrityError:  # another editor took the Wikidata id a moment ago
        raise CurationError(
            _("%(id)s already belongs to another entity.") % {"id": changed.get("wikidata_id")}
        ) from None
    aliases = []
    for name, value in changed.items():
        if name in NAME_FIELDS and value:
            key = lookup_key(value)
            if not Alias.objects.filter(entity=entity, key=key).exists():
                aliases.append(
                    entity_services.alias_add(entity=entity, text=value, language=name[-2:]).pk
                )
    return _log(
        action=Action.EDITED,
        entity=entity,
        user=user,
        reason=reason,
        payload={"before": before, "after": changed, "aliases_added": aliases},
    )


def _update_revert(curation: EntityCuration) -> dict[str, Any]:
    entity = _locked([curation.entity_id])[curation.entity_id]
    before, after = curation.payload["before"], curation.payload["after"]
    if any(getattr(entity, name) != value for name, value in after.items()):
        raise CurationError(
            _("%(entity)s was edited again since; undo the later edit first.")
            % {"entity": _label(entity)}
        )
    _check_wikidata(before.get("wikidata_id", ""), entity)
    for name, value in before.items():
        setattr(entity, name, value)
    entity.save(update_fields=[*before, "updated_at"])
    Alias.objects.filter(pk__in=curation.payload.get("aliases_added", []), entity=entity).delete()
    return {"fields": list(before)}


@transaction.atomic
def entity_confirm(
    *, entity: Entity, user: AbstractBaseUser | None, reason: str = ""
) -> EntityCuration:
    """An editor accepts a proposed entity into the knowledge base as a new entity."""
    entity = _locked([entity.pk]).get(entity.pk)
    if entity is None:
        raise CurationError(_("The entity no longer exists."))
    _refuse_if_merged(entity)
    if entity.status == Entity.Status.CONFIRMED:
        raise CurationError(_("%(entity)s is already confirmed.") % {"entity": _label(entity)})
    entity.status = Entity.Status.CONFIRMED
    entity.save(update_fields=["status", "updated_at"])
    return _log(action=Action.CONFIRMED, entity=entity, user=user, reason=reason)


def _confirm_revert(curation: EntityCuration) -> dict[str, Any]:
    entity = _locked([curation.entity_id])[curation.entity_id]
    if entity.status != Entity.Status.CONFIRMED:
        raise CurationError(_("%(entity)s is not confirmed.") % {"entity": _label(entity)})
    entity.status = Entity.Status.PROPOSED
    entity.save(update_fields=["status", "updated_at"])
    return {}


# -- undo ------------------------------------------------------------------------------------

REVERSIBLE = frozenset(
    {
        Action.MERGED,
        Action.SPLIT,
        Action.ALIAS_ADDED,
        Action.ALIAS_REMOVED,
        Action.EDITED,
        Action.CONFIRMED,
    }
)


def curation_is_reversible(curation: EntityCuration) -> bool:
    """Whether the history shows an undo button (the undo itself may still be refused)."""
    return curation.action in REVERSIBLE and curation.reverted_at is None


@transaction.atomic
def curation_revert(*, curation: EntityCuration, user: AbstractBaseUser | None) -> EntityCuration:
    """Undo a merge, split, alias change, edit or confirmation exactly as its record says.
    Refused (nothing written) when the change was undone already, or when something changed
    since that makes undoing it unsafe (the kept entity was merged further, the new entity
    of a split was used…). Marks the record undone and logs a ``reverted`` record."""
    curation = EntityCuration.objects.select_for_update().filter(pk=curation.pk).first()
    if curation is None:
        raise CurationError(_("That change no longer exists."))
    if curation.action == Action.REVERTED:
        raise CurationError(_("An undo cannot be undone; make the change again instead."))
    if curation.reverted_at is not None:
        raise CurationError(_("This change was already undone."))
    if curation.action not in REVERSIBLE:
        raise CurationError(_("This change cannot be undone."))
    if curation.action == Action.MERGED:
        result = _merge_revert(curation, user)
    elif curation.action == Action.SPLIT:
        result = _split_revert(curation, user)
    elif curation.action == Action.ALIAS_ADDED:
        result = _alias_add_revert(curation)
    elif curation.action == Action.ALIAS_REMOVED:
        result = _alias_remove_revert(curation)
    elif curation.action == Action.EDITED:
        result = _update_revert(curation)
    else:
        result = _confirm_revert(curation)
    curation.reverted_at = timezone.now()
    curation.reverted_by = _user(user)
    curation.save(update_fields=["reverted_at", "reverted_by"])
    return EntityCuration.objects.create(
        action=Action.REVERTED,
        entity_id=curation.entity_id,
        other_id=curation.other_id,
        payload={"reverted": curation.pk, "action": curation.action, "result": result},
        user=_user(user),
    )

"""Which knowledge-base and review models the audit log follows (see ``articles.audit``).

Mentions, figures, dates and quotes are created by extraction with ``bulk_create`` (no entry:
machine output, not a change anyone made); their review (confirm, reject, reopen, retype,
relink) is a ``save()`` of the review fields, and that is audited. Entity merges and splits
move mentions and aliases with ``queryset.update()``: the entity's own change (``merged_into``)
is audited by its save, and the curation service adds one explicit entry with what moved."""

from __future__ import annotations

from auditlog.registry import auditlog

from articles.audit import BOOKKEEPING_FIELDS

REVIEW_FIELDS = ["review_status", "reviewed_by"]


def audit_register_entities() -> None:
    from entities.conflicts.models import FigureConflict
    from entities.models import Alias, DateMention, Entity, Figure, Mention, Quote
    from entities.stories.models import Story

    auditlog.register(Entity, exclude_fields=[*BOOKKEEPING_FIELDS, "proposal_key"])
    auditlog.register(Alias, exclude_fields=["created_at", "key", "translit_key"])
    auditlog.register(
        Mention, include_fields=[*REVIEW_FIELDS, "type", "entity", "suggested_entity", "method"]
    )
    auditlog.register(Figure, include_fields=[*REVIEW_FIELDS, "kind", "value", "unit"])
    auditlog.register(DateMention, include_fields=REVIEW_FIELDS)
    auditlog.register(Quote, include_fields=[*REVIEW_FIELDS, "speaker"])
    # Stories are made by clustering (a task, no actor); people rename and confirm them.
    auditlog.register(Story, include_fields=["title", "title_edited", "confirmed_by"])
    auditlog.register(FigureConflict, include_fields=["status", "explanation", "explained_by"])

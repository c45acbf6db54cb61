"""Detecting figures that disagree, and editors' decisions on them.

Detection is idempotent: a conflict is identified by its fingerprint (the two articles, the
kind, the unit and the two values), so re-extraction, which replaces figure rows, finds the same
conflict again and an editor's explanation stays. A conflict no longer found is marked gone
(never deleted); when it is found again it comes back open, or explained if it had been.

Who owns which rows: story detection owns the conflicts of its story (and any between two of
its articles); entity detection owns the conflicts between articles of different stories (or of
none), each stored against the entity they were found for. The rules themselves are in
``detection.py``."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from entities.conflicts import selectors
from entities.conflicts.detection import FoundConflict, conflicts_among
from entities.conflicts.models import FigureConflict

Status = FigureConflict.Status

# Caps that keep one run bounded whatever the size of the archive.
STORY_ARTICLE_LIMIT = 200
ENTITY_ARTICLE_LIMIT = 100
ARTICLE_ENTITY_LIMIT = 10

_TEXT_MAX = 500
_REASON_MAX = 300


class ConflictError(ValueError):
    """A decision that cannot be taken (the message says why, for the person)."""


# -- detection -----------------------------------------------------------------------------


def _reason(found: FoundConflict) -> str:
    """Stored, so written in the site's language whoever's request ran the detection (and the
    same on every run: an unchanged conflict is not rewritten)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _reason_text(found)


def _reason_text(found: FoundConflict) -> str:
    words = ", ".join(
        word_a if word_a.casefold() == word_b.casefold() else f"{word_a} / {word_b}"
        for _topic, word_a, word_b in found.topics
    )
    if found.entities:
        names = ", ".join(e.name for e in found.entities[:3])
        reason = _("both about %(entities)s; words: %(words)s") % {
            "entities": names,
            "words": words,
        }
    else:
        reason = _("words: %(words)s") % {"words": words}
    return reason[:_REASON_MAX]


def _values(found: FoundConflict, *, story_id: int | None, entity_id: int | None) -> dict:
    a, b = found.a, found.b
    return {
        "story_id": story_id,
        "entity_id": entity_id,
        "kind": a.kind,
        "unit": a.unit,
        "article_a_id": a.article_id,
        "article_b_id": b.article_id,
        "value_a": a.value,
        "value_b": b.value,
        "text_a": a.text[:_TEXT_MAX],
        "text_b": b.text[:_TEXT_MAX],
        "context_a": a.sentence,
        "context_b": b.sentence,
        "field_a": a.field,
        "start_a": a.start,
        "end_a": a.end,
        "field_b": b.field,
        "start_b": b.start,
        "end_b": b.end,
        "reason": _reason(found),
    }


def _store(
    found: list[tuple[FoundConflict, int | None, int | None]], *, scope: Q, keep_entity: bool
) -> int:
    """Write what one detection run found (each with its story and entity) and mark the
    conflicts of its ``scope`` it did not find as gone. Returns how many found are open."""
    now = timezone.now()
    wanted = {}
    for conflict, story_id, entity_id in found:
        wanted.setdefault(conflict.fingerprint, (conflict, story_id, entity_id))
    open_count = 0
    with transaction.atomic():
        existing = {
            c.fingerprint: c
            for c in FigureConflict.objects.select_for_update().filter(fingerprint__in=wanted)
        }
        to_create, to_update, changed_fields = [], [], set()
        for fingerprint, (conflict, story_id, entity_id) in wanted.items():
            row = existing.get(fingerprint)
            if row is not None and keep_entity and row.status != Status.GONE and row.entity_id:
                entity_id = row.entity_id  # found for another entity first: it stays theirs
            values = _values(conflict, story_id=story_id, entity_id=entity_id)
            if row is None:
                to_create.append(FigureConflict(fingerprint=fingerprint, **values))
                open_count += 1
                continue
            if row.status == Status.GONE:
                values["status"] = Status.EXPLAINED if row.explained_at else Status.OPEN
            changes = {k: v for k, v in values.items() if getattr(row, k) != v}
            if changes:
                for name, value in changes.items():
                    setattr(row, name, value)
                to_update.append(row)
                changed_fields.update(changes)
            open_count += row.status == Status.OPEN
        if to_create:
            FigureConflict.objects.bulk_create(to_create, ignore_conflicts=True)
        if to_update:
            FigureConflict.objects.bulk_update(to_update, fields=sorted(changed_fields))
        if existing:
            FigureConflict.objects.filter(fingerprint__in=list(existing)).update(last_seen_at=now)
        FigureConflict.objects.filter(scope).exclude(fingerprint__in=list(wanted)).exclude(
            status=Status.GONE
        ).update(status=Status.GONE)
    return open_count


def figure_conflicts_detect(*, story_id: int) -> int:
    """Find the conflicting figures between the articles of a story; returns how many are
    open. Idempotent (conflicts are identified by fingerprint)."""
    article_ids = selectors.story_article_ids(story_id=story_id, limit=STORY_ARTICLE_LIMIT)
    facts = selectors.detection_facts(article_ids)
    found = [
        (conflict, story_id, conflict.entity.id if conflict.entity else None)
        for conflict in conflicts_among(facts)
    ]
    scope = Q(story_id=story_id) | Q(
        story__isnull=True, article_a__in=article_ids, article_b__in=article_ids
    )
    _store(found, scope=scope, keep_entity=False)
    return FigureConflict.objects.filter(story_id=story_id, status=Status.OPEN).count()


def figure_conflicts_detect_for_entity(
    *,
    entity_id: int,
    window_days: int = 30,
    around: datetime | None = None,
    limit: int = ENTITY_ARTICLE_LIMIT,
) -> int:
    """Find conflicting figures about one entity across stories: the ``limit`` most recent
    articles published in the window (the last ``window_days`` days, or ``window_days``
    either side of ``around``) whose figure sentences name the entity. Pairs within one story
    are left to the story's detection. Returns how many of those found are open."""
    resolved = selectors.entity_ids_of(entity_id)
    if resolved is None:
        return 0
    focal, entity_ids = resolved
    now = timezone.now()
    if around is None:
        since, until = now - timedelta(days=window_days), now
    else:
        since, until = around - timedelta(days=window_days), around + timedelta(days=window_days)
    article_ids = selectors.entity_article_ids(
        entity_ids=entity_ids, since=since, until=until, limit=limit
    )
    facts = {
        article_id: [f for f in article_facts if focal in f.entities]
        for article_id, article_facts in selectors.detection_facts(article_ids).items()
    }
    stories = selectors.story_of_articles(article_ids)

    def same_story(a: int, b: int) -> bool:
        return stories.get(a) is not None and stories.get(a) == stories.get(b)

    found = [
        (conflict, None, focal)
        for conflict in conflicts_among(facts, focal_entity=focal, skip_pair=same_story)
    ]
    scope = Q(
        story__isnull=True,
        entity_id__in=entity_ids,
        article_a__in=article_ids,
        article_b__in=article_ids,
    )
    return _store(found, scope=scope, keep_entity=True)


def figure_conflicts_detect_for_article(*, article_id: int, window_days: int = 30) -> int:
    """Entity detection for the people, organisations and places named next to the article's
    figures (at most ``ARTICLE_ENTITY_LIMIT``, people and organisations first), in the window
    around its publication. For the after-extraction pipeline; returns how many are open."""
    from articles.models import Article

    published_at = (
        Article.objects.filter(pk=article_id).values_list("published_at", flat=True).first()
    )
    if published_at is None:
        return 0
    counts: dict[int, int] = {}
    subjects: set[int] = set()
    for fact in selectors.detection_facts([article_id]).get(article_id, []):
        for entity in fact.entities.values():
            counts[entity.id] = counts.get(entity.id, 0) + 1
            if entity.is_subject:
                subjects.add(entity.id)
    # People and organisations first: a conflict is better filed under Chevron than Tengiz.
    ranked = sorted(counts, key=lambda e: (e not in subjects, -counts[e], e))
    ranked = ranked[:ARTICLE_ENTITY_LIMIT]
    return sum(
        figure_conflicts_detect_for_entity(
            entity_id=entity_id, window_days=window_days, around=published_at
        )
        for entity_id in ranked
    )


# -- decisions -------------------------------------------------------------------------------


def figure_conflict_explain(
    *, conflict: FigureConflict, explanation: str, user: AbstractBaseUser
) -> FigureConflict:
    """Mark a conflict as explained («the later article gives the revised estimate»). An
    explained conflict may be explained again (the new words replace the old)."""
    explanation = (explanation or "").strip()
    if not explanation:
        raise ConflictError(_("Write what explains the difference."))
    now = timezone.now()
    updated = FigureConflict.objects.filter(
        pk=conflict.pk, status__in=[Status.OPEN, Status.EXPLAINED]
    ).update(status=Status.EXPLAINED, explanation=explanation, explained_by=user, explained_at=now)
    if not updated:
        raise ConflictError(
            _("This conflict is no longer in the texts; there is nothing to explain.")
        )
    conflict.status, conflict.explanation = Status.EXPLAINED, explanation
    conflict.explained_by, conflict.explained_at = user, now
    return conflict


def figure_conflict_reopen(*, conflict: FigureConflict, user: AbstractBaseUser) -> FigureConflict:
    """Put an explained conflict back in the queue; the explanation is dropped (a conflict
    that disappears and comes back is then open, not explained)."""
    updated = FigureConflict.objects.filter(pk=conflict.pk, status=Status.EXPLAINED).update(
        status=Status.OPEN, explanation="", explained_by=None, explained_at=None
    )
    if not updated:
        raise ConflictError(_("Only an explained conflict can be reopened."))
    conflict.status, conflict.explanation = Status.OPEN, ""
    conflict.explained_by = conflict.explained_at = None
    return conflict

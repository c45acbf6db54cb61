"""An article's versions: what changed, who changed it and when; a diff between any two
versions; revert to one (the revert is itself a new version). Versions are recorded by
django-simple-history on every save through ``articles.services.article_update``."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from articles.models import Article

# The fields a person edits, in the order a diff shows them; the status is reverted only
# through the workflow (its rules apply), so a revert restores text and metadata.
DIFF_FIELDS = (
    "title", "body", "language", "byline", "photo_credit", "source", "source_url",
    "published_at", "status", "assignee", "due_at",
)  # fmt: skip
REVERTED_FIELDS = (
    "title", "body", "language", "byline", "photo_credit", "source", "source_url",
    "published_at",
)  # fmt: skip
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]+")  # spaces, words, punctuation
_PARAGRAPHS = re.compile(r"(\n+)")  # keeps the breaks, so joining the parts gives the text


@dataclass
class FieldDiff:
    field: str
    label: str
    old: str
    new: str
    html: SafeString  # the old text with deletions and insertions marked


def _as_text(record, field: str) -> str:
    if field in ("source", "assignee"):
        related = getattr(record, field, None)
        return str(related) if related is not None else ""
    value = getattr(record, field)
    if value is None:
        return ""
    if field == "status":
        return record.get_status_display()
    if field == "language":
        return record.get_language_display() if value else _("auto")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    return str(value)


def _words_diff(old: str, new: str, parts: list[str]) -> None:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    # Whitespace is junk: it may extend a match but never anchors one, so a changed phrase
    # reads as one deletion and one insertion rather than word salad around the spaces.
    matcher = difflib.SequenceMatcher(str.isspace, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")


def text_diff_html(old: str, new: str) -> SafeString:
    """Word-level diff: unchanged text as is, removed words in <del>, added words in <ins>.

    Paragraphs are matched first, then the words of each changed paragraph, so an edit in one
    paragraph never shows as words moving across paragraph breaks."""
    a, b = _PARAGRAPHS.split(old), _PARAGRAPHS.split(new)
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
        elif op == "replace" and i2 - i1 == j2 - j1:
            for old_part, new_part in zip(a[i1:i2], b[j1:j2], strict=True):
                _words_diff(old_part, new_part, parts)
        else:
            _words_diff("".join(a[i1:i2]), "".join(b[j1:j2]), parts)
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped


def versions_diff(older, newer) -> list[FieldDiff]:
    """The fields that differ between two historical records of one article."""
    diffs = []
    for field in DIFF_FIELDS:
        old, new = _as_text(older, field), _as_text(newer, field)
        if old != new:
            label = str(Article._meta.get_field(field).verbose_name)
            diffs.append(FieldDiff(field, label, old, new, text_diff_html(old, new)))
    return diffs


def article_versions(article_id: int):
    """The article's versions, newest first, with who saved them (one query)."""
    return (
        Article.history.filter(id=article_id)
        .select_related("history_user", "source", "assignee")
        .order_by("-history_date", "-history_id")
    )


def article_revert(
    *, article_id: int, history_id: int, expected_version: int, user: AbstractBaseUser
) -> Article:
    """Restore the text and metadata of an earlier version, as a new version (optimistic
    locking applies: a revert over someone's newer save is refused like any edit)."""
    from articles.services import article_update

    record = Article.history.select_related("source").get(id=article_id, history_id=history_id)
    values = {field: getattr(record, field) for field in REVERTED_FIELDS}
    values["source"] = record.source  # the related object, not its id
    return article_update(
        article_id=article_id,
        expected_version=expected_version,
        updated_by=user,
        change_reason=f"revert to v{record.version}",
        **values,
    )


# -- the history page: versions and mention decisions in one timeline --------------------------


def _raw(record, name: str):
    """A field's stored value (ids for relations), so comparing versions needs no queries."""
    return getattr(record, f"{name}_id" if name in ("source", "assignee") else name)


def changed_fields(older, newer) -> list[str]:
    """Labels of the fields that differ between two versions (all of them for the first)."""
    return [
        str(Article._meta.get_field(name).verbose_name)
        for name in DIFF_FIELDS
        if older is not None and _raw(older, name) != _raw(newer, name)
    ]


_REVERT_REASON = re.compile(r"revert to v(\d+)")


def change_reason_display(record) -> tuple[str, str]:
    """What a version was, for people: ``(text, workflow step name or "")``. The stored reason
    is a short machine-readable tag (``submit``, ``return: why``, ``assign``, ``revert to v3``)."""
    from articles.workflow import STEPS

    reason = record.history_change_reason or ""
    if record.history_type == "+":
        return _("Created"), ""
    name, _sep, comment = reason.partition(": ")
    if name in STEPS:
        label = str(STEPS[name].label)
        return (f"{label}: {comment}" if comment else label), name
    if reason == "assign":
        return _("Assignment"), ""
    if reason == "edit":
        return _("Edited"), ""
    if reason == LANGUAGE_DETECTED_REASON:
        return _("Language detected by extraction"), ""
    if match := _REVERT_REASON.fullmatch(reason):
        return _("Reverted to version %(version)s") % {"version": match[1]}, ""
    return reason or _("Changed"), ""


LANGUAGE_DETECTED_REASON = "language detected"


@dataclass
class VersionEntry:
    record: object
    when: datetime
    user: AbstractBaseUser | None
    reason: str
    step: str
    changed: list[str] = dataclass_field(default_factory=list)
    previous: object | None = None
    is_version: bool = True


@dataclass
class DecisionEntry:
    decision: object
    when: datetime
    user: AbstractBaseUser | None
    is_version: bool = False


def article_history(*, article_id: int) -> list[VersionEntry | DecisionEntry]:
    """Every version of the article and every decision on its mentions, newest first, in two
    queries whatever the number of versions."""
    from entities.models import SpanDecision

    records = list(article_versions(article_id))
    entries: list[VersionEntry | DecisionEntry] = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        reason, step = change_reason_display(record)
        entries.append(
            VersionEntry(
                record=record,
                when=record.history_date,
                user=record.history_user,
                reason=reason,
                step=step,
                changed=changed_fields(previous, record),
                previous=previous,
            )
        )
    decisions = SpanDecision.objects.filter(article_id=article_id).select_related("user")
    entries.extend(DecisionEntry(decision=d, when=d.created_at, user=d.user) for d in decisions)
    # Stable sort: versions (already newest first) keep their order on equal timestamps.
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def article_version_pair(*, article_id: int, a: int, b: int):
    """Two versions of this article, older first; ``None`` when either is not one of its."""
    records = {
        record.history_id: record
        for record in Article.history.filter(id=article_id, history_id__in=[a, b]).select_related(
            "history_user", "source", "assignee"
        )
    }
    if a not in records or b not in records:
        return None
    older, newer = sorted((records[a], records[b]), key=lambda r: (r.history_date, r.history_id))
    return older, newer

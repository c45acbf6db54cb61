"""An article's versions: what changed, who changed it and when; a diff between any two
versions; revert to one (the revert is itself a new version). Versions are recorded by
django-simple-history on every save through ``articles.services.article_update``."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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
_TOKEN = re.compile(r"\s+|[^\s]+")


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
    return str(value)


def text_diff_html(old: str, new: str) -> SafeString:
    """Word-level diff: unchanged text as is, removed words in <del>, added words in <ins>."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


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

    record = Article.history.get(id=article_id, history_id=history_id)
    values = {field: getattr(record, field) for field in REVERTED_FIELDS}
    values["source"] = record.source  # the related object, not its id
    return article_update(
        article_id=article_id,
        expected_version=expected_version,
        updated_by=user,
        change_reason=f"revert to v{record.version}",
        **values,
    )

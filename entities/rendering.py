"""Article text as HTML with every extracted span marked (mentions by type, figures, dates,
quotes), paragraph by paragraph, escaping everything that is not our markup."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass
class RenderedText:
    title: SafeString
    paragraphs: list[tuple[int, SafeString]]  # (offset of the paragraph in the body, html)


def article_text(*, owner) -> RenderedText:
    """STUB (helper A replaces): plain escaped text, no marks."""
    body = owner.body
    paragraphs = []
    offset = 0
    for part in body.split("\n\n"):
        if part:
            paragraphs.append((offset, mark_safe(escape(part))))  # noqa: S308
        offset += len(part) + 2
    return RenderedText(title=mark_safe(escape(owner.title)), paragraphs=paragraphs)  # noqa: S308

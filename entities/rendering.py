"""Article text as HTML with every extracted span marked (mentions by type, figures, dates,
quotes), paragraph by paragraph, escaping everything that is not our markup.

The text content of each rendered paragraph (and of the title) is exactly the raw text: the
marks add elements and attributes, never characters, so the browser can turn a selection back
into offsets (static/js/mentions.js)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Model
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from articles.models import PARAGRAPH_SEPARATOR
from entities.models import ExtractedSpan, ReviewStatus
from entities.selectors import DocumentSpans, document_spans

# Which of two spans over the same words is the outer one: a quote holds mentions, figures and
# dates; a mention may hold a figure or a date («1 Мая» street names), not the other way round.
_NESTING_ORDER = {"quote": 0, "mention": 1, "figure": 2, "date": 3}
TITLE_ELEMENT_ID = "article-title-text"


@dataclass
class RenderedText:
    title_marks: SafeString  # the title's marked-up text, without its wrapper
    paragraphs: list[tuple[int, SafeString]]  # (offset of the paragraph in the body, html)

    @property
    def title(self) -> SafeString:
        """The title in an element that tells the selection script which field and offset it
        is (and that the review panel's answers update in place)."""
        return format_html(
            '<span id="{}" class="article-title-text" data-field="title" data-offset="0">{}</span>',
            TITLE_ELEMENT_ID,
            self.title_marks,
        )


@dataclass
class _Node:
    kind: str
    span: ExtractedSpan | None
    start: int
    end: int
    clipped: bool = False
    children: list[_Node] = field(default_factory=list)


def article_text(
    *, owner: Model, spans: DocumentSpans | None = None, language: str = "en"
) -> RenderedText:
    """The title and the body paragraphs of an article (or translation) with its spans marked.

    ``spans`` are the document's spans as fetched for the page (``document_spans``); without
    them they are fetched here (four queries). No other query is made."""
    if spans is None:
        spans = document_spans(owner=owner)
    by_field: dict[str, list[tuple[str, ExtractedSpan]]] = {"title": [], "body": []}
    for kind, span in spans.all():
        by_field.setdefault(span.field, []).append((kind, span))

    title = owner.title or ""
    title_marks = _render_segment(title, 0, len(title), by_field["title"], language)
    body = owner.body or ""
    paragraphs = []
    offset = 0
    for part in body.split(PARAGRAPH_SEPARATOR):
        if part:
            paragraphs.append(
                (
                    offset,
                    _render_segment(body, offset, offset + len(part), by_field["body"], language),
                )
            )
        offset += len(part) + len(PARAGRAPH_SEPARATOR)
    return RenderedText(title_marks=title_marks, paragraphs=paragraphs)


def _render_segment(
    text: str,
    start: int,
    end: int,
    spans: list[tuple[str, ExtractedSpan]],
    language: str,
) -> SafeString:
    """``text[start:end]`` with the spans that fall in it marked; spans running past the segment
    (a quote over two paragraphs) are cut at its edges."""
    root = _Node("", None, start, end)
    nodes = []
    for kind, span in spans:
        node_start, node_end = max(span.start, start), min(span.end, end)
        if node_start < node_end:
            clipped = (node_start, node_end) != (span.start, span.end)
            nodes.append(_Node(kind, span, node_start, node_end, clipped))
    nodes.sort(key=lambda n: (n.start, -n.end, _NESTING_ORDER[n.kind], n.span.pk or 0))
    stack = [root]
    for node in nodes:
        while stack[-1] is not root and stack[-1].end <= node.start:
            stack.pop()
        parent = stack[-1]
        if node.end > parent.end:
            # Crosses the end of the span it starts in: cut it there, so marks stay nested.
            node.end, node.clipped = parent.end, True
        parent.children.append(node)
        stack.append(node)
    return mark_safe("".join(_render_node(text, root, language)))  # noqa: S308 - all escaped


def _render_node(text: str, node: _Node, language: str) -> list[str]:
    parts = [] if node.span is None else [_mark_open(node, language)]
    position = node.start
    for child in node.children:
        parts.append(escape(text[position : child.start]))
        parts.extend(_render_node(text, child, language))
        position = child.end
    parts.append(escape(text[position : node.end]))
    if node.span is not None:
        parts.append("</mark>")
    return parts


def _mark_open(node: _Node, language: str) -> str:
    span, kind = node.span, node.kind
    classes = ["span", f"span-{kind}", f"is-{span.review_status}"]
    if kind == "mention":
        classes.append(f"span-{span.type.lower()}")
        if not span.entity_id:
            classes.append("is-unlinked")
    if node.clipped:
        classes.append("is-clipped")
    return format_html(
        '<mark class="{}" data-kind="{}" data-id="{}"{} tabindex="0" role="button" title="{}" '
        'hx-get="{}" hx-target="#mention-panel" '
        "hx-trigger=\"click consume, keydown[key=='Enter'] consume\">",
        " ".join(classes),
        kind,
        span.pk,
        format_html(' data-type="{}"', span.type) if kind == "mention" else "",
        _describe(kind, span, language, node.clipped),
        reverse("entities:span_panel", kwargs={"kind": kind, "pk": span.pk}),
    )


def _describe(kind: str, span: ExtractedSpan, language: str, clipped: bool) -> str:
    """The mark's tooltip: what the span is, what it means, and its review state, in words (so
    nothing depends on telling colours apart)."""
    if kind == "mention":
        what = span.get_type_display()
        meaning = span.entity.name_in(language) if span.entity_id else gettext("not linked")
    elif kind == "figure":
        what = span.get_kind_display()
        meaning = f"{_plain_number(span.value)} {span.unit}"
    elif kind == "date":
        what = gettext("Date")
        meaning = span.value.isoformat()
        if span.value_end:
            meaning += f" – {span.value_end.isoformat()}"
    else:
        what = gettext("Quote")
        meaning = (
            span.speaker.name_in(language) if span.speaker_id else span.speaker_text
        ) or gettext("speaker unknown")
    parts = [str(what), str(meaning), str(ReviewStatus(span.review_status).label)]
    if clipped:
        parts.append(gettext("overlaps another mark"))
    return " · ".join(parts)


def _plain_number(value: Decimal) -> str:
    return f"{value.normalize():f}"

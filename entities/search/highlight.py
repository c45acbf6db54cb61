"""Marking why a text matched: its words whose stems the query has, and the mentions of the
entities it named, wrapped in ``<mark>`` in the title and in short snippets of the body.

Matching is by stem with the text's own language (the same function that indexed it), so
«Тоқаевтың» lights up for «Тоқаев» and «правительства» for «правительство». Everything that is
not a mark is escaped: the output is built from escaped pieces and only then marked safe, so a
``<script>`` in a body comes out as text."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from entities.search.stemming import word_stems_of_text

SNIPPET_WIDTH = 240
SNIPPET_LEAD = 70
MAX_SNIPPETS = 2
_SPACES = re.compile(r"\s+")

Range = tuple[int, int]


def word_matches(text: str, language: str, stems: frozenset[str]) -> list[Range]:
    """(start, end) of the words of ``text`` that have one of ``stems``."""
    if not stems or not text:
        return []
    return [
        (start, end)
        for start, end, word_stems in word_stems_of_text(text, language)
        if stems.intersection(word_stems)
    ]


def merge_ranges(ranges: Iterable[Range]) -> list[Range]:
    """Sorted, with overlapping or touching ranges joined («Қасым-Жомарт Тоқаевтың» is one mark
    whether it came from a mention or from two words)."""
    out: list[list[int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(start, end) for start, end in out]


def _flat(text: str) -> str:
    return _SPACES.sub(" ", text)


def render(text: str, ranges: list[Range], *, start: int = 0, end: int | None = None) -> SafeString:
    """``text[start:end]`` escaped, with ``ranges`` (merged, sorted) wrapped in ``<mark>``;
    runs of whitespace (paragraph breaks) become one space."""
    end = len(text) if end is None else end
    pieces: list[str] = []
    position = start
    for mark_start, mark_end in ranges:
        mark_start, mark_end = max(mark_start, start), min(mark_end, end)
        if mark_start >= mark_end:
            continue
        pieces.append(escape(_flat(text[position:mark_start])))
        pieces.append("<mark>" + escape(_flat(text[mark_start:mark_end])) + "</mark>")
        position = mark_end
    pieces.append(escape(_flat(text[position:end])))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above


def _word_start(text: str, position: int) -> int:
    """Back to the start of the word at ``position`` (a snippet does not start mid-word)."""
    while position > 0 and not text[position - 1].isspace():
        position -= 1
    return position


def _word_end(text: str, position: int) -> int:
    while position < len(text) and not text[position].isspace():
        position += 1
    return position


def snippets(
    text: str, ranges: list[Range], *, width: int = SNIPPET_WIDTH, limit: int = MAX_SNIPPETS
) -> list[SafeString]:
    """Up to ``limit`` windows of about ``width`` characters around the marks, or the opening
    of the text when nothing in it is marked (the match was in the title)."""
    if not text.strip():
        return []
    windows: list[Range] = []
    for mark_start, mark_end in ranges:
        if len(windows) >= limit:
            break
        if windows and mark_start < windows[-1][1]:
            continue  # already shown in the previous window
        start = _word_start(text, max(0, mark_start - SNIPPET_LEAD))
        end = _word_end(text, max(mark_end, start + width))
        windows.append((start, min(end, len(text))))
    if not windows:
        windows = [(0, _word_end(text, min(width, len(text))))]
    out = []
    for start, end in windows:
        body = render(text, ranges, start=start, end=end)
        prefix = "… " if start > 0 else ""
        suffix = " …" if end < len(text) else ""
        out.append(mark_safe(f"{prefix}{body}{suffix}"))  # noqa: S308 - body is escaped
    return out

"""What the language-neutral engines (figures, dates, quotes) share: finding every language's
``lexicon.py`` and looking words up in its tables."""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache
from types import ModuleType
from typing import Generic, Protocol, TypeVar

from entities.extraction import languages

Value = TypeVar("Value")
Span = TypeVar("Span", bound="_HasOffsets")
_CACHE_LIMIT = 50_000  # distinct word forms; a long-running worker must not grow forever


@cache
def language_lexicons() -> dict[str, ModuleType]:
    """Every ``languages/<code>/lexicon.py``: adding a language is adding its folder."""
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(languages.__path__):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"{languages.__name__}.{info.name}.lexicon")
        except ModuleNotFoundError:
            continue
        found[info.name] = module
    return found


def alternation(fragments: list[str]) -> str:
    return "|".join(f"(?:{fragment})" for fragment in fragments)


class LexiconLookup(Generic[Value]):
    """Which lexicon entry a matched word belongs to (first full match wins), cached."""

    def __init__(self, entries: tuple[tuple[str, Value], ...]) -> None:
        self._entries = [
            (re.compile(fragment, re.IGNORECASE), value) for fragment, value in entries
        ]
        self._cache: dict[str, Value | None] = {}

    def __call__(self, word: str) -> Value | None:
        key = word.lower()
        if key not in self._cache:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = next((v for p, v in self._entries if p.fullmatch(word)), None)
        return self._cache[key]


class _HasOffsets(Protocol):
    start: int
    end: int


def merge_overlapping(groups: list[list[Span]]) -> list[Span]:
    """Spans from several lexicons, in text order; where two overlap the longer one wins."""
    spans = sorted((s for group in groups for s in group), key=lambda s: (s.start, -s.end))
    merged: list[Span] = []
    for span in spans:
        if merged and span.start < merged[-1].end:
            continue
        merged.append(span)
    return merged

"""One extractor interface; one package per language under ``languages/`` provides it.

A language package exposes ``EXTRACTOR``: an object with a ``language`` code and an
``entities(text)`` method (its NER). Figures, dates and quotes are language-neutral engines
driven by the package's ``lexicon`` module, so a language gets them by writing word lists.
Adding a language therefore touches one folder: ``languages/<code>/``."""

from __future__ import annotations

import importlib
from datetime import date, datetime
from functools import cache
from typing import Protocol

from entities.extraction.types import DateSpan, EntitySpan, FigureSpan, QuoteSpan


class LanguageExtractor(Protocol):
    language: str

    def load(self) -> None:
        """Load models now (once per process) instead of on the first text."""

    def entities(self, text: str) -> list[EntitySpan]: ...


class NoEntities:
    """For a language without a NER model yet: figures, dates and quotes still work."""

    def __init__(self, language: str) -> None:
        self.language = language

    def load(self) -> None:
        return None

    def entities(self, text: str) -> list[EntitySpan]:
        return []


@cache
def extractor_for(language: str) -> LanguageExtractor:
    """The extractor of ``languages/<language>/``; unknown languages get no NER."""
    try:
        module = importlib.import_module(f"entities.extraction.languages.{language}")
    except ModuleNotFoundError:
        return NoEntities(language)
    return getattr(module, "EXTRACTOR", None) or NoEntities(language)


def figures_in(text: str, language: str) -> list[FigureSpan]:
    from entities.extraction.figures import extract_figures

    return extract_figures(text, language)


def dates_in(text: str, language: str, reference: date | datetime | None) -> list[DateSpan]:
    from entities.extraction.dates import extract_dates

    return extract_dates(text, language, reference)


def quotes_in(text: str, language: str) -> list[QuoteSpan]:
    from entities.extraction.quotes import extract_quotes

    return extract_quotes(text, language)

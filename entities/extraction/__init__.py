"""The extraction pipeline: language identification, then the language's NER, figures, dates
and quotes, over the title and the body. Pure: no database; linking and storing are
``entities.services``. Models load once per process (``extractors_load``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from entities.extraction.base import dates_in, extractor_for, figures_in, quotes_in
from entities.extraction.language import detect_language, language_detector
from entities.extraction.types import DateSpan, EntitySpan, FigureSpan, QuoteSpan

# Bump when the output of the pipeline changes: articles extracted by an older version are
# re-extracted when asked, and every span records the version that produced it.
EXTRACTOR_VERSION = "2026.11.3"

FIELDS = ("title", "body")


@dataclass(frozen=True)
class FieldExtraction:
    entities: list[EntitySpan] = field(default_factory=list)
    figures: list[FigureSpan] = field(default_factory=list)
    dates: list[DateSpan] = field(default_factory=list)
    quotes: list[QuoteSpan] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentExtraction:
    language: str
    language_confidence: float | None
    fields: dict[str, FieldExtraction] = field(default_factory=dict)


def extract_text(
    text: str, *, language: str, reference: date | datetime | None = None
) -> FieldExtraction:
    """Everything the pipeline finds in one text of a known language."""
    if not text.strip():
        return FieldExtraction()
    return FieldExtraction(
        entities=extractor_for(language).entities(text),
        figures=figures_in(text, language),
        dates=dates_in(text, language, reference),
        quotes=quotes_in(text, language),
    )


def extract_document(
    *,
    title: str,
    body: str,
    language: str | None = None,
    reference: date | datetime | None = None,
) -> DocumentExtraction:
    """Run the pipeline on one document. ``language`` skips detection when a person set it;
    ``reference`` (the publication date) resolves «бүгін», «вчера» and years left out."""
    confidence = None
    if not language:
        detected = detect_language(f"{title}\n{body}")
        if detected is None:
            return DocumentExtraction(language="", language_confidence=None)
        language, confidence = detected.language, detected.confidence
    return DocumentExtraction(
        language=language,
        language_confidence=confidence,
        fields={
            name: extract_text(text, language=language, reference=reference)
            for name, text in zip(FIELDS, (title, body), strict=True)
        },
    )


def extractors_load(languages: tuple[str, ...] = ("kk", "ru", "en")) -> None:
    """Load every model now: a worker calls this once at start, not per article."""
    language_detector()
    for language in languages:
        extractor_for(language).load()

"""The extraction pipeline: language identification, then (per language) entities, figures,
dates and quotes. One entry point, ``extract_document``; models load once per process."""

from __future__ import annotations

from dataclasses import dataclass

from entities.extraction.language import detect_language

# Bump when the output of the pipeline changes: articles extracted by an older version are
# re-extracted when asked, and every mention records the version that produced it.
EXTRACTOR_VERSION = "2026.11.1"


@dataclass(frozen=True)
class DocumentExtraction:
    language: str
    language_confidence: float | None


def extract_document(*, title: str, body: str, language: str | None = None) -> DocumentExtraction:
    """Run the pipeline on one document. ``language`` skips detection when a person set it."""
    if language:
        return DocumentExtraction(language=language, language_confidence=None)
    detected = detect_language(f"{title}\n{body}")
    if detected is None:
        return DocumentExtraction(language="", language_confidence=None)
    return DocumentExtraction(language=detected.language, language_confidence=detected.confidence)

"""Language identification with lingua, limited to the desk's languages (kk, ru, en).

Why lingua: it ships its n-gram models in the wheel (offline), knows Kazakh, and is accurate on
short texts, where Kazakh written without its special letters is easily taken for Russian."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

_CODES = {Language.KAZAKH: "kk", Language.RUSSIAN: "ru", Language.ENGLISH: "en"}
# Long articles do not become clearer after a few paragraphs; detection cost grows with length.
SAMPLE_CHARS = 4000


@dataclass(frozen=True)
class DetectedLanguage:
    language: str
    confidence: float


@lru_cache(maxsize=1)
def language_detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*_CODES).with_preloaded_language_models().build()


def detect_language(text: str) -> DetectedLanguage | None:
    """The most likely of kk/ru/en with lingua's confidence, or None for text with no letters."""
    sample = text[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return None
    values = language_detector().compute_language_confidence_values(sample)
    if not values or values[0].value <= 0:
        return None
    best = values[0]
    return DetectedLanguage(language=_CODES[best.language], confidence=round(best.value, 4))

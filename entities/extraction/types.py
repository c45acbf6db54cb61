"""What extractors return: plain, immutable spans over one text (a title or a body).

Offsets are Python string indices (code points) into exactly the text the extractor was given;
``text[start:end] == span.text`` always holds. The pipeline stores them against the article's
stored title or body, so an extractor must never normalise or otherwise rewrite its input."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class EntitySpan:
    """A named entity found by a language's NER: PER, ORG or LOC."""

    start: int
    end: int
    type: str  # "PER" | "ORG" | "LOC"
    text: str
    score: float = 1.0


@dataclass(frozen=True)
class FigureSpan:
    """Money, a percentage or a quantity with its normalised value.

    ``value`` is the number the words mean («7,4 млрд» → 7400000000); ``unit`` is an ISO 4217
    code for money (USD, KZT, EUR, RUB, CNY, …), "%" for percentages, and a short unit symbol
    for quantities (t, kg, km, MW, kWh, m3, ha, people, …)."""

    start: int
    end: int
    text: str
    kind: str  # "money" | "percent" | "quantity"
    value: Decimal
    unit: str


@dataclass(frozen=True)
class DateSpan:
    """An absolute or relative date resolved to calendar days.

    A single day has ``value_end is None``; a range («31 тамыз – 3 қыркүйек») has both ends.
    ``time`` is "HH:MM" when the text gives a time of day («Бүгін, 19:52»)."""

    start: int
    end: int
    text: str
    value: date
    value_end: date | None = None
    time: str = ""
    relative: bool = False


@dataclass(frozen=True)
class QuoteSpan:
    """A quotation and, when the text says who said it, the speaker's span in the same text.

    ``start``/``end`` cover the quoted words (without the quotation marks)."""

    start: int
    end: int
    text: str
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_text: str = ""

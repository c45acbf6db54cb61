"""Russian NER: natasha's slovnet tagger over navec embeddings. Both models ship inside the
natasha wheel (no download); they load once per process."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from entities.extraction.types import EntitySpan

# slovnet's BiLSTM-CRF handles sentences of any length, but memory grows with the batch; a
# news article is segmented into sentences by razdel first (what natasha's Doc does).
_TYPES = {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}
_TRAILING = " \t\r\n.,;:!?»\"”)'"
_LEADING = " \t\r\n«\"“('"


@lru_cache(maxsize=1)
def load_russian_tagger() -> tuple[Any, Any]:
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    return Segmenter(), NewsNERTagger(NewsEmbedding())


def russian_ner(text: str) -> list[EntitySpan]:
    """PER/ORG/LOC spans of Russian text, offsets into ``text``."""
    if not text.strip():
        return []
    from natasha import Doc

    segmenter, tagger = load_russian_tagger()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    spans: list[EntitySpan] = []
    for span in doc.spans or ():
        entity_type = _TYPES.get(span.type)
        if entity_type is None:
            continue
        start, end = span.start, span.stop
        # slovnet occasionally includes a quote or a full stop at an edge.
        while start < end and text[start] in _LEADING:
            start += 1
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        if start < end:
            spans.append(EntitySpan(start, end, entity_type, text[start:end]))
    return spans

"""Kazakh: a CRF tagger trained here on KazNERD (``ner.py``, ``train_ner_kk``); figures,
dates and quotes from ``lexicon``."""

from __future__ import annotations

from entities.extraction.types import EntitySpan


class KazakhExtractor:
    language = "kk"

    def load(self) -> None:
        from entities.extraction.languages.kk.ner import load_kazakh_tagger

        load_kazakh_tagger()

    def entities(self, text: str) -> list[EntitySpan]:
        from entities.extraction.languages.kk.ner import kazakh_ner

        return kazakh_ner(text)


EXTRACTOR = KazakhExtractor()

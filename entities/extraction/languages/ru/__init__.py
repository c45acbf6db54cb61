"""Russian: natasha (slovnet) NER; figures, dates and quotes from ``lexicon``."""

from __future__ import annotations

from entities.extraction.types import EntitySpan


class RussianExtractor:
    language = "ru"

    def load(self) -> None:
        from entities.extraction.languages.ru.ner import load_russian_tagger

        load_russian_tagger()

    def entities(self, text: str) -> list[EntitySpan]:
        from entities.extraction.languages.ru.ner import russian_ner

        return russian_ner(text)


EXTRACTOR = RussianExtractor()

"""The pure pipeline: language identification, then the language's extractor, per field."""

from __future__ import annotations

from datetime import date

from entities.extraction import extract_document, extract_text, extractors_load
from entities.extraction.base import NoEntities, extractor_for
from entities.extraction.languages.kk.ner import load_kazakh_tagger
from entities.extraction.languages.ru.ner import load_russian_tagger


def test_detects_the_language_and_extracts_each_field() -> None:
    result = extract_document(
        title="Президент Касым-Жомарт Токаев встретился с Си Цзиньпином",
        body="2 сентября 2025 года в Пекине обсудили проект на 7,4 млрд долларов.",
    )
    assert result.language == "ru"
    assert result.language_confidence > 0.5
    title, body = result.fields["title"], result.fields["body"]
    assert {s.text for s in title.entities} >= {"Касым-Жомарт Токаев", "Си Цзиньпином"}
    assert [(s.text, s.type) for s in body.entities] == [("Пекине", "LOC")]
    assert [(f.value, f.unit) for f in body.figures] == [(7_400_000_000, "USD")]
    assert [d.value for d in body.dates] == [date(2025, 9, 2)]


def test_a_person_chosen_language_skips_detection() -> None:
    result = extract_document(title="Astana", body="Тоқаев Астанада сөз сөйледі.", language="kk")
    assert (result.language, result.language_confidence) == ("kk", None)
    assert any(s.type == "PER" for s in result.fields["body"].entities)


def test_text_without_letters_or_entities() -> None:
    assert extract_document(title="123", body="--- 456 ---").language == ""
    empty = extract_text("   ", language="ru")
    assert (empty.entities, empty.figures, empty.dates, empty.quotes) == ([], [], [], [])
    plain = extract_text("он пришёл домой и лёг спать.", language="ru")
    assert plain.entities == []


def test_a_language_without_a_model_still_gets_figures_and_dates() -> None:
    assert isinstance(extractor_for("en"), NoEntities)
    assert isinstance(extractor_for("tr"), NoEntities)
    found = extract_text("Chevron invested $27 billion on 2 September 2025.", language="en")
    assert found.entities == []
    assert [(f.value, f.unit) for f in found.figures] == [(27_000_000_000, "USD")]
    assert [d.value for d in found.dates] == [date(2025, 9, 2)]


def test_models_load_once_per_process() -> None:
    extractors_load()
    assert load_kazakh_tagger() is load_kazakh_tagger()
    assert load_russian_tagger() is load_russian_tagger()
    assert extractor_for("kk") is extractor_for("kk")

"""Kazakh CRF NER: the shipped model, offsets, tokenisation, and the train/eval code."""

from __future__ import annotations

import pytest

from entities.extraction.languages.kk import training
from entities.extraction.languages.kk.ner import (
    MODEL_PATH,
    entity_ranges,
    kazakh_ner,
    load_kazakh_tagger,
    sentence_features,
    stem,
    tokenize,
)


def _found(text: str) -> set[tuple[str, str]]:
    return {(s.type, s.text) for s in kazakh_ner(text)}


def _check_offsets(text: str) -> None:
    for span in kazakh_ner(text):
        assert text[span.start : span.end] == span.text
        assert span.text == span.text.strip()
        assert span.text[0].isalnum()
        assert span.text[-1].isalnum()
        assert 0.0 < span.score <= 1.0


def test_shipped_model_loads_once() -> None:
    assert MODEL_PATH.exists()
    assert MODEL_PATH.stat().st_size < 6_000_000
    assert load_kazakh_tagger() is load_kazakh_tagger()


def test_finds_person_and_places() -> None:
    # («Қытай басшысы» is a POSITION in KazNERD, and the CRF may stretch it over «Астанада».)
    text = "Қасым-Жомарт Тоқаев Астанада Қытай делегациясымен кездесті."
    found = _found(text)
    assert ("PER", "Қасым-Жомарт Тоқаев") in found
    assert ("LOC", "Астанада") in found
    assert ("LOC", "Қытай") in found
    _check_offsets(text)


def test_finds_organisation() -> None:
    text = "Қазақстан Республикасы Денсаулық сақтау министрлігі жаңа ереже бекітті."
    spans = kazakh_ner(text)
    orgs = [s for s in spans if s.type == "ORG"]
    assert orgs, spans
    assert orgs[0].text.endswith("министрлігі")
    _check_offsets(text)


def test_spans_are_ordered_and_exact_with_messy_text() -> None:
    text = (
        "   \n  Бүгін Алматы қаласында «Самұрық-Қазына» қоры мен Samsung компаниясының "
        "өкілдері кездесті.\nНұрсұлтан Назарбаев Мәскеуге барды.  "
    )
    spans = kazakh_ner(text)
    _check_offsets(text)
    assert [s.start for s in spans] == sorted(s.start for s in spans)
    texts = {s.text for s in spans}
    assert "Алматы" in texts
    assert "Нұрсұлтан Назарбаев" in texts
    # Quotes never end up inside a span.
    assert not any("«" in t or "»" in t for t in texts)


@pytest.mark.parametrize("text", ["", "   \n ", "Бүгін ауа райы жақсы болады.", "123 , 45 ."])
def test_no_entities(text: str) -> None:
    assert kazakh_ner(text) == []


def test_tokenize_round_trips_and_splits_like_kaznerd() -> None:
    text = "«Қазақстан-2050» стратегиясы 3,5 %-ке өсті — BAQ.KZ (АҚШ-тың) “дерегі”."
    offsets = tokenize(text)
    tokens = [text[s:e] for s, e in offsets]
    assert tokens == [
        "«",
        "Қазақстан-2050",
        "»",
        "стратегиясы",
        "3",
        ",",
        "5",
        "%-ке",
        "өсті",
        "—",
        "BAQ",
        ".",
        "KZ",
        "(",
        "АҚШ-тың",
        ")",
        "“",
        "дерегі",
        "”",
        ".",
    ]
    # Only whitespace lies between tokens.
    pos = 0
    for s, e in offsets:
        assert text[pos:s].strip() == ""
        pos = e
    assert text[pos:].strip() == ""


def test_domain_names_are_one_entity() -> None:
    text = "BAQ.KZ хабарлайды. Zakon.kz жазды."
    _check_offsets(text)
    assert not {"BAQ", "KZ", "Zakon"} & {s.text for s in kazakh_ner(text)}


def test_stem_strips_case_endings() -> None:
    # Approximate, but every form gets the same stem (greedy without the vocabulary).
    assert stem("Астанада") == stem("Астананың") == stem("Астанаға") == stem("Астана")
    assert stem("министрлігінің") == stem("министрлігі")


def test_entity_ranges_iob_and_bilou() -> None:
    assert entity_ranges(["B-PER", "I-PER", "O", "I-LOC", "B-LOC", "B-ORG", "I-LOC"]) == [
        (0, 2, "PER"),
        (3, 4, "LOC"),
        (4, 5, "LOC"),
        (5, 6, "ORG"),
        (6, 7, "LOC"),
    ]
    assert training.to_bilou(["B-PER", "I-PER", "O", "B-GPE", "O"]) == [
        "B-PER",
        "L-PER",
        "O",
        "U-GPE",
        "O",
    ]


def test_strict_scores_arithmetic() -> None:
    gold = [
        ["B-PERSON", "I-PERSON", "O", "B-GPE", "O"],
        ["B-ORGANISATION", "I-ORGANISATION", "O", "B-LOCATION", "B-DATE"],
    ]
    pred = [
        ["B-PERSON", "I-PERSON", "O", "B-GPE", "O"],  # 2 hits
        ["B-ORGANISATION", "O", "O", "B-GPE", "B-PERSON"],  # ORG boundary wrong, LOC hit, PER fp
    ]
    ev = training.evaluate_tags(gold, pred)
    assert (ev.per_type["PER"].tp, ev.per_type["PER"].fp, ev.per_type["PER"].fn) == (1, 1, 0)
    assert (ev.per_type["ORG"].tp, ev.per_type["ORG"].fp, ev.per_type["ORG"].fn) == (0, 1, 1)
    assert (ev.per_type["LOC"].tp, ev.per_type["LOC"].fp, ev.per_type["LOC"].fn) == (2, 0, 0)
    assert ev.micro.precision == pytest.approx(3 / 5)
    assert ev.micro.recall == pytest.approx(3 / 4)
    assert ev.micro.f1 == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    assert ev.per_type["ORG"].f1 == 0.0
    assert "micro" in ev.table()


_TINY_IOB = """Асқар B-PERSON
Ахметов I-PERSON
Алматыға B-GPE
барды O
. O

Бүгін O
Бақыт B-PERSON
Серікова I-PERSON
Астанада B-GPE
болды O
. O

Денсаулық B-ORGANISATION
сақтау I-ORGANISATION
министрлігі I-ORGANISATION
хабарлады O
. O
"""


def test_train_and_evaluate_tiny_sample(tmp_path) -> None:
    (tmp_path / "train.iob").write_text("\n".join([_TINY_IOB] * 3), encoding="utf-8")
    (tmp_path / "dev.iob").write_text(_TINY_IOB, encoding="utf-8")
    sentences = training.read_iob(tmp_path / "train.iob")
    assert len(sentences) == 9
    assert sentences[0] == (["Асқар", "Ахметов", "Алматыға", "барды", "."],
                            ["B-PERSON", "I-PERSON", "B-GPE", "O", "O"])  # fmt: skip
    model = tmp_path / "tiny.crfsuite"
    result = training.train_and_evaluate(
        tmp_path, model, c1=0.0, c2=0.01, max_iterations=50, min_freq=1
    )
    assert model.exists()
    assert result.model_bytes > 0
    assert result.evaluation is not None
    # The training sentences are the dev sentences: a CRF must fit them perfectly.
    assert result.evaluation.micro.f1 == 1.0
    assert result.evaluation.micro.tp == 5
    again = training.train_and_evaluate(tmp_path, model, evaluate_only=True)
    assert again.evaluation.micro.f1 == 1.0
    assert again.params == {}


def test_features_do_not_cross_sentences() -> None:
    feats = sentence_features(["Астана", "."])
    assert "BOS" in feats[0]
    assert "EOS" in feats[1]


def test_domain_names_are_joined_across_the_dot() -> None:
    from entities.extraction.languages.kk.ner import _join_domains
    from entities.extraction.types import EntitySpan

    text = "BAQ.KZ хабарлайды, Zakon.kz жазды, Алматы. Астана"
    spans = [
        EntitySpan(0, 3, "ORG", "BAQ", 0.9),
        EntitySpan(4, 6, "ORG", "KZ", 0.7),
        EntitySpan(19, 24, "ORG", "Zakon", 0.8),
        EntitySpan(35, 41, "LOC", "Алматы", 0.9),
        EntitySpan(43, 49, "LOC", "Астана", 0.9),
    ]
    joined = _join_domains(text, spans)
    assert [(s.type, s.text) for s in joined] == [
        ("ORG", "BAQ.KZ"),
        ("ORG", "Zakon.kz"),
        ("LOC", "Алматы"),
        ("LOC", "Астана"),
    ]
    for s in joined:
        assert text[s.start : s.end] == s.text
    assert joined[0].score == pytest.approx(0.8)


def test_gazetteer_matches_inflected_multi_token_names() -> None:
    from entities.extraction.languages.kk.ner import Gazetteer

    gaz = Gazetteer({Gazetteer.key(["Қасым-Жомарт", "Тоқаев"]): "PER", stem("Астана"): "LOC"})
    words = ["Қасым-Жомарт", "Тоқаевтың", "Астанаға", "сапары"]
    assert gaz.tags([stem(w) for w in words]) == ["B-PER", "L-PER", "U-LOC", ""]


def test_stem_vocabulary_prevents_over_stripping() -> None:
    from entities.extraction.languages.kk.ner import set_stem_vocabulary

    old = set_stem_vocabulary({"астана": 50, "аста": 1, "алматы": 80, "алма": 3})
    try:
        assert stem("Астананың") == stem("Астанада") == stem("Астана") == "астана"
        assert stem("Алматыда") == stem("Алматы") == "алматы"
    finally:
        set_stem_vocabulary(old)

"""The form checks (paragraphs, language, untranslated, length, punctuation), the Kazakh
look-alike word list and paragraph alignment.

Each check is tried on kk→ru and ru→kk rows that must fire and on faithful translations that
must not: the seed articles 000 (kk) and 003 (ru) against translations written for these tests
(``data/qa/000_ru.txt``, ``000_en.txt``, ``003_kk.txt``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from articles.parsing import parse_article_text
from articles.translations.qa import AlignedPair, Severity, checks_form, run_checks
from articles.translations.qa.align import align_paragraphs
from articles.translations.qa.checks_form import (
    EXPECTED_LENGTH_RATIO,
    names_and_numbers_only,
    sentences,
    wrong_language,
    wrong_quotation_marks,
)
from articles.translations.qa.lookalikes import (
    WORDLIST_PATH,
    kazakh_lookalike_words,
    kazakh_vocabulary,
    kazakh_word_share,
    latin_homoglyph_words,
    typed_with_lookalikes,
)
from entities.extraction.language import DetectedLanguage

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data" / "qa"
FORM_CODES = ("paragraphs", "language", "untranslated", "length", "punctuation")


def _parsed(path: Path) -> tuple[str, list[str]]:
    parsed = parse_article_text(path.read_text(encoding="utf-8"))
    return parsed.title, parsed.paragraphs


def _seed(prefix: str) -> Path:
    [path] = (ROOT / "seeds").glob(f"{prefix}_*.txt")
    return path


KK_000_TITLE, KK_000 = _parsed(_seed("000"))
RU_000_TITLE, RU_000 = _parsed(DATA / "000_ru.txt")
EN_000_TITLE, EN_000 = _parsed(DATA / "000_en.txt")
RU_003_TITLE, RU_003 = _parsed(_seed("003"))
KK_003_TITLE, KK_003 = _parsed(DATA / "003_kk.txt")

# (source language, target language, source title, target title, source rows, target rows)
FAITHFUL = {
    "kk→ru": ("kk", "ru", KK_000_TITLE, RU_000_TITLE, KK_000, RU_000),
    "ru→kk": ("ru", "kk", RU_003_TITLE, KK_003_TITLE, RU_003, KK_003),
    "kk→en": ("kk", "en", KK_000_TITLE, EN_000_TITLE, KK_000, EN_000),
    # The same translations read the other way round are faithful too.
    "ru→kk (000)": ("ru", "kk", RU_000_TITLE, KK_000_TITLE, RU_000, KK_000),
    "kk→ru (003)": ("kk", "ru", KK_003_TITLE, RU_003_TITLE, KK_003, RU_003),
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def findings(code: str, source: str, target: str, source_language: str, target_language: str):
    pairs = [AlignedPair(0, source, target)]
    return run_checks(
        pairs, source_language=source_language, target_language=target_language, codes=[code]
    )


def test_the_form_checks_are_registered() -> None:
    from articles.translations.qa import REGISTRY

    assert set(FORM_CODES) <= set(REGISTRY)
    assert REGISTRY["paragraphs"].severity == Severity.ERROR
    assert REGISTRY["length"].severity == Severity.WARNING


@pytest.mark.parametrize("case", FAITHFUL)
def test_faithful_translations_raise_no_form_finding(case: str) -> None:
    source_language, target_language, source_title, target_title, source, target = FAITHFUL[case]
    pairs = [AlignedPair(None, source_title, target_title, is_title=True)]
    pairs += align_paragraphs(source, target)
    found = run_checks(
        pairs,
        source_language=source_language,
        target_language=target_language,
        codes=FORM_CODES,
    )
    # The seeds write quotations with straight quotes ("Орта дәліз"): read as translations,
    # that is a (right) punctuation warning; the translations written for the tests use «…».
    expected = {"ru→kk (000)": [("punctuation", 3)], "kk→ru (003)": [("punctuation", 1)]}
    assert [(f.check, f.paragraph) for f in found] == expected.get(case, [])


# -- paragraphs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source_language", "target_language", "source", "target"),
    [("kk", "ru", KK_000, RU_000), ("ru", "kk", RU_003, KK_003)],
)
def test_paragraphs_reports_missing_and_extra_rows(
    source_language, target_language, source, target
) -> None:
    pairs = [
        AlignedPair(0, source[0], target[0]),
        AlignedPair(1, source[1], ""),
        AlignedPair(1, "", "Артық абзац / лишний абзац."),
    ]
    found = run_checks(
        pairs,
        source_language=source_language,
        target_language=target_language,
        codes=["paragraphs"],
    )
    assert [(f.paragraph, f.severity) for f in found] == [(1, "error"), (1, "error")]
    assert found[0].message == "This paragraph has no translation."
    assert "Артық абзац" in found[1].message
    assert found[0].fingerprint != found[1].fingerprint


def test_paragraphs_reports_an_untranslated_title() -> None:
    pairs = [AlignedPair(None, KK_000_TITLE, "", is_title=True)]
    [finding] = run_checks(pairs, source_language="kk", target_language="ru", codes=["paragraphs"])
    assert (finding.paragraph, finding.message) == (None, "The title is not translated.")


def test_two_extra_paragraphs_have_their_own_fingerprints() -> None:
    pairs = [AlignedPair(0, "", "Бірінші артық абзац."), AlignedPair(0, "", "Второй лишний.")]
    found = run_checks(pairs, source_language="kk", target_language="ru", codes=["paragraphs"])
    assert len({f.fingerprint for f in found}) == 2


# -- language -------------------------------------------------------------------------------


def test_language_reports_a_kazakh_row_in_a_russian_translation() -> None:
    # Row 0 of the kk source "translated" with another Kazakh paragraph (not a copy of it).
    [finding] = findings("language", KK_000[0], KK_000[4], "kk", "ru")
    assert finding.severity == Severity.ERROR
    assert finding.message == "Language of this paragraph: Kazakh; expected: Russian."
    assert finding.detail["found"] == "kk"


def test_language_reports_a_russian_row_in_a_kazakh_translation() -> None:
    [finding] = findings("language", RU_003[0], RU_000[0], "ru", "kk")
    assert finding.severity == Severity.ERROR
    assert finding.detail["found"] == "ru"


def test_language_reports_one_sentence_left_in_the_source_language() -> None:
    kazakh = "Бұл көрсеткіш компанияның біздің елдегі рөлінің маңыздылығын айқын дәлелдейді."
    [finding] = findings("language", KK_000[0], f"{RU_000[0]} {kazakh}", "kk", "ru")
    assert finding.severity == Severity.ERROR
    assert "A sentence in Kazakh" in finding.message
    assert "Бұл көрсеткіш" in finding.message
    russian = "Этот показатель наглядно доказывает значимость роли компании в нашей стране."
    [finding] = findings("language", RU_003[0], f"{KK_003[0]} {russian}", "ru", "kk")
    assert "A sentence in Russian" in finding.message


def test_language_leaves_copied_rows_to_the_untranslated_check() -> None:
    assert findings("language", KK_000[0], KK_000[0], "kk", "ru") == []


@pytest.mark.parametrize(
    "target",
    ["Касым-Жомарт Токаев", "Chevron, CNNC, SANY, Sinopec, CNPC", "Фото: akorda.kz", "2025"],
)
def test_language_leaves_short_rows_of_names_alone(target: str) -> None:
    assert findings("language", "Қасым-Жомарт Тоқаев", target, "kk", "ru") == []


def test_kazakh_typed_with_russian_lookalikes_is_a_letters_warning() -> None:
    typed = (
        "Бул кездесу мемлекет басшысынын Америка Курама Штаттарынын ири искер топтары "
        "окилдеримен жасаган биркатар келиссоздерин жалгастырды."
    )
    found = findings("language", "Эта встреча продолжила серию переговоров.", typed, "ru", "kk")
    assert [f.severity for f in found] == [Severity.WARNING]
    assert "«Бул» → «Бұл»" in found[0].message
    assert "«Курама» → «Құрама»" in found[0].message
    assert ("жасаган", "жасаған") in found[0].detail["words"]


def test_lookalike_examples_of_the_spec() -> None:
    target = "Казакстан курылыс саласын дамытады."
    [finding] = findings("language", "Казахстан развивает строительство.", target, "ru", "kk")
    assert "«Казакстан» → «Қазақстан»" in finding.message
    assert "«курылыс» → «құрылыс»" in finding.message


def test_kazakh_typed_on_a_russian_keyboard_is_not_called_russian(monkeypatch) -> None:
    """Should lingua take Kazakh without its letters for Russian, the row is reported as a
    letters problem (warning), not as a row in the wrong language (error)."""
    monkeypatch.setattr(
        checks_form, "_detected", lambda text: DetectedLanguage("ru", confidence=0.99)
    )
    typed = "Бул кездесу мемлекет басшысынын Америка Курама Штаттарынын ири искер топтары."
    assert wrong_language(typed, "kk", confidence=0.9) is None
    assert wrong_language(RU_000[0], "kk", confidence=0.9) == "ru"


@pytest.mark.parametrize(
    ("source_language", "target_language", "source", "target", "shown"),
    [
        ("ru", "kk", RU_003[0], KK_003[0].replace("Мемлекет", "Meмлeкeт"), "«Meмлeкeт» → «Мемлекет»"),
        ("kk", "ru", KK_000[0], RU_000[0].replace("продолжила", "прoдoлжила"), "«прoдoлжила» → «продолжила»"),
        ("kk", "ru", KK_000[0], RU_000[0].replace("серию", "сeрiю"), "«сeрiю» → «серию»"),
        ("kk", "en", KK_000[0], EN_000[0].replace("meeting", "mееting"), "«mееting» → «meeting»"),
    ],
)  # fmt: skip
def test_language_reports_homoglyphs(
    source_language, target_language, source, target, shown
) -> None:
    [finding] = findings("language", source, target, source_language, target_language)
    assert finding.severity == Severity.WARNING
    assert shown in finding.message


def test_mixed_script_names_are_not_homoglyphs() -> None:
    assert latin_homoglyph_words("Chevron компаниясының, CNPC-нің", language="kk") == []


# -- the Kazakh word list -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "right"),
    [
        ("Казакстан", "Қазақстан"),
        ("курылыс", "құрылыс"),
        ("Токаев", "Тоқаев"),
        ("КХР", "ҚХР"),
        ("Бул", "Бұл"),
        ("жалгастырды", "жалғастырды"),
        ("Казакстаннын", "Қазақстанның"),
        ("мын", "мың"),  # a final н for ң against a common word
        # not in the list as a whole word: the stem is, and the ending follows its harmony
        ("келиссоздерин", "келіссөздерін"),
    ],
)
def test_lookalike_suggestions(typed: str, right: str) -> None:
    assert kazakh_vocabulary().suggestion(typed) == right


@pytest.mark.parametrize(
    "word",
    [
        "Қазақстан",  # right
        "билікті",  # «power» (accusative), not «білікті»: it has і, so its и is meant
        "тур",  # «round» (a loanword), a Russian dictionary word
        "ал",  # two letters: ал / әл are both words
        "Chevron",
        "облысы",  # no Kazakh letter to miss
        "екеуін",  # «both» (accusative); «екеуің» is another form, not the right spelling
        "Каталан",  # a foreign name, though «қатал» + «-ан» would fit
    ],
)
def test_lookalike_leaves_real_words_alone(word: str) -> None:
    assert kazakh_vocabulary().suggestion(word) is None


def test_typed_with_lookalikes_only_accepts_lookalike_differences() -> None:
    assert typed_with_lookalikes("казакстан", "қазақстан")
    assert not typed_with_lookalikes("қазакстан", "қазақстан")  # has қ: к is meant
    assert not typed_with_lookalikes("қазақстан", "казакстан")  # wrong direction
    assert not typed_with_lookalikes("казахстан", "қазақстан")  # х is no look-alike of қ


@pytest.mark.parametrize("prefix", ["000", "004"])
def test_the_kazakh_seed_articles_have_no_lookalike_words(prefix: str) -> None:
    text = _seed(prefix).read_text(encoding="utf-8")
    assert kazakh_lookalike_words(text) == []
    assert kazakh_word_share(text) > 0.8


def test_russian_text_is_not_kazakh_by_word_share() -> None:
    assert kazakh_word_share(" ".join(RU_003)) < 0.3


def test_word_list_is_small_and_attributed() -> None:
    assert WORDLIST_PATH.stat().st_size < 2 * 1024 * 1024
    head = WORDLIST_PATH.read_text(encoding="utf-8")[:400]
    assert "KazNERD" in head
    assert "CC BY 4.0" in head
    assert kazakh_vocabulary().counts["қазақстан"] > 100


def _wordlist_builder():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_kk_wordlist", ROOT / "scripts" / "build_kk_wordlist.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_word_list_builder_is_deterministic(tmp_path: Path) -> None:
    """The builder on a small KazNERD-shaped corpus: the same input gives the same bytes, and
    the words of the corpus are in it. (The full rebuild from ../shared/data/kaznerd, which a
    clean CI clone may not have next to it, is `python scripts/build_kk_wordlist.py --output
    /tmp/kk_words.txt && cmp /tmp/kk_words.txt articles/translations/qa/data/kk_words.txt`.)"""
    corpus = tmp_path / "kaznerd"
    corpus.mkdir()
    lines = []
    for sentence in ("Қазақстан Республикасының Үкіметі шешім қабылдады .",
                     "Құрылыс жұмыстары Қазақстан аумағында жүріп жатыр ."):  # fmt: skip
        lines += [f"{word} O" for word in sentence.split()] + [""]
    for split in ("train.iob", "dev.iob"):
        (corpus / split).write_text("\n".join(lines * 3), encoding="utf-8")
    builder = _wordlist_builder()
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    assert builder.main(["--kaznerd", str(corpus), "--output", str(first)]) == 0
    assert builder.main(["--kaznerd", str(corpus), "--output", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert "қазақстан" in first.read_text(encoding="utf-8")


# -- untranslated ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source_language", "target_language", "source"),
    [("kk", "ru", KK_000[0]), ("ru", "kk", RU_003[0])],
)
def test_untranslated_reports_a_copied_row(source_language, target_language, source) -> None:
    [finding] = findings("untranslated", source, source, source_language, target_language)
    assert finding.severity == Severity.ERROR
    assert finding.message == "This paragraph is the same as the source: it is not translated."
    # Case, spacing and quotes do not hide a copy.
    refolded = "  ".join(source.upper().split()).replace("–", "-")
    assert len(findings("untranslated", source, refolded, source_language, target_language)) == 1


@pytest.mark.parametrize(
    "text",
    ["Фото: akorda.kz", "Касым-Жомарт Токаев", "2025", "https://www.akorda.kz/ru", "CNNC, SANY"],
)
def test_untranslated_allows_names_numbers_and_links(text: str) -> None:
    assert names_and_numbers_only(text)
    assert findings("untranslated", text, text, "ru", "kk") == []


def test_untranslated_reports_a_copied_sentence() -> None:
    copied = sentences(KK_000[0])[1]
    target = f"{sentences(RU_000[0])[0]} {copied}"
    found = run_checks(
        [AlignedPair(0, KK_000[0], target)],
        source_language="kk",
        target_language="ru",
        codes=["untranslated", "language"],
    )
    # One report, by the untranslated check; the language check does not repeat it.
    assert [f.check for f in found] == ["untranslated"]
    assert found[0].message.startswith("A sentence is the same as in the source: «Кездесудің")


def test_untranslated_does_not_fire_on_translations() -> None:
    assert findings("untranslated", KK_000[1], RU_000[1], "kk", "ru") == []
    assert findings("untranslated", RU_003[1], KK_003[1], "ru", "kk") == []


# -- length ---------------------------------------------------------------------------------


def test_length_reports_a_translation_with_sentences_left_out() -> None:
    first_two = " ".join(sentences(RU_000[1])[:2])
    [finding] = findings("length", KK_000[1], first_two, "kk", "ru")
    assert finding.severity == Severity.WARNING
    assert "is something left out?" in finding.message
    first_three = " ".join(sentences(KK_003[1])[:3])
    [finding] = findings("length", RU_003[1], first_three, "ru", "kk")
    assert finding.detail["ratio"] < 0.5


def test_length_reports_a_translation_with_something_added() -> None:
    [finding] = findings("length", KK_000[0], f"{RU_000[0]} {RU_000[4]}", "kk", "ru")
    assert "is something added?" in finding.message
    [finding] = findings("length", RU_003[0], f"{KK_003[0]} {KK_000[4]}", "ru", "kk")
    assert finding.detail["ratio"] > 1.6


def test_length_leaves_short_rows_alone() -> None:
    assert findings("length", "Иә, солай деп ойлаймыз.", "Да.", "kk", "ru") == []


@pytest.mark.parametrize("pair", EXPECTED_LENGTH_RATIO)
def test_length_bands_exist_both_ways(pair: tuple[str, str]) -> None:
    source, target = pair
    assert EXPECTED_LENGTH_RATIO[source, target] * EXPECTED_LENGTH_RATIO[target, source] == (
        pytest.approx(1.0)
    )


# -- punctuation ----------------------------------------------------------------------------

RU_QUOTED = "поставки по коридору {q} в направлении Европы, говорится в сообщении."
KK_QUOTED = "Еуропа бағытындағы {q} көлік дәлізі арқылы жеткізу мүмкіндіктері қаралды."


@pytest.mark.parametrize(("template", "language"), [(RU_QUOTED, "ru"), (KK_QUOTED, "kk")])
@pytest.mark.parametrize("quoted", ['"Средний коридор"', "“Средний коридор”"])
def test_punctuation_reports_foreign_quotation_marks(template, language, quoted) -> None:
    source_language = "kk" if language == "ru" else "ru"
    [finding] = findings(
        "punctuation", "Бастапқы мәтін.", template.format(q=quoted), source_language, language
    )
    assert finding.severity == Severity.WARNING
    assert "uses «…»" in finding.message


@pytest.mark.parametrize(
    "quoted", ["«Средний коридор»", "«проект „Средний коридор“ стартовал»", "«Орта дәліз»"]
)
def test_punctuation_accepts_guillemets_and_nested_quotes(quoted: str) -> None:
    assert wrong_quotation_marks(RU_QUOTED.format(q=quoted), "ru") == []
    assert findings("punctuation", "Мәтін.", KK_QUOTED.format(q=quoted), "ru", "kk") == []


def test_punctuation_in_english_targets() -> None:
    assert findings("punctuation", "Мәтін.", "the “Middle Corridor” route", "kk", "en") == []
    assert findings("punctuation", "Мәтін.", 'the "Middle Corridor" route', "kk", "en") == []
    [finding] = findings("punctuation", "Мәтін.", "the «Middle Corridor» route", "kk", "en")
    assert "English uses" in finding.message


def test_punctuation_reports_doubled_spaces_and_space_before_punctuation() -> None:
    target = RU_000[0].replace("Эта встреча", "Эта  встреча").replace("Америки.", "Америки .")
    found = findings("punctuation", KK_000[0], target, "kk", "ru")
    assert [f.message for f in found] == [
        "Doubled spaces between words (1).",
        "A space before punctuation: «Америки .».",
    ]
    spaced = KK_003[0].replace("берді,", "берді ,")
    [finding] = findings("punctuation", RU_003[0], spaced, "ru", "kk")
    assert "«берді ,»" in finding.message


# -- alignment ------------------------------------------------------------------------------

RATIO = EXPECTED_LENGTH_RATIO


def _shape(pairs: list[AlignedPair]) -> list[tuple[int | None, int, int]]:
    """(paragraph, source paragraphs, target paragraphs) of each row."""
    return [
        (p.paragraph, len(p.source.split("\n\n")) if p.source else 0,
         len(p.target.split("\n\n")) if p.target else 0)
        for p in pairs
    ]  # fmt: skip


def test_equal_counts_align_one_to_one() -> None:
    pairs = align_paragraphs(["а", "б" * 500], ["x" * 500, "y"])
    assert [(p.paragraph, p.source, p.target) for p in pairs] == [
        (0, "а", "x" * 500),
        (1, "б" * 500, "y"),
    ]


TEXTS_000 = {"kk": KK_000, "ru": RU_000, "en": EN_000}


@pytest.mark.parametrize(
    ("source_language", "target_language"),
    [("kk", "ru"), ("ru", "kk"), ("kk", "en"), ("en", "kk"), ("ru", "en")],
)
@pytest.mark.parametrize("dropped", range(6))
def test_a_dropped_paragraph_does_not_shift_the_rest(
    source_language: str, target_language: str, dropped: int
) -> None:
    source, target = TEXTS_000[source_language], TEXTS_000[target_language]
    pairs = align_paragraphs(
        source,
        target[:dropped] + target[dropped + 1 :],
        ratio=RATIO[source_language, target_language],
    )
    assert [(p.paragraph, p.source, p.target) for p in pairs] == [
        (n, source[n], "" if n == dropped else target[n]) for n in range(6)
    ]


def test_a_dropped_paragraph_ru_to_kk_and_its_finding() -> None:
    source, target = RU_000, KK_000  # a Russian source and its Kazakh translation
    pairs = align_paragraphs(source, target[:2] + target[3:], ratio=RATIO["ru", "kk"])
    found = run_checks(pairs, source_language="ru", target_language="kk", codes=FORM_CODES)
    assert [(f.check, f.paragraph) for f in found if f.check != "punctuation"] == [
        ("paragraphs", 2)
    ]


@pytest.mark.parametrize("merged", range(5))
def test_two_paragraphs_translated_as_one(merged: int) -> None:
    target = [*RU_000[:merged], f"{RU_000[merged]} {RU_000[merged + 1]}", *RU_000[merged + 2 :]]
    pairs = align_paragraphs(KK_000, target, ratio=RATIO["kk", "ru"])
    expected = [(n, 1, 1) for n in range(merged)] + [(merged, 2, 1)]
    expected += [(n, 1, 1) for n in range(merged + 2, 6)]
    assert _shape(pairs) == expected


@pytest.mark.parametrize("split", range(6))
def test_one_paragraph_translated_as_two(split: int) -> None:
    parts = sentences(RU_000[split])
    half = len(parts) // 2
    halves = [" ".join(parts[:half]), " ".join(parts[half:])]
    target = [*RU_000[:split], *halves, *RU_000[split + 1 :]]
    pairs = align_paragraphs(KK_000, target, ratio=RATIO["kk", "ru"])
    assert _shape(pairs) == [(n, 1, 2 if n == split else 1) for n in range(6)]


@pytest.mark.parametrize("position", range(7))
def test_an_extra_paragraph_is_numbered_after_the_one_it_follows(position: int) -> None:
    extra = "Бұл абзацты аудармашы қосты, түпнұсқада ол жоқ."
    target = [*RU_000[:position], extra, *RU_000[position:]]
    pairs = align_paragraphs(KK_000, target, ratio=RATIO["kk", "ru"])
    [row] = [p for p in pairs if not p.source]
    assert row.target == extra
    assert row.paragraph == max(position - 1, 0)
    assert [p.paragraph for p in pairs if p.source] == list(range(6))


def test_numbers_anchor_rows_of_similar_length() -> None:
    """Three source rows of the same length, one dropped in the translation: only the figures
    tell which."""
    source = [
        "Бірінші абзацта 2019 жылы 15 мың адам болды деп жазылған.",
        "Екінші абзацта 2021 жылы 48 мың адам болды деп жазылған.",
        "Үшінші абзацта 2024 жылы 73 мың адам болды деп жазылған.",
    ]
    target = [
        "В первом абзаце сказано, что в 2019 году было 15 тысяч.",
        "В третьем абзаце сказано, что в 2024 году было 73 тысячи.",
    ]
    pairs = align_paragraphs(source, target, ratio=RATIO["kk", "ru"])
    assert [(p.paragraph, bool(p.target)) for p in pairs] == [(0, True), (1, False), (2, True)]


def test_alignment_of_empty_lists() -> None:
    assert align_paragraphs([], []) == []
    assert _shape(align_paragraphs(["Бір."], [])) == [(0, 1, 0)]
    assert _shape(align_paragraphs([], ["Один."])) == [(0, 0, 1)]


def test_sentence_splitting() -> None:
    assert sentences("Бірінші сөйлем. Екінші сөйлем! «Үшінші» сөйлем?") == [
        "Бірінші сөйлем.",
        "Екінші сөйлем!",
        "«Үшінші» сөйлем?",
    ]
    assert len(sentences("7,4 млрд долл. 1250 тыс. тонн")) >= 1
    assert re.search("Орта", KK_000[3])


def test_a_copied_russian_row_in_a_kazakh_translation_is_one_finding() -> None:
    """«роли» would look like «рөлі» typed without ө: a Russian row copied into the Kazakh
    translation is reported as untranslated, not as Kazakh misspellings."""
    found = run_checks(
        [AlignedPair(0, RU_000[1], RU_000[1])],
        source_language="ru",
        target_language="kk",
        codes=FORM_CODES,
    )
    assert [f.check for f in found] == ["untranslated"]

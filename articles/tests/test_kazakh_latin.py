"""Kazakh Cyrillic → official 2021 Latin alphabet: letter by letter, context rules, real words,
the template filter, and ``export_articles --kazakh-script``."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template import Context, Template

from articles.export import article_plain_text, article_plain_text_filename
from articles.importing import ImportFile
from articles.kazakh_latin import (
    KAZAKH_LATIN_2021,
    kazakh_to_latin,
    kazakh_to_latin_with_offsets,
)
from articles.models import Article, ImportBatch
from articles.services import articles_import
from articles.tests.factories import ArticleFactory, TranslationFactory

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
KAZAKH_CYRILLIC_ALPHABET = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ"
LATIN_2021_ALPHABET = "AÄBDEFGĞHIİJKLMNÑOÖPQRSŞTUŪÜVYZ" + "aäbdefgğhıijklmnñoöpqrsştuūüvyz"
CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")

# Written out by hand from the sources in the module docstring (not derived from the module):
# Cyrillic upper, lower → Latin lower, upper in a title-case word, upper in a word in capitals.
EXPECTED_LETTERS = [
    ("А", "а", "a", "A", "A"),
    ("Ә", "ә", "ä", "Ä", "Ä"),
    ("Б", "б", "b", "B", "B"),
    ("В", "в", "v", "V", "V"),
    ("Г", "г", "g", "G", "G"),
    ("Ғ", "ғ", "ğ", "Ğ", "Ğ"),
    ("Д", "д", "d", "D", "D"),
    ("Е", "е", "e", "E", "E"),
    ("Ё", "ё", "io", "İo", "İO"),
    ("Ж", "ж", "j", "J", "J"),
    ("З", "з", "z", "Z", "Z"),
    ("И", "и", "i", "İ", "İ"),
    ("Й", "й", "i", "İ", "İ"),
    ("К", "к", "k", "K", "K"),
    ("Қ", "қ", "q", "Q", "Q"),
    ("Л", "л", "l", "L", "L"),
    ("М", "м", "m", "M", "M"),
    ("Н", "н", "n", "N", "N"),
    ("Ң", "ң", "ñ", "Ñ", "Ñ"),
    ("О", "о", "o", "O", "O"),
    ("Ө", "ө", "ö", "Ö", "Ö"),
    ("П", "п", "p", "P", "P"),
    ("Р", "р", "r", "R", "R"),
    ("С", "с", "s", "S", "S"),
    ("Т", "т", "t", "T", "T"),
    ("У", "у", "u", "U", "U"),
    ("Ұ", "ұ", "ū", "Ū", "Ū"),
    ("Ү", "ү", "ü", "Ü", "Ü"),
    ("Ф", "ф", "f", "F", "F"),
    ("Х", "х", "h", "H", "H"),
    ("Һ", "һ", "h", "H", "H"),
    ("Ц", "ц", "ts", "Ts", "TS"),
    ("Ч", "ч", "tş", "Tş", "TŞ"),
    ("Ш", "ш", "ş", "Ş", "Ş"),
    ("Щ", "щ", "şş", "Şş", "ŞŞ"),
    ("Ъ", "ъ", "", "", ""),
    ("Ы", "ы", "y", "Y", "Y"),
    ("І", "і", "ı", "I", "I"),
    ("Ь", "ь", "", "", ""),
    ("Э", "э", "e", "E", "E"),
    ("Ю", "ю", "iu", "İu", "İU"),
    ("Я", "я", "ia", "İa", "İA"),
]


# --- the letter table -------------------------------------------------------------------------


def test_expected_table_covers_the_42_letters_of_the_kazakh_alphabet() -> None:
    assert [row[0] for row in EXPECTED_LETTERS] == list(KAZAKH_CYRILLIC_ALPHABET)
    assert [row[1] for row in EXPECTED_LETTERS] == list(KAZAKH_CYRILLIC_ALPHABET.lower())
    assert len(KAZAKH_LATIN_2021) == 42


def test_module_table_matches_the_expected_table() -> None:
    assert [tuple(letter) for letter in KAZAKH_LATIN_2021] == EXPECTED_LETTERS


@pytest.mark.parametrize(("upper", "lower", "latin_lower", "title", "caps"), EXPECTED_LETTERS)
def test_each_letter_in_lower_title_and_capitals(upper, lower, latin_lower, title, caps) -> None:
    assert kazakh_to_latin(lower) == latin_lower
    assert kazakh_to_latin(f"а{lower}а") == f"a{latin_lower}a"
    assert kazakh_to_latin(upper) == title  # a one-letter word counts as title case
    assert kazakh_to_latin(f"{upper}а") == f"{title}a"
    assert kazakh_to_latin(f"{upper}А") == f"{caps}A"
    assert kazakh_to_latin(f"А{upper}") == f"A{caps}"


@pytest.mark.parametrize("letter", KAZAKH_CYRILLIC_ALPHABET + KAZAKH_CYRILLIC_ALPHABET.lower())
def test_output_uses_only_the_31_letters_of_the_2021_alphabet(letter) -> None:
    for context in (letter, f"{letter}а", f"{letter}А"):
        assert set(kazakh_to_latin(context)) <= set(LATIN_2021_ALPHABET)


def test_dotted_and_dotless_i_keep_their_case_pairs() -> None:
    # і ↔ I (dotless), и/й ↔ İ (dotted): never the Python default casing.
    assert kazakh_to_latin("Іле іні") == "Ile ını"
    assert kazakh_to_latin("Ислам Иә ИІ") == "İslam İä İI"
    assert "\u0307" not in kazakh_to_latin("ИЙИ и й")


# --- real words and names --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Қазақстан", "Qazaqstan"),
        ("Тоқаев", "Toqaev"),
        ("Қасым-Жомарт Тоқаев", "Qasym-Jomart Toqaev"),
        ("Астана", "Astana"),
        ("Алматы", "Almaty"),
        ("Шымкент", "Şymkent"),
        ("Өскемен", "Öskemen"),
        ("Ұлытау", "Ūlytau"),
        ("Үкімет", "Ükımet"),
        ("етістік", "etıstık"),
        ("ағылшын", "ağylşyn"),
        ("қыркүйек", "qyrküiek"),
        ("Жетісу", "Jetısu"),
        ("сіз", "sız"),
        ("ию", "iiu"),
        ("уақыт", "uaqyt"),
        ("ауыл", "auyl"),
        ("Бейжің", "Beijıñ"),
        ("Ғылым", "Ğylym"),
        ("Мәдени орталық", "Mädeni ortalyq"),
        ("Қазақстан Республикасы", "Qazaqstan Respublikasy"),
        ("ШЫҰ", "ŞYŪ"),
        ("ҚХР", "QHR"),
        ("Шаһар", "Şahar"),
    ],
)
def test_real_words(cyrillic, latin) -> None:
    assert kazakh_to_latin(cyrillic) == latin


def test_wikipedia_sample_text() -> None:
    """The 1902 sample of en.wikipedia.org/wiki/Kazakh_alphabets with its 2021 transliteration."""
    cyrillic = (
        "«Бұрыңғы өткен заманда, бір данышпан кісі, Бағдат шаһарының бір үлкен қазысының үйіне "
        "келіп қоныпты. Қазыменен сөйлесіп, қазыны сөзге жеңе беріпті. Сонда қазы қорқып, — "
        "„Бұл маған келген бала — менің қазылығымды тартып алса керек! Не де болса, бұған "
        "жалынып, сый беріп, орнымда қалайын!“"
    )
    latin = (
        "«Būryñğy ötken zamanda, bır danyşpan kısı, Bağdat şaharynyñ bır ülken qazysynyñ üiıne "
        "kelıp qonypty. Qazymenen söilesıp, qazyny sözge jeñe berıptı. Sonda qazy qorqyp, — "
        "„Būl mağan kelgen bala — menıñ qazylyğymdy tartyp alsa kerek! Ne de bolsa, būğan "
        "jalynyp, syi berıp, ornymda qalaiyn!“"
    )
    assert kazakh_to_latin(cyrillic) == latin


# --- context rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        # У is always U in 2021 (no W), whatever comes before or after it.
        ("ту", "tu"),
        ("су", "su"),
        ("ауа", "aua"),
        ("Уәде", "Uäde"),
        ("оқу", "oqu"),
        ("көру", "köru"),
        # И and Й are both i, after back or front vowels alike.
        ("сый", "syi"),
        ("сиыр", "siyr"),
        ("биік", "biık"),
        ("ми", "mi"),
        ("Ийгілік", "İigılık"),
        # Я, Ю, Ё are й + vowel: after a vowel, after a consonant, at the start of a word.
        ("Қоян", "Qoian"),
        ("Аю", "Aiu"),
        ("аяқ", "aiaq"),
        ("Ясауи", "İasaui"),
        ("Юрий", "İurii"),
        ("Ёлка", "İolka"),
        ("актёр", "aktior"),
        ("заряд", "zariad"),
        # Ц, Ч, Щ are т + с, т + ш, ш + ш.
        ("ащы", "aşşy"),
        ("цех", "tseh"),
        ("чек", "tşek"),
        ("Чехия", "Tşehiia"),
        ("Щучинск", "Şşutşinsk"),
        ("Си Цзиньпинмен", "Si Tszinpinmen"),
        # Э is e; Ъ and Ь are dropped.
        ("электр", "elektr"),
        ("Эстония", "Estoniia"),
        ("объект", "obekt"),
        ("Гоголь", "Gogol"),
        ("ПОДЪЕЗД", "PODEZD"),
    ],
)
def test_context_rules(cyrillic, latin) -> None:
    assert kazakh_to_latin(cyrillic) == latin


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("ЩУЧИНСК", "ŞŞUTŞİNSK"),
        ("Щучинск", "Şşutşinsk"),
        ("ЦЕХ", "TSEH"),
        ("Цех", "Tseh"),
        ("ЧЕК", "TŞEK"),
        ("ЮНЕСКО", "İUNESKO"),
        ("Юнеско", "İunesko"),
        ("ЯСАУИ", "İASAUİ"),
        ("ТОЯ", "TOİA"),  # last letter of a word in capitals: decided by the previous letter
        ("АКТЁР", "AKTİOR"),
        ("АЩЫ", "AŞŞY"),
        ("ҚазЦИК", "QazTSİK"),  # capitals inside a mixed-case word follow their neighbour
        ("Я мен Ю", "İa men İu"),  # one-letter words are title case
        ("ШЫҰ саммиті", "ŞYŪ sammitı"),
    ],
)
def test_two_letter_results_follow_the_case_of_their_word(cyrillic, latin) -> None:
    assert kazakh_to_latin(cyrillic) == latin


def test_decomposed_short_i_and_yo_are_read_as_letters() -> None:
    assert kazakh_to_latin("қыркүи\u0306ек") == "qyrküiek"
    assert kazakh_to_latin("И\u0306ИӘ") == "İİÄ"
    assert kazakh_to_latin("акте\u0308р Е\u0308лка") == "aktior İolka"


def test_non_kazakh_characters_are_left_untouched() -> None:
    text = "BAQ.KZ, «Lu Ban» 2025-09-05: 3,1 млрд $ — 80% “ok” (İ ı ş) ў ї є 🙂\t\n"
    expected = "BAQ.KZ, «Lu Ban» 2025-09-05: 3,1 mlrd $ — 80% “ok” (İ ı ş) ў ї є 🙂\t\n"
    assert kazakh_to_latin(text) == expected


def test_transliteration_is_idempotent_and_keeps_empty_text() -> None:
    latin = kazakh_to_latin("Қазақстан Республикасының Үкіметі ЩУЧИНСК")
    assert kazakh_to_latin(latin) == latin
    assert kazakh_to_latin("") == ""


def test_offsets_move_spans_onto_the_latin_text() -> None:
    text = "Си Цзиньпинмен ШЫҰ-да кездесті, деп хабарлайды BAQ.KZ."
    latin, offsets = kazakh_to_latin_with_offsets(text)
    assert len(offsets) == len(text) + 1
    assert offsets[-1] == len(latin)
    assert offsets == sorted(offsets)
    for word in ("Си", "Цзиньпинмен", "ШЫҰ", "кездесті", "BAQ.KZ"):
        start = text.index(word)
        end = start + len(word)
        assert latin[offsets[start] : offsets[end]] == kazakh_to_latin(word)
    assert latin[offsets[3] : offsets[14]] == "Tszinpinmen"


def test_seed_article_004_leaves_no_cyrillic_letter() -> None:
    [path] = SEEDS.glob("004_*.txt")
    text = path.read_text(encoding="utf-8")
    assert CYRILLIC_LETTER.search(text)
    latin = kazakh_to_latin(text)
    assert not CYRILLIC_LETTER.search(latin), CYRILLIC_LETTER.findall(latin)
    assert "1 qyrküiekte Toqaev ŞYŪ sammitınde söz söilep" in latin
    assert "“Lu Ban” şeberhanasyn" in latin
    assert latin.count("\n") == text.count("\n")


# --- template filter --------------------------------------------------------------------------


def render(source: str, **context) -> str:
    return Template("{% load kazakh_script %}" + source).render(Context(context))


def test_filter_transliterates_and_output_stays_escaped() -> None:
    html = render("{{ text|kazakh_latin }}", text="<b>Қазақ</b> & «сіз»")
    assert html == "&lt;b&gt;Qazaq&lt;/b&gt; &amp; «sız»"


def test_filter_with_language_leaves_other_languages_alone() -> None:
    source = "{{ text|kazakh_latin:language }}"
    assert render(source, text="Шымкент <", language="kk") == "Şymkent &lt;"
    assert render(source, text="Шымкент <", language="ru") == "Шымкент &lt;"
    assert render("{{ missing|kazakh_latin }}") == ""


# --- export -----------------------------------------------------------------------------------


@pytest.fixture
def seed_articles(django_capture_on_commit_callbacks) -> dict[str, Article]:
    """The three seed articles imported with extraction run (as in entities/tests/conftest)."""
    files = [
        ImportFile(path.name, path.read_bytes())
        for prefix in ("000", "003", "004")
        for path in SEEDS.glob(f"{prefix}_*.txt")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        _batch, results = articles_import(
            files=files,
            channel=ImportBatch.Channel.COMMAND,
            now=datetime(2025, 9, 5, 21, 0, tzinfo=ZoneInfo("Asia/Almaty")),
        )
    articles = [Article.objects.get(pk=r.article.pk) for r in results]
    return dict(zip(("000", "003", "004"), articles, strict=True))


def export(*args: str) -> tuple[str, dict[int, dict]]:
    out = io.StringIO()
    call_command("export_articles", *args, stdout=out)
    return out.getvalue(), {r["id"]: r for r in map(json.loads, out.getvalue().splitlines())}


@pytest.mark.django_db
def test_export_default_is_the_cyrillic_export(seed_articles) -> None:
    default, records = export()
    explicit, _ = export("--kazakh-script", "cyrillic")
    assert default == explicit
    kazakh = seed_articles["004"]
    assert records[kazakh.pk]["body"] == kazakh.body
    assert CYRILLIC_LETTER.search(records[kazakh.pk]["body"])


@pytest.mark.django_db
def test_export_latin_transliterates_kazakh_articles_only(seed_articles) -> None:
    _, cyrillic = export()
    _, latin = export("--kazakh-script", "latin")
    assert set(latin) == set(cyrillic)
    for key in ("000", "004"):
        article = seed_articles[key]
        record, original = latin[article.pk], cyrillic[article.pk]
        assert record["language"] == "kk"
        assert record["title"] == kazakh_to_latin(article.title)
        assert record["body"] == kazakh_to_latin(article.body)
        assert not CYRILLIC_LETTER.search(record["title"] + record["body"])
        assert set(record) == set(original)
        for kind in ("mentions", "figures", "dates", "quotes"):
            assert len(record[kind]) == len(original[kind]), kind
            for item, before in zip(record[kind], original[kind], strict=True):
                assert record[item["field"]][item["start"] : item["end"]] == item["text"]
                assert item["text"] == kazakh_to_latin(before["text"]), item
                rest = {k: v for k, v in item.items() if k not in {"start", "end", "text"}}
                assert rest.items() <= before.items()
    assert cyrillic[seed_articles["004"].pk]["mentions"], "the seed must have mentions to move"
    assert "Toqaev" in {m["text"] for m in latin[seed_articles["004"].pk]["mentions"]}
    russian = seed_articles["003"]
    assert latin[russian.pk] == cyrillic[russian.pk]


@pytest.mark.django_db
def test_export_latin_to_file_with_filters(seed_articles, tmp_path) -> None:
    path = tmp_path / "kk.jsonl"
    call_command(
        "export_articles",
        "--language",
        "kk",
        "--kazakh-script",
        "latin",
        "--output",
        str(path),
        stderr=io.StringIO(),
    )
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert {r["id"] for r in records} == {seed_articles["000"].pk, seed_articles["004"].pk}
    assert all(not CYRILLIC_LETTER.search(r["body"]) for r in records)


@pytest.mark.django_db
def test_export_latin_query_count_does_not_grow(seed_articles, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        call_command("export_articles", "--kazakh-script", "latin", stdout=io.StringIO())


def test_export_rejects_an_unknown_script() -> None:
    with pytest.raises(CommandError):
        call_command("export_articles", "--kazakh-script", "arabic", stdout=io.StringIO())


@pytest.mark.django_db
def test_plain_text_download_of_an_article_and_a_translation() -> None:
    kazakh = ArticleFactory(language="kk", title="Шымкент жаңалықтары", body="Бір.\n\nЕкі ЦЕХ.")
    assert article_plain_text(article=kazakh) == "Шымкент жаңалықтары\n\nБір.\n\nЕкі ЦЕХ.\n"
    assert (
        article_plain_text(article=kazakh, kazakh_script="latin")
        == "Şymkent jañalyqtary\n\nBır.\n\nEkı TSEH.\n"
    )
    assert article_plain_text_filename(article=kazakh, kazakh_script="latin") == (
        f"article-{kazakh.pk}-kk-latn.txt"
    )
    russian = ArticleFactory(language="ru", title="Шымкент", body="Новости.")
    assert article_plain_text(article=russian, kazakh_script="latin") == "Шымкент\n\nНовости.\n"
    assert article_plain_text_filename(article=russian, kazakh_script="latin") == (
        f"article-{russian.pk}-ru.txt"
    )
    translation = TranslationFactory(
        article=russian, language="kk", title="Шымкент", body="Жаңалықтар."
    )
    assert article_plain_text(article=translation, kazakh_script="latin") == (
        "Şymkent\n\nJañalyqtar.\n"
    )
    assert article_plain_text_filename(article=translation, kazakh_script="latin") == (
        f"translation-{translation.pk}-kk-latn.txt"
    )

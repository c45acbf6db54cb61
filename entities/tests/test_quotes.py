"""Quotations in marks and their speakers, with exact offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from entities.extraction.quotes import extract_quotes

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


RU = "Мы будем строить новые заводы в регионах"
KK = "Қазақстан Қытаймен ынтымақтастықты дамыта береді"
EN = "We will keep investing in Kazakhstan"


@pytest.mark.parametrize(
    ("language", "text", "quote", "speaker"),
    [
        # ru: verb after the quote, any dash and spacing
        ("ru", f'"{RU}", – подчеркнул Касым-Жомарт Токаев.', RU, "Касым-Жомарт Токаев"),
        ("ru", f"«{RU}», — сказал Касым-Жомарт Токаев.", RU, "Касым-Жомарт Токаев"),
        ("ru", f"«{RU}»,-заявил Токаев.", RU, "Токаев"),
        ("ru", f"«{RU}», - сказала Айгуль Нурова.", RU, "Айгуль Нурова"),
        ("ru", f"«{RU}», – отметила министр Айгуль Нурова.", RU, "Айгуль Нурова"),
        (
            "ru",
            f"«{RU}», – подчеркнул глава государства Касым-Жомарт Токаев.",
            RU,
            "Касым-Жомарт Токаев",
        ),
        ("ru", f"«{RU}», – добавил министр энергетики.", RU, "министр энергетики"),
        ("ru", f"«{RU}», как заявил Алибек Сатыбалдиев.", RU, "Алибек Сатыбалдиев"),
        ("ru", f"«{RU}», – сказал он.", RU, ""),
        ("ru", f"«{RU}», – считает она.", RU, ""),
        # ru: speaker before the quote
        ("ru", f"По словам Токаева, «{RU.lower()}».", RU.lower(), "Токаева"),
        ("ru", f"Как заявил Алибек Сатыбалдиев, «{RU.lower()}».", RU.lower(), "Алибек Сатыбалдиев"),
        ("ru", f"Алибек Сатыбалдиев отметил: «{RU}».", RU, "Алибек Сатыбалдиев"),
        ("ru", f"Токаев: «{RU}».", RU, "Токаев"),
        # ru: nested quotes belong to the outer one
        (
            "ru",
            "«Он сказал: „Мы будем строить“ — и ушёл из зала», – отметил Иван Петров.",
            "Он сказал: „Мы будем строить“ — и ушёл из зала",
            "Иван Петров",
        ),
        (
            "ru",
            "«Компания «Самрук-Казына» вложит средства в регионы», – сказал Иван Петров.",
            "Компания «Самрук-Казына» вложит средства в регионы",
            "Иван Петров",
        ),
        # ru: a full sentence in marks without attribution is still a quotation
        ("ru", f"«{RU}. И это только начало!»", f"{RU}. И это только начало!", ""),
        # kk
        ("kk", f"«{KK}», – деді Тоқаев.", KK, "Тоқаев"),
        ("kk", f"“{KK}” деп атап өтті Мемлекет басшысы.", KK, "Мемлекет басшысы"),
        ("kk", f"«{KK}» деп мәлімдеді Тоқаев.", KK, "Тоқаев"),
        ("kk", f"«{KK}», – деп хабарлады министр Ерлан Қарин.", KK, "Ерлан Қарин"),
        ("kk", f"«{KK}», – дейді сарапшы.", KK, "сарапшы"),
        ("kk", f"«{KK}», – деді ол.", KK, ""),
        ("kk", f"Гүлнар Шаймергенованың айтуынша, «{KK}».", KK, "Гүлнар Шаймергенованың"),
        ("kk", f"Президенттің сөзінше, «{KK}».", KK, "Президенттің"),
        ("kk", f"Тоқаев «{KK}» деді.", KK, "Тоқаев"),
        ("kk", f"Мемлекет басшысы «{KK}» деді.", KK, "Мемлекет басшысы"),
        ("kk", f"Тоқаев атап өтті: «{KK}».", KK, "Тоқаев"),
        # en
        ("en", f"“{EN},” said Mike Wirth.", EN, "Mike Wirth"),
        ("en", f"“{EN},” Mike Wirth said.", EN, "Mike Wirth"),
        ("en", f"“{EN},” he said.", EN, ""),
        ("en", f"Mike Wirth said: “{EN}.”", EN + ".", "Mike Wirth"),
        ("en", f"According to Mike Wirth, “{EN.lower()}.”", EN.lower() + ".", "Mike Wirth"),
        ("en", f'"{EN}," said Mike Wirth.', EN, "Mike Wirth"),
    ],
)
def test_quote(language, text, quote, speaker):
    quotes = extract_quotes(text, language)
    assert len(quotes) == 1, quotes
    found = quotes[0]
    assert found.text == quote
    assert found.start == text.index(quote)
    assert text[found.start : found.end] == quote
    assert found.speaker_text == speaker
    if speaker:
        assert text[found.speaker_start : found.speaker_end] == speaker
    else:
        assert (found.speaker_start, found.speaker_end) == (None, None)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("kk", "Қазақстанда қосымша екі “Лу Бань” шеберханасын ашу келісілді."),
        ("kk", "Қазақстан арқылы өтетін “Қытай–Еуропа” дәліздерінің өткізу қабілеті."),
        ("ru", 'Сделку одобрил совет директоров компании "Самрук-Казына".'),
        ("kk", 'Президент "жаңа Қазақстан" құру жолындағы реформаларын баяндады.'),
        # a partial quote inside a sentence, with no attribution, is a quoted phrase
        ("kk", "Сапар “барлық жағдайда өзекті стратегиялық серіктестікті” толықтырды."),
        # speech without marks is not taken
        ("kk", "Қытай – Қазақстан үшін тағдырлас көрші, – дейді сарапшы."),
        ("ru", "– Мы будем строить новые заводы, – сказал Токаев."),
        ("ru", "Здесь нет никаких цитат, только 7,4 млрд долларов и 2 сентября."),
        ("en", ""),
    ],
)
def test_no_quote(language, text):
    assert extract_quotes(text, language) == []


def test_unclosed_quote_does_not_swallow_the_next_paragraph():
    text = f"«{RU}\nВторой абзац. «{RU}», – сказал Иван Петров."
    found = extract_quotes(text, "ru")
    assert [(q.text, q.speaker_text) for q in found] == [(RU, "Иван Петров")]
    assert found[0].start == text.rindex(RU)


def test_unknown_language_uses_every_lexicon():
    text = f"«{KK}», – деді Тоқаев. «{RU}», – сказал Иван Петров."
    found = extract_quotes(text, "")
    assert [(q.text, q.speaker_text) for q in found] == [(KK, "Тоқаев"), (RU, "Иван Петров")]


def test_seed_003_russian_quotes_with_tokayev():
    text = seed("003")
    found = extract_quotes(text, "ru")
    assert len(found) == 2
    first, second = found
    assert first.text.startswith("Договорились о том, что обе страны должны стать")
    assert first.text.endswith("нашего взаимовыгодного сотрудничества")
    assert second.text.startswith("Совместно с компанией Sinopec в Атырауской области")
    assert second.text.endswith("совместно с компанией China Huadian Corporation")
    for quote, verb in ((first, "подчеркнул"), (second, "сказал")):
        assert text[quote.start : quote.end] == quote.text
        assert (text[quote.start - 1], text[quote.end]) == ('"', '"')
        assert quote.speaker_text == "Касым-Жомарт Токаев"
        assert text[quote.speaker_start : quote.speaker_end] == "Касым-Жомарт Токаев"
        assert text[quote.end : quote.speaker_start] == f'", – {verb} '


@pytest.mark.parametrize("prefix", ["000", "004"])
def test_kazakh_seeds_have_no_marked_quotations(prefix):
    # 000 quotes only names («"Орта дәліз"»); 004 a name and a partial phrase, and its
    # «– дейді сарапшы» paragraphs are not in marks.
    assert extract_quotes(seed(prefix), "kk") == []

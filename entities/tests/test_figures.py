"""Figures: money, percentages and quantities, with exact offsets and full values."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

from entities.extraction.figures import extract_figures, parse_number

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def only(text: str, language: str):
    figures = extract_figures(text, language)
    assert len(figures) == 1, figures
    figure = figures[0]
    assert text[figure.start : figure.end] == figure.text
    return figure


@pytest.mark.parametrize(
    ("language", "text", "span", "kind", "value", "unit"),
    [
        # money
        (
            "ru",
            "будет вложено 7,4 млрд долларов.",
            "7,4 млрд долларов",
            "money",
            "7400000000",
            "USD",
        ),
        (
            "kk",
            "шамамен 55 миллиард АҚШ доллары көлемінде",
            "55 миллиард АҚШ доллары",
            "money",
            "55000000000",
            "USD",
        ),
        ("kk", "инвестициясы $27 млрд-тан асып", "$27 млрд-тан", "money", "27000000000", "USD"),
        ("kk", "Бюджетке $27 млрд түсті.", "$27 млрд", "money", "27000000000", "USD"),
        ("kk", "жобаға 450 млрд теңге бөлінді", "450 млрд теңге", "money", "450000000000", "KZT"),
        ("kk", "2,5 трлн теңге бөлінді", "2,5 трлн теңге", "money", "2500000000000", "KZT"),
        ("ru", "выделено 2,5 трлн тенге", "2,5 трлн тенге", "money", "2500000000000", "KZT"),
        (
            "en",
            "a deal worth $1.5 billion was signed",
            "$1.5 billion",
            "money",
            "1500000000",
            "USD",
        ),
        ("ru", "инвестиции в 15 млн юаней", "15 млн юаней", "money", "15000000", "CNY"),
        ("kk", "15 млн юань салынды", "15 млн юань", "money", "15000000", "CNY"),
        (
            "ru",
            "контракт на 3 млрд долл. США подписан",
            "3 млрд долл. США",
            "money",
            "3000000000",
            "USD",
        ),
        ("ru", "кредит в 200 млн доллара", "200 млн доллара", "money", "200000000", "USD"),
        ("kk", "10 млн АҚШ долларын құрады", "10 млн АҚШ долларын", "money", "10000000", "USD"),
        ("kk", "5 млн долларға жетті", "5 млн долларға", "money", "5000000", "USD"),
        ("ru", "стоимость 40 млн евро", "40 млн евро", "money", "40000000", "EUR"),
        ("kk", "40 млн еуро", "40 млн еуро", "money", "40000000", "EUR"),
        ("ru", "штраф 500 тыс. рублей", "500 тыс. рублей", "money", "500000", "RUB"),
        ("ru", "всего 1 рубль", "1 рубль", "money", "1", "RUB"),
        ("ru", "цена 1\u00a0250 ₸ за литр", "1\u00a0250 ₸", "money", "1250", "KZT"),
        ("ru", "цена ₽300 за штуку", "₽300", "money", "300", "RUB"),
        ("en", "a loan of €200 million", "€200 million", "money", "200000000", "EUR"),
        ("en", "about £3.2bn in", "£3.2bn", "money", "3200000000", "GBP"),
        ("en", "worth ¥10 billion", "¥10 billion", "money", "10000000000", "CNY"),
        ("en", "sales of 500 million yen", "500 million yen", "money", "500000000", "JPY"),
        ("en", "fees of 1,250 US dollars", "1,250 US dollars", "money", "1250", "USD"),
        ("en", "USD 10 million was spent", "USD 10 million", "money", "10000000", "USD"),
        ("ru", "около 5 млн USD", "5 млн USD", "money", "5000000", "USD"),
        # percentages
        ("kk", "өндірісінің 25 пайызы Қазақстандағы", "25 пайызы", "percent", "25", "%"),
        ("kk", "12 пайызға өсті", "12 пайызға", "percent", "12", "%"),
        ("kk", "3,5 пайызын құрады", "3,5 пайызын", "percent", "3.5", "%"),
        ("ru", "рост на 12%.", "12%", "percent", "12", "%"),
        ("ru", "рост на 4,2 %", "4,2 %", "percent", "4.2", "%"),
        ("ru", "доля 30 процентов", "30 процентов", "percent", "30", "%"),
        ("ru", "на 2 процента", "2 процента", "percent", "2", "%"),
        ("kk", "инфляция 25%-ға дейін", "25%-ға", "percent", "25", "%"),
        ("en", "up 3 percent on", "3 percent", "percent", "3", "%"),
        ("en", "up 3.5 per cent on", "3.5 per cent", "percent", "3.5", "%"),
        # quantities: units are kept, only scale words multiply
        ("ru", "мощностью 1250 тыс. тонн продукции", "1250 тыс. тонн", "quantity", "1250000", "t"),
        ("ru", "мощностью 160 МВт совместно", "160 МВт", "quantity", "160", "MW"),
        ("kk", "14,2 млн тоннаны құрады", "14,2 млн тоннаны", "quantity", "14200000", "t"),
        ("kk", "500 тоннадан астам", "500 тоннадан", "quantity", "500", "t"),
        ("ru", "до 1 250 000 тонн", "1 250 000 тонн", "quantity", "1250000", "t"),
        ("ru", "до 1\u2009250 тонн", "1\u2009250 тонн", "quantity", "1250", "t"),
        (
            "ru",
            "до 1\u202f250\u202f000 тонн",
            "1\u202f250\u202f000 тонн",
            "quantity",
            "1250000",
            "t",
        ),
        ("ru", "добыто 14,2 млн т нефти", "14,2 млн т", "quantity", "14200000", "t"),
        ("kk", "100 мың адам қатысты", "100 мың адам", "quantity", "100000", "people"),
        ("ru", "100 тыс. человек", "100 тыс. человек", "quantity", "100000", "people"),
        ("kk", "3 мың шақырым жол", "3 мың шақырым", "quantity", "3000", "km"),
        ("kk", "20 км-ге созылады", "20 км-ге", "quantity", "20", "km"),
        ("ru", "участок 20 км", "20 км", "quantity", "20", "km"),
        ("kk", "500 гектар жер", "500 гектар", "quantity", "500", "ha"),
        ("ru", "500 га земли", "500 га", "quantity", "500", "ha"),
        ("kk", "10 мың текше метр газ", "10 мың текше метр", "quantity", "10000", "m3"),
        ("ru", "10 млрд кубометров газа", "10 млрд кубометров", "quantity", "10000000000", "m3"),
        ("kk", "қуаты 1,2 ГВт станция", "1,2 ГВт", "quantity", "1.2", "GW"),
        ("kk", "5 млрд кВт·сағ электр", "5 млрд кВт·сағ", "quantity", "5000000000", "kWh"),
        ("ru", "5 млрд кВт·ч электроэнергии", "5 млрд кВт·ч", "quantity", "5000000000", "kWh"),
        ("kk", "күніне 2 млн баррель мұнай", "2 млн баррель", "quantity", "2000000", "bbl"),
        ("ru", "2 млн баррелей в сутки", "2 млн баррелей", "quantity", "2000000", "bbl"),
        ("en", "2 million barrels a day", "2 million barrels", "quantity", "2000000", "bbl"),
        ("en", "a 160 MW plant", "160 MW", "quantity", "160", "MW"),
        ("en", "1,250 tonnes of grain", "1,250 tonnes", "quantity", "1250", "t"),
        ("en", "5,000 people attended", "5,000 people", "quantity", "5000", "people"),
    ],
)
def test_figure(language, text, span, kind, value, unit):
    figure = only(text, language)
    assert figure.text == span
    assert figure.start == text.index(span)
    assert figure.kind == kind
    assert figure.value == Decimal(value)
    assert figure.unit == unit


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("kk", "2025 жылы Президент сапармен барды."),
        ("kk", "Жеңістің 80 жылдығына арналған шеру."),
        ("kk", "20-дан астам құжатқа қол қойылды."),
        ("kk", "6 мыңнан астам бірлескен кәсіпорын жұмыс істеп тұр."),
        ("ru", "Встреча прошла 2 сентября."),
        ("kk", "Бүгін, 19:52"),
        ("ru", "В 2024 году открыто 3 завода."),
        ("en", "The plant opened in 2025."),
        ("ru", "Мы будем, т. е. 5 т. е. без единиц."),
        ("kk", "Бұл кездесу екі ел арасындағы байланысты нығайтты."),
        ("ru", ""),
    ],
)
def test_no_figure(language, text):
    assert extract_figures(text, language) == []


@pytest.mark.parametrize(
    ("raw", "decimal_comma", "expected"),
    [
        ("7,4", True, "7.4"),
        ("1.5", True, "1.5"),
        ("1 250", True, "1250"),
        ("1\u00a0250\u00a0000", True, "1250000"),
        ("1,250", False, "1250"),
        ("1,250", True, "1.250"),
        ("1,250,000", True, "1250000"),
        ("1,250.5", False, "1250.5"),
        ("1.250,5", True, "1250.5"),
    ],
)
def test_parse_number(raw, decimal_comma, expected):
    assert parse_number(raw, decimal_comma) == Decimal(expected)


def test_unknown_language_uses_every_lexicon():
    text = "вложено 7,4 млрд долларов, 25 пайызы и 1,250 tonnes"
    found = [(f.text, f.value, f.unit) for f in extract_figures(text, "")]
    assert found == [
        ("7,4 млрд долларов", Decimal("7400000000"), "USD"),
        ("25 пайызы", Decimal("25"), "%"),
        ("1,250 tonnes", Decimal("1250"), "t"),
    ]


def test_seed_000_kazakh():
    text = seed("000")
    found = extract_figures(text, "kk")
    assert [(f.text, f.kind, f.value, f.unit) for f in found] == [
        ("55 миллиард АҚШ доллары", "money", Decimal("55000000000"), "USD"),
        ("25 пайызы", "percent", Decimal("25"), "%"),
    ]
    assert all(text[f.start : f.end] == f.text for f in found)


def test_seed_003_russian():
    text = seed("003")
    found = extract_figures(text, "ru")
    assert [(f.text, f.kind, f.value, f.unit) for f in found] == [
        ("1250 тыс. тонн", "quantity", Decimal("1250000"), "t"),
        ("7,4 млрд долларов", "money", Decimal("7400000000"), "USD"),
        ("160 МВт", "quantity", Decimal("160"), "MW"),
    ]
    assert all(text[f.start : f.end] == f.text for f in found)


def test_seed_004_kazakh():
    text = seed("004")
    found = extract_figures(text, "kk")
    assert [(f.text, f.value, f.unit) for f in found] == [
        ("$27 млрд-тан", Decimal("27000000000"), "USD")
    ]
    assert text[found[0].start : found[0].end] == "$27 млрд-тан"


def test_a_long_run_of_spaced_digits_stays_linear():
    # A pasted table once made every start position rescan the whole run (minutes per 100 kB).
    text = "123 " * 25_000
    started = time.perf_counter()
    assert extract_figures(text, "ru") == []
    assert time.perf_counter() - started < 2.0

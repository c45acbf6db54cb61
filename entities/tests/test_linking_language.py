"""Language functions of entity linking: lookup keys, Kazakh suffix stripping, Russian lemmas.

Pure functions: no database, no Django settings needed.
"""

from __future__ import annotations

import pytest

from entities.linking.kazakh import kazakh_base_forms
from entities.linking.keys import lookup_key, translit_key
from entities.linking.russian import russian_base_forms, russian_gender

# --- lookup_key --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Қ.-Ж. Тоқаев", "Қ.-Ж.Тоқаев"),
        ("Қ.-Ж. Тоқаев", "Қ. - Ж. Тоқаев"),
        ("Қ.-Ж. Тоқаев", "қ.‐ж. тоқаев"),
        ("Қасым-Жомарт Тоқаев", "Қасым – Жомарт  Тоқаев"),
        ("Қасым-Жомарт Тоқаев", "Қасым—Жомарт Тоқаев"),
        ("Тоқаев", "Тoқаев"),  # Latin o inside a Cyrillic word
        ("Тоқаев", "ТОҚАЕВ"),
        ("Тоқаев", "«Тоқаев»"),
        ("Тоқаев", " Тоқаев, "),
        ("Тоқаев", "Тоқаев."),
        ("Самрук-Қазына", "«Самрук–Қазына»"),
        ("Фёдоров", "Федоров"),
        ("Chevron", "Chеvron"),  # Cyrillic е inside a Latin word
        ("Chevron Corp.", "Chevron Corp"),
        ("АО «НК «КазМунайГаз»", 'АО "НК "КазМунайГаз"'),
        ("O'Brien", "O’Brien"),
    ],
)
def test_lookup_key_equal(a, b):
    assert lookup_key(a) == lookup_key(b)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Қ.-Ж.Тоқаев", "қ.-ж. тоқаев"),
        ("  «Тoқаев»  ", "тоқаев"),
        ("Самрук–Қазына", "самрук-қазына"),
        ("Ёлка", "елка"),
        ("", ""),
        ("   ", ""),
        ("«»", ""),
    ],
)
def test_lookup_key_value(text, key):
    assert lookup_key(text) == key


@pytest.mark.parametrize(
    ("a", "b"),
    [("Токаев", "Токаева"), ("Қ.-Ж. Тоқаев", "Қ. Тоқаев"), ("Иран", "Ирак"), ("Алматы", "Алмата")],
)
def test_lookup_key_distinct(a, b):
    assert lookup_key(a) != lookup_key(b)


def test_lookup_key_is_idempotent():
    for text in ["Қ.-Ж. Тоқаев", "«Самрук–Қазына»", "U.S. Steel", "Тoқаев"]:
        assert lookup_key(lookup_key(text)) == lookup_key(text)


# --- translit_key -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "names",
    [
        ["Тоқаев", "Токаев", "Tokayev", "Tokaev", "Tokaiev", "TOKAYEV"],
        ["Назарбаев", "Nazarbayev", "Nazarbaev"],
        ["Астана", "Astana"],
        ["Шымкент", "Shymkent", "Şymkent"],
        ["Алматы", "Almaty"],
        ["Ақтөбе", "Актобе", "Aktobe", "Aqtöbe", "Aqtóbe"],
        ["Қазақстан", "Казахстан", "Kazakhstan", "Qazaqstan"],
        [
            "Қасым-Жомарт Тоқаев",
            "Касым-Жомарт Токаев",
            "Kassym-Jomart Tokayev",
            "Qasym-Jomart Toqaev",
        ],
        ["Ерлан", "Yerlan", "Erlan"],
        ["Дмитрий", "Dmitry", "Dmitriy", "Dmitrii"],
        ["Жаңаөзен", "Жанаозен", "Zhanaozen", "Janaozen"],
        ["Жамбыл", "Zhambyl", "Jambyl"],
        ["Хельсинки", "Helsinki"],
        ["Мария", "Maria", "Mariya"],
        ["Ильяс", "Ilyas"],
        ["Ельцин", "Yeltsin"],
        ["Дмитриев", "Dmitriev", "Dmitriyev"],
        ["Түркістан", "Түркiстан", "Turkistan"],  # Latin i inside a Kazakh word
        ["Қарағанды", "Караганды", "Karaganda".replace("da", "dy"), "Qaraǵandy"],
        ["Өскемен", "Oskemen", "Óskemen"],
        ["Ерлан Сапаров", "Yerlan Saparov"],
    ],
)
def test_translit_key_equal(names):
    keys = {translit_key(name) for name in names}
    assert len(keys) == 1, dict(zip(names, map(translit_key, names), strict=True))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Токаев", "Токаева"),
        ("Tokayev", "Tokayeva"),
        ("Алматы", "Алмата"),
        ("Астана", "Астрахань"),
        ("Иран", "Ирак"),
        ("Мали", "Мальта"),
        ("Бейжің", "Пекин"),
        ("Хан", "Кан"),
        ("Омск", "Томск"),
        ("Китай", "Катар"),
        ("Австрия", "Австралия"),
        ("Касым-Жомарт Токаев", "Касым Жомарт Токаев"),  # hyphen vs space kept apart
        ("Ерлан Сапаров", "Ерлан-Сапаров"),
        ("Назарбаев", "Назарбаева"),
        ("Сербия", "Сирия"),
        ("Гвинея", "Гвиана"),
        ("Нигер", "Нигерия"),
        ("Ахмет", "Акмет"),
    ],
)
def test_translit_key_distinct(a, b):
    assert translit_key(a) != translit_key(b)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Тоқаев", "tokaev"),
        ("Қасым-Жомарт  Тоқаев", "kasim-jomart tokaev"),
        ("Касым – Жомарт Токаев", "kasim-jomart tokaev"),
        ("Қ.-Ж. Тоқаев", "k-j tokaev"),
        ("", ""),
        ("  ", ""),
    ],
)
def test_translit_key_value(text, key):
    assert translit_key(text) == key


# --- Kazakh ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "base"),
    [
        ("Атырау облысында", "Атырау облысы"),
        ("Атырау облысындағы", "Атырау облысы"),
        ("Атырау облысына", "Атырау облысы"),
        ("Атырау облысының", "Атырау облысы"),
        ("Атырау облысынан", "Атырау облысы"),
        ("Атырау облысын", "Атырау облысы"),
        ("Қасым-Жомарт Тоқаевтың", "Қасым-Жомарт Тоқаев"),
        ("Тоқаевтың", "Тоқаев"),
        ("Тоқаевқа", "Тоқаев"),
        ("Тоқаевпен", "Тоқаев"),
        ("Тоқаевты", "Тоқаев"),
        ("Тоқаевтан", "Тоқаев"),
        ("Қытайға", "Қытай"),
        ("Қытайдағы", "Қытай"),
        ("Қытайдың", "Қытай"),
        ("Бейжіңде", "Бейжің"),
        ("Си Цзиньпинмен", "Си Цзиньпин"),
        ("Шаймергенованың", "Шаймергенова"),
        ("Астанаға", "Астана"),
        ("Астанада", "Астана"),
        ("Астананың", "Астана"),
        ("Алматыда", "Алматы"),
        ("Алматыға", "Алматы"),
        ("Қазақстанның", "Қазақстан"),
        ("Қазақстаннан", "Қазақстан"),
        ("Қазақстанға", "Қазақстан"),
        ("Ақтөбеде", "Ақтөбе"),
        ("Түркістанға", "Түркістан"),
        ("Ерлан Сапаровпен", "Ерлан Сапаров"),
        ("Ресейдің", "Ресей"),
        ("Мәскеуде", "Мәскеу"),
        ("Атыраудың", "Атырау"),
        ("Жапонияның", "Жапония"),
        ("Ұлыбританиямен", "Ұлыбритания"),
        ("Түркиядағы", "Түркия"),
        ("Еуропалық одақтың", "Еуропалық одақ"),
        ("Назарбаевтар", "Назарбаев"),
        ("Қасым-Жомарттың", "Қасым-Жомарт"),
        ("Гамбургте", "Гамбург"),
        ("«Самұрық-Қазына» қорының", "«Самұрық-Қазына» қоры"),
        ("Қазақстан Республикасының", "Қазақстан Республикасы"),
        ("Президенттің", "Президент"),
        # Latin, digit and abbreviation words take the suffix after a hyphen/apostrophe or glued
        ("Chevron-ның", "Chevron"),
        ("Chevronның", "Chevron"),
        ("Chevron'ның", "Chevron"),
        ("Sinopec-пен", "Sinopec"),
        ("CNPC-мен", "CNPC"),
        ("ШЫҰ-ның", "ШЫҰ"),
        ("ҚХР-дың", "ҚХР"),
        ("ҚХР-ға", "ҚХР"),
        ("АҚШ-қа", "АҚШ"),
        ("АҚШ-тың", "АҚШ"),
        ("G20-ның", "G20"),
        ("«Қазатомөнеркәсіп»-тің", "«Қазатомөнеркәсіп»"),
        ("ТОҚАЕВТЫҢ", "ТОҚАЕВ"),  # capitalisation of the stem is kept
    ],
)
def test_kazakh_best_base_form(phrase, base):
    forms = kazakh_base_forms(phrase)
    assert forms[0] == phrase
    assert forms[1] == base, forms


@pytest.mark.parametrize(
    ("phrase", "better", "worse"),
    [
        ("Қазақстандықтар", "Қазақстандық", "Қазақстан"),  # -лық is a different word: last
        ("Алматылықтар", "Алматылық", "Алматы"),
        ("Атырау облысындағы", "Атырау облысы", "Атырау облыс"),
        ("Назарбаевтардың", "Назарбаевтар", "Назарбаев"),
        ("Алматы", "Алматы", "Алмат"),
    ],
)
def test_kazakh_ranking(phrase, better, worse):
    forms = kazakh_base_forms(phrase)
    assert forms.index(better) < forms.index(worse), forms


def test_kazakh_derivational_stem_is_offered():
    assert kazakh_base_forms("Қазақстандық") == ["Қазақстандық", "Қазақстан"]


@pytest.mark.parametrize(
    "phrase",
    [
        "Алматы",
        "Астана",
        "Тоқаева",  # female surname: a bare -а is not a case ending
        "Шаймергенова",
        "Назарбаева",
        "Қасым-Жомарт Тоқаев",
        "Ақтөбе",
        "Chevron",
        "CNPC",
        "Атырау облысы",
    ],
)
def test_kazakh_nominative_stays_first(phrase):
    forms = kazakh_base_forms(phrase)
    assert forms[0] == phrase


@pytest.mark.parametrize(
    ("phrase", "forbidden"),
    [
        ("Тоқаева", "Тоқаев"),
        ("Назарбаева", "Назарбаев"),
        ("Астана", "Астан"),
        ("Ақтөбе", "Ақтөб"),
        ("Тоқаевтың", "Тоқаевты"),  # not «Тоқаевты» + 2nd-person -ң when the genitive fits
        ("Қытайдағы", "Қытайдағ"),
        ("Бейжіңде", "Бейжі"),
        ("Chevronның", "Chevronны"),
        ("Chevron-ның", "Chevron-"),
    ],
)
def test_kazakh_does_not_overstrip(phrase, forbidden):
    assert forbidden not in kazakh_base_forms(phrase)


@pytest.mark.parametrize("phrase", ["Тоқаевтың", "Атырау облысындағы", "ҚХР-дың", "Алматы", "Ақ"])
def test_kazakh_forms_unique_and_nonempty(phrase):
    forms = kazakh_base_forms(phrase)
    assert len(forms) == len(set(forms))
    assert all(f.strip() for f in forms)


def test_kazakh_short_words_are_not_stripped_to_nothing():
    assert kazakh_base_forms("ға") == ["ға"]
    assert kazakh_base_forms("Ақ") == ["Ақ"]
    assert kazakh_base_forms("") == []
    assert kazakh_base_forms("Chevron-xyz") == ["Chevron-xyz"]
    assert kazakh_base_forms("Chevron-жоқ") == ["Chevron-жоқ"]  # not a suffix chain


def test_kazakh_only_last_word_changes():
    forms = kazakh_base_forms("Қазақстан Республикасы Президентінің")
    assert all(f.startswith("Қазақстан Республикасы ") for f in forms)


# --- Russian ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "base"),
    [
        ("Токаевым", "Токаев"),
        ("Токаевой", "Токаева"),
        ("Токаеву", "Токаев"),
        ("Касым-Жомарта Токаева", "Касым-Жомарт Токаев"),
        ("Касым-Жомартом Токаевым", "Касым-Жомарт Токаев"),
        ("Ерланом Сапаровым", "Ерлан Сапаров"),
        ("Си Цзиньпином", "Си Цзиньпин"),
        ("Нурсултаном Назарбаевым", "Нурсултан Назарбаев"),
        ("Нурсултана Назарбаева", "Нурсултан Назарбаев"),
        ("Айгерим Токаевой", "Айгерим Токаева"),
        ("Динарой Шаймергеновой", "Динара Шаймергенова"),
        ("Марии Захаровой", "Мария Захарова"),
        ("Сауле Омаровой", "Сауле Омарова"),
        ("Алиханом Смаиловым", "Алихан Смаилов"),
        ("Маулену Ашимбаеву", "Маулен Ашимбаев"),
        ("Владимира Путина", "Владимир Путин"),
        ("Сергеем Лавровым", "Сергей Лавров"),
        ("Чайковского", "Чайковский"),
        ("Жуковской", "Жуковская"),
        ("К.-Ж. Токаевым", "К.-Ж. Токаев"),
        ("ТОКАЕВЫМ", "ТОКАЕВ"),
        ("Бектеновой", "Бектенова"),
    ],
)
def test_russian_person(phrase, base):
    forms = russian_base_forms(phrase, "PER")
    assert forms[0] == phrase
    assert forms[1] == base, forms


@pytest.mark.parametrize(
    ("phrase", "forbidden"),
    [("Токаевой", "Токаев"), ("Айгерим Токаевой", "Айгерим Токаев"), ("Токаевым", "Токаева")],
)
def test_russian_person_keeps_gender(phrase, forbidden):
    assert forbidden not in russian_base_forms(phrase, "PER")


@pytest.mark.parametrize(
    "phrase",
    ["Токаев", "Касым-Жомарт Токаев", "Ерлан Сапаров", "Си Цзиньпин", "Xi Jinping", "Айгерим"],
)
def test_russian_person_nominative_unchanged(phrase):
    assert russian_base_forms(phrase, "PER") == [phrase]


def test_russian_person_ambiguous_keeps_both():
    # «Токаева» is either a woman (nominative) or a man (genitive): both stay candidates.
    assert russian_base_forms("Токаева", "PER") == ["Токаева", "Токаев"]


@pytest.mark.parametrize(
    ("phrase", "gender"),
    [
        ("Токаевым", "m"),
        ("Токаевой", "f"),
        ("Токаев", "m"),
        ("Токаева", ""),
        ("Касым-Жомарта Токаева", "m"),
        ("Айгерим Токаевой", "f"),
        ("Айгерим Токаева", "f"),
        ("Ерланом Сапаровым", "m"),
        ("Марии Захаровой", "f"),
        ("Жуковской", "f"),
        ("Xi Jinping", ""),
        ("", ""),
    ],
)
def test_russian_gender(phrase, gender):
    assert russian_gender(phrase) == gender


@pytest.mark.parametrize(
    ("phrase", "base"),
    [
        ("Атырауской области", "Атырауская область"),
        ("Мангистауской области", "Мангистауская область"),
        ("Алматинской области", "Алматинская область"),
        ("Западно-Казахстанской области", "Западно-Казахстанская область"),
        ("Пекине", "Пекин"),
        ("Китае", "Китай"),
        ("Шымкенте", "Шымкент"),
        ("Казахстана", "Казахстан"),
        ("Астане", "Астана"),
        ("Нур-Султане", "Нур-Султан"),
        ("Усть-Каменогорска", "Усть-Каменогорск"),
        ("Китай-городе", "Китай-город"),
        ("России", "Россия"),
        ("Кремле", "Кремль"),
        ("Республики Казахстан", "Республика Казахстан"),
        ("Объединенных Арабских Эмиратов", "Объединенные Арабские Эмираты"),
        ("Соединенных Штатов Америки", "Соединенные Штаты Америки"),
    ],
)
def test_russian_place(phrase, base):
    forms = russian_base_forms(phrase, "LOC")
    assert forms[0] == phrase
    assert forms[1] == base, forms


@pytest.mark.parametrize(
    ("phrase", "base"),
    [
        ("Европейского союза", "Европейский союз"),
        ("Министерства иностранных дел", "Министерство иностранных дел"),
        ("Национального банка Казахстана", "Национальный банк Казахстана"),
        ("Евразийского экономического союза", "Евразийский экономический союз"),
        ("Шанхайской организации сотрудничества", "Шанхайская организация сотрудничества"),
        ("Сената Парламента", "Сенат Парламента"),
        ("Мажилиса", "Мажилис"),
    ],
)
def test_russian_organisation(phrase, base):
    forms = russian_base_forms(phrase, "ORG")
    assert forms[0] == phrase
    assert forms[1] == base, forms


@pytest.mark.parametrize(
    ("phrase", "entity_type"),
    [
        ("КНР", "LOC"),
        ("CNPC", "ORG"),
        ("SANY", "ORG"),
        ("ООН", "ORG"),
        ("Китай-город", "LOC"),
        ("Алматы", "LOC"),
        ("Астана", "LOC"),
        ("Китай", "LOC"),
        ("Министерство иностранных дел", "ORG"),
        ("Атырауская область", "LOC"),
    ],
)
def test_russian_untouched(phrase, entity_type):
    assert russian_base_forms(phrase, entity_type) == [phrase]


def test_russian_kitay_gorod_never_reduced():
    for phrase in ["Китай-город", "Китай-городе", "Китай-города"]:
        assert "Китай" not in russian_base_forms(phrase, "LOC")


def test_russian_empty():
    assert russian_base_forms("", "PER") == []
    assert russian_base_forms("   ", "LOC") == []

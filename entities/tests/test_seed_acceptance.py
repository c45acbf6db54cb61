"""The acceptance floor of extraction, on the three seed articles as `make run` imports them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from articles.models import ExtractionState
from entities.extraction import EXTRACTOR_VERSION
from entities.models import DateMention, Figure, Mention, Quote
from entities.tests.conftest import entity_named

pytestmark = pytest.mark.django_db


def linked_entities(article) -> set[int]:
    return set(
        Mention.objects.filter(article=article, entity__isnull=False).values_list(
            "entity_id", flat=True
        )
    )


def test_seeds_are_extracted_in_their_languages(seed_articles) -> None:
    assert {k: a.language for k, a in seed_articles.items()} == {
        "000": "kk",
        "003": "ru",
        "004": "kk",
    }
    for article in seed_articles.values():
        assert article.extraction_state == ExtractionState.DONE, article.extraction_error
        assert article.extractor_version == EXTRACTOR_VERSION
        assert set(
            Mention.objects.filter(article=article).values_list("extractor_version", flat=True)
        ) == {EXTRACTOR_VERSION}


def test_tokayev_is_one_entity_in_all_three_articles(seed_articles) -> None:
    tokayev = entity_named("Токаев")
    assert entity_named("Тоқаев") == entity_named("Tokayev") == tokayev
    for key, article in seed_articles.items():
        texts = set(
            Mention.objects.filter(article=article, entity=tokayev).values_list("text", flat=True)
        )
        assert texts, f"Tokayev is not linked in seed {key}"
    # Inflected Kazakh forms are on the same entity («Тоқаевтың» in 000 and 004).
    assert Mention.objects.filter(entity=tokayev, text__endswith="Тоқаевтың").count() >= 2


def test_xi_jinping_is_one_entity_across_russian_and_kazakh(seed_articles) -> None:
    xi = entity_named("Си Цзиньпин")
    ru = set(
        Mention.objects.filter(article=seed_articles["003"], entity=xi).values_list(
            "text", flat=True
        )
    )
    kk = set(
        Mention.objects.filter(article=seed_articles["004"], entity=xi).values_list(
            "text", flat=True
        )
    )
    assert any("Цзиньпином" in text for text in ru), ru
    assert any("Цзиньпинмен" in text for text in kk), kk


@pytest.mark.parametrize(
    "name",
    [
        "Китай",
        "Пекин",
        "Chevron",
        "Sinopec",
        "CNPC",
        "Теңіз",
        "Қарашығанақ",
        "Атырауская область",
        "Шымкент",
    ],
)
def test_places_and_companies_are_linked(seed_articles, name) -> None:
    entity = entity_named(name)
    linked = set().union(*(linked_entities(a) for a in seed_articles.values()))
    assert entity.pk in linked, f"{name} is not linked in any seed"


@pytest.mark.parametrize(
    ("seed", "kind", "value", "unit"),
    [
        ("000", "money", Decimal("55000000000"), "USD"),
        ("000", "percent", Decimal("25"), "%"),
        ("003", "money", Decimal("7400000000"), "USD"),
        ("003", "quantity", Decimal("1250000"), "t"),
        ("003", "quantity", Decimal("160"), "MW"),
        ("004", "money", Decimal("27000000000"), "USD"),
    ],
)
def test_figures_are_normalised(seed_articles, seed, kind, value, unit) -> None:
    assert Figure.objects.filter(
        article=seed_articles[seed], kind=kind, value=value, unit=unit
    ).exists(), list(Figure.objects.filter(article=seed_articles[seed]))


def test_dates_are_resolved(seed_articles) -> None:
    ru_dates = set(
        DateMention.objects.filter(article=seed_articles["003"]).values_list("value", flat=True)
    )
    assert date(2025, 9, 2) in ru_dates
    # 003 has no publication date: its «сегодня» is not guessed from the import time.
    assert seed_articles["003"].published_at is None
    assert not DateMention.objects.filter(article=seed_articles["003"], relative=True).exists()
    kk = DateMention.objects.filter(article=seed_articles["004"])
    assert date(2025, 8, 30) in set(kk.values_list("value", flat=True))
    assert kk.filter(value=date(2025, 8, 31), value_end=date(2025, 9, 3)).exists()
    # «Бүгін, 19:52» is 000's dateline: import resolves it into the publication time, which
    # is the reference every relative date of the body is resolved against.
    published = timezone.localtime(seed_articles["000"].published_at)
    assert (published.date(), published.strftime("%H:%M")) == (date(2025, 9, 5), "19:52")


def test_the_quote_in_003_is_attributed_to_tokayev(seed_articles) -> None:
    tokayev = entity_named("Токаев")
    quotes = Quote.objects.filter(article=seed_articles["003"])
    assert quotes.filter(speaker=tokayev, text__startswith="Договорились о том").exists()
    assert quotes.filter(speaker=tokayev, text__startswith="Совместно с компанией Sinopec").exists()


def test_a_kk_and_a_ru_article_about_an_unknown_person_share_one_proposed_entity(
    import_articles,
) -> None:
    from articles.importing import ImportFile

    ru = (
        "Министр встретился с Ерланом Сапаровым\n\n"
        "Вчера в Астане министр энергетики провёл переговоры с Ерланом Сапаровым, "
        "главой новой компании. Стороны обсудили поставки газа в Шымкент.\n"
    )
    kk = (
        "Министр Ерлан Сапаровпен кездесті\n\n"
        "Кеше Астанада энергетика министрі жаңа компания басшысы Ерлан Сапаровпен "
        "келіссөз жүргізді. Тараптар Шымкентке газ жеткізуді талқылады.\n"
    )
    ru_article, kk_article = import_articles(
        ImportFile("ru.txt", ru.encode()), ImportFile("kk.txt", kk.encode())
    )
    assert (ru_article.language, kk_article.language) == ("ru", "kk")
    ru_entities = {
        m.entity for m in Mention.objects.filter(article=ru_article, text__contains="Сапаров")
    }
    kk_entities = {
        m.entity for m in Mention.objects.filter(article=kk_article, text__contains="Сапаров")
    }
    assert len(ru_entities) == 1
    assert ru_entities == kk_entities
    [entity] = ru_entities
    assert entity.status == "proposed"
    assert "Ерлан Сапаров" in {entity.name_ru, entity.name_kk}

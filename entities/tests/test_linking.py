"""Linking mentions to the knowledge base across Kazakh suffixes, Russian cases and scripts,
proposing entities for unknown names, and refusing false merges."""

from __future__ import annotations

import pytest

from entities.linking.linker import MentionText, mentions_link
from entities.models import Alias, Entity, Mention
from entities.services import alias_add
from entities.tests.conftest import entity_named

pytestmark = pytest.mark.django_db


def link(text: str, entity_type: str, language: str):
    return mentions_link([MentionText(text, entity_type)], language=language)[0]


@pytest.mark.parametrize(
    ("text", "language", "method"),
    [
        ("Қасым-Жомарт Тоқаев", "kk", "exact"),
        ("Тоқаевтың", "kk", "inflection"),
        ("Тоқаевқа", "kk", "inflection"),
        ("Касым-Жомарт Токаев", "ru", "exact"),
        ("Токаевым", "ru", "inflection"),
        ("Касым-Жомарта Токаева", "ru", "inflection"),
        ("Tokayev", "en", "exact"),
        ("Tokaev", "en", "exact"),
        ("Tokaiev", "en", "transliteration"),
        ("Токаевтың", "kk", "inflection"),  # the Russian spelling with a Kazakh ending
    ],
)
def test_tokayev_in_every_language_and_case(text, language, method) -> None:
    found = link(text, "PER", language)
    assert found.entity_id == entity_named("Токаев").pk
    assert found.method == method
    assert 0 < found.confidence <= 1


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Қытай", "kk"),
        ("Қытайға", "kk"),
        ("Қытайдағы", "kk"),
        ("Китай", "ru"),
        ("Китае", "ru"),
        ("КНР", "ru"),
        ("ҚХР", "kk"),
        ("ҚХР-дың", "kk"),
    ],
)
def test_china_in_every_form(text, language) -> None:
    assert link(text, "LOC", language).entity_id == entity_named("Китай").pk


@pytest.mark.parametrize(
    ("text", "language"),
    [("Бейжің", "kk"), ("Бейжіңде", "kk"), ("Пекин", "ru"), ("Пекине", "ru"), ("Beijing", "en")],
)
def test_beijing_in_every_form(text, language) -> None:
    assert link(text, "LOC", language).entity_id == entity_named("Пекин").pk


def test_latin_name_with_a_kazakh_suffix_and_an_abbreviation() -> None:
    assert link("Chevron-ның", "ORG", "kk").entity_id == entity_named("Chevron").pk
    assert link("Атырау облысында", "LOC", "kk").entity_id == entity_named("Атырау облысы").pk
    assert link("Атырауской области", "LOC", "ru").entity_id == entity_named("Атырау облысы").pk


def test_one_query_for_a_whole_document(django_assert_max_num_queries) -> None:
    mentions = [MentionText(t, "LOC") for t in ("Қытай", "Бейжіңде", "Шымкентте", "Астанаға")]
    mentions_link(mentions, language="kk")  # warm the fuzzy-match cache
    with django_assert_max_num_queries(1):
        links = mentions_link(mentions, language="kk", propose=False)
    assert all(found.entity_id for found in links)


def test_an_unknown_person_is_proposed_once_across_languages() -> None:
    ru = link("Ерланом Сапаровым", "PER", "ru")
    kk = link("Ерлан Сапаровпен", "PER", "kk")
    assert ru.proposed
    assert ru.entity_id
    assert kk.entity_id == ru.entity_id
    entity = Entity.objects.get(pk=ru.entity_id)
    assert entity.status == Entity.Status.PROPOSED
    assert entity.name_ru == "Ерлан Сапаров"
    assert entity.gender == "m"


def test_feminine_surname_is_not_linked_to_a_man() -> None:
    tokayev = entity_named("Токаев")
    found = link("Анной Токаевой", "PER", "ru")
    assert found.entity_id != tokayev.pk
    assert found.suggested_entity_id != tokayev.pk


def test_compound_place_is_not_the_country() -> None:
    found = link("Китай-город", "LOC", "ru")
    china = entity_named("Китай").pk
    assert found.entity_id != china
    assert found.suggested_entity_id != china


def test_misspelling_is_only_suggested(django_assert_max_num_queries) -> None:
    found = link("Сейтқазинаның", "PER", "kk")  # an unknown surname alone: never proposed
    assert found.entity_id is None
    misspelt = link("Касым-Жомарт Такаев", "PER", "ru")
    assert misspelt.entity_id is None
    assert misspelt.method == Mention.Method.FUZZY
    assert misspelt.suggested_entity_id == entity_named("Токаев").pk
    assert misspelt.confidence < 0.6


def test_an_alias_two_entities_share_is_offered_not_linked() -> None:
    first = Entity.objects.create(type="ORG", name_en="Orda Holding", status="confirmed")
    second = Entity.objects.create(type="ORG", name_en="Orda Media", status="confirmed")
    alias_add(entity=first, text="ORDA")
    alias_add(entity=second, text="ORDA")
    found = link("ORDA", "ORG", "en")
    assert found.entity_id is None
    assert found.suggested_entity_id in {first.pk, second.pk}


def test_merged_entity_links_to_the_survivor() -> None:
    survivor = entity_named("Токаев")
    duplicate = Entity.objects.create(type="PER", name_ru="Токаев К.", status="proposed")
    alias_add(entity=duplicate, text="Кемелұлы Тоқаев")
    duplicate.merged_into = survivor
    duplicate.save()
    assert link("Кемелұлы Тоқаев", "PER", "kk").entity_id == survivor.pk


def test_surname_alone_follows_the_full_name_in_the_same_document() -> None:
    full, alone = mentions_link(
        [MentionText("Гүлнар Сейтқазина", "PER"), MentionText("Сейтқазинаның", "PER")],
        language="kk",
    )
    assert full.proposed
    assert alone.entity_id == full.entity_id


def test_editor_alias_links_next_time() -> None:
    entity = Entity.objects.create(type="ORG", name_kk="Алтын Сапа Медиа", status="confirmed")
    alias_add(entity=entity, text="АСМ", language="kk")
    assert Alias.objects.get(entity=entity, key="асм").origin == Alias.Origin.EDITOR
    assert link("АСМ-ның", "ORG", "kk").entity_id == entity.pk


def test_a_lowercase_common_word_is_only_offered() -> None:
    found = link("теңіз", "LOC", "kk")  # «sea»; «Теңіз» is the oil field
    assert found.entity_id is None
    assert found.suggested_entity_id == entity_named("Теңіз").pk


@pytest.mark.parametrize(
    "text", ["Тоқаев ШЫҰ", "Транскаспий", "мемлекет басшысы", "Ерлан САПАРОВ ЖШС"]
)
def test_tagger_noise_does_not_propose_people(text) -> None:
    count = Entity.objects.count()
    found = link(text, "PER", "kk")
    assert not found.proposed
    assert Entity.objects.count() == count


def test_initials_are_a_name() -> None:
    assert link("Е.Б. Сапаров", "PER", "ru").proposed


def test_a_chain_of_merges_links_to_the_last_survivor() -> None:
    survivor = entity_named("Токаев")
    middle = Entity.objects.create(type="PER", name_ru="Токаев К.-Ж.", merged_into=survivor)
    first = Entity.objects.create(type="PER", name_ru="Токаев Касым", merged_into=middle)
    alias_add(entity=first, text="Кемелұлы Тоқаев")
    assert link("Кемелұлы Тоқаевтың", "PER", "kk").entity_id == survivor.pk

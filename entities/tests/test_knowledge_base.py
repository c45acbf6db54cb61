"""The seed knowledge base: loaded into every fresh database, reloadable without touching what
editors added, and strict about a broken file."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from entities.models import Alias, Entity
from entities.services import (
    KNOWLEDGE_BASE_PATH,
    KnowledgeBaseError,
    alias_add,
    knowledge_base_load,
    knowledge_base_read,
)
from entities.tests.conftest import entity_named

pytestmark = pytest.mark.django_db


def test_a_migrated_database_has_the_knowledge_base() -> None:
    entries = knowledge_base_read()
    assert len(entries) >= 150
    assert Entity.objects.exclude(kb_slug="").count() == len(entries)
    tokayev = entity_named("Tokayev")
    assert tokayev.status == Entity.Status.CONFIRMED
    assert {tokayev.name_kk, tokayev.name_ru} == {"Қасым-Жомарт Тоқаев", "Касым-Жомарт Токаев"}
    for abbreviation in ("КНР", "ҚХР", "PRC"):
        assert entity_named(abbreviation) == entity_named("Китай")
    assert entity_named("ШОС") == entity_named("ШЫҰ") == entity_named("SCO")
    assert (
        Alias.objects.filter(origin=Alias.Origin.KNOWLEDGE_BASE).exclude(translit_key="").exists()
    )


def test_reload_keeps_editors_additions_and_is_idempotent() -> None:
    tokayev = entity_named("Tokayev")
    editors_alias = alias_add(entity=tokayev, text="Мемлекет басшысы Тоқаев", language="kk")
    editors_entity = Entity.objects.create(type="PER", name_kk="Гүлнар Шаймергенова-Test")
    tokayev.description = "Edited by the desk."
    tokayev.save()
    aliases_before = Alias.objects.count()

    result = knowledge_base_load()

    assert (result.created, result.aliases_added) == (0, 0)
    assert Alias.objects.count() == aliases_before
    assert Alias.objects.filter(pk=editors_alias.pk).exists()
    assert Entity.objects.filter(pk=editors_entity.pk).exists()
    tokayev.refresh_from_db()
    assert tokayev.description == "Edited by the desk."  # not overwritten without --overwrite


def test_reload_restores_deleted_seed_aliases_and_entities() -> None:
    china = entity_named("Китай")
    Alias.objects.filter(entity=china, text="КНР").delete()
    Entity.objects.filter(pk=entity_named("Шымкент").pk).delete()
    result = knowledge_base_load()
    assert result.created == 1
    assert result.aliases_added >= 2
    assert entity_named("КНР") == china


def test_overwrite_replaces_edited_fields() -> None:
    tokayev = entity_named("Tokayev")
    tokayev.description = "Edited."
    tokayev.save()
    call_command("load_entities", "--overwrite", stdout=io.StringIO())
    tokayev.refresh_from_db()
    assert tokayev.description != "Edited."


def test_wikidata_id_taken_by_an_editor_entity_does_not_break_the_load(tmp_path) -> None:
    path = tmp_path / "kb.json"
    path.write_text(
        json.dumps(
            {
                "entities": [
                    {
                        "slug": "test-place",
                        "type": "LOC",
                        "names": {"en": "Testplace"},
                        "wikidata": "Q999999999",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    Entity.objects.create(type="LOC", name_en="Mine", wikidata_id="Q999999999")
    knowledge_base_load(path=path)
    assert Entity.objects.get(kb_slug="test-place").wikidata_id == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe not json", "not valid UTF-8 JSON"),
        (b"[]", "«entities» list"),
        (b'{"entities": [{"slug": "x", "type": "CITY", "names": {"en": "X"}}]}', "PER, ORG or LOC"),
        (b'{"entities": [{"slug": "x", "type": "LOC", "names": {}}]}', "no name"),
        (
            b'{"entities": [{"slug": "x", "type": "LOC", "names": {"en": "X"}},'
            b' {"slug": "x", "type": "LOC", "names": {"en": "Y"}}]}',
            "appears twice",
        ),
        (
            b'{"entities": [{"slug": "x", "type": "LOC", "names": {"en": "X"}, "wikidata": "X1"}]}',
            "look like Q42",
        ),
        (
            b'{"entities": [{"slug": "x", "type": "PER", "names": {"en": "X"}, "gender": "x"}]}',
            "gender must be",
        ),
        (
            b'{"entities": [{"slug": "x", "type": "LOC", "names": {"en": "X"},'
            b' "aliases": {"en": "Xland"}}]}',
            "list of texts",
        ),
    ],
)
def test_a_broken_file_is_refused_with_a_clear_message(tmp_path, content, message) -> None:
    path = tmp_path / "kb.json"
    path.write_bytes(content)
    count = Entity.objects.count()
    with pytest.raises(KnowledgeBaseError, match=message):
        knowledge_base_load(path=path)
    with pytest.raises(CommandError, match=message):
        call_command("load_entities", "--path", str(path))
    assert Entity.objects.count() == count


def test_the_shipped_file_is_valid() -> None:
    entries = knowledge_base_read(KNOWLEDGE_BASE_PATH)
    wikidata = [e["wikidata"] for e in entries if e.get("wikidata")]
    assert len(wikidata) == len(set(wikidata))
    for entry in entries:
        assert all(entry["names"].get(lang) for lang in ("kk", "ru", "en")), entry["slug"]

"""Curation services: merge, split, aliases, edits, confirmation, and undoing each exactly."""

from __future__ import annotations

import pytest

from entities.conflicts.models import FigureConflict
from entities.curation import services
from entities.curation.models import EntityCuration
from entities.curation.services import CurationError
from entities.models import Alias, Entity, Mention, Quote
from entities.tests.test_curation_fixtures import (
    make_article,
    make_entity,
    mention,
    ownership,
    quote,
)

pytestmark = pytest.mark.django_db
Action = EntityCuration.Action


@pytest.fixture
def refreshed(monkeypatch):
    """The entity ids the coverage refresh is called with (after commit)."""
    calls: list[list[int]] = []
    monkeypatch.setattr(
        services.coverage_services,
        "coverage_refresh_for_entities",
        lambda *, entity_ids: calls.append(sorted(entity_ids)),
    )
    return calls


@pytest.fixture
def world():
    """A confirmed «Токаев», a proposed duplicate «Тоқаевтың» with mentions, a quote, a
    suggestion and a figure conflict, and an article mentioning both."""
    tokayev = make_entity(ru="Токаев", en="Tokayev", wikidata_id="")
    proposed = make_entity(
        kk="Тоқаевтың",
        status=Entity.Status.PROPOSED,
        aliases=(("Токаев", "ru"), ("Президент Тоқаев", "kk")),
        description="Proposed by extraction",
        wikidata_id="Q312345",
        gender="m",
    )
    article = make_article("Тоқаевтың айтуынша, «бәрі жақсы». Тоқаевтың сөзі. Тоқаевтың ісі.")
    m1 = mention(article, proposed, "Тоқаевтың", nth=0)
    m2 = mention(article, proposed, "Тоқаевтың", nth=1)
    m3 = mention(article, None, "Тоқаевтың", nth=2, suggested=proposed)
    q = quote(article, proposed, "бәрі жақсы", "Тоқаевтың")
    other_article = make_article("Бөлек мақала.")
    conflict = FigureConflict.objects.create(
        fingerprint="x" * 64,
        entity=proposed,
        kind="money",
        unit="USD",
        article_a=min(article, other_article, key=lambda a: a.pk),
        article_b=max(article, other_article, key=lambda a: a.pk),
        value_a=1,
        value_b=2,
        text_a="1",
        text_b="2",
    )
    return {
        "tokayev": tokayev,
        "proposed": proposed,
        "article": article,
        "mentions": [m1, m2, m3],
        "quote": q,
        "conflict": conflict,
    }


# -- merge -------------------------------------------------------------------------------------


def test_merge_moves_everything_and_keeps_the_source(
    world, editor, refreshed, django_capture_on_commit_callbacks
):
    tokayev, proposed = world["tokayev"], world["proposed"]
    with django_capture_on_commit_callbacks(execute=True):
        record = services.entity_merge(
            source=proposed, target=tokayev, user=editor, reason="the same president"
        )

    proposed.refresh_from_db()
    tokayev.refresh_from_db()
    assert proposed.merged_into_id == tokayev.pk
    m1, m2, m3 = (Mention.objects.get(pk=m.pk) for m in world["mentions"])
    assert m1.entity_id == m2.entity_id == tokayev.pk
    assert m3.suggested_entity_id == tokayev.pk
    assert m3.entity_id is None
    assert Quote.objects.get(pk=world["quote"].pk).speaker_id == tokayev.pk
    assert FigureConflict.objects.get(pk=world["conflict"].pk).entity_id == tokayev.pk
    # «Токаев» was already the target's: dropped (left on the source); the others moved.
    moved = set(Alias.objects.filter(entity=tokayev).values_list("text", flat=True))
    assert {"Тоқаевтың", "Президент Тоқаев", "Токаев", "Tokayev"} <= moved
    assert list(Alias.objects.filter(entity=proposed).values_list("text", flat=True)) == ["Токаев"]
    assert [a["text"] for a in record.payload["aliases_dropped"]] == ["Токаев"]
    assert len(record.payload["aliases_moved"]) == 2
    # Names, description, Wikidata id and gender the target lacked.
    assert tokayev.name_kk == "Тоқаевтың"
    assert tokayev.description == "Proposed by extraction"
    assert tokayev.wikidata_id == "Q312345"
    assert proposed.wikidata_id == ""
    assert tokayev.gender == "m"
    assert tokayev.name_ru == "Токаев"  # what the target had stays
    assert record.action == Action.MERGED
    assert (record.entity_id, record.other_id, record.user, record.reason) == (
        proposed.pk,
        tokayev.pk,
        editor,
        "the same president",
    )
    assert refreshed == [sorted([proposed.pk, tokayev.pk])]


def test_merge_then_undo_restores_the_state_exactly(
    world, editor, refreshed, django_capture_on_commit_callbacks
):
    tokayev, proposed = world["tokayev"], world["proposed"]
    before = ownership(tokayev, proposed)
    record = services.entity_merge(source=proposed, target=tokayev, user=editor)
    assert ownership(tokayev, proposed) != before

    with django_capture_on_commit_callbacks(execute=True):
        undo = services.curation_revert(curation=record, user=editor)

    assert ownership(tokayev, proposed) == before
    record.refresh_from_db()
    assert record.reverted_at is not None
    assert record.reverted_by == editor
    assert undo.action == Action.REVERTED
    assert undo.payload["reverted"] == record.pk
    assert refreshed[-1] == sorted([proposed.pk, tokayev.pk])
    with pytest.raises(CurationError, match="already undone"):
        services.curation_revert(curation=record, user=editor)
    with pytest.raises(CurationError, match="cannot be undone"):
        services.curation_revert(curation=undo, user=editor)


def test_merge_follows_the_target_to_the_entity_it_was_merged_into(world, editor):
    tokayev, proposed = world["tokayev"], world["proposed"]
    old = make_entity(ru="Токаев К.-Ж.")
    services.entity_merge(source=old, target=tokayev, user=editor)
    record = services.entity_merge(source=proposed, target=old, user=editor)
    assert record.other_id == tokayev.pk
    assert Mention.objects.filter(entity=tokayev).count() == 2


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("itself", "cannot be merged into itself"),
        ("cycle", "cannot be merged into itself"),
        ("already", "already merged"),
        ("type", "different types"),
    ],
)
def test_merge_refusals_write_nothing(world, editor, case, message):
    tokayev, proposed = world["tokayev"], world["proposed"]
    place = make_entity(type="LOC", kk="Астана")
    elsewhere = make_entity(ru="Ещё один")
    if case == "cycle":
        services.entity_merge(source=elsewhere, target=proposed, user=editor)
        source, target = proposed, elsewhere  # elsewhere leads back to proposed
    elif case == "already":
        services.entity_merge(source=elsewhere, target=tokayev, user=editor)
        source, target = elsewhere, proposed
    else:
        source, target = proposed, {"itself": proposed, "type": place}[case]
    before = ownership(tokayev, proposed, place, elsewhere)
    records = EntityCuration.objects.count()
    with pytest.raises(CurationError, match=message):
        services.entity_merge(source=source, target=target, user=editor)
    assert ownership(tokayev, proposed, place, elsewhere) == before
    assert EntityCuration.objects.count() == records


def test_undo_of_a_merge_is_refused_once_the_target_was_merged_further(world, editor):
    tokayev, proposed = world["tokayev"], world["proposed"]
    record = services.entity_merge(source=proposed, target=tokayev, user=editor)
    other = make_entity(en="Kassym-Jomart Tokayev")
    services.entity_merge(source=tokayev, target=other, user=editor)
    before = ownership(tokayev, proposed, other)
    with pytest.raises(CurationError, match="undo that merge first"):
        services.curation_revert(curation=record, user=editor)
    assert ownership(tokayev, proposed, other) == before
    record.refresh_from_db()
    assert record.reverted_at is None


def test_undo_of_a_merge_leaves_a_mention_an_editor_relinked_since(world, editor):
    tokayev, proposed = world["tokayev"], world["proposed"]
    record = services.entity_merge(source=proposed, target=tokayev, user=editor)
    someone = make_entity(ru="Кто-то другой")
    m1 = world["mentions"][0]
    Mention.objects.filter(pk=m1.pk).update(entity=someone)
    services.curation_revert(curation=record, user=editor)
    assert Mention.objects.get(pk=m1.pk).entity_id == someone.pk
    assert Mention.objects.get(pk=world["mentions"][1].pk).entity_id == proposed.pk


# -- split -------------------------------------------------------------------------------------


@pytest.fixture
def namesakes():
    """«Ерлан Сапаров» linked to one entity, though one article means a different man."""
    erlan = make_entity(kk="Ерлан Сапаров", ru="Ерлан Сапаров")
    first = make_article("Ерлан Сапаров: «Жоба аяқталды». Ерлан Сапаров Атырауда.")
    second = make_article("Ерлан Сапаров (әнші): «Жаңа ән шықты».")
    m1 = mention(first, erlan, "Ерлан Сапаров", nth=0)
    m2 = mention(first, erlan, "Ерлан Сапаров", nth=1)
    m3 = mention(second, erlan, "Ерлан Сапаров")
    q1 = quote(first, erlan, "Жоба аяқталды", "Ерлан Сапаров")
    q2 = quote(second, erlan, "Жаңа ән шықты", "Ерлан Сапаров")
    return {"erlan": erlan, "mentions": [m1, m2, m3], "quotes": [q1, q2]}


def test_split_moves_the_selected_mentions_and_their_quotes(
    namesakes, editor, refreshed, django_capture_on_commit_callbacks
):
    erlan = namesakes["erlan"]
    m1, m2, m3 = namesakes["mentions"]
    q1, q2 = namesakes["quotes"]
    with django_capture_on_commit_callbacks(execute=True):
        new = services.entity_split(
            entity=erlan,
            mention_ids=[m3.pk],
            new_entity_fields={"type": "PER", "name_kk": "Ерлан Сапаров (әнші)"},
            user=editor,
            reason="the singer",
        )
    assert new.status == Entity.Status.CONFIRMED
    assert new.created_by == editor
    assert Mention.objects.get(pk=m3.pk).entity_id == new.pk
    assert set(Mention.objects.filter(entity=erlan).values_list("pk", flat=True)) == {
        m1.pk,
        m2.pk,
    }
    assert Quote.objects.get(pk=q2.pk).speaker_id == new.pk
    assert Quote.objects.get(pk=q1.pk).speaker_id == erlan.pk
    assert list(new.aliases.values_list("text", flat=True)) == ["Ерлан Сапаров (әнші)"]
    record = EntityCuration.objects.get(action=Action.SPLIT)
    assert (record.entity_id, record.other_id, record.reason) == (erlan.pk, new.pk, "the singer")
    assert record.payload["mentions"] == [m3.pk]
    assert record.payload["quotes"] == [q2.pk]
    assert refreshed == [sorted([erlan.pk, new.pk])]


def test_split_then_undo_restores_the_state_exactly(namesakes, editor):
    erlan = namesakes["erlan"]
    m3 = namesakes["mentions"][2]
    before = ownership(erlan)
    entities_before = Entity.objects.count()
    new = services.entity_split(
        entity=erlan,
        mention_ids=[m3.pk],
        new_entity_fields={"type": "ORG", "name_en": "Saparov Band"},  # retyped too
        user=editor,
        reason="",
    )
    assert Mention.objects.get(pk=m3.pk).type == "ORG"
    record = EntityCuration.objects.get(action=Action.SPLIT)
    services.curation_revert(curation=record, user=editor)
    assert ownership(erlan) == before
    assert Entity.objects.count() == entities_before
    assert not Entity.objects.filter(pk=new.pk).exists()
    record.refresh_from_db()
    assert record.reverted_at is not None
    assert record.other_id is None
    assert record.payload["new_entity"] == "Saparov Band"  # the history still says what it was


def test_undo_of_a_split_is_refused_once_the_new_entity_was_used(namesakes, editor):
    erlan = namesakes["erlan"]
    m1, _m2, m3 = namesakes["mentions"]
    new = services.entity_split(
        entity=erlan,
        mention_ids=[m3.pk],
        new_entity_fields={"type": "PER", "name_kk": "Ерлан Сапаров (әнші)"},
        user=editor,
    )
    Mention.objects.filter(pk=m1.pk).update(entity=new)  # an editor linked another mention
    with pytest.raises(CurationError, match="used since the split"):
        services.curation_revert(
            curation=EntityCuration.objects.get(action=Action.SPLIT), user=editor
        )
    assert Entity.objects.filter(pk=new.pk).exists()


@pytest.mark.parametrize(
    ("mention_ids", "fields", "message"),
    [
        ([], {"type": "PER", "name_kk": "Басқа"}, "Select the mentions"),
        (None, {"type": "XXX", "name_kk": "Басқа"}, "type of the new entity"),
        (None, {"type": "PER", "name_kk": "  "}, "at least one language"),
        ("foreign", {"type": "PER", "name_kk": "Басқа"}, "no longer linked"),
    ],
)
def test_split_refusals_write_nothing(namesakes, editor, mention_ids, fields, message):
    erlan = namesakes["erlan"]
    if mention_ids is None:
        mention_ids = [namesakes["mentions"][0].pk]
    elif mention_ids == "foreign":
        other = make_entity(kk="Басқа адам")
        article = make_article("Басқа адам келді.")
        mention_ids = [mention(article, other, "Басқа адам").pk]
    before, entities = ownership(erlan), Entity.objects.count()
    with pytest.raises(CurationError, match=message):
        services.entity_split(
            entity=erlan, mention_ids=mention_ids, new_entity_fields=fields, user=editor
        )
    assert ownership(erlan) == before
    assert Entity.objects.count() == entities
    assert not EntityCuration.objects.filter(action=Action.SPLIT).exists()


def test_split_of_a_merged_entity_is_refused(world, editor):
    services.entity_merge(source=world["proposed"], target=world["tokayev"], user=editor)
    with pytest.raises(CurationError, match="was merged into"):
        services.entity_split(
            entity=world["proposed"],
            mention_ids=[world["mentions"][0].pk],
            new_entity_fields={"type": "PER", "name_kk": "Басқа"},
            user=editor,
        )


# -- aliases, edits, confirmation ----------------------------------------------------------


def test_alias_add_and_undo(world, editor):
    tokayev = world["tokayev"]
    alias = services.entity_alias_add(
        entity=tokayev, text=" Тоқаев ", language="kk", user=editor, reason="Kazakh spelling"
    )
    assert (alias.text, alias.language, alias.origin) == ("Тоқаев", "kk", Alias.Origin.EDITOR)
    record = EntityCuration.objects.get(action=Action.ALIAS_ADDED)
    assert record.payload["alias"]["text"] == "Тоқаев"
    assert record.reason == "Kazakh spelling"
    with pytest.raises(CurationError, match="already has the alias"):
        services.entity_alias_add(entity=tokayev, text="ТОҚАЕВ", user=editor)
    services.curation_revert(curation=record, user=editor)
    assert not Alias.objects.filter(pk=alias.pk).exists()


def test_alias_remove_and_undo_recreates_it(world, editor):
    tokayev = world["tokayev"]
    alias = Alias.objects.get(entity=tokayev, text="Tokayev")
    before = ownership(tokayev)
    record = services.entity_alias_remove(alias=alias, user=editor, reason="wrong")
    assert not Alias.objects.filter(pk=alias.pk).exists()
    services.curation_revert(curation=record, user=editor)
    assert ownership(tokayev) == before  # the same id, text, key and entity
    restored = Alias.objects.get(pk=alias.pk)
    assert (restored.language, restored.kind, restored.origin, restored.translit_key) == (
        alias.language,
        alias.kind,
        alias.origin,
        alias.translit_key,
    )


@pytest.mark.parametrize(
    ("text", "message"), [("  ", "at least one letter"), ("«»", "at least one letter")]
)
def test_alias_add_refusals(world, editor, text, message):
    with pytest.raises(CurationError, match=message):
        services.entity_alias_add(entity=world["tokayev"], text=text, user=editor)
    assert not EntityCuration.objects.exists()


def test_update_names_and_wikidata_with_undo(world, editor):
    tokayev = world["tokayev"]
    before = ownership(tokayev)
    record = services.entity_update(
        entity=tokayev,
        user=editor,
        name_kk="Қасым-Жомарт  Тоқаев",
        wikidata_id="q123",
        description="President",
    )
    tokayev.refresh_from_db()
    assert (tokayev.name_kk, tokayev.wikidata_id, tokayev.description) == (
        "Қасым-Жомарт Тоқаев",
        "Q123",
        "President",
    )
    assert Alias.objects.filter(entity=tokayev, text="Қасым-Жомарт Тоқаев").exists()
    assert record.payload["before"] == {"name_kk": "", "wikidata_id": "", "description": ""}
    assert (
        services.entity_update(entity=tokayev, user=editor, name_kk="Қасым-Жомарт Тоқаев") is None
    )
    services.curation_revert(curation=record, user=editor)
    assert ownership(tokayev) == before


def test_update_refuses_a_duplicate_wikidata_id_and_bad_values(world, editor):
    tokayev, proposed = world["tokayev"], world["proposed"]
    with pytest.raises(CurationError, match=rf"Q312345 already belongs to .*#{proposed.pk}"):
        services.entity_update(entity=tokayev, user=editor, wikidata_id="Q312345")
    with pytest.raises(CurationError, match="looks like Q42"):
        services.entity_update(entity=tokayev, user=editor, wikidata_id="42")
    with pytest.raises(CurationError, match="name in at least one language"):
        services.entity_update(entity=tokayev, user=editor, name_ru="", name_en=" ")
    tokayev.refresh_from_db()
    assert (tokayev.wikidata_id, tokayev.name_ru) == ("", "Токаев")
    assert not EntityCuration.objects.exists()


def test_undo_of_an_edit_is_refused_after_a_later_edit(world, editor):
    tokayev = world["tokayev"]
    first = services.entity_update(entity=tokayev, user=editor, description="one")
    services.entity_update(entity=tokayev, user=editor, description="two")
    with pytest.raises(CurationError, match="edited again"):
        services.curation_revert(curation=first, user=editor)


def test_confirm_and_undo(world, editor):
    proposed = world["proposed"]
    record = services.entity_confirm(entity=proposed, user=editor, reason="a new person")
    proposed.refresh_from_db()
    assert proposed.status == Entity.Status.CONFIRMED
    assert record.action == Action.CONFIRMED
    with pytest.raises(CurationError, match="already confirmed"):
        services.entity_confirm(entity=proposed, user=editor)
    services.curation_revert(curation=record, user=editor)
    proposed.refresh_from_db()
    assert proposed.status == Entity.Status.PROPOSED


def test_a_merged_entity_is_not_changed_directly(world, editor):
    tokayev, proposed = world["tokayev"], world["proposed"]
    services.entity_merge(source=proposed, target=tokayev, user=editor)
    for call in (
        lambda: services.entity_confirm(entity=proposed, user=editor),
        lambda: services.entity_alias_add(entity=proposed, text="Жаңа", user=editor),
        lambda: services.entity_update(entity=proposed, user=editor, description="x"),
    ):
        with pytest.raises(CurationError, match="was merged into"):
            call()


def test_refused_merge_does_not_refresh_coverage(
    world, editor, refreshed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CurationError):
        services.entity_merge(source=world["proposed"], target=world["proposed"], user=editor)
    assert refreshed == []

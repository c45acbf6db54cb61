"""Reads behind the entity pages: visibility, the co-occurrence window, figures beside a
mention, the ranking of a search, and duplicate suggestions."""

from __future__ import annotations

import datetime

import pytest

from articles.roles import Role
from articles.tests.factories import TranslationFactory
from entities.coverage.models import EntityCoverage
from entities.curation import selectors
from entities.models import Entity
from entities.tests.test_curation_fixtures import (
    cover,
    figure,
    make_article,
    make_entity,
    mention,
    quote,
)

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 3, 1)


def test_texts_include_translations_and_follow_what_the_user_may_see(make_user, editor):
    entity = make_entity(kk="Тоқаев")
    seen = make_article("Тоқаев келді.", day=DAY)
    unseen = make_article("Тоқаев кетті.", day=DAY + datetime.timedelta(days=1))
    translator = make_user("t", Role.TRANSLATOR)
    translation = TranslationFactory(article=seen, language="ru", translator=translator)
    cover(seen, entity)
    cover(unseen, entity)
    EntityCoverage.objects.create(
        article=seen, translation=translation, entity=entity, language="ru", mentions=2
    )
    quote(seen, entity, "келді", "Тоқаев")
    quote(unseen, entity, "кетті", "Тоқаев")

    rows = list(selectors.entity_texts(entity_id=entity.pk, user=editor))
    assert {(r.article_id, r.translation_id) for r in rows} == {
        (seen.pk, None),
        (unseen.pk, None),
        (seen.pk, translation.pk),
    }
    visible = list(selectors.entity_texts(entity_id=entity.pk, user=translator))
    assert {r.article_id for r in visible} == {seen.pk}
    assert [
        q.owner_article.pk for q in selectors.entity_quotes(entity_id=entity.pk, user=translator)
    ] == [seen.pk]
    assert len(selectors.entity_quotes(entity_id=entity.pk, user=editor)) == 2


def test_texts_are_newest_first(editor):
    entity = make_entity(kk="Тоқаев")
    old = make_article("Тоқаев.", day=DAY)
    new = make_article("Тоқаев.", day=DAY + datetime.timedelta(days=5))
    cover(old, entity)
    cover(new, entity)
    rows = selectors.entity_texts(entity_id=entity.pk, user=editor)
    assert [r.article_id for r in rows] == [new.pk, old.pk]


def test_cooccurrence_counts_only_the_most_recent_window():
    entity = make_entity(kk="Тоқаев")
    old_partner = make_entity(kk="Ескі Серіктес", type="ORG")
    new_partner = make_entity(kk="Жаңа Серіктес", type="ORG")
    for i in range(3):
        article = make_article("Мәтін.", day=DAY + datetime.timedelta(days=10 + i))
        cover(article, entity)
        cover(article, new_partner)
    for i in range(5):
        article = make_article("Мәтін.", day=DAY + datetime.timedelta(days=i))
        cover(article, entity)
        cover(article, old_partner)
    recent = selectors.entity_cooccurring(entity_id=entity.pk, texts_total=8, window=3)
    assert recent.window == 3
    assert [(c.entity.pk, c.texts) for c in recent.entities] == [(new_partner.pk, 3)]
    everything = selectors.entity_cooccurring(entity_id=entity.pk, texts_total=8)
    assert everything.window == 8
    assert [(c.entity.pk, c.texts) for c in everything.entities] == [
        (old_partner.pk, 5),
        (new_partner.pk, 3),
    ]


def test_figures_are_those_in_a_paragraph_with_a_mention(editor):
    entity = make_entity(kk="Ерлан Сапаров")
    article = make_article(
        "Ерлан Сапаров 5 млн доллар бөлді.\n\nБасқа абзацта 7 млн теңге бар.", day=DAY
    )
    mention(article, entity, "Ерлан Сапаров")
    near = figure(article, "5 млн доллар", "5000000", "USD")
    figure(article, "7 млн теңге", "7000000", "KZT")
    cover(article, entity)
    found = selectors.entity_figures(entity_id=entity.pk, user=editor)
    assert [f.figure.pk for f in found] == [near.pk]
    assert found[0].context == "Ерлан Сапаров 5 млн доллар бөлді."


def test_entity_list_ranks_exact_names_before_prefixes_and_the_rest():
    inside = make_entity(kk="Жаңа Ззорда")
    prefix = make_entity(kk="Ззордабасы")
    exact = make_entity(kk="Ззорда")
    merged = make_entity(kk="Ззорда ескі", merged_into=exact)
    page = selectors.entity_list(q="ЗЗОРДА")
    assert [e.pk for e in page[0 : len(page)]] == [exact.pk, prefix.pk, inside.pk]
    assert merged.pk not in page.ids
    assert [e.pk for e in selectors.entity_list(q="zzorda")[0:10]][:1] == [exact.pk]


def test_duplicates_of_a_proposed_entity():
    known = make_entity(ru="Бекмуратов")
    proposed = [
        make_entity(kk="Бекмұратов", status=Entity.Status.PROPOSED),
        make_entity(kk="Бекмұратовтың", status=Entity.Status.PROPOSED),
        make_entity(ru="Бекмуратовым", status=Entity.Status.PROPOSED),
        make_entity(ru="Бекмуратов", type="ORG", status=Entity.Status.PROPOSED),
        make_entity(kk="Мүлде Бөтен", status=Entity.Status.PROPOSED),
    ]
    found = selectors.duplicate_candidates(entities=proposed)
    translit, kk_inflected, ru_inflected, other_type, unrelated = (found[e.pk] for e in proposed)
    # The known (confirmed) entity first; a proposed duplicate of it may follow.
    assert translit[0].entity.pk == known.pk
    assert translit[0].reasons == ["same transliteration: «Бекмұратов» = «Бекмуратов»"]
    assert kk_inflected[0].entity.pk == known.pk
    assert kk_inflected[0].reasons[0] == "«Бекмұратовтың» is an inflected form of «Бекмуратов»"
    assert ru_inflected[0].entity.pk == known.pk
    assert ru_inflected[0].reasons == ["«Бекмуратовым» is an inflected form of «Бекмуратов»"]
    # «Бекмұратовтың» is also an inflected form of the proposed «Бекмұратов» (same script
    # first), and a person is never suggested for an organisation.
    assert {known.pk, proposed[0].pk} <= {c.entity.pk for c in kk_inflected}
    assert proposed[3].pk not in {c.entity.pk for c in kk_inflected}
    assert "«Бекмұратовтың» is an inflected form of «Бекмұратов»" in kk_inflected[1].reasons
    assert other_type == []
    assert unrelated == []


def test_fuzzy_duplicate_with_its_score():
    saparov = make_entity(kk="Ерлан Сапаров")
    proposed = make_entity(kk="Ерлан Сапров", status=Entity.Status.PROPOSED)
    [candidate] = selectors.duplicate_candidates(entities=[proposed])[proposed.pk]
    assert candidate.entity.pk == saparov.pk
    assert candidate.reasons == ["96 % similar: «Ерлан Сапров» ~ «Ерлан Сапаров»"]
    assert 85 <= candidate.score < 100

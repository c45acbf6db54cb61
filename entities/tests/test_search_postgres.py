"""Search on PostgreSQL: the generated tsvector column and its GIN index (migration 0008), the
``to_tsquery('simple', …)`` match and ``ts_rank`` order, which the SQLite suite never runs.

Run with ``DATABASE_URL=postgres://… pytest -m integration entities/tests/test_search_postgres.py``
(``make test-postgres`` does)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.utils import timezone

from articles.tests.factories import ArticleFactory, TranslationFactory
from conftest import require_service
from entities.models import SearchDocument
from entities.search.query import query_parse, tsquery
from entities.search.selectors import ORDER_NEWEST, search_documents, search_page
from entities.search.services import search_document_update
from entities.tests.conftest import entity_named
from entities.tests.test_search import article, found, make_entity, mention

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres():
    require_service(
        connection.vendor == "postgresql",
        f"the database is {connection.vendor}, not PostgreSQL (DATABASE_URL unset)",
    )


def _vector(document: SearchDocument) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector::text FROM entities_searchdocument WHERE id = %s",
            [document.pk],
        )
        return cursor.fetchone()[0]


def test_the_vector_is_generated_with_weights_and_indexed(editor) -> None:
    entity = make_entity(name_kk="Ержан Құдайбергенов", aliases=("Құдайбергенов",))
    created = ArticleFactory(title="Тоқаевтың сапары", body="Құдайбергеновтың сөзі.")
    mention(created, entity, "Құдайбергеновтың")
    vector = _vector(search_document_update(owner=created))
    assert "'тоқаев':1A" in vector
    assert "'сапар':2A" in vector
    # Title (A), then the entity tokens (B), then the body (no weight, i.e. D).
    assert f"'xent{entity.pk}':3B" in vector
    assert re.search(r"'құдайбергенов':4(?![\dABC])", vector)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'entities_searchdocument_vector_gin'"
        )
        [(definition,)] = cursor.fetchall()
    assert "USING gin (search_vector)" in definition


def test_the_match_uses_the_gin_index(editor) -> None:
    for i in range(30):
        article(f"Мақала {i}", f"Мәтін {i}.")
    article("Тоқаевтың сапары", "Қытайға сапар.")
    documents = search_documents(user=editor, parsed=query_parse("Тоқаев"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = documents.explain()
    assert "entities_searchdocument_vector_gin" in plan
    assert documents.count() == 1


def test_inflections_and_entities_across_languages(editor) -> None:
    entity = make_entity(
        name_kk="Ержан Құдайбергенов",
        name_ru="Ержан Кудайбергенов",
        name_en="Yerzhan Kudaibergenov",
        aliases=("Құдайбергенов", "Кудайбергенов", "Kudaibergenov"),
    )
    kazakh = article("Әкімнің есебі", "Ержан Құдайбергеновтың сөзінше, жоба аяқталды.", "kk")
    mention(kazakh, entity, "Ержан Құдайбергеновтың")
    search_document_update(owner=kazakh)
    article("Решение правительства", "Кабинет министров одобрил план.", "ru")
    assert found(editor, "Кудайбергенову") == ["Әкімнің есебі"]
    assert found(editor, "Kudaibergenov") == ["Әкімнің есебі"]
    assert found(editor, "правительству") == ["Решение правительства"]
    assert found(editor, "правительство сапар") == []
    [result] = search_page(user=editor, parsed=query_parse("Кудайбергенову")).results
    assert [(r.entity, r.texts) for r in result.reasons] == [(entity, ["Ержан Құдайбергеновтың"])]


def test_seed_tokayev_on_postgres(seed_articles, editor) -> None:
    page = search_page(user=editor, parsed=query_parse("Токаев"))
    assert {r.document.article_id for r in page.results} == {a.pk for a in seed_articles.values()}
    tokayev = entity_named("Токаев")
    kazakh = next(r for r in page.results if r.document.article_id == seed_articles["004"].pk)
    assert [r.entity for r in kazakh.reasons] == [tokayev]
    assert "Тоқаевтың" in kazakh.reasons[0].texts


def test_ts_rank_puts_the_title_and_frequent_matches_first(editor) -> None:
    now = timezone.now()
    article("Жаңалық", "Басқа мәтін, сапар туралы бір сөз.", published_at=now)
    article("Сапар туралы", "Сапар, сапар және тағы сапар.", published_at=now - datetime.timedelta(days=5))  # fmt: skip
    article("Ескі хабар", "Сапар.", published_at=now - datetime.timedelta(days=9))
    page = search_page(user=editor, parsed=query_parse("сапар"))
    assert page.results[0].document.article.title == "Сапар туралы"
    assert all(r.rank > 0 for r in page.results)
    assert found(editor, "сапар", order=ORDER_NEWEST) == ["Жаңалық", "Сапар туралы", "Ескі хабар"]


def test_query_syntax_characters_are_only_separators(editor) -> None:
    article("Сапар", "Сапар туралы.")
    for typed in ["сапар'", "сапар & | ! ( ) : * <->", "'; DROP TABLE x; --", "сапар\\"]:
        parsed = query_parse(typed)
        assert found(editor, typed) == (["Сапар"] if "сапар" in typed else []), tsquery(parsed)


def test_translators_and_translations_on_postgres(make_user) -> None:
    translator = make_user("tr", "translator")
    mine = article("Сапар бір", "Сапар.")
    article("Сапар екі", "Сапар.")
    translation = TranslationFactory(
        article=mine, language="ru", title="Сапар ru", body="Сапар.", translator=translator
    )
    search_document_update(owner=translation)
    assert set(found(translator, "сапар")) == {"Сапар бір", "Сапар ru"}

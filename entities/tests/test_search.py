"""Search: stemming per language, the index (``search_document_update``, the rebuild command),
reading queries into terms and entities, and the results: cross-lingual entity matches with
their reasons, highlighting, filters, visibility, ordering and paging.

These run on the normal (SQLite) suite, i.e. the LIKE fallback; ``test_search_postgres`` runs
the same searches on the tsvector path."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Translation
from articles.tests.factories import ArticleFactory, SourceFactory, TranslationFactory
from entities.linking.keys import lookup_key, translit_key
from entities.models import Alias, Entity, Mention, SearchDocument
from entities.search.documents import ENTITY_TOKEN_REPEAT, document_stems, entity_token
from entities.search.highlight import render, snippets
from entities.search.query import query_parse, tsquery
from entities.search.selectors import (
    KIND_ARTICLE,
    KIND_TRANSLATION,
    MAX_COUNTED,
    ORDER_NEWEST,
    ORDER_RELEVANCE,
    PAGE_SIZE,
    SearchFilters,
    search_documents,
    search_page,
)
from entities.search.services import (
    search_document_update,
    search_documents_refresh_for_entities,
    search_index_rebuild,
)
from entities.search.stemming import (
    query_token_stems,
    query_tokens,
    text_language,
    text_stems,
)
from entities.tests.conftest import entity_named

# -- helpers -----------------------------------------------------------------------------------


def make_entity(entity_type: str = "PER", aliases: tuple[str, ...] = (), **names: str) -> Entity:
    """An entity with an alias per name (and the extra ``aliases``, e.g. the surname alone, as
    the knowledge base has them), keyed the way the knowledge base keys them."""
    entity = Entity.objects.create(type=entity_type, status=Entity.Status.CONFIRMED, **names)
    for text in (*names.values(), *aliases):
        Alias.objects.get_or_create(
            entity=entity,
            key=lookup_key(text),
            defaults={"text": text, "translit_key": translit_key(text)},
        )
    return entity


def mention(owner, entity: Entity, text: str, *, field: str = "body", status: str = "suggested"):
    source = owner.body if field == "body" else owner.title
    start = source.index(text)
    owner_field = "article" if isinstance(owner, Article) else "translation"
    return Mention.objects.create(
        **{owner_field: owner},
        field=field,
        start=start,
        end=start + len(text),
        text=text,
        type=entity.type,
        entity=entity,
        review_status=status,
    )


def article(title: str, body: str, language: str = "kk", **fields) -> Article:
    created = ArticleFactory(title=title, body=body, language=language, **fields)
    search_document_update(owner=created)
    return created


def found(user, q: str, **kwargs) -> list[str]:
    """Titles of the first page of results, in order."""
    page = search_page(user=user, parsed=query_parse(q), **kwargs)
    return [r.document.translation.title if r.is_translation else r.document.article.title for r in page.results]  # fmt: skip


@pytest.fixture
def kudaibergenov(db) -> Entity:
    """A person the seed knowledge base does not know, named in three languages."""
    return make_entity(
        name_kk="Ержан Құдайбергенов",
        name_ru="Ержан Кудайбергенов",
        name_en="Yerzhan Kudaibergenov",
        aliases=("Құдайбергенов", "Кудайбергенов", "Kudaibergenov"),
    )


# -- stemming ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "forms"),
    [
        ("kk", ["Тоқаев", "Тоқаевтың", "Тоқаевқа", "Тоқаевпен", "Тоқаевты"]),
        ("kk", ["Астана", "Астанада", "Астананың"]),
        ("kk", ["сапар", "сапары", "сапарының"]),
        ("ru", ["правительство", "правительства", "правительству"]),
        ("ru", ["Токаев", "Токаева", "Токаеву", "Токаевым"]),
        ("ru", ["Казахстан", "Казахстана", "Казахстане"]),
        ("en", ["president", "presidents"]),
    ],
)
def test_inflected_forms_share_a_stem_in_their_language(language, forms) -> None:
    stem_sets = [set(text_stems(form, language)) for form in forms]
    common = set.intersection(*stem_sets)
    assert common, f"{forms} share no stem: {stem_sets}"


@pytest.mark.parametrize(
    ("typed", "text", "language"),
    [
        ("Тоқаев", "Тоқаевтың сапары", "kk"),
        ("Тоқаевтың", "Тоқаевқа хат", "kk"),
        ("правительство", "решение правительства", "ru"),
        ("Токаеву", "встреча с Токаевым", "ru"),
        ("Казахстан", "экспорт Казахстана", "ru"),
        ("presidents", "the president said", "en"),
    ],
)
def test_a_query_word_meets_an_inflected_form_of_a_text(typed, text, language) -> None:
    """The query is stemmed in every language; the text in its own."""
    [token] = query_tokens(typed)
    assert set(query_token_stems(token)) & set(text_stems(text, language))


def test_a_query_is_stemmed_in_all_three_languages() -> None:
    stems = set(query_token_stems("сапарының"))
    assert "сапар" in stems  # Kazakh
    assert {"токаев"} <= set(query_token_stems("токаеву"))  # Russian surname rule
    assert "run" in query_token_stems("running")  # English


def test_hyphens_split_words_and_drop_kazakh_suffixes() -> None:
    assert text_stems("АҚШ-тың Chevron-ның Қасым-Жомарт", "kk") == [
        "ақш",
        "chevron",
        "қасым",
        "жомарт",
    ]


def test_latin_words_are_english_in_any_text_and_entity_lookalikes_are_dropped() -> None:
    assert text_stems("Chevron presidents", "kk") == ["chevron", "presid"]
    assert text_stems("код xent12 бар", "kk") == ["код", "бар"]


def test_the_language_of_an_undetected_text_is_guessed_from_its_letters() -> None:
    assert text_language("Бұл кездесу мемлекет басшысының", "") == "kk"
    assert text_language("Это встреча президента", "") == "ru"
    assert text_language("A meeting", "") == "en"
    assert text_language("Бұл", "ru") == "ru"


def test_document_stems_are_title_body_and_entity_lines() -> None:
    stems = document_stems(
        title="Тоқаевтың сапары",
        body="Астанада кездесу",
        language="kk",
        entity_mentions={7: 2, 3: 50},
    )
    title, body, entities = stems.split("\n")
    assert title == " тоқаев сапар "
    assert body == " астана кездесу "
    assert entities.split() == [entity_token(3)] * ENTITY_TOKEN_REPEAT + [entity_token(7)] * 2


# -- the index -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_document_update_is_idempotent(kudaibergenov) -> None:
    created = ArticleFactory(title="Сапар", body="Құдайбергеновтың сапары.", language="kk")
    mention(created, kudaibergenov, "Құдайбергеновтың")
    first = search_document_update(owner=created)
    second = search_document_update(owner=created)
    assert SearchDocument.objects.filter(article=created).count() == 1
    assert first.pk == second.pk
    assert second.stems == first.stems
    assert entity_token(kudaibergenov.pk) in second.stems
    assert (second.language, second.translation_id) == ("kk", None)


@pytest.mark.django_db
def test_rejected_and_unlinked_mentions_are_not_indexed(kudaibergenov) -> None:
    created = ArticleFactory(title="Сапар", body="Құдайбергеновтың сапары.", language="kk")
    mention(created, kudaibergenov, "Құдайбергеновтың", status="rejected")
    Mention.objects.create(
        article=created, field="title", start=0, end=5, text="Сапар", type="LOC", entity=None
    )
    document = search_document_update(owner=created)
    assert "xent" not in document.stems


@pytest.mark.django_db
def test_a_translation_has_its_own_document_in_its_language() -> None:
    original = ArticleFactory(title="Сапар", body="Астанада кездесу.", language="kk")
    translation = TranslationFactory(
        article=original, language="ru", title="Визит", body="Встреча в Астане."
    )
    document = search_document_update(owner=translation)
    assert (document.article_id, document.translation_id) == (original.pk, translation.pk)
    assert document.language == "ru"
    assert document.published_at == original.published_at
    assert " астана " in document.stems  # the Russian stem of «Астане»
    assert " встреча " in document.stems
    assert search_document_update(owner=translation).pk == document.pk
    assert SearchDocument.objects.count() == 1


@pytest.mark.django_db
def test_an_empty_or_deleted_translation_has_no_document() -> None:
    translation = TranslationFactory(language="ru", title="Визит", body="Встреча.")
    search_document_update(owner=translation)
    Translation.objects.filter(pk=translation.pk).update(title="", body="")
    assert search_document_update(owner=translation) is None
    assert not SearchDocument.objects.filter(translation=translation).exists()
    gone = ArticleFactory()
    Article.objects.filter(pk=gone.pk).delete()
    assert search_document_update(owner=gone) is None


@pytest.mark.django_db
def test_metadata_changes_reach_the_translations_documents() -> None:
    original = ArticleFactory(title="Сапар", body="Кездесу.", language="kk")
    translation = TranslationFactory(article=original, language="ru", title="Визит", body="Речь.")
    search_document_update(owner=original)
    search_document_update(owner=translation)
    moved = timezone.now() - datetime.timedelta(days=30)
    Article.objects.filter(pk=original.pk).update(published_at=moved, language="ru")
    original.refresh_from_db()
    search_document_update(owner=original)
    documents = SearchDocument.objects.filter(article=original)
    assert {d.published_at for d in documents} == {moved}
    assert documents.get(translation__isnull=True).language == "ru"
    assert documents.get(translation=translation).language == "ru"


@pytest.mark.django_db
def test_rebuild_command_indexes_everything_in_batches(kudaibergenov) -> None:
    articles = [
        ArticleFactory(title=f"Сапар {i}", body="Құдайбергеновтың сапары.", language="kk")
        for i in range(5)
    ]
    for created in articles:
        mention(created, kudaibergenov, "Құдайбергеновтың")
    TranslationFactory(article=articles[0], language="ru", title="Визит", body="Встреча.")
    TranslationFactory(article=articles[1], language="en", title="", body="")  # not written yet
    out = io.StringIO()
    call_command("rebuild_search_index", "--batch-size", "3", "-v", "2", stdout=out)
    assert "… 3 articles, 0 translations" in out.getvalue()
    assert "Indexed 5 articles and 2 translations." in out.getvalue()
    assert SearchDocument.objects.count() == 6
    assert all(
        entity_token(kudaibergenov.pk) in d.stems
        for d in SearchDocument.objects.filter(translation__isnull=True)
    )
    before = dict(SearchDocument.objects.values_list("pk", "stems"))
    search_index_rebuild(batch_size=100)
    assert dict(SearchDocument.objects.values_list("pk", "stems")) == before


@pytest.mark.django_db
def test_a_rebuild_batch_costs_the_same_queries_whatever_its_size(kudaibergenov) -> None:
    def queries_for(count: int) -> int:
        Article.objects.all().delete()
        for i in range(count):
            created = ArticleFactory(title=f"Сапар {i}", body="Құдайбергеновтың сапары.")
            mention(created, kudaibergenov, "Құдайбергеновтың")
            TranslationFactory(article=created, language="ru", title="Визит", body="Встреча.")
        search_index_rebuild(batch_size=100)  # half of them existing, half new
        SearchDocument.objects.filter(
            pk__in=list(SearchDocument.objects.values_list("pk", flat=True))[::2]
        ).delete()
        with CaptureQueriesContext(connection) as queries:
            search_index_rebuild(batch_size=100)
        return len(queries)

    assert queries_for(3) == queries_for(12)


def test_rebuild_refuses_an_empty_batch() -> None:
    with pytest.raises(CommandError):
        call_command("rebuild_search_index", "--batch-size", "0")


@pytest.mark.django_db
def test_the_pipeline_indexes_imported_articles(seed_articles) -> None:
    """``entities.pipeline.text_extracted`` calls the service after extraction."""
    assert SearchDocument.objects.filter(translation__isnull=True).count() == 3
    for created in seed_articles.values():
        assert SearchDocument.objects.get(article=created).language == created.language


# -- reading a query ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", ["Кудайбергенов", "Кудайбергенову", "Құдайбергеновтың", "Kudaibergenov"]
)
def test_a_name_in_any_language_script_or_case_resolves_to_its_entity(kudaibergenov, typed):
    parsed = query_parse(typed)
    assert parsed.entities == [kudaibergenov]
    [term] = parsed.terms
    assert term.entity_ids == (kudaibergenov.pk,)


@pytest.mark.django_db
def test_the_longest_name_wins_and_other_words_stay_words(kudaibergenov) -> None:
    parsed = query_parse("Ержан Кудайбергенов сапары")
    assert [(t.text, t.entity_ids) for t in parsed.terms] == [
        ("Ержан Кудайбергенов", (kudaibergenov.pk,)),
        ("сапары", ()),
    ]
    assert tsquery(parsed).endswith("& ((('сапар' | 'сапара' | 'сапары')))")


@pytest.mark.django_db
def test_a_query_of_punctuation_only_is_empty() -> None:
    assert query_parse("  «» — !!! ").is_empty
    assert search_page(user=None, parsed=query_parse("")).results == []


@pytest.mark.django_db
def test_entity_type_restricts_which_names_are_entities(kudaibergenov) -> None:
    assert query_parse("Кудайбергенов", entity_type="LOC").entities == []
    assert query_parse("Кудайбергенов", entity_type="PER").entities == [kudaibergenov]


@pytest.mark.django_db
def test_merged_entities_are_found_through_their_survivor(editor) -> None:
    """A text indexed before a merge carries the merged-away entity's token."""
    survivor = make_entity(name_ru="Ержан Кудайбергенов", aliases=("Кудайбергенов",))
    duplicate = make_entity(name_kk="Е. Құдайбергенов")
    created = article("Хабар", "Е. Құдайбергеновтың сөзі.")
    mention(created, duplicate, "Е. Құдайбергеновтың")
    search_document_update(owner=created)
    Entity.objects.filter(pk=duplicate.pk).update(merged_into=survivor)
    Mention.objects.filter(entity=duplicate).update(entity=survivor)  # as a merge re-points them
    parsed = query_parse("Кудайбергенов")
    assert parsed.entities == [survivor]
    assert parsed.terms[0].token_entity_ids == (survivor.pk, duplicate.pk)
    assert found(editor, "Кудайбергенов") == ["Хабар"]
    # Through the merged-away name too.
    assert query_parse("Е. Құдайбергенов").entities == [survivor]


@pytest.mark.django_db
def test_refresh_for_entities_follows_mentions_moved_to_another_entity(editor) -> None:
    """A split moves mentions to a new entity: the texts that carried the old entity's token
    and the ones that mention the new one are reindexed, whichever side they are on."""
    old = make_entity(name_ru="Ержан Кудайбергенов", aliases=("Кудайбергенов",))
    created = article("Хабар", "Е. Құдайбергеновтың сөзі.")
    untouched = article("Басқа", "Басқа мәтін.")
    mention(created, old, "Е. Құдайбергеновтың")
    search_document_update(owner=created)
    new = make_entity(name_kk="Есен Құдайбергенов")
    Mention.objects.filter(entity=old).update(entity=new)  # as a split re-points them
    assert found(editor, "Есен Құдайбергенов") == []  # the index still says «old»
    untouched_at = SearchDocument.objects.get(article=untouched).updated_at
    refreshed_at = SearchDocument.objects.get(article=created).updated_at
    done = search_documents_refresh_for_entities(entity_ids=[old.pk, new.pk])
    assert (done.articles, done.translations) == (1, 0)
    assert found(editor, "Есен Құдайбергенов") == ["Хабар"]
    assert entity_token(old.pk) not in SearchDocument.objects.get(article=created).stems
    assert SearchDocument.objects.get(article=untouched).updated_at == untouched_at
    assert SearchDocument.objects.get(article=created).updated_at > refreshed_at


# -- results -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_inflected_words_find_each_other_in_kazakh_and_russian(editor) -> None:
    article("Тоқаевтың сапары", "Президент Қытайға барды.", "kk")
    article("Решение правительства", "Кабинет министров одобрил план.", "ru")
    article("Жаңалықтар", "Басқа тақырып.", "kk")
    assert found(editor, "Тоқаевқа") == ["Тоқаевтың сапары"]
    assert found(editor, "правительству") == ["Решение правительства"]
    assert found(editor, "Қытай") == ["Тоқаевтың сапары"]
    assert found(editor, "министр") == ["Решение правительства"]
    assert found(editor, "сапар правительство") == []  # every word must match


@pytest.mark.django_db
def test_a_russian_name_finds_a_kazakh_text_through_the_entity(editor, kudaibergenov) -> None:
    kazakh = article("Әкімнің есебі", "Ержан Құдайбергеновтың сөзінше, жоба аяқталды.", "kk")
    mention(kazakh, kudaibergenov, "Ержан Құдайбергеновтың")
    search_document_update(owner=kazakh)
    russian = article("Отчёт акима", "Кудайбергенову вручили награду.", "ru")  # not linked
    page = search_page(user=editor, parsed=query_parse("Кудайбергенову"))
    by_title = {r.document.article.title: r for r in page.results}
    assert set(by_title) == {kazakh.title, russian.title}
    why = by_title[kazakh.title].reasons
    assert [(r.entity, r.texts) for r in why] == [(kudaibergenov, ["Ержан Құдайбергеновтың"])]
    assert "<mark>Ержан Құдайбергеновтың</mark>" in by_title[kazakh.title].snippets[0]
    # The Russian text matched by its words only (its mention was never linked).
    assert [(r.entity, r.texts) for r in by_title[russian.title].reasons] == [
        (None, ["Кудайбергенову"])
    ]
    assert found(editor, "Kudaibergenov") == [kazakh.title]


@pytest.mark.django_db
def test_seed_tokayev_finds_the_kazakh_articles_and_says_why(seed_articles, editor) -> None:
    """«Токаев» (Russian) finds the Kazakh seeds, which only say «Тоқаев», «Тоқаевтың»."""
    tokayev = entity_named("Токаев")
    page = search_page(user=editor, parsed=query_parse("Токаев"))
    assert page.parsed.entities == [tokayev]
    results = {r.document.article_id: r for r in page.results}
    assert set(results) == {a.pk for a in seed_articles.values()}
    for key in ("000", "004"):
        result = results[seed_articles[key].pk]
        assert not [r for r in result.reasons if r.entity is None]  # no Russian word in it
        [reason] = result.reasons
        assert reason.entity == tokayev
        assert any(text.endswith("Тоқаевтың") for text in reason.texts), reason.texts
    # The mention is marked where the snippet shows it (004 opens its body with «Тоқаев»).
    assert "<mark>Тоқаев</mark>" in results[seed_articles["004"].pk].snippets[0]
    # Latin script: no text has the word, every seed mentions the person.
    assert {r.document.article_id for r in search_page(user=editor, parsed=query_parse("Tokayev")).results} == set(results)  # fmt: skip


@pytest.mark.django_db
def test_highlighting_escapes_the_text(editor) -> None:
    created = article(
        "<b>Тоқаевтың</b> хаты",
        'Кіріспе. <script>alert("x")</script> Тоқаевқа & басқаларға жазылған хат.',
        "kk",
    )
    [result] = search_page(user=editor, parsed=query_parse("Тоқаев")).results
    assert result.document.article_id == created.pk
    assert result.title == "&lt;b&gt;<mark>Тоқаевтың</mark>&lt;/b&gt; хаты"
    [snippet] = result.snippets
    assert "<script>" not in snippet
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in snippet
    assert "<mark>Тоқаевқа</mark> &amp; басқаларға" in snippet


def test_render_and_snippets_mark_ranges_and_cut_at_words() -> None:
    text = "one two three <four> five"
    assert (
        render(text, [(4, 7), (14, 20)])
        == "one <mark>two</mark> three <mark>&lt;four&gt;</mark> five"
    )
    long = (
        " ".join(f"word{i}" for i in range(200))
        + " target "
        + " ".join("x" * 5 for _ in range(100))
    )
    start = long.index("target")
    [snippet] = snippets(long, [(start, start + 6)])
    assert snippet.startswith("… word")
    assert snippet.endswith(" …")
    assert "<mark>target</mark>" in snippet
    # Nothing marked in the body (the title matched): the opening of the text.
    assert snippets("Alpha beta gamma.", []) == ["Alpha beta gamma."]
    assert snippets("", []) == []


@pytest.mark.django_db
def test_filters(editor) -> None:
    zakon, baq = SourceFactory(name="Zakon.kz"), SourceFactory(name="BAQ.KZ")
    day = timezone.make_aware(datetime.datetime(2025, 9, 2, 12))
    kk = article("Сапар kk", "Қытайға сапар.", "kk", source=baq, published_at=day, status="published")  # fmt: skip
    article("Визит ru", "Визит в Китай, сапар.", "ru", source=zakon, published_at=day - datetime.timedelta(days=3))  # fmt: skip
    translation = TranslationFactory(
        article=kk, language="en", title="Visit en", body="Сапар to China.", status="submitted"
    )
    search_document_update(owner=translation)

    def titles(**filters) -> set[str]:
        return set(found(editor, "сапар", filters=SearchFilters(**filters)))

    assert titles() == {"Сапар kk", "Визит ru", "Visit en"}
    assert titles(language="ru") == {"Визит ru"}
    assert titles(source_id=zakon.pk) == {"Визит ru"}
    assert titles(source_id=baq.pk) == {"Сапар kk", "Visit en"}
    assert titles(status="published") == {"Сапар kk"}
    assert titles(status="submitted") == {"Visit en"}
    assert titles(kind=KIND_ARTICLE) == {"Сапар kk", "Визит ru"}
    assert titles(kind=KIND_TRANSLATION) == {"Visit en"}
    assert titles(date_from=datetime.date(2025, 9, 1)) == {"Сапар kk", "Visit en"}
    assert titles(date_to=datetime.date(2025, 8, 30)) == {"Визит ru"}
    assert titles(date_from=datetime.date(2025, 9, 2), date_to=datetime.date(2025, 9, 2)) == {
        "Сапар kk",
        "Visit en",
    }


@pytest.mark.django_db
def test_translators_find_only_what_they_may_open(make_user, editor) -> None:
    translator = make_user("tr", "translator")
    other = make_user("tr2", "translator")
    mine = article("Сапар бір", "Сапар.", "kk")
    theirs = article("Сапар екі", "Сапар.", "kk")
    article("Сапар үш", "Сапар.", "kk")
    TranslationFactory(
        article=mine, language="ru", title="Сапар ru", body="Сапар.", translator=translator
    )
    # Another language of the same article, assigned to someone else: not the translator's.
    TranslationFactory(
        article=mine, language="en", title="Сапар en", body="Сапар.", translator=other
    )
    TranslationFactory(
        article=theirs, language="ru", title="Сапар ru 2", body="Сапар.", translator=other
    )
    for t in Translation.objects.all():
        search_document_update(owner=t)
    assert set(found(translator, "сапар")) == {"Сапар бір", "Сапар ru"}
    assert set(found(editor, "сапар")) == {
        "Сапар бір", "Сапар екі", "Сапар үш", "Сапар ru", "Сапар en", "Сапар ru 2"
    }  # fmt: skip


@pytest.mark.django_db
def test_relevance_and_newest_order(editor) -> None:
    now = timezone.now()
    article("Old, all about сапар", "Сапар сапар сапар сапар.", "kk", published_at=now - datetime.timedelta(days=9))  # fmt: skip
    article("New", "Бір сапар, басқа тақырып.", "kk", published_at=now)
    article("Undated", "Сапар, басқа тақырып.", "kk", published_at=None)
    assert found(editor, "сапар", order=ORDER_NEWEST) == ["New", "Old, all about сапар", "Undated"]
    assert found(editor, "сапар", order=ORDER_RELEVANCE)[0] == "Old, all about сапар"


@pytest.mark.django_db
def test_pages_and_capped_count(editor, monkeypatch) -> None:
    for i in range(PAGE_SIZE + 5):
        article(f"Сапар {i}", "Сапар.", "kk")
    parsed = query_parse("сапар")
    first = search_page(user=editor, parsed=parsed, order=ORDER_NEWEST)
    second = search_page(user=editor, parsed=parsed, order=ORDER_NEWEST, number=2)
    assert (len(first.results), first.count, first.has_next) == (PAGE_SIZE, PAGE_SIZE + 5, True)
    assert (len(second.results), second.has_previous, second.has_next) == (5, True, False)
    assert second.first_index == PAGE_SIZE + 1
    assert not {r.document.pk for r in first.results} & {r.document.pk for r in second.results}
    monkeypatch.setattr("entities.search.selectors.MAX_COUNTED", 21)
    capped = search_page(user=editor, parsed=parsed)
    assert (capped.count, capped.count_is_capped) == (21, True)
    assert MAX_COUNTED >= 1000


@pytest.mark.django_db
def test_search_documents_is_empty_for_an_empty_query_or_anonymous(editor) -> None:
    from django.contrib.auth.models import AnonymousUser

    article("Сапар", "Сапар.", "kk")
    assert not search_documents(user=editor, parsed=query_parse("")).exists()
    assert not search_documents(user=AnonymousUser(), parsed=query_parse("сапар")).exists()
    assert search_documents(user=editor, parsed=query_parse("сапар")).count() == 1

"""Search reads: the documents matching a parsed query, visible to the user and filtered, and
one page of results with their highlighted snippets and the reasons they matched.

PostgreSQL: ``search_vector @@ to_tsquery('simple', …)`` on the GIN index of migration 0008,
ranked with ``ts_rank`` (title A, entities B, body D; length-normalised) through
``django.contrib.postgres.search`` expressions on the column. Other databases (the
SQLite laptop desk): every token is matched as ``" token "`` with LIKE over ``stems``, ranked by
how often the query's tokens occur. Both take the same ``ParsedQuery``, so they find the same
texts (``test_search`` runs one, ``test_search_postgres`` the other).

A page costs a fixed number of queries whatever its size: the capped count (skipped when the
first page is not full), the page's documents with article, source and translation joined, and
one query for the mentions that explain the entity matches; on PostgreSQL they run in one
transaction that keeps the planner on the GIN index (``_index_only_matching``).

Measured on PostgreSQL with 100,000 articles, 10,000 translations, 2,000,000 mentions and
20,000 entities (2 cores, shared): 45–100 ms a page, median 77 ms, over words common and
rare, «Токаев» (28,000 matching texts), filters, a translator, deep pages."""

from __future__ import annotations

import datetime
import functools
import operator
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.db.models import (
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import Col, Expression
from django.db.models.functions import Length, Replace
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from articles.roles import sees_all_articles
from articles.selectors import articles_visible_to
from articles.translations.selectors import translations_visible_to
from entities.models import Entity, Mention
from entities.search.highlight import merge_ranges, render, snippets, word_matches
from entities.search.models import SearchDocument
from entities.search.query import ParsedQuery, Term, tsquery
from entities.search.stemming import text_language

PAGE_SIZE = 20
# Counting every match of a common word over 100,000 texts costs more than the page itself;
# beyond this many the page says "more than 1,000".
MAX_COUNTED = 1000
MAX_PAGES = MAX_COUNTED // PAGE_SIZE
# Relevance order ranks the newest this many matches (see ``_ordered``).
RANKED_CANDIDATES = MAX_COUNTED
MAX_REASON_WORDS = 6
MAX_MENTION_TEXTS = 3

ORDER_RELEVANCE = "relevance"
ORDER_NEWEST = "newest"
KIND_ARTICLE = "article"
KIND_TRANSLATION = "translation"

_VECTOR = "search_vector"  # migration 0008: the generated tsvector column (PostgreSQL only)


@dataclass(frozen=True)
class SearchFilters:
    language: str = ""
    source_id: int | None = None
    status: str = ""
    kind: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _uses_tsvector() -> bool:
    return connection.vendor == "postgresql"


# -- matching -------------------------------------------------------------------------------


def _contains(token: str) -> Q:
    return Q(stems__contains=f" {token} ")


def _any(qs: list[Q]) -> Q:
    return functools.reduce(operator.or_, qs)


def _all(qs: list[Q]) -> Q:
    return functools.reduce(operator.and_, qs)


def _like_match(parsed: ParsedQuery) -> Q:
    """The tsquery of ``query.tsquery`` as LIKE conditions: the same AND/OR shape."""
    terms = []
    for term in parsed.terms:
        alternatives = []
        if term.stems:
            alternatives.append(_all([_any([_contains(s) for s in stems]) for stems in term.stems]))
        alternatives.extend(_contains(token) for token in term.entity_tokens)
        terms.append(_any(alternatives))
    return _all(terms)


def _like_rank(parsed: ParsedQuery):
    """Occurrences of the query's tokens (a rough term frequency; stems end with a space so
    each removal of " token " shortens them by len(token) + 1)."""
    tokens = sorted(
        {s for term in parsed.terms for stems in term.stems for s in stems}
        | {t for term in parsed.terms for t in term.entity_tokens}
    )
    counts = [
        (Length("stems") - Length(Replace("stems", Value(f" {t} "), Value(" "))))
        / Value(len(t) + 1)
        for t in tokens
    ]
    return functools.reduce(operator.add, counts, Value(0, output_field=IntegerField()))


class _SearchVector(Expression):
    """The generated ``search_vector`` column of migration 0008, which is not a model field
    (other databases have no tsvector). Resolves to a column of the query's own table, so it
    keeps pointing at the right alias when the query becomes a subquery."""

    def resolve_expression(self, query=None, *args, **kwargs):
        from django.contrib.postgres.search import SearchVectorField

        field = SearchVectorField()
        field.set_attributes_from_name(_VECTOR)
        field.model = SearchDocument  # not added to it: only names the column's table
        return Col(query.get_initial_alias(), field)


def _tsquery(parsed: ParsedQuery):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(tsquery(parsed), config="simple", search_type="raw")


def _matching(documents: QuerySet[SearchDocument], parsed: ParsedQuery) -> QuerySet:
    if _uses_tsvector():
        # ``.alias``: the vector takes part in the WHERE only, it is never read into Python.
        return documents.alias(search_vector=_SearchVector()).filter(search_vector=_tsquery(parsed))
    return documents.filter(_like_match(parsed))


def _ranked(documents: QuerySet[SearchDocument], parsed: ParsedQuery) -> QuerySet:
    if _uses_tsvector():
        from django.contrib.postgres.search import SearchRank

        # Normalisation 1: divided by 1 + log(length), so a long text does not win by length.
        rank = SearchRank(_SearchVector(), _tsquery(parsed), normalization=Value(1))
    else:
        rank = _like_rank(parsed)
    return documents.annotate(rank=rank)


# -- who sees what, and the filters -----------------------------------------------------------


def _visible(documents: QuerySet[SearchDocument], user) -> QuerySet[SearchDocument]:
    """Articles through ``articles_visible_to``; translations through
    ``translations_visible_to`` (a translator sees the translations assigned to them, not the
    other languages of the same article)."""
    if sees_all_articles(user):
        return documents
    if not user.is_authenticated:
        return documents.none()
    return documents.filter(
        Q(translation__isnull=True, article__in=articles_visible_to(user).values("pk"))
        | Q(translation__in=translations_visible_to(user).values("pk"))
    )


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _filtered(documents: QuerySet[SearchDocument], filters: SearchFilters) -> QuerySet:
    if filters.language:
        documents = documents.filter(language=filters.language)
    if filters.source_id:
        documents = documents.filter(article__source_id=filters.source_id)
    if filters.status:
        documents = documents.filter(
            Q(translation__isnull=True, article__status=filters.status)
            | Q(translation__status=filters.status)
        )
    if filters.kind == KIND_ARTICLE:
        documents = documents.filter(translation__isnull=True)
    elif filters.kind == KIND_TRANSLATION:
        documents = documents.filter(translation__isnull=False)
    if filters.date_from:
        documents = documents.filter(published_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        next_day = filters.date_to + datetime.timedelta(days=1)
        documents = documents.filter(published_at__lt=_day_start(next_day))
    return documents


def search_documents(
    *,
    user: AbstractBaseUser | AnonymousUser,
    parsed: ParsedQuery,
    filters: SearchFilters = SearchFilters(),  # noqa: B008 - frozen, never mutated
) -> QuerySet[SearchDocument]:
    """The documents matching every term of the query that the user may open, filtered;
    unordered, nothing joined (``search_page`` pages through them)."""
    if parsed.is_empty:
        return SearchDocument.objects.none()
    documents = _matching(SearchDocument.objects.all(), parsed)
    return _filtered(_visible(documents, user), filters)


def search_documents_of_entities(*, entity_ids: Iterable[int]) -> QuerySet[SearchDocument]:
    """The documents whose index carries any of these entities (whatever their mentions say
    now): what must be reindexed after the entities were merged, split or relinked."""
    ids = tuple(sorted(set(entity_ids)))
    if not ids:
        return SearchDocument.objects.none()
    parsed = ParsedQuery(text="", terms=[Term(text="", stems=(), token_entity_ids=ids)])
    return _matching(SearchDocument.objects.all(), parsed)


# -- a page of results ------------------------------------------------------------------------


@dataclass
class Reason:
    """Why a result matched: words of the query found in it (``entity`` None), or mentions of
    an entity the query named, as written in this text."""

    texts: list[str]
    entity: Entity | None = None


@dataclass
class SearchResult:
    document: SearchDocument
    title: SafeString
    snippets: list[SafeString]
    reasons: list[Reason]
    url: str
    rank: float | None = None

    @property
    def is_translation(self) -> bool:
        return self.document.translation_id is not None

    @property
    def status(self) -> str:
        owner = self.document.translation or self.document.article
        return owner.status

    @property
    def status_display(self) -> str:
        owner = self.document.translation or self.document.article
        return owner.get_status_display()


@dataclass
class SearchPage:
    parsed: ParsedQuery
    results: list[SearchResult] = field(default_factory=list)
    number: int = 1
    count: int = 0
    count_is_capped: bool = False
    has_next: bool = False
    is_ranked: bool = False

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def first_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // PAGE_SIZE))


def _ordered(documents: QuerySet, parsed: ParsedQuery, order: str) -> QuerySet:
    """Newest first, or by relevance among the ``RANKED_CANDIDATES`` newest matches.

    Ranking reads every ranked text's tsvector (a few kB each, out of line in TOAST): ranking
    all 28,000 texts that mention the President takes 0.6 s, ranking the newest 1,000 of them
    20 ms. Only that many can be paged through anyway (``MAX_PAGES``), and a newsroom wants
    the most relevant of the recent texts rather than the most relevant of ten years."""
    newest = (F("published_at").desc(nulls_last=True), "-id")
    if order == ORDER_NEWEST:
        return documents.order_by(*newest)
    candidates = documents.order_by(*newest).values("pk")[:RANKED_CANDIDATES]
    return _ranked(SearchDocument.objects.filter(pk__in=candidates), parsed).order_by(
        "-rank", *newest
    )


@contextmanager
def _index_only_matching():
    """On PostgreSQL, keep the planner off sequential scans for the search's queries.

    Its cost model counts a tsvector as free to read, but the vectors live in TOAST and a
    sequential scan decompresses every one of them to evaluate ``@@`` (1.7 s on 110,000 texts
    for a word that is in none of them), whereas the GIN bitmap answers ``@@`` exactly without
    reading a vector. For a common word the planner still prefers the sequential scan, so the
    choice is taken away for this transaction only (``SET LOCAL``)."""
    if not _uses_tsvector():
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        yield


def _mentions_by_document(
    documents: list[SearchDocument], parsed: ParsedQuery
) -> dict[tuple[int, int | None], list[dict]]:
    """(article id, translation id) → not-rejected mentions of the query's entities in that
    text, in reading order. One query for the page."""
    if not parsed.entity_for_id or not documents:
        return {}
    article_ids = [d.article_id for d in documents if d.translation_id is None]
    translation_ids = [d.translation_id for d in documents if d.translation_id is not None]
    rows = (
        Mention.objects.not_rejected()
        .filter(entity_id__in=list(parsed.entity_for_id))
        .filter(Q(article_id__in=article_ids) | Q(translation_id__in=translation_ids))
        .order_by("field", "start")
        .values("article_id", "translation_id", "entity_id", "field", "start", "end", "text")
    )
    article_of = {d.translation_id: d.article_id for d in documents if d.translation_id}
    out: dict[tuple[int, int | None], list[dict]] = defaultdict(list)
    for row in rows:
        translation_id = row["translation_id"]
        article_id = article_of[translation_id] if translation_id else row["article_id"]
        out[(article_id, translation_id)].append(row)
    return out


def _mention_ranges(text: str, mentions: list[dict], field_name: str) -> list[tuple[int, int]]:
    """Where the mentions are in ``text``, checked against their own text (offsets of a text
    edited since extraction are not trusted)."""
    return [
        (m["start"], m["end"])
        for m in mentions
        if m["field"] == field_name and text[m["start"] : m["end"]] == m["text"]
    ]


def _reasons(words: list[str], mentions: list[dict], parsed: ParsedQuery) -> list[Reason]:
    reasons: list[Reason] = []
    if words:
        reasons.append(Reason(texts=words))
    texts_by_entity: dict[int, list[str]] = {}
    for mention in mentions:
        entity = parsed.entity_for_id.get(mention["entity_id"])
        if entity is None:
            continue
        texts = texts_by_entity.setdefault(entity.pk, [])
        if mention["text"] not in texts and len(texts) < MAX_MENTION_TEXTS:
            texts.append(mention["text"])
    for entity in parsed.entities:
        if texts_by_entity.get(entity.pk):
            reasons.append(Reason(texts=texts_by_entity[entity.pk], entity=entity))
    return reasons


def _distinct_words(texts: list[tuple[str, list[tuple[int, int]]]]) -> list[str]:
    seen: dict[str, str] = {}
    for text, ranges in texts:
        for start, end in ranges:
            word = text[start:end]
            seen.setdefault(word.casefold(), word)
            if len(seen) >= MAX_REASON_WORDS:
                return list(seen.values())
    return list(seen.values())


def _outside(ranges: list[tuple[int, int]], marks: list[tuple[int, int]]):
    """The ranges not inside any of ``marks`` (a word already told as a mention)."""
    return [r for r in ranges if not any(s <= r[0] and r[1] <= e for s, e in marks)]


def _result(document: SearchDocument, parsed: ParsedQuery, mentions: list[dict]) -> SearchResult:
    owner = document.translation or document.article
    title = owner.title or document.article.title
    body = owner.body
    language = text_language(f"{title}\n{body}", document.language)
    stems = parsed.stems
    title_words = word_matches(title, language, stems)
    body_words = word_matches(body, language, stems)
    title_mentions = _mention_ranges(title, mentions, "title")
    body_mentions = _mention_ranges(body, mentions, "body")
    if document.translation_id:
        url = reverse("articles:translation", args=[document.translation_id])
    else:
        url = reverse("articles:detail", args=[document.article_id])
    words = _distinct_words(
        [
            (title, _outside(title_words, title_mentions)),
            (body, _outside(body_words, body_mentions)),
        ]
    )
    return SearchResult(
        document=document,
        title=render(title, merge_ranges([*title_words, *title_mentions])),
        snippets=snippets(body, merge_ranges([*body_words, *body_mentions])),
        reasons=_reasons(words, mentions, parsed),
        url=url,
        rank=getattr(document, "rank", None),
    )


def search_page(
    *,
    user: AbstractBaseUser | AnonymousUser,
    parsed: ParsedQuery,
    filters: SearchFilters = SearchFilters(),  # noqa: B008 - frozen, never mutated
    order: str = ORDER_RELEVANCE,
    number: int = 1,
) -> SearchPage:
    """One page of results (``PAGE_SIZE``), newest first or by relevance, each with its
    highlighted title and snippets and the reasons it matched."""
    page = SearchPage(
        parsed=parsed, number=max(1, min(number, MAX_PAGES)), is_ranked=order != ORDER_NEWEST
    )
    if parsed.is_empty:
        return page
    documents = search_documents(user=user, parsed=parsed, filters=filters)
    offset = (page.number - 1) * PAGE_SIZE
    with _index_only_matching():
        rows = list(
            _ordered(documents, parsed, order)
            .select_related("article", "article__source", "translation")
            .defer("stems")[offset : offset + PAGE_SIZE + 1]
        )
        page.has_next = len(rows) > PAGE_SIZE and page.number < MAX_PAGES
        rows = rows[:PAGE_SIZE]
        if page.number == 1 and not page.has_next:
            page.count = len(rows)
        else:
            page.count = documents[: MAX_COUNTED + 1].count()
            page.count_is_capped = page.count > MAX_COUNTED
            page.count = min(page.count, MAX_COUNTED)
        mentions = _mentions_by_document(rows, parsed)
    page.results = [
        _result(d, parsed, mentions.get((d.article_id, d.translation_id), [])) for d in rows
    ]
    return page

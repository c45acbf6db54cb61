"""Reads for the entity pages, the entity list and the review queue.

Everything that grows with the corpus is read from the coverage rows (one per text and entity)
through their ``(entity, published_on)`` index, with a LIMIT; every function costs a fixed
number of queries whatever the number of rows it returns."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Length, Substr
from django.utils.translation import gettext as _

from articles.models import Article
from articles.roles import sees_all_articles
from articles.selectors import articles_visible_to
from entities.coverage.models import EntityCoverage
from entities.curation.models import EntityCuration
from entities.linking.keys import lookup_key, translit_key
from entities.linking.linker import base_forms
from entities.models import Alias, Entity, EntityType, Figure, Mention, Quote

AnyUser = AbstractBaseUser | AnonymousUser

# Co-occurring entities are counted over this many of the entity's most recent texts, so the
# page costs the same for an entity in 50 articles and one in 50,000.
COOCCURRENCE_TEXTS = 2000
COOCCURRENCE_LIMIT = 15
QUOTES_LIMIT = 10
# Figures near a mention are looked for in this many of the most recent articles.
FIGURE_TEXTS = 30
FIGURES_LIMIT = 15
HISTORY_LIMIT = 50
SPLIT_MENTIONS_LIMIT = 200
SNIPPET_CONTEXT = 60

CANDIDATES_PER_ENTITY = 5
FUZZY_MIN_SCORE = 85.0
FUZZY_MIN_LENGTH = 4
FUZZY_PREFIX = 3
# The fuzzy pass compares with at most this many aliases (those sharing a prefix).
FUZZY_POOL_LIMIT = 3000
LANGUAGES = ("kk", "ru", "en")
# A search of the entity list ranks at most this many matching aliases (a query of one or two
# letters matches most of them; the best-ranked of these are still shown first).
ENTITY_LIST_MATCH_LIMIT = 20_000


def _newest_first(prefix: str = "") -> list:
    # NULLS FIRST is what PostgreSQL's backward scan of the (entity, published_on) index gives;
    # said explicitly so SQLite orders the same way.
    return [F(f"{prefix}published_on").desc(nulls_first=True), F(f"{prefix}article_id").desc()]


def _visible(user: AnyUser, article_field: str = "article") -> Q:
    """The texts of articles the user may see (``articles_visible_to``). For the desk, who
    see every article, no condition at all: a semi-join with every article's id costs more
    than the rest of the entity page on 100,000 articles."""
    if sees_all_articles(user):
        return Q()
    return Q(**{f"{article_field}__in": articles_visible_to(user).values("pk")})


def _article_rows(entity_id: int) -> QuerySet[EntityCoverage]:
    """Coverage rows of the articles (not translations) mentioning an entity."""
    return EntityCoverage.objects.filter(entity_id=entity_id, translation__isnull=True)


# -- the entity page -------------------------------------------------------------------------


def entity_merge_end(*, entity: Entity) -> Entity:
    """The entity a merged entity lives on now, following merges of merges: one query per
    level of merging."""
    final, seen = entity, {entity.pk}
    while final.merged_into_id and final.merged_into_id not in seen:
        seen.add(final.merged_into_id)
        final = Entity.objects.get(pk=final.merged_into_id)
    return final


def entity_with_aliases(*, pk: int) -> Entity | None:
    """The entity with its aliases (``alias_groups``: by language, names first). Two queries."""
    entity = Entity.objects.filter(pk=pk).prefetch_related("aliases").first()
    if entity is not None:
        groups: dict[str, list[Alias]] = {lang: [] for lang in (*LANGUAGES, "")}
        for alias in entity.aliases.all():
            groups.setdefault(alias.language, []).append(alias)
        entity.alias_groups = [(lang, aliases) for lang, aliases in groups.items() if aliases]
    return entity


def entity_texts(*, entity_id: int, user: AnyUser) -> QuerySet[EntityCoverage]:
    """The texts (articles, and translations in their own language) mentioning an entity
    that the user may see, newest first: coverage rows with their article, translation and
    source joined (paginate it). Counting them is an index-only scan of the coverage rows'
    ``(entity, published_on)`` index; leaving translations out would mean a heap fetch per
    row, 10× slower for an entity in 25,000 articles."""
    return (
        EntityCoverage.objects.filter(entity_id=entity_id)
        .filter(_visible(user))
        .select_related("article", "translation", "source")
        .only(
            "id",
            "article_id",
            "translation_id",
            "language",
            "published_on",
            "mentions",
            "article__id",
            "article__title",
            "translation__id",
            "translation__title",
            "source__id",
            "source__name",
        )
        .order_by(*_newest_first(), "-id")
    )


@dataclass
class CoOccurring:
    entity: Entity
    texts: int


@dataclass
class CoOccurrence:
    entities: list[CoOccurring]
    window: int  # the number of the entity's most recent articles counted


def entity_cooccurring(
    *, entity_id: int, texts_total: int, window: int = COOCCURRENCE_TEXTS
) -> CoOccurrence:
    """Entities named in the same articles, ranked by the number of articles they share,
    counted over the entity's ``window`` most recent articles. Two queries."""
    recent = _article_rows(entity_id).order_by(*_newest_first()).values("article_id")[:window]
    # Counted on the coverage rows alone; the few entities shown are read afterwards (joining
    # every counted row to its entity costs more than the count).
    shared = dict(
        EntityCoverage.objects.filter(article_id__in=recent, translation__isnull=True)
        .exclude(entity_id=entity_id)
        .values("entity_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "entity_id")
        .values_list("entity_id", "shared")[: COOCCURRENCE_LIMIT * 2]
    )
    entities = Entity.objects.filter(pk__in=shared, merged_into__isnull=True).only(
        "pk", "type", "status", "name_kk", "name_ru", "name_en"
    )
    ranked = sorted(
        (CoOccurring(entity, shared[entity.pk]) for entity in entities),
        key=lambda item: (-item.texts, item.entity.pk),
    )
    return CoOccurrence(entities=ranked[:COOCCURRENCE_LIMIT], window=min(window, texts_total))


def entity_quotes(*, entity_id: int, user: AnyUser, limit: int = QUOTES_LIMIT) -> list[Quote]:
    """The newest quotes this entity is the speaker of (not rejected), in texts the user may
    see, each with ``owner_article`` (its article, or its translation's). One query."""
    visible = _visible(user)
    if visible:
        visible |= _visible(user, "translation__article")
    quotes = list(
        Quote.objects.not_rejected()
        .filter(speaker_id=entity_id)
        .filter(visible)
        .select_related("article", "translation__article")
        .defer("article__body", "translation__body", "translation__article__body")
        .order_by("-id")[:limit]
    )
    for quote in quotes:
        quote.owner_article = quote.article or quote.translation.article
    return quotes


@dataclass
class NearbyFigure:
    figure: Figure
    article: Article
    context: str


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the paragraph (line) around a span."""
    return text.rfind("\n", 0, start) + 1, (text.find("\n", end) + 1 or len(text) + 1) - 1


def _excerpt(text: str, start: int, end: int, width: int = 160) -> str:
    first, last = _paragraph(text, start, end)
    first, last = max(first, start - width // 2), min(last, end + width // 2)
    return (
        ("…" if first > 0 and text[first - 1] != "\n" else "")
        + text[first:last].strip()
        + ("…" if last < len(text) and text[last] != "\n" else "")
    )


def entity_figures(
    *, entity_id: int, user: AnyUser, texts: int = FIGURE_TEXTS, limit: int = FIGURES_LIMIT
) -> list[NearbyFigure]:
    """Figures in the same paragraph as a mention of the entity (a title counts as one
    paragraph), from its ``texts`` most recent articles, newest first. Four queries."""
    article_ids = list(
        _article_rows(entity_id)
        .filter(_visible(user))
        .order_by(*_newest_first())
        .values_list("article_id", flat=True)[:texts]
    )
    if not article_ids:
        return []
    spans: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    for article_id, field_name, start, end in (
        Mention.objects.not_rejected()
        .filter(entity_id=entity_id, article_id__in=article_ids)
        .values_list("article_id", "field", "start", "end")
    ):
        spans[(article_id, field_name)].append((start, end))
    figures = list(
        Figure.objects.not_rejected()
        .filter(article_id__in={article_id for article_id, _field in spans})
        .order_by("article_id", "field", "start")
    )
    if not figures:
        return []
    articles = {
        a.pk: a
        for a in Article.objects.filter(pk__in={f.article_id for f in figures}).only(
            "pk", "title", "body", "published_at", "language"
        )
    }
    order = {pk: rank for rank, pk in enumerate(article_ids)}
    found: list[NearbyFigure] = []
    for figure in sorted(figures, key=lambda f: (order[f.article_id], f.field, f.start)):
        article = articles.get(figure.article_id)
        if article is None:
            continue
        text = getattr(article, figure.field, "") or ""
        first, last = _paragraph(text, figure.start, figure.end)
        if any(
            first <= start and end <= last
            for start, end in spans.get((figure.article_id, figure.field), ())
        ):
            found.append(NearbyFigure(figure, article, _excerpt(text, figure.start, figure.end)))
            if len(found) >= limit:
                break
    return found


def entity_history(*, entity_id: int, limit: int = HISTORY_LIMIT) -> list[EntityCuration]:
    """The knowledge-base changes this entity took part in, newest first. One query."""
    return list(
        EntityCuration.objects.filter(Q(entity_id=entity_id) | Q(other_id=entity_id))
        .select_related("user", "reverted_by", "entity", "other")
        .order_by("-created_at", "-id")[:limit]
    )


@dataclass
class SplitMention:
    mention: Mention
    before: str  # the words before it, in its paragraph
    after: str
    cut_before: bool = False  # the paragraph goes on before ``before``
    cut_after: bool = False


def entity_mentions_for_split(
    *, entity_id: int, user: AnyUser, text: str = "", limit: int = SPLIT_MENTIONS_LIMIT
) -> list[SplitMention]:
    """The newest mentions linked to an entity (optionally only those whose words contain
    ``text``), each with the words around it, in texts the user may see. One query."""
    visible = _visible(user)
    if visible:
        visible |= _visible(user, "translation__article")
    source_text = Case(
        When(
            field="title",
            then=Coalesce(F("article__title"), F("translation__title"), output_field=TextField()),
        ),
        default=Coalesce(F("article__body"), F("translation__body"), output_field=TextField()),
        output_field=TextField(),
    )
    context_from = Greatest(F("start") - SNIPPET_CONTEXT, Value(0))
    mentions = (
        Mention.objects.filter(entity_id=entity_id)
        .filter(visible)
        .annotate(
            context_from=context_from,
            context=Substr(
                source_text, context_from + 1, F("end") - context_from + SNIPPET_CONTEXT
            ),
        )
        .select_related("article", "translation__article")
        .defer(
            "article__body",
            "translation__body",
            "translation__article__body",
        )
        .order_by("-id")
    )
    key = lookup_key(text or "")
    if key:
        mentions = mentions.filter(text__icontains=text.strip())
    found = []
    for mention in mentions[:limit]:
        context = mention.context or ""
        offset = mention.start - mention.context_from
        before_lines = context[:offset].split("\n")
        after_lines = context[offset + mention.end - mention.start :].split("\n")
        found.append(
            SplitMention(
                mention,
                before_lines[-1],
                after_lines[0],
                cut_before=len(before_lines) == 1 and mention.context_from > 0,
                cut_after=len(after_lines) == 1
                and len(context) == mention.end - mention.context_from + SNIPPET_CONTEXT,
            )
        )
    return found


# -- the entity list -------------------------------------------------------------------------


class EntityPage(Sequence):
    """Entities in a ranked order of ids, fetched a page at a time (for ``Paginator``)."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def count(self) -> int:  # what Paginator asks first
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        ids = self.ids[index]
        by_id = Entity.objects.in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]


def entity_list(
    *, q: str = "", entity_type: str = "", status: str = ""
) -> QuerySet[Entity] | EntityPage:
    """Entities (not merged away) whose alias (names included) matches ``q`` in any language
    and script, like ``entities.selectors.entity_search`` but unlimited, for paging: exact
    names first, then prefixes, then the rest (by name); without a query, by name.

    With a query, the aliases are scanned once (``key`` contains the folded query, or the
    transliteration key starts with it), the ranking is done on the rows found, and a page
    of entities is read by id: two queries, where a ranked queryset would scan the aliases
    again for the count."""
    entities = Entity.objects.filter(merged_into__isnull=True)
    if entity_type in EntityType.values:
        entities = entities.filter(type=entity_type)
    if status in Entity.Status.values:
        entities = entities.filter(status=status)
    key = lookup_key(q or "")
    if not key:
        return entities.order_by("name_en", "name_ru", "name_kk", "pk")
    latin = translit_key(q)
    alias_match = Q(key__contains=key)
    if latin:
        alias_match |= (
            Q(translit_key__startswith=latin) if len(latin) >= 3 else Q(translit_key=latin)
        )
    # Names are aliases too (every service that names an entity adds the alias), so the
    # folded alias keys are searched alone: case-insensitive for Cyrillic on SQLite as well.
    rows = (
        Alias.objects.filter(alias_match, entity__in=entities)
        .values_list(
            "entity_id",
            "key",
            "translit_key",
            "entity__name_en",
            "entity__name_ru",
            "entity__name_kk",
        )
        .order_by()[:ENTITY_LIST_MATCH_LIMIT]
    )
    ranked: dict[int, tuple] = {}
    for entity_id, alias_key, alias_translit, *names in rows:
        if alias_key == key or (latin and alias_translit == latin):
            rank = 0
        elif alias_key.startswith(key):
            rank = 1
        else:
            rank = 2
        order = (rank, *names, entity_id)
        if entity_id not in ranked or order < ranked[entity_id]:
            ranked[entity_id] = order
    return EntityPage(sorted(ranked, key=ranked.__getitem__))


def coverage_counts(*, entity_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """entity id → (texts, mentions) from the coverage rows. One query."""
    rows = (
        EntityCoverage.objects.filter(entity_id__in=list(entity_ids))
        .values("entity_id")
        .annotate(texts=Count("id"), mentions=Sum("mentions"))
        .values_list("entity_id", "texts", "mentions")
    )
    return {entity_id: (texts, mentions or 0) for entity_id, texts, mentions in rows}


# -- the review queue ------------------------------------------------------------------------


def _texts_count() -> Subquery:
    """The number of texts mentioning the entity: a correlated count that PostgreSQL answers
    from the coverage rows' ``(entity, published_on)`` index alone (no heap fetch). A bare
    ``COUNT(*)`` (always one row, 0 for none) rather than an aggregate grouped by entity: for
    the 14,000 proposals of the review queue the grouped form costs twice as much, and its
    cost estimate crosses PostgreSQL's JIT threshold (another 15 ms of compiling)."""
    count = (
        EntityCoverage.objects.filter(entity_id=OuterRef("pk"))
        .order_by()
        .annotate(n=Func(template="COUNT(*)", output_field=IntegerField()))
        .values("n")
    )
    return Subquery(count, output_field=IntegerField())


def proposed_entities(*, entity_type: str = "") -> QuerySet[Entity]:
    """Entities extraction proposed and no editor decided on yet, the most mentioned (in the
    most texts) first, each with ``texts``. On 14,000 proposed entities the ranking is one
    index probe each, not an aggregate over their coverage rows."""
    entities = Entity.objects.filter(status=Entity.Status.PROPOSED, merged_into__isnull=True)
    if entity_type in EntityType.values:
        entities = entities.filter(type=entity_type)
    return entities.annotate(texts=_texts_count()).order_by("-texts", "pk")


@dataclass
class DuplicateCandidate:
    entity: Entity
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0


@dataclass
class _Found:
    """A candidate while it is being found: reasons as (kind, words), told in words later."""

    entity_id: int
    reasons: dict[str, dict[str, Any]] = field(default_factory=dict)
    score: float = 0.0


def _reason(kind: str, words: dict[str, Any]) -> str:
    if kind == "inflection":
        return _("«%(form)s» is an inflected form of «%(name)s»") % words
    if kind == "same":
        return _("same name «%(name)s»") % words
    if kind == "translit":
        return _("same transliteration: «%(form)s» = «%(name)s»") % words
    return _("%(score)d %% similar: «%(form)s» ~ «%(name)s»") % words


@dataclass(frozen=True)
class _Form:
    """One way an entity is written, and the keys it is looked up by."""

    text: str
    key: str
    translit: str
    base: str = ""  # for an inflected form: the base form it was read as


def _cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def _forms(entity: Entity, aliases: Sequence[dict]) -> list[_Form]:
    texts = {(a["text"], a["language"]) for a in aliases}
    texts |= {(getattr(entity, f"name_{lang}"), lang) for lang in LANGUAGES}
    forms: list[_Form] = []
    for text, language in sorted(texts):
        if not text:
            continue
        forms.append(_Form(text, lookup_key(text), translit_key(text)))
        for grammar in [language] if language in ("kk", "ru") else ["kk", "ru"]:
            for base in base_forms(text, language=grammar, entity_type=entity.type)[1:]:
                if lookup_key(base) != lookup_key(text):
                    forms.append(_Form(text, lookup_key(base), translit_key(base), base))
    return forms


def duplicate_candidates(
    *, entities: Sequence[Entity], limit: int = CANDIDATES_PER_ENTITY
) -> dict[int, list[DuplicateCandidate]]:
    """For each entity, the entities of the same type it may be a duplicate of, with the
    reasons: the same name, the same transliteration key (Тоқаев = Токаев), an inflected form
    of another's name (Тоқаевтың → Тоқаев), or a close spelling (a fuzzy ratio over the
    transliteration keys of the aliases sharing a prefix: a bounded pass). Confirmed entities
    first, then the surest, then the most mentioned.

    Four queries for any number of entities: their aliases, the key lookups, the fuzzy pool,
    the candidates."""
    from rapidfuzz import fuzz, process

    if not entities:
        return {}
    by_id = {e.pk: e for e in entities}
    aliases: dict[int, list[dict]] = defaultdict(list)
    for row in Alias.objects.filter(entity_id__in=by_id).values("entity_id", "text", "language"):
        aliases[row["entity_id"]].append(row)
    forms = {pk: _forms(entity, aliases[pk]) for pk, entity in by_id.items()}
    found: dict[int, dict[int, _Found]] = defaultdict(dict)

    def note(pk: int, other_id: int, kind: str, words: dict[str, Any], score: float) -> None:
        """One reason of each kind per pair (Тоқаев, Токаев and Tokayev are one reason)."""
        candidate = found[pk].setdefault(other_id, _Found(other_id))
        if kind not in candidate.reasons:
            candidate.reasons[kind] = words
            candidate.score = max(candidate.score, score)

    by_key: dict[str, list[tuple[int, _Form]]] = defaultdict(list)
    by_translit: dict[str, list[tuple[int, _Form]]] = defaultdict(list)
    for pk, entity_forms in forms.items():
        for form in entity_forms:
            by_key[form.key].append((pk, form))
            if form.translit:
                by_translit[form.translit].append((pk, form))
    matches = Alias.objects.filter(
        Q(key__in=list(by_key)) | Q(translit_key__in=list(by_translit)),
        entity__type__in={e.type for e in entities},
        entity__merged_into__isnull=True,
    ).values_list("entity_id", "entity__type", "key", "translit_key", "text")
    # (priority, pk, other id, kind, words, score): a match of the exact key is told before a
    # match of the transliteration, and a name in the same script before one in another.
    notes: list[tuple[int, int, int, str, dict[str, Any], float]] = []
    for other_id, other_type, key, translit, text in matches:
        hits = dict.fromkeys(by_key.get(key, ()), True)
        for hit in by_translit.get(translit, ()) if translit else ():
            hits.setdefault(hit, False)
        for (pk, form), same_key in hits.items():
            if other_type != by_id[pk].type or other_id == pk:
                continue
            priority = 0 if same_key else 1 if _cyrillic(form.text) == _cyrillic(text) else 2
            words = {"form": form.text, "name": text}
            if form.base:
                notes.append((priority, pk, other_id, "inflection", words, 99.0))
            else:
                notes.append(
                    (priority, pk, other_id, "same" if same_key else "translit", words, 100.0)
                )
    for _priority, pk, other_id, kind, words, score in sorted(notes, key=lambda n: n[0]):
        note(pk, other_id, kind, words, score)

    # The fuzzy pass compares with the aliases of the same type that share the first letters
    # of the transliteration key and whose length allows the minimum ratio
    # (2·common / (a + b) ≥ 0.85 needs 0.74·a ≤ b ≤ 1.36·a): indexed prefix lookups.
    windows = {
        (f.translit[:FUZZY_PREFIX], int(len(f.translit) * 0.73), int(len(f.translit) * 1.36) + 1)
        for entity_forms in forms.values()
        for f in entity_forms
        if not f.base and len(f.translit) >= FUZZY_MIN_LENGTH
    }
    pool: dict[str, tuple[list[str], list[tuple[int, str]]]] = defaultdict(lambda: ([], []))
    if windows:
        # Conditions on the alias alone in the OR, so each is an index range scan.
        pool_filter = Q(pk__in=[])
        for prefix, shortest, longest in windows:
            pool_filter |= Q(
                translit_key__startswith=prefix, translit_length__range=(shortest, longest)
            )
        rows = (
            Alias.objects.alias(translit_length=Length("translit_key"))
            .filter(pool_filter)
            .filter(entity__type__in={e.type for e in entities}, entity__merged_into__isnull=True)
            .order_by()
            .values_list("entity_id", "entity__type", "translit_key", "text")[:FUZZY_POOL_LIMIT]
        )
        for other_id, other_type, translit, text in rows:
            pool[other_type][0].append(translit)
            pool[other_type][1].append((other_id, text))
    for pk, entity in by_id.items():
        choices, owners = pool.get(entity.type, ([], []))
        for form in forms[pk]:
            if form.base or len(form.translit) < FUZZY_MIN_LENGTH or not choices:
                continue
            for translit, score, index in process.extract(
                form.translit,
                choices,
                scorer=fuzz.ratio,
                score_cutoff=FUZZY_MIN_SCORE,
                limit=None,
            ):
                other_id, text = owners[index]
                if other_id == pk or translit == form.translit:
                    continue  # itself, or an exact match told above
                if other_id in found[pk] and "fuzzy" not in found[pk][other_id].reasons:
                    continue  # a surer reason was found
                words = {"score": round(score), "form": form.text, "name": text}
                note(pk, other_id, "fuzzy", words, score)

    # Only the surest few per entity are read (a common surname can match hundreds).
    shortlist = {
        pk: sorted(per.values(), key=lambda c: (-c.score, c.entity_id))[: limit * 3]
        for pk, per in found.items()
    }
    candidate_ids = {c.entity_id for per in shortlist.values() for c in per}
    read = (
        {
            e.pk: e
            for e in Entity.objects.filter(pk__in=candidate_ids)
            .only("pk", "type", "status", "name_kk", "name_ru", "name_en")
            .annotate(texts=_texts_count())
        }
        if candidate_ids
        else {}
    )
    result: dict[int, list[DuplicateCandidate]] = {}
    for pk in by_id:
        candidates = [
            DuplicateCandidate(
                read[c.entity_id],
                [_reason(kind, words) for kind, words in c.reasons.items()],
                c.score,
            )
            for c in shortlist.get(pk, ())
            if c.entity_id in read
        ]
        candidates.sort(
            key=lambda c: (
                c.entity.status != Entity.Status.CONFIRMED,
                -c.score,
                -c.entity.texts,
                c.entity.pk,
            )
        )
        result[pk] = candidates[:limit]
    return result

"""Reading a search query: its words as stems in every language, and the entities it names.

A query is a list of terms, all of which a text must match (AND). A term is a word, or a run of
up to ``MAX_NAME_WORDS`` words that names an entity («Касым-Жомарт Токаев», «Си Цзиньпином»).
A word term matches a text having any of the word's stems in kk, ru or en. An entity term
matches a text having all its words (by stem), *or* a not-rejected mention of the entity,
which is how «Токаев» finds a Kazakh text that only says «Тоқаевтың», and «Tokayev» finds both.

Entities are found the way the linker finds them (``entities.linking``): the phrase's candidate
base forms in each language (``linker.base_forms``: Kazakh suffix stripping, Russian
declension, English possessive) → lookup keys and script-independent transliteration keys →
one alias query for all phrases of the query. Exact and inflected keys win; transliteration
(«Tokayev» ↔ «Токаев») is used for a phrase only when no key matched it. Phrases are taken
longest first, left to right, so «Касым-Жомарт Токаев» is one person and not two words.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from entities.linking.keys import lookup_key, translit_key
from entities.linking.linker import base_forms
from entities.models import Alias, Entity
from entities.search.documents import entity_token
from entities.search.stemming import WORD, query_token_stems, query_tokens

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12
MAX_NAME_WORDS = 4
MAX_ENTITIES_PER_TERM = 10
# A transliteration key of a short word collides too easily («Ли», «Ан»).
MIN_TRANSLIT_LETTERS = 4
# Merge chains longer than this are a data error; stop following rather than loop.
MAX_MERGE_DEPTH = 5


@dataclass(frozen=True)
class Term:
    """One AND-ed part of a query."""

    text: str
    # Per token of the term, the index tokens (stems) any of which matches it.
    stems: tuple[tuple[str, ...], ...]
    # Entities the term names (merged entities resolved to the one they were merged into) …
    entity_ids: tuple[int, ...] = ()
    # … and every entity id whose index token stands for them (the merged-away ones too, for
    # documents indexed before the merge).
    token_entity_ids: tuple[int, ...] = ()

    @property
    def entity_tokens(self) -> tuple[str, ...]:
        return tuple(entity_token(pk) for pk in self.token_entity_ids)


@dataclass
class ParsedQuery:
    text: str
    terms: list[Term] = field(default_factory=list)
    # The entities named, in query order, for display and for the "why" of each result.
    entities: list[Entity] = field(default_factory=list)
    # Entity id of a mention or index token (merged-away ids too) → the entity to name.
    entity_for_id: dict[int, Entity] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.terms

    @property
    def stems(self) -> frozenset[str]:
        """Every stem of every word typed: what the highlighter marks."""
        return frozenset(stem for term in self.terms for token in term.stems for stem in token)


@dataclass(frozen=True)
class _Word:
    start: int
    end: int


def _phrase_forms(phrase: str) -> set[str]:
    """The phrase and its candidate base forms in each language."""
    forms = {phrase}
    for language, entity_type in (("kk", "PER"), ("ru", "PER"), ("ru", "LOC"), ("en", "")):
        forms.update(base_forms(phrase, language=language, entity_type=entity_type))
    return forms


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def _alias_hits(
    phrases: list[str], entity_type: str
) -> tuple[dict[str, set[int]], dict[str, set[int]], dict[int, int]]:
    """Per phrase, entity ids found by key and by transliteration key; merged entity → target.
    One query for all phrases."""
    keys_of: dict[str, set[str]] = {}
    translit_of: dict[str, set[str]] = {}
    for phrase in phrases:
        forms = _phrase_forms(phrase)
        keys_of[phrase] = {k for k in map(lookup_key, forms) if k}
        translit_of[phrase] = (
            {k for k in map(translit_key, forms) if k}
            if _letters(phrase) >= MIN_TRANSLIT_LETTERS
            else set()
        )
    all_keys = set().union(*keys_of.values()) if keys_of else set()
    all_translit = set().union(*translit_of.values()) if translit_of else set()
    if not all_keys and not all_translit:
        return {}, {}, {}
    aliases = Alias.objects.filter(Q(key__in=all_keys) | Q(translit_key__in=all_translit))
    if entity_type:
        aliases = aliases.filter(entity__type=entity_type)
    by_key: dict[str, set[int]] = defaultdict(set)
    by_translit: dict[str, set[int]] = defaultdict(set)
    merged: dict[int, int] = {}
    for key, tkey, entity_id, merged_into in aliases.values_list(
        "key", "translit_key", "entity_id", "entity__merged_into_id"
    ):
        by_key[key].add(entity_id)
        if tkey:
            by_translit[tkey].add(entity_id)
        if merged_into:
            merged[entity_id] = merged_into
    exact = {p: set().union(*(by_key.get(k, set()) for k in keys_of[p])) for p in phrases}
    translit = {
        p: set().union(*(by_translit.get(k, set()) for k in translit_of[p])) for p in phrases
    }
    return exact, translit, merged


def _segments(text: str, words: list[_Word], found: dict[str, set[int]]) -> list[tuple[str, set]]:
    """Greedy, longest name first: (phrase, entity ids) for each part of the query."""
    out: list[tuple[str, set[int]]] = []
    i = 0
    while i < len(words):
        for length in range(min(MAX_NAME_WORDS, len(words) - i), 0, -1):
            phrase = text[words[i].start : words[i + length - 1].end]
            if found.get(phrase):
                out.append((phrase, found[phrase]))
                i += length
                break
        else:
            out.append((text[words[i].start : words[i].end], set()))
            i += 1
    return out


def _resolve_merges(entity_ids: set[int], merged: dict[int, int]) -> dict[int, int]:
    """entity id → the entity it was (transitively) merged into, or itself. Follows chains the
    alias query did not see with one query per level (none when nothing was merged)."""
    target = {pk: merged.get(pk, pk) for pk in entity_ids}
    pending = {t for pk, t in target.items() if pk != t}
    for _ in range(MAX_MERGE_DEPTH):
        if not pending:
            break
        further = dict(
            Entity.objects.filter(pk__in=pending, merged_into__isnull=False).values_list(
                "pk", "merged_into_id"
            )
        )
        if not further:
            break
        target = {pk: further.get(t, t) for pk, t in target.items()}
        pending = set(further.values())
    return target


def query_parse(text: str, *, entity_type: str = "") -> ParsedQuery:
    """Terms and entities of a query. Two queries when the query has letters (aliases, then the
    entities named with the ones merged into them; one more per level of a merge chain the
    alias query did not see), none for an empty query."""
    text = " ".join(text.split())[:MAX_QUERY_LENGTH]
    parsed = ParsedQuery(text=text)
    words = [_Word(m.start(), m.end()) for m in WORD.finditer(text)][:MAX_QUERY_WORDS]
    if not words:
        return parsed
    phrases = list(
        dict.fromkeys(
            text[words[i].start : words[i + n - 1].end]
            for i in range(len(words))
            for n in range(1, min(MAX_NAME_WORDS, len(words) - i) + 1)
        )
    )
    exact, translit, merged = _alias_hits(phrases, entity_type)
    found = {p: exact.get(p) or translit.get(p) or set() for p in phrases}
    segments = _segments(text, words, found)
    named = {pk for _phrase, ids in segments for pk in ids}
    survivor = _resolve_merges(named, merged)
    survivors = set(survivor.values())
    entities: dict[int, Entity] = {}
    merged_away: dict[int, set[int]] = defaultdict(set)
    if survivors:
        for entity in Entity.objects.filter(
            Q(pk__in=survivors) | Q(merged_into__in=survivors)
        ).order_by("pk"):
            if entity.pk in survivors:
                entities[entity.pk] = entity
            else:
                merged_away[entity.merged_into_id].add(entity.pk)
    for pk, target in survivor.items():
        if pk != target:
            merged_away[target].add(pk)
    order: list[int] = []
    for phrase, ids in segments:
        stems = tuple(filter(None, (query_token_stems(t) for t in query_tokens(phrase))))
        entity_ids = tuple(
            sorted({survivor[pk] for pk in ids if survivor[pk] in entities})[:MAX_ENTITIES_PER_TERM]
        )
        token_ids = tuple(sorted({pk for e in entity_ids for pk in (e, *merged_away.get(e, ()))}))
        if not stems and not entity_ids:
            continue
        parsed.terms.append(Term(phrase, stems, entity_ids, token_ids))
        order.extend(pk for pk in entity_ids if pk not in order)
    parsed.entities = [entities[pk] for pk in order]
    parsed.entity_for_id = {pk: entities[s] for s in order for pk in (s, *merged_away.get(s, ()))}
    return parsed


_SAFE_TOKEN = re.compile(r"^[^\W_]+$")


def tsquery(parsed: ParsedQuery) -> str:
    """The query in PostgreSQL ``to_tsquery`` syntax: terms AND-ed; a term's words AND-ed, each
    an OR of its stems; an entity term OR-ed with its entity tokens. Tokens are letters and
    digits only (``stemming``), quoted anyway."""

    def lexeme(token: str) -> str:
        if not _SAFE_TOKEN.match(token):
            token = re.sub(r"[^\w]", "", token)
        return "'" + token.replace("'", "") + "'"

    parts = []
    for term in parsed.terms:
        words = " & ".join("(" + " | ".join(map(lexeme, stems)) + ")" for stems in term.stems)
        alternatives = [f"({words})"] if words else []
        alternatives.extend(map(lexeme, term.entity_tokens))
        parts.append("(" + " | ".join(alternatives) + ")")
    return " & ".join(parts)

"""Linking mentions to canonical entities, whatever the language, case or script.

For each mention the language's grammar gives candidate base forms («Тоқаевтың» → «Тоқаев»,
«Токаевым» → «Токаев»); their lookup keys and transliteration keys are looked up among the
aliases of the knowledge base in one query per document. The first hit decides the method:

- ``exact``: the mention as written is an alias (or a name);
- ``inflection``: a base form of it is;
- ``transliteration``: only the script-independent key matches (Tokayev ↔ Токаев);
- ``lemma`` / ``fuzzy``: a looser match (dictionary lemma ignoring gender, or rapidfuzz over
  the alias keys); these are only *suggested* for review, never linked.

A mention with no match proposes a new entity (status ``proposed``) so later mentions in any
language link to it. Guards against false merges: a feminine surname never links to a man
(«Токаева» ≠ «Токаев»), compounds are not cut («Китай-город» is not «Китай»), and an alias
shared by two entities is not linked but offered for review."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q

from entities.linking.kazakh import kazakh_base_forms
from entities.linking.keys import lookup_key, translit_key
from entities.linking.russian import russian_base_forms, russian_gender
from entities.models import Alias, Entity, Mention

# How sure each kind of match is; the UI shows it, reviewers sort by it.
CONFIDENCE = {
    Mention.Method.EXACT: 0.98,
    Mention.Method.INFLECTION: 0.92,
    Mention.Method.TRANSLITERATION: 0.85,
    Mention.Method.LEMMA: 0.6,
    Mention.Method.FUZZY: 0.5,
}
PROPOSED_CONFIDENCE = 0.5
CROSS_TYPE_FACTOR = 0.8  # the KB says ORG, the tagger said LOC: link, but less sure
FUZZY_MIN_SCORE = 88.0
FUZZY_MIN_LENGTH = 5

# Kazakh endings that leave no doubt a word is inflected («-ның», «-ға», «-дан», «-мен»): a
# proposed entity is named by the stripped form only after one of these. Endings that also
# close nominative names («Алматы», «Канада») are not in the list.
_KAZAKH_CLEAR_ENDINGS = frozenset(
    [
        "тың",
        "тің",
        "дың",
        "дің",
        "ның",
        "нің",
        "ға",
        "ге",
        "қа",
        "ке",
        "на",
        "не",
        "нда",
        "нде",
        "дан",
        "ден",
        "тан",
        "тен",
        "нан",
        "нен",
        "мен",
        "бен",
        "пен",
        "дағы",
        "дегі",
        "тағы",
        "тегі",
        "ндағы",
        "ндегі",
    ]
)


@dataclass(frozen=True)
class MentionText:
    text: str
    type: str


@dataclass
class Link:
    """Where one mention points. ``entity_id`` is None when nothing was linked (a suggestion
    may still be offered)."""

    entity_id: int | None
    method: str
    confidence: float
    type: str
    suggested_entity_id: int | None = None
    proposed: bool = False


@dataclass
class _Candidate:
    entity_id: int
    type: str
    gender: str
    status: str


@dataclass
class _Analysis:
    mention: MentionText
    forms: list[str]
    keys: list[str]
    translit_keys: list[str]
    gender: str = ""
    # method → entity id → candidate (one entry per entity and method)
    hits: dict[str, dict[int, _Candidate]] = field(default_factory=dict)


def base_forms(text: str, *, language: str, entity_type: str) -> list[str]:
    """Candidate nominative forms of a mention, the mention itself first."""
    if language == "kk":
        forms = kazakh_base_forms(text)
    elif language == "ru":
        forms = russian_base_forms(text, entity_type)
    else:
        forms = [text]
        stripped = re.sub(r"['’]s$", "", text)
        if stripped != text:
            forms.append(stripped)
    return forms or [text]


def _proposed_name(analysis: _Analysis, language: str) -> str:
    """The name a new entity gets from an unknown mention: its most likely base form."""
    forms = analysis.forms
    if len(forms) < 2:
        return forms[0]
    if language == "kk":
        surface, stem = forms[0], forms[1]
        ending = surface[len(stem) :].lstrip("-'’").lower() if surface.startswith(stem) else ""
        return stem if ending in _KAZAKH_CLEAR_ENDINGS else surface
    if language == "ru" and analysis.mention.type == "PER" and not analysis.gender:
        return forms[0]  # «Гульнар Шаймергенова»: a woman, or a man in the genitive? As written.
    return forms[1]


def mentions_link(
    mentions: Sequence[MentionText],
    *,
    language: str,
    propose: bool = True,
) -> list[Link]:
    """Link a document's mentions (title and body together, so a surname alone can follow
    the full name mentioned earlier). One alias query for the whole document."""
    analyses = {m: _analyse(m, language) for m in dict.fromkeys(mentions)}
    _lookup(analyses.values())
    links: dict[MentionText, Link] = {m: _decide(a) for m, a in analyses.items()}
    unlinked = [m for m, link in links.items() if link.entity_id is None]
    choices_by_type: dict[str, dict[str, int]] = {}  # alias keys per type, read once
    if unlinked:
        _lookup_again_if_aliases_arrived(unlinked, analyses, links, choices_by_type)
        unlinked = [m for m in unlinked if links[m].entity_id is None]
    if unlinked:
        _suggest_fuzzy(unlinked, analyses, links, choices_by_type)
    if propose:
        _propose(
            [m for m in unlinked if links[m].suggested_entity_id is None],
            analyses,
            links,
            language,
        )
    _link_surnames_to_full_names(analyses, links)
    return [links[m] for m in mentions]


def entity_link_text(text: str, *, language: str, entity_type: str) -> int | None:
    """The entity a bare name (a quote's speaker, a search box) links to, without proposing."""
    mention = MentionText(text, entity_type)
    link = mentions_link([mention], language=language, propose=False)[0]
    return link.entity_id


# -- steps ---------------------------------------------------------------------------------


def _analyse(mention: MentionText, language: str) -> _Analysis:
    forms = base_forms(mention.text, language=language, entity_type=mention.type)
    keys = [lookup_key(form) for form in forms]
    gender = russian_gender(mention.text) if language == "ru" and mention.type == "PER" else ""
    return _Analysis(
        mention=mention,
        forms=forms,
        keys=keys,
        translit_keys=[translit_key(form) for form in forms],
        gender=gender,
    )


def _lookup(analyses: Iterable[_Analysis]) -> None:
    analyses = list(analyses)
    keys = {k for a in analyses for k in a.keys if k}
    translit_keys = {k for a in analyses for k in a.translit_keys if k}
    if not keys and not translit_keys:
        return
    rows = Alias.objects.filter(Q(key__in=keys) | Q(translit_key__in=translit_keys)).values_list(
        "key",
        "translit_key",
        "entity_id",
        "entity__type",
        "entity__gender",
        "entity__status",
        "entity__merged_into_id",
    )
    by_key: dict[str, list[_Candidate]] = {}
    by_translit: dict[str, list[_Candidate]] = {}
    merged: dict[int, int] = {}
    for key, tkey, entity_id, entity_type, gender, status, merged_into in rows:
        if merged_into:
            merged[entity_id] = merged_into
        candidate = _Candidate(entity_id, entity_type, gender, status)
        by_key.setdefault(key, []).append(candidate)
        if tkey:
            by_translit.setdefault(tkey, []).append(candidate)
    survivors = _resolve_merges(merged)
    for analysis in analyses:
        for rank, (key, tkey) in enumerate(zip(analysis.keys, analysis.translit_keys, strict=True)):
            method = Mention.Method.EXACT if rank == 0 else Mention.Method.INFLECTION
            for found_method, candidates in (
                (method, by_key.get(key, ())),
                (Mention.Method.TRANSLITERATION, by_translit.get(tkey, ())),
            ):
                hits = analysis.hits.setdefault(found_method, {})
                for candidate in candidates:
                    candidate = survivors.get(candidate.entity_id, candidate)
                    hits.setdefault(candidate.entity_id, candidate)


_ENTITY_FIELDS = ("pk", "type", "gender", "status", "merged_into_id")


def _resolve_merges(merged: dict[int, int]) -> dict[int, _Candidate]:
    """Entities merged into others link to the survivor, following chains: one query per
    level of merging, not per entity."""
    survivors: dict[int, _Candidate] = {}
    pending = dict(merged)  # merged entity → the entity it points to now
    for _ in range(10):  # a chain longer than this is a data error; stop rather than loop
        if not pending:
            break
        rows = {
            row[0]: row
            for row in Entity.objects.filter(pk__in=set(pending.values())).values_list(
                *_ENTITY_FIELDS
            )
        }
        next_pending = {}
        for entity_id, target in pending.items():
            row = rows.get(target)
            if row is None:
                continue
            if row[4] and row[4] != entity_id:
                next_pending[entity_id] = row[4]
            else:
                survivors[entity_id] = _Candidate(row[0], row[1], row[2], row[3])
        pending = next_pending
    return survivors


def _decide(analysis: _Analysis) -> Link:
    mention = analysis.mention
    for method in (
        Mention.Method.EXACT,
        Mention.Method.INFLECTION,
        Mention.Method.TRANSLITERATION,
    ):
        candidates = [
            c
            for c in analysis.hits.get(method, {}).values()
            if not (analysis.gender and c.gender and c.gender != analysis.gender)
        ]
        if not candidates:
            continue
        same_type = [c for c in candidates if c.type == mention.type]
        pool = same_type or candidates
        confirmed = [c for c in pool if c.status == Entity.Status.CONFIRMED]
        pool = confirmed or pool
        confidence = CONFIDENCE[method] * (1 if same_type else CROSS_TYPE_FACTOR)
        if len(pool) > 1:  # an alias two entities share: a person decides
            return Link(
                entity_id=None,
                method=method,
                confidence=round(confidence / 2, 3),
                type=mention.type,
                suggested_entity_id=pool[0].entity_id,
            )
        chosen = pool[0]
        if not mention.text[:1].isupper() and not mention.text[:1].isdigit():
            # «теңіз» (a sea) is not «Теңіз» (the field): a lowercase span is only offered.
            return Link(
                entity_id=None,
                method=method,
                confidence=round(confidence / 2, 3),
                type=mention.type,
                suggested_entity_id=chosen.entity_id,
            )
        return Link(
            entity_id=chosen.entity_id,
            method=method,
            confidence=round(confidence, 3),
            type=chosen.type,
        )
    return Link(entity_id=None, method=Mention.Method.NONE, confidence=0.0, type=mention.type)


def _link_surnames_to_full_names(
    analyses: dict[MentionText, _Analysis], links: dict[MentionText, Link]
) -> None:
    """«Шаймергенованың» after «Гүлнар Шаймергенова» in one article is the same person, unless two
    people of the document share that surname."""
    by_surname: dict[str, set[int]] = {}
    for mention, link in links.items():
        if mention.type != "PER" or link.entity_id is None or len(mention.text.split()) < 2:
            continue
        for form in analyses[mention].forms:
            by_surname.setdefault(lookup_key(form.split()[-1]), set()).add(link.entity_id)
    for mention, link in links.items():
        if mention.type != "PER" or link.entity_id or len(mention.text.split()) != 1:
            continue
        for key in analyses[mention].keys:
            targets = by_surname.get(key, set())
            if len(targets) == 1:
                links[mention] = Link(
                    entity_id=next(iter(targets)),
                    method=Mention.Method.INFLECTION,
                    confidence=0.8,
                    type="PER",
                )
                break


def _lookup_again_if_aliases_arrived(
    unlinked: list[MentionText],
    analyses: dict[MentionText, _Analysis],
    links: dict[MentionText, Link],
    choices_by_type: dict[str, dict[str, int]],
) -> None:
    """Another worker may have committed an alias with one of these keys after our alias query
    (two articles naming the same new person at once). Its key is then among the fuzzy
    choices, and a fuzzy pass would only *suggest* the entity the exact rules link: decide
    those mentions again on a fresh lookup instead. Costs a query only in that case."""
    late = []
    for mention in unlinked:
        if links[mention].suggested_entity_id:
            continue
        if mention.type not in choices_by_type:
            choices_by_type[mention.type] = _alias_choices(mention.type)
        choices = choices_by_type[mention.type]
        if any(key in choices for key in analyses[mention].keys):
            late.append(mention)
    if late:
        _lookup(analyses[m] for m in late)
        for mention in late:
            links[mention] = _decide(analyses[mention])


def _suggest_fuzzy(
    unlinked: list[MentionText],
    analyses: dict[MentionText, _Analysis],
    links: dict[MentionText, Link],
    choices_by_type: dict[str, dict[str, int]],
) -> None:
    from rapidfuzz import fuzz, process

    for mention in unlinked:
        if links[mention].suggested_entity_id:
            continue
        if mention.type not in choices_by_type:  # one check per type and document
            choices_by_type[mention.type] = _alias_choices(mention.type)
        choices = choices_by_type[mention.type]
        if not choices:
            continue
        best: tuple[float, int] | None = None
        for key in analyses[mention].keys:
            if len(key) < FUZZY_MIN_LENGTH:
                continue
            found = process.extractOne(
                key, choices.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE
            )
            if found and (best is None or found[1] > best[0]):
                best = (found[1], choices[found[0]])
        if best:
            links[mention] = Link(
                entity_id=None,
                method=Mention.Method.FUZZY,
                confidence=round(CONFIDENCE[Mention.Method.FUZZY] * best[0] / 100, 3),
                type=mention.type,
                suggested_entity_id=best[1],
            )


_CHOICES_CACHE: dict[str, tuple[tuple, dict[str, int]]] = {}


def _alias_choices(entity_type: str) -> dict[str, int]:
    """Alias keys of one entity type (process cache, refreshed when aliases are added or
    deleted or their entities change)."""
    aliases = Alias.objects.filter(entity__type=entity_type, entity__merged_into__isnull=True)
    signature = tuple(aliases.aggregate(Max("id"), Count("id"), Max("entity__updated_at")).values())
    cached = _CHOICES_CACHE.get(entity_type)
    if cached and cached[0] == signature and signature[0] is not None:
        return cached[1]
    choices = dict(aliases.values_list("key", "entity_id"))
    _CHOICES_CACHE[entity_type] = (signature, choices)
    return choices


def _is_proposable(text: str, entity_type: str) -> bool:
    """Tagger noise must not grow the knowledge base: a name starts with a capital, and a
    person needs two words written like names (first name and surname; initials allowed)."""
    words = text.split()
    if not words or len(text) < 2 or not text[0].isupper():
        return False
    if entity_type == "PER":
        # Two or more words, each written like a name («Ерлан Сапаров»), not «Тоқаев ШЫҰ».
        return len(words) >= 2 and all(_looks_like_a_name(word) for word in words)
    return any(ch.isalpha() for ch in text)


def _looks_like_a_name(word: str) -> bool:
    parts = [part for part in re.split(r"[-.]", word) if part]
    return bool(parts) and all(
        part[0].isupper() and (len(part) == 1 or any(ch.islower() for ch in part[1:]))
        for part in parts
    )


def _propose(
    unlinked: list[MentionText],
    analyses: dict[MentionText, _Analysis],
    links: dict[MentionText, Link],
    language: str,
) -> None:
    by_key: dict[tuple[str, str], Entity] = {}
    for mention in unlinked:
        if not _is_proposable(mention.text, mention.type):
            continue
        analysis = analyses[mention]
        name = _proposed_name(analysis, language)
        key = lookup_key(name)
        if not key:
            continue
        entity = by_key.get((mention.type, key))
        if entity is None:
            entity = _entity_propose(
                name=name,
                key=key,
                entity_type=mention.type,
                language=language,
                gender=analysis.gender,
            )
            by_key[(mention.type, key)] = entity
        method = (
            Mention.Method.EXACT if lookup_key(mention.text) == key else Mention.Method.INFLECTION
        )
        links[mention] = Link(
            entity_id=entity.pk,
            method=method,
            confidence=PROPOSED_CONFIDENCE,
            type=mention.type,
            proposed=True,
        )


def _entity_propose(*, name: str, key: str, entity_type: str, language: str, gender: str) -> Entity:
    """Get or create the proposed entity for this name (race-safe: unique proposal key)."""
    existing = Entity.objects.filter(type=entity_type, proposal_key=key).first()
    if existing:
        return existing
    names = {f"name_{language}": name} if language in ("kk", "ru", "en") else {"name_en": name}
    try:
        with transaction.atomic():
            entity = Entity.objects.create(
                type=entity_type,
                status=Entity.Status.PROPOSED,
                proposal_key=key,
                gender=gender,
                **names,
            )
            Alias.objects.create(
                entity=entity,
                text=name,
                language=language if language in ("kk", "ru", "en") else "",
                key=key,
                translit_key=translit_key(name),
                kind=Alias.Kind.NAME,
                origin=Alias.Origin.EXTRACTION,
            )
    except IntegrityError:  # another worker proposed it a moment ago
        return Entity.objects.get(type=entity_type, proposal_key=key)
    return entity

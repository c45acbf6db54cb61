"""Checks that compare what the texts say: figures, entities, dates, quotes.

Each compares what the extraction pipeline finds on both sides of a row, so a check is only
as good as the extraction; where a miss on the target side would cause a false alarm, the check
looks again more loosely before it fires (an entity's names searched in the target text, an
unattributed pair of quotation marks counted as a quotation). A finding means "a person
should look", and a false alarm on a faithful translation costs the desk more than a rare miss.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.translations.qa.base import (
    AlignedPair,
    Check,
    Finding,
    QAContext,
    Severity,
    register,
)
from entities.extraction.types import DateSpan, FigureSpan, QuoteSpan
from entities.linking.keys import lookup_key, translit_key

Item = TypeVar("Item")


def _unmatched(
    source: Sequence[Item], target: Sequence[Item], key: Callable[[Item], Hashable]
) -> tuple[list[Item], list[Item]]:
    """Multiset difference both ways, in text order: the source items the target lacks and
    the target items the source lacks."""
    target_left = Counter(key(item) for item in target)
    missing = []
    for item in source:
        if target_left[key(item)] > 0:
            target_left[key(item)] -= 1
        else:
            missing.append(item)
    source_left = Counter(key(item) for item in source)
    extra = []
    for item in target:
        if source_left[key(item)] > 0:
            source_left[key(item)] -= 1
        else:
            extra.append(item)
    return missing, extra


# -- figures -----------------------------------------------------------------------------------


def _figure_key(figure: FigureSpan) -> tuple[str, Any, str]:
    return (figure.kind, figure.value, figure.unit)


def _figure_fingerprint(figure: FigureSpan) -> str:
    return f"{figure.kind}:{figure.value}:{figure.unit}"


@register
class FiguresCheck(Check):
    """Every money amount, percentage and quantity of the source row is in the target row with
    the same value and unit. The extraction normalises «7,4 млрд долларов», «7,4 миллиард АҚШ
    доллары» and «$7.4 billion» to (money, 7400000000, USD), so the comparison is a multiset
    comparison of those triples."""

    code = "figures"
    severity = Severity.ERROR
    label = gettext_lazy("Figures")

    def check_pair(self, context: QAContext, pair: AlignedPair) -> Iterator[Finding]:
        missing, extra = _unmatched(
            context.source_extraction(pair).figures,
            context.target_extraction(pair).figures,
            _figure_key,
        )
        for figure in missing:
            # What the target says instead: a figure of the same kind and unit first (6 → 60
            # billion dollars), then of the same kind (dollars → tenge).
            replacement = next(
                (t for t in extra if (t.kind, t.unit) == (figure.kind, figure.unit)), None
            ) or next((t for t in extra if t.kind == figure.kind), None)
            if replacement is not None:
                extra.remove(replacement)
                message = _("«%(source)s» became «%(target)s» in the translation.") % {
                    "source": figure.text,
                    "target": replacement.text,
                }
            else:
                message = _("The figure «%(figure)s» is missing or changed in the translation.") % {
                    "figure": figure.text
                }
            yield self.finding(
                pair,
                message,
                key=_figure_fingerprint(figure),
                source=figure.text,
                target=replacement.text if replacement else "",
            )
        # A figure only the translation has is a warning, not an error: translators add a
        # conversion for their readers («60 млрд теңге» → «60 billion tenge ($125 million)»),
        # and a figure that was changed is already an error through its source figure above.
        for figure in extra:
            yield self.finding(
                pair,
                _("The translation has the figure «%(figure)s», which the source does not.")
                % {"figure": figure.text},
                key="extra:" + _figure_fingerprint(figure),
                severity=Severity.WARNING,
                target=figure.text,
            )


# -- entities ----------------------------------------------------------------------------------

# Words as the n-gram search counts them: «Zakon.kz», «Касым-Жомарт», «Қ.-Ж.» (two words).
_WORD = re.compile(r"\w+(?:[-‑.'’&]\w+)*")
_MAX_NGRAM = 6

# A place named by its adjective in the target («Қытай» → «китайских компаний», «Қазақстан» →
# «казахстанский», «China» → «Chinese», «Ресей» → «ресейлік»): the stem of the place's name
# followed by an adjective suffix of the target language. Only for places: people and
# organisations have no such adjectives in news copy.
_ADJECTIVE_TAIL: dict[str, re.Pattern[str]] = {
    "ru": re.compile(r"[а-яё]{0,3}(?:ск|цк)[а-яё]*"),
    "kk": re.compile(r"(?:дық|дік|тық|тік|лық|лік)[а-яәғқңөұүһі]*"),
    "en": re.compile(r"[a-z]{0,2}(?:an|ese|i|ish|ic)s?"),
}
_STEM_END: dict[str, re.Pattern[str]] = {
    # One letter off the end: «Китай» → «китай-ские», «Россия» → «росси-йские».
    "ru": re.compile(r"[аеёиоуыэюяйь]$"),
    "kk": re.compile(r"$^"),  # Kazakh glues the suffix to the whole name: «қытай-лық»
    "en": re.compile(r"[aeiouy]$"),  # «China» → «Chin-ese», «Russia» → «Russi-an»
}
_MIN_STEM = 4
_OPENING = 3


# Russian case endings of nouns and names; a name word of at least three letters followed by
# one of them is that name declined.
_RUSSIAN_ENDINGS = frozenset(
    {"а", "у", "е", "ом", "ым", "ем", "ой", "ою", "ей", "ы", "и", "ю", "я", "ов", "ев", "ам"}
    | {"ами", "ах", "ям", "ями", "ях"}
)


def _declined(word: str, name: str) -> bool:
    if word == name:
        return True
    if len(name) < 3:
        return False
    stems = (name, name[:-1]) if name[-1] in "аяйь" else (name,)
    return any(word.startswith(stem) and word[len(stem) :] in _RUSSIAN_ENDINGS for stem in stems)


def _openings(word: str) -> tuple[str, str]:
    return lookup_key(word)[:_OPENING], translit_key(word)[:_OPENING]


@dataclass
class _EntityNames:
    """What the target text may call one entity: the keys of its names and aliases in every
    language, by word count."""

    entity_id: int
    type: str
    display: dict[str, str]
    keys: set[str] = field(default_factory=set)
    translit_keys: set[str] = field(default_factory=set)
    lengths: set[int] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)  # one-word names of a place, for adjectives
    # How a name's first word begins, as written and transliterated: only n-grams that begin
    # the same way are put through the grammar (inflection leaves the first letters alone).
    openings: set[str] = field(default_factory=set)
    word_keys: set[tuple[str, ...]] = field(default_factory=set)  # each name, word by word

    def add(self, text: str, *, surname: bool = False) -> None:
        words = _WORD.findall(text)
        if not words:
            return
        self.word_keys.add(tuple(lookup_key(w) for w in words))
        self.keys.add(lookup_key(text))
        self.translit_keys.add(translit_key(text))
        self.lengths.add(len(words))
        self.openings.update(_openings(words[0]))
        if len(words) == 1 and self.type == "LOC":
            self.stems.add(lookup_key(text))
        # A person the translation names by surname only («Шаймергенова айтты»).
        if surname and self.type == "PER" and len(words) > 1:
            self.add(words[-1])

    def name_in(self, language: str) -> str:
        return self.display.get(language) or next((n for n in self.display.values() if n), "")


def _entities_names(entity_ids: Iterable[int]) -> dict[int, _EntityNames]:
    """Names and alias keys of these entities: two queries for the whole run."""
    from entities.models import Alias, Entity

    ids = set(entity_ids)
    names: dict[int, _EntityNames] = {}
    for pk, entity_type, name_kk, name_ru, name_en in Entity.objects.filter(pk__in=ids).values_list(
        "pk", "type", "name_kk", "name_ru", "name_en"
    ):
        entry = _EntityNames(
            entity_id=pk, type=entity_type, display={"kk": name_kk, "ru": name_ru, "en": name_en}
        )
        for name in (name_kk, name_ru, name_en):
            if name:
                entry.add(name, surname=True)
        names[pk] = entry
    for entity_id, text in Alias.objects.filter(entity_id__in=ids).values_list("entity_id", "text"):
        if entity_id in names:
            names[entity_id].add(text, surname=True)
    return names


class _TargetText:
    """A target text searched for an entity's names: word n-grams that begin like one of the
    names, as written and in their base forms (inflection undone by the language's grammar),
    compared by lookup key and by transliteration key."""

    def __init__(self, text: str, language: str) -> None:
        self.text = text
        self.language = language
        self.words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        self._keys: dict[tuple[str, str], tuple[set[str], set[str]]] = {}

    def _phrase_keys(self, phrase: str, entity_type: str) -> tuple[set[str], set[str]]:
        cached = self._keys.get((phrase, entity_type))
        if cached is None:
            from entities.linking.linker import base_forms

            forms = base_forms(phrase, language=self.language, entity_type=entity_type)
            cached = ({lookup_key(f) for f in forms}, {translit_key(f) for f in forms})
            self._keys[(phrase, entity_type)] = cached
        return cached

    def mentions(self, names: _EntityNames) -> bool:
        lengths = sorted(n for n in names.lengths if n <= _MAX_NGRAM)
        for index, (start, end) in enumerate(self.words):
            if not names.openings.intersection(_openings(self.text[start:end])):
                continue
            for length in lengths:
                if index + length > len(self.words):
                    break
                phrase = self.text[start : self.words[index + length - 1][1]]
                keys, translit_keys = self._phrase_keys(phrase, names.type)
                if keys & names.keys or translit_keys & names.translit_keys:
                    return True
            if self.language == "ru" and self._ends_inflected(index, names):
                return True
        return self._has_adjective(names)

    def _ends_inflected(self, index: int, names: _EntityNames) -> bool:
        """A foreign name the Russian grammar does not know, declined by the book: «Уирту»,
        «Майклом Уиртом» (the dictionary reads «Уирту» as a form of «Уирот»)."""
        for words in names.word_keys:
            if index + len(words) > len(self.words):
                continue
            written = [
                lookup_key(self.text[a:b]) for a, b in self.words[index : index + len(words)]
            ]
            if all(_declined(w, name) for w, name in zip(written, words, strict=True)):
                return True
        return False

    def _has_adjective(self, names: _EntityNames) -> bool:
        tail = _ADJECTIVE_TAIL.get(self.language)
        if tail is None or not names.stems:
            return False
        stems = {_STEM_END[self.language].sub("", stem) for stem in names.stems}
        stems = {s for s in stems if len(s) >= _MIN_STEM}
        for start, end in self.words:
            word = self.text[start:end].casefold()
            for part in word.split("-"):  # «казахстанско-китайский»
                for stem in stems:
                    if part.startswith(stem) and tail.fullmatch(part[len(stem) :]):
                        return True
        return False


@register
class EntitiesCheck(Check):
    """Every person, organisation and place linked in the source row is linked in the target
    row. When the target side's tagger missed or mislinked a name, the entity still counts as
    present if any of its names or aliases (any language) is in the target text, inflected or
    transliterated, or, for a place, its adjective («китайский»)."""

    code = "entities"
    severity = Severity.ERROR
    label = gettext_lazy("People, organisations and places")

    def run(self, context: QAContext) -> Iterator[Finding]:
        rows: list[tuple[AlignedPair, dict[int, str]]] = []
        for pair in context.pairs:
            if not (pair.source.strip() and pair.target.strip()):
                continue
            in_source: dict[int, str] = {}
            for span, entity_id in context.linked_entities(pair.source, context.source_language):
                if entity_id is not None:
                    in_source.setdefault(entity_id, span.text)
            if not in_source:
                continue
            in_target = {
                entity_id
                for _span, entity_id in context.linked_entities(
                    pair.target, context.target_language
                )
            }
            missing = {e: text for e, text in in_source.items() if e not in in_target}
            if missing:
                rows.append((pair, missing))
        if not rows:
            return
        names = _entities_names(e for _pair, missing in rows for e in missing)
        for pair, missing in rows:
            target = _TargetText(pair.target, context.target_language)
            for entity_id, source_text in missing.items():
                entity = names.get(entity_id)
                if entity is None or target.mentions(entity):
                    continue
                name = entity.name_in(context.target_language) or source_text
                if lookup_key(name) == lookup_key(source_text):
                    message = _("«%(name)s» is not mentioned in the translation.") % {"name": name}
                else:
                    message = _("«%(name)s» (%(source)s) is not mentioned in the translation.") % {
                        "name": name,
                        "source": source_text,
                    }
                yield self.finding(pair, message, key=f"entity:{entity_id}", entity_id=entity_id)


# -- dates -------------------------------------------------------------------------------------


def _date_key(span: DateSpan) -> tuple[Any, Any]:
    return (span.value, span.value_end)


def _reconcile_ranges(missing: list[DateSpan], extra: list[DateSpan]) -> None:
    """A range on one side and its two ends as single days on the other («31 тамыз – 3
    қыркүйек» / «August 31 – September 3», which the English extractor reads as two days) say
    the same: take both out of the lists."""
    for ranges, singles in ((missing, extra), (extra, missing)):
        for span in [s for s in ranges if s.value_end is not None]:
            ends = [
                next((d for d in singles if d.value_end is None and d.value == day), None)
                for day in (span.value, span.value_end)
            ]
            if all(ends) and ends[0] is not ends[1]:
                ranges.remove(span)
                for end in ends:
                    singles.remove(end)


def _is_nowadays(span: DateSpan, reference: Any) -> bool:
    """«Сегодня», «бүгін», «today» without a time: as often «nowadays» as the day itself
    («Сегодня 25 процентов добычи…» for «Қазіргі таңда…»), and the publication date says the
    day anyway. Such a word on one side only is no finding; a changed one still is."""
    return span.relative and not span.time and span.value_end is None and span.value == reference


@register
class DatesCheck(Check):
    """The same dates with the same values in each row: «2 сентября 2025 года» = «2025 жылғы 2
    қыркүйек» = «2 September 2025»; «бүгін» = «сегодня» (relative dates resolve against the
    context's reference date). Compared as a multiset of (day, end of range)."""

    code = "dates"
    severity = Severity.ERROR
    label = gettext_lazy("Dates")

    def check_pair(self, context: QAContext, pair: AlignedPair) -> Iterator[Finding]:
        missing, extra = _unmatched(
            context.source_extraction(pair).dates, context.target_extraction(pair).dates, _date_key
        )
        _reconcile_ranges(missing, extra)
        # Real dates first, so a «сегодня» the translator added is not taken for what a
        # changed date became.
        extra.sort(key=lambda span: _is_nowadays(span, context.reference))
        for span in missing:
            if _is_nowadays(span, context.reference) and not extra:
                continue
            end = span.value_end.isoformat() if span.value_end else ""
            key = f"date:{span.value.isoformat()}:{end}"
            if extra:
                # Dates carry no kind to pair them by: the next one the target has instead.
                replacement = extra.pop(0)
                message = _("The date «%(source)s» became «%(target)s» in the translation.") % {
                    "source": span.text,
                    "target": replacement.text,
                }
            else:
                replacement = None
                message = _("The date «%(date)s» is missing or changed in the translation.") % {
                    "date": span.text
                }
            yield self.finding(
                pair,
                message,
                key=key,
                source=span.text,
                target=replacement.text if replacement else "",
            )
        # A date only the translation has: a warning. It is often a precision the translator
        # added for the reader (the year; «бүгін» written as the day), which the extractor cannot
        # resolve on the source side when the article has no reference date.
        for span in extra:
            if _is_nowadays(span, context.reference):
                continue
            yield self.finding(
                pair,
                _("The translation has the date «%(date)s», which the source does not.")
                % {"date": span.text},
                key=f"extra-date:{span.value.isoformat()}",
                severity=Severity.WARNING,
                target=span.text,
            )


# -- quotes ------------------------------------------------------------------------------------

# Quotation marks the extractor would pair, counted loosely: a quotation in marks whose
# attribution the extractor could not see is still a quotation for counting.
_MARKED = re.compile(r"«([^«»\n]*)»|“([^“”\n]*)”|„([^„“”\n]*)[“”]|\"([^\"\n]*)\"")
_MIN_QUOTE_WORDS = 4
_NAME_TOKEN = re.compile(r"[^\W\d_][^\W_]*(?:[-‑.][^\W\d_]+)*\.?")


def _marked_quotations(text: str) -> int:
    return sum(
        1
        for match in _MARKED.finditer(text)
        if len(next(g for g in match.groups() if g is not None).split()) >= _MIN_QUOTE_WORDS
    )


@dataclass(frozen=True)
class _Speaker:
    """Who a quotation is attributed to, as far as the knowledge base and spelling tell."""

    text: str  # the speaker's clause: «Chevron компаниясының басшысы Майкл Уирт»
    person_ids: frozenset[int]  # people linked in it
    entity_ids: frozenset[int]  # every entity linked there (people, «Chevron», «Минэнерго»)
    translit_keys: frozenset[str]
    is_full_name: bool  # two or more capitalised words, so a spelling comparison means something

    def differs_from(self, other: _Speaker) -> bool:
        """True only when sure: people linked on both sides and none shared; else entities
        linked on both sides and none shared; else neither linked, both full names, and no
        spelling of one is a spelling of the other."""
        if self.person_ids and other.person_ids:
            return not self.person_ids & other.person_ids
        if self.entity_ids and other.entity_ids:
            return not self.entity_ids & other.entity_ids
        if self.entity_ids or other.entity_ids:
            return False
        if self.is_full_name and other.is_full_name:
            return not self.translit_keys & other.translit_keys
        return False


# Where the clause naming a speaker ends: «– деді Chevron компаниясының басшысы Майкл Уирт.»
_CLAUSE_END = re.compile(r"[.,;:!?…](?=\s|$)|[\n«»\"“”„]")
_CLAUSE_LIMIT = 80


def _speaker_clause(text: str, quote: QuoteSpan) -> tuple[int, int]:
    """The speaker's span stretched to the end of its clause: the extractor gives the first
    capitalised words after the verb («Chevron»), the person may follow («… басшысы Майкл
    Уирт»)."""
    start, end = quote.speaker_start or 0, quote.speaker_end or 0
    stop = _CLAUSE_END.search(text, end, min(len(text), end + _CLAUSE_LIMIT))
    return start, stop.start() if stop else min(len(text), end + _CLAUSE_LIMIT)


def _name_runs(text: str) -> list[str]:
    """Runs of capitalised words (at most four), each a name to look up: «глава Chevron
    компании» → «Chevron»; «Chevron компаниясының басшысы Майкл Уирт» → «Chevron», «Майкл
    Уирт». Whole runs only: a surname alone would link a namesake («Сапаров»)."""
    runs: list[list[re.Match[str]]] = [[]]
    for token in _NAME_TOKEN.finditer(text):
        if token.group()[0].isupper() and len(runs[-1]) < 4:
            runs[-1].append(token)
        elif runs[-1]:
            runs.append([token] if token.group()[0].isupper() else [])
    return [text[run[0].start() : run[-1].end()].rstrip(".") for run in runs if run]


def _speakers(
    context: QAContext, text: str, language: str, quotes: list[QuoteSpan]
) -> list[_Speaker | None]:
    """Each quotation's speaker, linked read-only through the knowledge base: the entities the
    row's own linking found in the speaker's clause, and the runs of capitalised words there
    looked up as people (one lookup for the whole text)."""
    from entities.linking.linker import MentionText, base_forms, mentions_link

    clauses = {q: _speaker_clause(text, q) for q in quotes if q.speaker_text}
    if not clauses:
        return [None] * len(quotes)
    runs = {
        q: [MentionText(r, "PER") for r in _name_runs(text[a:b])] for q, (a, b) in clauses.items()
    }
    flat = list(dict.fromkeys(m for ms in runs.values() for m in ms))
    links = dict(zip(flat, mentions_link(flat, language=language, propose=False), strict=True))
    linked_spans = context.linked_entities(text, language)
    speakers: list[_Speaker | None] = []
    for quote in quotes:
        if quote not in clauses:
            speakers.append(None)
            continue
        start, end = clauses[quote]
        found = {(links[m].entity_id, links[m].type) for m in runs[quote]} | {
            (entity_id, span.type)
            for span, entity_id in linked_spans
            if span.start < end and start < span.end
        }
        words = _NAME_TOKEN.findall(quote.speaker_text)
        forms = base_forms(quote.speaker_text, language=language, entity_type="PER")
        if words:
            forms += base_forms(words[-1], language=language, entity_type="PER")
        speakers.append(
            _Speaker(
                text=text[start:end].strip(),
                person_ids=frozenset(e for e, t in found if e is not None and t == "PER"),
                entity_ids=frozenset(e for e, _t in found if e is not None),
                translit_keys=frozenset(translit_key(f) for f in forms),
                is_full_name=len(words) >= 2 and all(w[0].isupper() for w in words),
            )
        )
    return speakers


def _surely_different(said: _Speaker | None, told: _Speaker | None) -> bool:
    return said is not None and told is not None and said.differs_from(told)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@register
class QuotesCheck(Check):
    """The same number of quotations in each row, attributed to the same people.

    A lost quotation is an error. A quotation only the translation has is a warning: the
    source may quote without marks («…, – дейді сарапшы.») where the translator adds them.
    A different speaker is an error: misattributing words is among the worst mistakes a news
    translation can make, and the check only says so when it is sure (both speakers linked to
    different entities, or two full names spelled differently in every script); a speaker the
    knowledge base does not know and that is not a full name («сарапшы», «глава государства»)
    never fires."""

    code = "quotes"
    severity = Severity.ERROR
    label = gettext_lazy("Quotations")

    def check_pair(self, context: QAContext, pair: AlignedPair) -> Iterator[Finding]:
        source = context.source_extraction(pair).quotes
        target = context.target_extraction(pair).quotes
        if not source and not target:
            return
        if len(source) == len(target):
            yield from self._speakers_compare(context, pair, source, target)
        elif len(source) > len(target):
            lost = len(source) - max(len(target), _marked_quotations(pair.target))
            if lost > 0:
                yield from self._lost(context, pair, source, target, lost)
        elif len(target) > max(len(source), _marked_quotations(pair.source)):
            yield self.finding(
                pair,
                _("The translation has %(target)s quotations where the source has %(source)s.")
                % {"target": len(target), "source": len(source)},
                key=f"extra-quotes:{len(source)}:{len(target)}",
                severity=Severity.WARNING,
            )

    def _speakers_compare(
        self,
        context: QAContext,
        pair: AlignedPair,
        source: list[QuoteSpan],
        target: list[QuoteSpan],
    ) -> Iterator[Finding]:
        if not any(q.speaker_text for q in source) or not any(q.speaker_text for q in target):
            return
        source_speakers = _speakers(context, pair.source, context.source_language, source)
        target_speakers = _speakers(context, pair.target, context.target_language, target)
        for index, (said, told) in enumerate(zip(source_speakers, target_speakers, strict=True)):
            if not _surely_different(said, told):
                continue
            yield self.finding(
                pair,
                _(
                    "The quotation «%(quote)s» is attributed to %(source)s in the source but to "
                    "%(target)s in the translation."
                )
                % {"quote": _short(source[index].text), "source": said.text, "target": told.text},
                key=f"speaker:{index}",
                source=said.text,
                target=told.text,
            )

    def _lost(
        self,
        context: QAContext,
        pair: AlignedPair,
        source: list[QuoteSpan],
        target: list[QuoteSpan],
        lost: int,
    ) -> Iterator[Finding]:
        """Which quotations are gone: the target's quotations are matched in order to source
        quotations by a speaker that is not surely different; the rest are lost."""
        source_speakers = _speakers(context, pair.source, context.source_language, source)
        target_speakers = _speakers(context, pair.target, context.target_language, target)
        unmatched: list[int] = []
        next_target = 0
        for index, said in enumerate(source_speakers):
            match = next(
                (
                    t
                    for t in range(next_target, len(target))
                    if not _surely_different(said, target_speakers[t])
                ),
                None,
            )
            if match is None:
                unmatched.append(index)
            else:
                next_target = match + 1
        # Too few left unmatched (every speaker unknown, say): the last ones are the lost ones.
        for index in reversed(range(len(source))):
            if len(unmatched) >= lost:
                break
            if index not in unmatched:
                unmatched.append(index)
        for index in sorted(unmatched)[:lost]:
            quote = source[index]
            if quote.speaker_text:
                message = _(
                    "The quotation «%(quote)s» (%(speaker)s) is missing in the translation."
                ) % {"quote": _short(quote.text), "speaker": quote.speaker_text}
            else:
                message = _("The quotation «%(quote)s» is missing in the translation.") % {
                    "quote": _short(quote.text)
                }
            yield self.finding(pair, message, key=f"lost-quote:{index}", source=quote.text)

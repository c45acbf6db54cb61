"""Translation memory: approved translations, remembered paragraph by paragraph and sentence by
sentence, and offered again when a similar source text comes up.

Matching works on a normalised form of the text (Unicode form, case, spacing and quotation-mark
style folded), so «Лу Бань» and “Лу Бань” are the same source. Exact matches come from the
hash of that form; fuzzy matches are scored by rapidfuzz over a small candidate set that the
database picks first (a pg_trgm trigram prefilter on PostgreSQL, a length band on SQLite), so a
lookup costs a fixed number of queries however large the memory grows.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import razdel
from django.conf import settings
from django.contrib.postgres.lookups import TrigramSimilar
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connections, router
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Abs, Least, Length
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process, utils

from articles.history import text_diff_html
from articles.models import (
    PARAGRAPH_SEPARATOR,
    Language,
    MemoryUnit,
    SegmentStatus,
    Translation,
    TranslationMemoryEntry,
    TranslationSegment,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

SEED_PATH = Path(settings.BASE_DIR) / "seeds" / "translation_memory.json"

# How many fuzzy candidates the database hands to rapidfuzz. On SQLite, from the entries in the
# length band of a lookup's texts, half the closest in length and half the newest (older entries
# beyond the cap are not seen: SQLite serves the demo and small desks); on PostgreSQL, the most
# trigram-similar ones, per text (no cap on what is searched).
SQLITE_CANDIDATES = 2000
POSTGRES_CANDIDATES = 200
# pg_trgm similarity a PostgreSQL candidate must reach. Measured on the seeds: pairs that
# fuzz.ratio scores >= 70 (seed 004 against the seed memory, and 130 random edits of seed
# paragraphs) have a trigram similarity of 0.64 or more; unrelated news paragraphs of the seeds
# 0.16 (median) to 0.29 (max).
TRIGRAM_THRESHOLD = 0.5
# Length buckets of the partial GIN trigram indexes of migration 0005 (PostgreSQL): a lookup
# searches only the buckets its length band overlaps, so a short sentence is never rechecked
# against thousands of long paragraphs that share its common trigrams. Keep in step with 0005.
TRIGRAM_LENGTH_BUCKETS = (0, 100, 250, 600, 1500, None)
# Exact matches kept per text (different approved translations of one source).
EXACT_PER_TEXT = 20


# -- normalisation and hashing -----------------------------------------------------------------

_FOLDED = {
    **dict.fromkeys("«»“”„‟″‹›", '"'),
    **dict.fromkeys("‘’‚‛′`", "'"),
    **dict.fromkeys("‐‑‒–—―−", "-"),
}
_TO_FOLD = re.compile("[" + "".join(_FOLDED) + "]")


def memory_normalise(text: str) -> str:
    """The form memory compares: NFC, case-folded, runs of whitespace (also non-breaking and
    thin spaces) folded to one space, and every quotation-mark style («» “” „“ "") folded to
    one, dashes (– — −) to a hyphen: the desk's sources mix them freely, and a re-typed quote
    or dash does not make a paragraph new."""
    text = _TO_FOLD.sub(lambda m: _FOLDED[m[0]], unicodedata.normalize("NFC", text).casefold())
    return " ".join(text.split())


def memory_hash(text: str) -> str:
    """SHA-256 (hex) of the normalised text: equal hashes are exact matches."""
    return hashlib.sha256(memory_normalise(text).encode("utf-8")).hexdigest()


# -- sentences ---------------------------------------------------------------------------------

# Abbreviations razdel does not know and which, before a number or a lower-case word, never end
# a sentence (lower-case, without the final dot).
_ABBREVIATIONS = {
    Language.KAZAKH: {
        "ж", "жж", "т.б", "т.с.с", "т.т", "млн", "млрд", "трлн", "мың", "сағ", "мин", "обл",
        "көш", "б.з.б", "б.з", "ғ", "ғғ", "тг", "тең", "км", "га",
    },
    Language.RUSSIAN: {
        "г", "гг", "т.е", "т.д", "т.п", "т.к", "т.н", "млн", "млрд", "трлн", "тыс", "руб", "долл",
        "ул", "пр", "им", "стр", "обл", "р-н", "ст", "кв", "км", "га", "с.г", "н.э",
    },
    Language.ENGLISH: {
        "mr", "mrs", "ms", "dr", "st", "no", "vs", "inc", "ltd", "co", "corp", "jan", "feb",
        "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "bn", "mln",
        "approx", "est", "gov", "gen", "col", "sen", "rep",
    },
}  # fmt: skip
_LAST_WORD = re.compile(r"(\S+)\.$")
_OPENING = {"«": "»", "“": "”", "„": "“"}


def _ends_with_abbreviation(sentence: str, language: str) -> bool:
    m = _LAST_WORD.search(sentence)
    if not m:
        return False
    return m[1].lstrip("(«“\"'").casefold() in _ABBREVIATIONS.get(language, set())


def _quotes_open(text: str) -> bool:
    """An opening quotation mark without its closing one (the straight " counted by parity)."""
    if any(text.count(o) > text.count(c) for o, c in _OPENING.items() if o != "„"):
        return True
    return text.count('"') % 2 == 1


def sentences_split(text: str, language: str) -> list[str]:
    """The sentences of a paragraph of kk, ru or en news text, as substrings of it.

    razdel (natasha's tokenizer, installed with it) does the splitting: it is rule-based, fast,
    tuned on Russian news and keeps abbreviations («т.б.», «млрд.», «г.»), initials
    («Қ.-Ж. Тоқаев») and decimals («3,1», «3.1») inside sentences; Kazakh shares the Cyrillic
    punctuation conventions, so it works acceptably there too. Two repairs follow: a split
    after an abbreviation razdel does not know («2025 ж. 1 қыркүйекте», «Sept. 1») or before a
    lower-case word is undone, and so is a split inside a quotation («Бұл маңызды. Біз
    дайынбыз», – деді.) when the paragraph's quotation marks balance."""
    spans = [(s.start, s.stop) for s in razdel.sentenize(text) if s.text.strip()]
    if not spans:
        return []
    balanced = not _quotes_open(text)
    merged = [spans[0]]
    for start, stop in spans[1:]:
        previous = text[merged[-1][0] : merged[-1][1]]
        following = text[start:stop]
        first = following.lstrip("-–— ")[:1]
        if (
            first.islower()
            or (first.isdigit() and _ends_with_abbreviation(previous, language))
            or (balanced and _quotes_open(previous))
        ):
            merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    return [text[start:stop].strip() for start, stop in merged]


# -- storing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pair:
    source_language: str
    target_language: str
    unit: str
    source: str
    target: str


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split(PARAGRAPH_SEPARATOR) if p.strip()]


def _segment_pairs(
    source_text: str, target_text: str, *, source_language: str, target_language: str
) -> list[_Pair]:
    """Paragraph pairs of one segment (paragraph by paragraph when the translator kept the
    paragraph count, else the segment as one unit) and, where a paragraph and its translation
    have the same number of sentences (more than one), their sentence pairs."""
    sources, targets = _paragraphs(source_text), _paragraphs(target_text)
    if not sources or not targets:
        return []
    if len(sources) != len(targets):
        sources, targets = [PARAGRAPH_SEPARATOR.join(sources)], [PARAGRAPH_SEPARATOR.join(targets)]
    pairs = []
    for source, target in zip(sources, targets, strict=True):
        pairs.append(_Pair(source_language, target_language, MemoryUnit.PARAGRAPH, source, target))
        source_sentences = sentences_split(source, source_language)
        target_sentences = sentences_split(target, target_language)
        if len(source_sentences) == len(target_sentences) > 1:
            pairs.extend(
                _Pair(source_language, target_language, MemoryUnit.SENTENCE, s, t)
                for s, t in zip(source_sentences, target_sentences, strict=True)
            )
    return pairs


def _entries_create(
    pairs: Iterable[_Pair],
    *,
    translation: Translation | None = None,
    user: AbstractBaseUser | None = None,
) -> int:
    """Store the pairs not yet in memory, in two queries; returns how many were new.

    An untranslated pair (target = source once normalised) is skipped: memory must not
    offer a copy of the source as its translation."""
    entries: dict[tuple[str, str, str, str], TranslationMemoryEntry] = {}
    for pair in pairs:
        source_hash, target_hash = memory_hash(pair.source), memory_hash(pair.target)
        key = (pair.source_language, pair.target_language, source_hash, target_hash)
        if source_hash == target_hash or key in entries:
            continue
        entries[key] = TranslationMemoryEntry(
            source_language=pair.source_language,
            target_language=pair.target_language,
            unit=pair.unit,
            source_text=pair.source,
            target_text=pair.target,
            source_hash=source_hash,
            target_hash=target_hash,
            translation=translation,
            created_by=user if user is not None and user.is_authenticated else None,
        )
    if not entries:
        return 0
    existing = set(
        TranslationMemoryEntry.objects.filter(
            source_hash__in={key[2] for key in entries}
        ).values_list("source_language", "target_language", "source_hash", "target_hash")
    )
    new = [entry for key, entry in entries.items() if key not in existing]
    # ignore_conflicts: a concurrent approval that stored the same pair meanwhile is not an
    # error (memory_unique_pair keeps one copy); the count may then be one too high.
    TranslationMemoryEntry.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    return len(new)


def memory_store_translation(*, translation: Translation, user: AbstractBaseUser | None) -> int:
    """Remember an approved translation: every done title/body segment as a paragraph entry,
    and its sentences as sentence entries where source and translation split into the same
    number of sentences (then they correspond one to one, as news translation keeps them).

    Idempotent (approving again stores nothing twice); returns how many entries are new."""
    source_language = translation.article.language
    segments = TranslationSegment.objects.filter(
        translation=translation, status=SegmentStatus.DONE
    ).values_list("source_text", "target_text")
    pairs = [
        pair
        for source_text, target_text in segments
        for pair in _segment_pairs(
            source_text,
            target_text,
            source_language=source_language,
            target_language=translation.language,
        )
    ]
    return _entries_create(pairs, translation=translation, user=user)


# -- seeds -------------------------------------------------------------------------------------


class MemorySeedError(ValueError):
    """The seed file is not a valid translation-memory file; ``str(exc)`` says where and why."""


def _seed_pairs(data: object, path: Path) -> list[_Pair]:
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise MemorySeedError(
            _('%(path)s: expected an object {"entries": [...]}.') % {"path": path}
        )
    languages, units = set(Language.values), set(MemoryUnit.values)
    pairs = []
    for index, item in enumerate(data["entries"]):
        where = {"path": path, "index": index}
        if not isinstance(item, dict):
            raise MemorySeedError(_("%(path)s: entry %(index)d is not an object.") % where)
        for key in ("source_language", "target_language"):
            if item.get(key) not in languages:
                message = _(
                    "%(path)s: entry %(index)d: %(key)s must be one of %(allowed)s, not %(value)r."
                )
                allowed = ", ".join(sorted(languages))
                raise MemorySeedError(
                    message % {**where, "key": key, "allowed": allowed, "value": item.get(key)}
                )
        if item["source_language"] == item["target_language"]:
            raise MemorySeedError(
                _("%(path)s: entry %(index)d: source and target language are the same.") % where
            )
        unit = item.get("unit", MemoryUnit.PARAGRAPH)
        if unit not in units:
            raise MemorySeedError(
                _("%(path)s: entry %(index)d: unit must be one of %(allowed)s, not %(value)r.")
                % {**where, "allowed": ", ".join(sorted(units)), "value": unit}
            )
        texts = {}
        for key in ("source", "target"):
            value = item.get(key)
            if not isinstance(value, str) or not value.strip():
                raise MemorySeedError(
                    _("%(path)s: entry %(index)d: %(key)s must be a non-empty text.")
                    % {**where, "key": key}
                )
            texts[key] = unicodedata.normalize("NFC", value).strip()
        pairs.append(
            _Pair(
                item["source_language"],
                item["target_language"],
                unit,
                texts["source"],
                texts["target"],
            )
        )
    return pairs


def memory_seed_load(*, path: Path | str = SEED_PATH, user: AbstractBaseUser | None = None) -> int:
    """Load the demo's translation memory from a JSON file
    ``{"entries": [{"source_language", "target_language", "unit", "source", "target"}]}``.

    The whole file is validated before anything is stored; loading again adds nothing.
    ``user`` is recorded as the entries' creator (the benchmark removes its own by it).
    Returns how many entries are new."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MemorySeedError(_("%(path)s: no such file.") % {"path": path}) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MemorySeedError(
            _("%(path)s: not valid UTF-8 JSON (%(error)s).") % {"path": path, "error": exc}
        ) from exc
    return _entries_create(_seed_pairs(data, path), user=user)


# -- matching ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemoryMatch:
    """A remembered translation offered for a source text."""

    entry_id: int
    source_text: str  # the remembered source
    target_text: str  # its approved translation
    score: int  # match percentage: 100 only for an exact (normalised) match
    unit: str  # MemoryUnit: "sentence" when it matches one sentence of the paragraph
    created_at: datetime
    translation_id: int | None
    article_title: str  # of the article the translation was made for; "" for seeded entries
    matched_text: str  # the new text it matches: the paragraph, or one of its sentences
    diff_html: SafeString  # the remembered source against the new one, word by word

    @property
    def exact(self) -> bool:
        return self.score == 100


_FIELDS = (
    "id",
    "source_text",
    "target_text",
    "unit",
    "created_at",
    "translation_id",
    "translation__article__title",
)


def _length_band(text: str, min_score: int) -> tuple[int, int]:
    """The source lengths that can reach ``min_score``: fuzz.ratio is at most
    2·shorter/(shorter + longer), so a much shorter or longer entry cannot match."""
    share = max(min_score, 1) / 100
    return math.floor(len(text) * share / (2 - share)), math.ceil(len(text) * (2 - share) / share)


def _trigram_parts(entries: QuerySet, text: str, min_score: int) -> list[QuerySet]:
    """``source_text % text`` within the length band, one query per length bucket the band
    overlaps: with the bucket's bounds among its top-level conditions, PostgreSQL can prove
    that bucket's partial index applies (an OR of buckets it would rewrite beyond proof)."""
    low, high = _length_band(text, min_score)
    parts = []
    for bucket_low, bucket_high in itertools.pairwise(TRIGRAM_LENGTH_BUCKETS):
        if high < bucket_low or (bucket_high is not None and low >= bucket_high):
            continue
        part = entries.filter(TrigramSimilar(F("source_text"), text), length__gte=bucket_low)
        if bucket_high is not None:
            part = part.filter(length__lt=bucket_high)
        part = part.filter(length__gte=low, length__lte=high)
        parts.append(
            part.annotate(similarity=TrigramSimilarity("source_text", text))
            .order_by()
            .values_list("id", "source_text", "similarity")
        )
    return parts


def _candidates(
    entries: QuerySet, texts: Sequence[str], exclude_hashes: set[str], min_score: int
) -> list[tuple[int, str]]:
    """(id, source text) of the entries that may be fuzzy matches of any of the texts, in one
    query; the rest of a row is fetched only for the few that match."""
    connection = connections[router.db_for_read(TranslationMemoryEntry)]
    entries = entries.annotate(length=Length("source_text"))
    if connection.vendor == "postgresql":
        # `%` is served by the partial GIN trigram indexes of migration 0005; it keeps the
        # texts whose trigram similarity reaches pg_trgm.similarity_threshold, set first (one
        # cheap query): pg_trgm's default 0.3 lets thousands of same-topic paragraphs through
        # to the recheck. The most similar ones go on to rapidfuzz.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, false)",
                [str(TRIGRAM_THRESHOLD)],
            )
        entries = entries.exclude(source_hash__in=exclude_hashes)
        parts = [part for text in texts for part in _trigram_parts(entries, text, min_score)]
        if not parts:
            return []
        union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        seen: dict[int, str] = {}
        for entry_id, source, _ in union.order_by("-similarity", "-id")[
            : POSTGRES_CANDIDATES * len(texts)
        ]:
            seen.setdefault(entry_id, source)
        return list(seen.items())
    else:
        # Entries whose length is in the band of the texts: half the candidates are the ones
        # closest in length (edits of the same paragraph, however old), half the newest. Both
        # subqueries read only the (language pair, LENGTH(source_text), id) index of migration
        # 0005, so the table is read just for the candidates, however large the memory is.
        bands = [_length_band(text, min_score) for text in texts]
        band = entries.filter(
            length__gte=min(low for low, _ in bands), length__lte=max(high for _, high in bands)
        )
        lengths = sorted({len(text) for text in texts})
        distances = [Abs(F("length") - size) for size in lengths]
        distance = distances[0] if len(distances) == 1 else Least(*distances)
        closest = band.annotate(distance=distance).order_by("distance", "-id").values("id")
        newest = band.order_by("-id").values("id")
        half = SQLITE_CANDIDATES // 2
        rows = (
            TranslationMemoryEntry.objects.filter(
                Q(id__in=closest[:half]) | Q(id__in=newest[:half])
            )
            .exclude(source_hash__in=exclude_hashes)
            .order_by()
            .values_list("id", "source_text")
        )
    return list(rows)


def _match(row: tuple, score: int, unit: str | None, text: str) -> MemoryMatch:
    entry_id, source, target, entry_unit, created_at, translation_id, title = row
    return MemoryMatch(
        entry_id=entry_id,
        source_text=source,
        target_text=target,
        score=score,
        unit=unit or entry_unit,
        created_at=created_at,
        translation_id=translation_id,
        article_title=title or "",
        matched_text=text,
        diff_html=text_diff_html(source, text),
    )


def _matches_for(
    texts: Sequence[str], entries: QuerySet, *, limit: int, min_score: int, unit: str | None
) -> list[MemoryMatch]:
    """Up to ``limit`` matches for each text, in the texts' order: exact ones first, then
    fuzzy ones by score, newer first among equals. Three queries whatever the number of texts
    (exact matches, fuzzy candidates, the rows of the chosen fuzzy ones), two when no fuzzy
    match is chosen; one more on PostgreSQL (the trigram threshold)."""
    hashes = {text: memory_hash(text) for text in texts}
    exact_rows = list(
        entries.filter(source_hash__in=set(hashes.values()))
        .order_by("-created_at", "-id")
        .values_list(*_FIELDS, "source_hash")[: EXACT_PER_TEXT * len(texts)]
    )
    candidates = _candidates(entries, texts, set(hashes.values()), min_score)
    sources = [source for _, source in candidates]
    # Per text, (score, row) for an exact match, (score, id) for a fuzzy one: the rows of the
    # chosen fuzzy matches are fetched afterwards, in one query for all the texts.
    chosen: list[tuple[str, list[tuple[int, tuple | int]]]] = []
    for text in texts:
        exact = [(100, row[:-1]) for row in exact_rows if row[-1] == hashes[text]]
        scored = process.extract(
            unicodedata.normalize("NFC", text),
            sources,
            scorer=fuzz.ratio,
            processor=utils.default_process,
            score_cutoff=min_score,
            limit=None,
        )
        # Not an exact match (the hash differs), so never 100: that figure means exact.
        # Best score first, then the newest entry (ids grow with time).
        fuzzy = sorted(
            ((min(99, math.floor(score)), candidates[index][0]) for _, score, index in scored),
            reverse=True,
        )
        chosen.append((text, (exact + fuzzy)[:limit]))
    fuzzy_ids = {row for _, best in chosen for _, row in best if isinstance(row, int)}
    rows = {}
    if fuzzy_ids:
        details = entries.filter(id__in=fuzzy_ids).order_by().values_list(*_FIELDS)
        rows = {row[0]: row for row in details}
    return [
        _match(row if isinstance(row, tuple) else rows[row], score, unit, text)
        for text, best in chosen
        for score, row in best
        if isinstance(row, tuple) or row in rows
    ]


def memory_matches(
    *,
    source_text: str,
    source_language: str,
    target_language: str,
    limit: int = 3,
    min_score: int = 70,
) -> list[MemoryMatch]:
    """Remembered translations for a source paragraph, best first: exact matches (score 100),
    then fuzzy ones (rapidfuzz ``fuzz.ratio``, ≥ ``min_score``) on texts normalised by
    rapidfuzz's ``default_process`` (case folded, punctuation and quotation marks to spaces: the
    same ends as ``memory_normalise``, in C, which matters with up to 2,000 candidates a lookup).

    ``fuzz.ratio`` (normalised edit similarity, character by character) is the translation-
    memory convention: word order counts, so a reordered or merely overlapping text scores
    low (token_set_ratio would give 100 to a sentence contained in a paragraph), while an
    inflected Kazakh or Russian word (Тоқаев → Тоқаевтың) costs only its changed suffix, not a
    whole token.

    When nothing matches the paragraph, its sentences are looked up one by one and their
    matches (``unit="sentence"``, up to ``limit`` each, in sentence order) are returned. At most
    six queries (eight on PostgreSQL), however large the memory is."""
    text = source_text.strip()
    if not text or limit <= 0:
        return []
    entries = TranslationMemoryEntry.objects.filter(
        source_language=source_language, target_language=target_language
    )
    found = _matches_for([text], entries, limit=limit, min_score=min_score, unit=None)
    if found:
        return found
    sentences = sentences_split(text, source_language)
    if len(sentences) < 2:
        return []
    return _matches_for(
        sentences, entries, limit=limit, min_score=min_score, unit=MemoryUnit.SENTENCE
    )

"""Translation-memory lookups on a desk-sized memory.

Fills the memory with 50,000 kk→ru entries (paragraphs and sentences made from the seed
articles' sentences, shuffled and with words swapped, so the memory is full of near-duplicates
on the same topics, as a news desk's is), then times ``memory_matches`` for the paragraphs of
seed 004 (some in memory exactly, some fuzzily, some only by their sentences) and for edited
copies of stored paragraphs. Prints median and p95 per kind of lookup; the target is a median
under 50 ms, so the editor can ask for every paragraph's matches on load.

    python benchmarks/run.py memory            # SQLite (a throw-away file under var/)
    DATABASE_URL=postgres://... python benchmarks/run.py memory   # pg_trgm prefilter

The entries it adds are removed at the end (they would otherwise be offered as translations).
"""

from __future__ import annotations

import json
import random
import re
import statistics
import time
from pathlib import Path

from django.conf import settings
from rapidfuzz import fuzz, utils

ENTRIES = 50_000
TARGET_MS = 50
SEEDS = Path(settings.BASE_DIR) / "seeds"
# Word frequencies of a Kazakh news corpus (the tagger's training vocabulary): diverse entries.
KAZAKH_VOCABULARY = Path(settings.BASE_DIR) / "entities/extraction/languages/kk/ner_kk.data.json"
BENCH_USER = "bench-memory"


def _seed_sentences() -> tuple[list[str], list[str]]:
    """Kazakh and Russian sentences of the seed articles."""
    from articles.parsing import parse_article_text
    from articles.translations.memory import sentences_split
    from entities.extraction.language import detect_language

    by_language: dict[str, list[str]] = {"kk": [], "ru": []}
    for path in sorted(SEEDS.glob("*.txt")):
        article = parse_article_text(path.read_text(encoding="utf-8"))
        language = detect_language(" ".join(article.paragraphs)).language
        for paragraph in article.paragraphs:
            by_language[language].extend(sentences_split(paragraph, language))
    return by_language["kk"], by_language["ru"]


def _mutated(rng: random.Random, sentence: str, words: list[str]) -> str:
    tokens = sentence.split()
    for _ in range(rng.randint(1, max(1, len(tokens) // 4))):
        tokens[rng.randrange(len(tokens))] = rng.choice(words)
    return " ".join(tokens)


class _Diverse:
    """Sentences of words drawn by their frequency in Kazakh news: unrelated entries share
    function words as real ones do (trigram similarity ~0.1-0.2), and nothing more."""

    def __init__(self, rng: random.Random) -> None:
        vocabulary = json.loads(KAZAKH_VOCABULARY.read_text(encoding="utf-8"))["vocab"]
        self.rng = rng
        self.words = [w for w in vocabulary if re.fullmatch(r"[^\W\d_]{2,}", w)]
        self.weights = [vocabulary[w] for w in self.words]

    def sentence(self) -> str:
        words = self.rng.choices(self.words, self.weights, k=self.rng.randint(8, 18))
        return " ".join(words).capitalize() + "."


def _pairs_diverse(rng: random.Random, count: int, plant: list[str]) -> list[tuple[str, str]]:
    """Diverse entries, with a few edited copies of each ``plant`` text among them."""
    _, ru = _seed_sentences()
    make = _Diverse(rng)
    pairs = []
    for text in plant:
        pairs += [(_mutated(rng, text, text.split()), rng.choice(ru)) for _ in range(3)]
    while len(pairs) < count:
        sentences = 1 if rng.random() < 0.4 else rng.randint(2, 4)
        pairs.append((" ".join(make.sentence() for _ in range(sentences)), rng.choice(ru)))
    rng.shuffle(pairs)
    return pairs


def _pairs_same_topic(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """The worst case for any prefilter: every entry rewrites the seed articles' own ~100
    Kazakh sentences, so thousands of entries are near-duplicates of each looked-up text."""
    kk, ru = _seed_sentences()
    kk_words = [w for s in kk for w in s.split() if re.search(r"\w{3}", w)]
    pairs = []
    for _ in range(count):
        sentences = 1 if rng.random() < 0.4 else rng.randint(2, 4)
        source = " ".join(_mutated(rng, rng.choice(kk), kk_words) for _ in range(sentences))
        pairs.append((source, " ".join(rng.choice(ru) for _ in range(sentences))))
    return pairs


def _fill(pairs: list[tuple[str, str]], user) -> float:
    from django.db import connection, transaction

    from articles.models import TranslationMemoryEntry
    from articles.translations.memory import memory_hash

    started = time.perf_counter()
    for start in range(0, len(pairs), 2000):
        batch = []
        for n, (source, target) in enumerate(pairs[start : start + 2000], start):
            target = f"{target} [{n}]"  # distinct pairs: no unique-constraint conflicts
            batch.append(
                TranslationMemoryEntry(
                    source_language="kk",
                    target_language="ru",
                    unit="sentence" if source.count(". ") == 0 else "paragraph",
                    source_text=source,
                    target_text=target,
                    source_hash=memory_hash(source),
                    target_hash=memory_hash(target),
                    created_by=user,
                )
            )
        with transaction.atomic():
            TranslationMemoryEntry.objects.bulk_create(batch, ignore_conflicts=True)
    if connection.vendor == "postgresql":
        # As autovacuum does after such a load: statistics, and the GIN pending lists merged
        # (every search scans a pending list in full).
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {TranslationMemoryEntry._meta.db_table}")
    return time.perf_counter() - started


def _timed(texts: list[str], wanted: list[int] | None = None) -> tuple[float, float, float, str]:
    """Median and p95 milliseconds per lookup, matches per lookup, and (when the entry each
    text was made from is known) how often that entry was among the matches."""
    from articles.translations.memory import memory_matches

    samples, found, recalled = [], 0, 0
    for index, text in enumerate(texts):
        start = time.perf_counter()
        matches = memory_matches(source_text=text, source_language="kk", target_language="ru")
        samples.append((time.perf_counter() - start) * 1000)
        found += len(matches)
        recalled += bool(wanted and wanted[index] in {m.entry_id for m in matches})
    samples.sort()
    recall = ""
    if wanted:
        # Recall: how often the entry the text was made from is offered, out of how often it
        # could be (its fuzz.ratio to the text reaches 70); on SQLite the candidate cap costs
        # some, on PostgreSQL nothing should.
        from articles.models import TranslationMemoryEntry

        sources = dict(
            TranslationMemoryEntry.objects.filter(id__in=wanted).values_list("id", "source_text")
        )
        reachable = sum(
            fuzz.ratio(utils.default_process(t), utils.default_process(sources[i])) >= 70
            for t, i in zip(texts, wanted, strict=True)
        )
        recall = f"   found its entry {recalled}/{reachable} reachable ({len(texts)} looked up)"
    return (
        statistics.median(samples),
        samples[max(0, int(len(samples) * 0.95) - 1)],
        found / len(texts),
        recall,
    )


def _measure(user, seed_paragraphs: list[str], rng: random.Random, repeat: int) -> None:
    from articles.models import TranslationMemoryEntry

    stored = list(
        TranslationMemoryEntry.objects.filter(created_by=user, unit="paragraph")
        .order_by("?")
        .values_list("id", "source_text")[:repeat]
    )
    ids = [entry_id for entry_id, _ in stored]
    edited = [_mutated(rng, text, text.split()) for _, text in stored]
    unknown = [
        f"Астанада {n}-халықаралық кітап көрмесі ашылды. Оған {n} елдің баспалары қатысуда."
        for n in range(repeat)
    ]
    _timed(seed_paragraphs[:2])  # warm up
    for label, texts, wanted in (
        ("seed 004 paragraphs + title", seed_paragraphs[: max(repeat, 14)], None),
        ("edited stored paragraphs", edited, ids),
        ("exact stored paragraphs", [text for _, text in stored], ids),
        ("no match (sentence fallback)", unknown, None),
    ):
        median, p95, per, recall = _timed(texts, wanted)
        print(
            f"    {label:<30} median {median:7.1f} ms   p95 {p95:7.1f} ms   "
            f"{per:.1f} matches/lookup{recall}"
        )


def run(repeat: int = 40) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from articles.models import TranslationMemoryEntry
    from articles.parsing import parse_article_text
    from articles.translations.memory import memory_seed_load

    rng = random.Random(20261121)
    [path] = SEEDS.glob("004_*.txt")
    article = parse_article_text(path.read_text(encoding="utf-8"))
    seed_paragraphs = [article.title, *article.paragraphs]
    user, _ = get_user_model().objects.get_or_create(username=BENCH_USER)
    print(f"  database: {connection.vendor}; target median < {TARGET_MS} ms")
    corpora = (
        ("diverse news text", lambda: _pairs_diverse(rng, ENTRIES, seed_paragraphs), repeat),
        # Few lookups: on PostgreSQL each rechecks thousands of near-duplicates.
        ("worst case: all on one topic", lambda: _pairs_same_topic(rng, ENTRIES), repeat // 4),
    )
    try:
        for label, pairs, lookups in corpora:
            seconds = _fill(pairs(), user)
            seeded = memory_seed_load(user=user)
            print(f"  {label}: {ENTRIES:,} entries (+{seeded} seed) filled in {seconds:.1f} s")
            _measure(user, seed_paragraphs, rng, lookups)
            TranslationMemoryEntry.objects.filter(created_by=user).delete()
    finally:
        TranslationMemoryEntry.objects.filter(created_by=user).delete()
        user.delete()

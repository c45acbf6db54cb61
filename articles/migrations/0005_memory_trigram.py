"""Indexes for the translation memory's fuzzy-match prefilter.

PostgreSQL: the pg_trgm extension and GIN trigram indexes on the remembered source text, one
per length bucket (partial indexes), which serve the `%` prefilter of
``articles.translations.memory``: a lookup searches only the buckets its length band overlaps,
so a short sentence is not rechecked against every long paragraph sharing its common trigrams
(0.9 s → 16 ms for a two-sentence lookup among 50,000 entries; see bench_memory.py).

Other databases (SQLite): an index on (language pair, LENGTH(source_text), id), which the
length-band prefilter reads alone to pick its candidates, instead of reading and sorting every
entry of the pair (0.66 s → ~40 ms a lookup among 50,000 entries)."""

import itertools

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# Keep in step with articles.translations.memory.TRIGRAM_LENGTH_BUCKETS.
LENGTH_BUCKETS = (0, 100, 250, 600, 1500, None)
LENGTH_INDEX = "articles_memory_pair_length"


def _trigram_indexes():
    """(name, predicate) of each bucket's partial index."""
    for low, high in itertools.pairwise(LENGTH_BUCKETS):
        bounds = []
        if low:
            bounds.append(f"length(source_text) >= {low}")
        if high is not None:
            bounds.append(f"length(source_text) < {high}")
        yield f"articles_memory_trgm_{low}_{high or 'up'}", " AND ".join(bounds)


class TrigramExtensionKept(TrigramExtension):
    """TrigramExtension, whose forward step is already a no-op off PostgreSQL. Going back it
    keeps the extension (other code may use it) instead of dropping it, which also spares the
    non-PostgreSQL databases the pg_extension query of the stock operation."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass


def indexes_create(apps, schema_editor):
    table = schema_editor.quote_name(
        apps.get_model("articles", "TranslationMemoryEntry")._meta.db_table
    )
    if schema_editor.connection.vendor == "postgresql":
        for name, predicate in _trigram_indexes():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                f"USING gin (source_text gin_trgm_ops) WHERE {predicate}"
            )
    else:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {LENGTH_INDEX} ON {table} "
            "(source_language, target_language, LENGTH(source_text), id)"
        )


def indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _ in _trigram_indexes():
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    else:
        schema_editor.execute(f"DROP INDEX IF EXISTS {LENGTH_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_translation_desk"),
    ]

    operations = [
        TrigramExtensionKept(),
        migrations.RunPython(indexes_create, indexes_drop, elidable=False),
    ]

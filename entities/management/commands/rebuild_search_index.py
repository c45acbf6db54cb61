"""Index every article and translation for search again, in batches: after importing texts
that bypassed the pipeline, after changing the stemming (``entities.search.stemming``) or
retraining the Kazakh model, or on a database whose index was never filled."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from entities.search.services import (
    REBUILD_BATCH_SIZE,
    RebuildProgress,
    search_index_rebuild,
)


class Command(BaseCommand):
    help = (
        "Rebuild the search index of all articles and translations, a batch of texts per "
        "transaction. Safe to interrupt and to run while the desk works."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=REBUILD_BATCH_SIZE,
            help=f"Texts per transaction (default {REBUILD_BATCH_SIZE}).",
        )

    def handle(self, *args, batch_size: int, verbosity: int = 1, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")

        def report(progress: RebuildProgress) -> None:
            if verbosity > 1:
                self.stdout.write(
                    f"… {progress.articles} articles, {progress.translations} translations"
                )

        done = search_index_rebuild(batch_size=batch_size, progress=report)
        self.stdout.write(f"Indexed {done.articles} articles and {done.translations} translations.")

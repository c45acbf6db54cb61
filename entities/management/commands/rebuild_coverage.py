"""Rebuild every coverage row (``EntityCoverage``) from the mentions, a batch of texts per
transaction. Safe to run while the desk works and to run again: each text's rows are replaced
whole under its row lock."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from entities.coverage.services import BATCH_SIZE, coverage_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the coverage rows of every article and translation from their mentions "
        "(after a bulk import, a data fix, or a change in what coverage counts)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Texts per transaction (default {BATCH_SIZE}).",
        )

    def handle(self, *args, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        verbosity = options.get("verbosity", 1)

        def progress(kind: str, texts: int, rows: int) -> None:
            if verbosity > 1:
                self.stdout.write(f"{kind}: {texts} more texts, {rows} rows so far")

        texts, rows = coverage_rebuild(batch_size=batch_size, progress=progress)
        self.stdout.write(f"Coverage rebuilt: {texts} texts, {rows} rows.")

"""``python manage.py import_articles PATH...``: import article files, folders and zips."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from tqdm import tqdm

from articles.importing import import_files_from_paths
from articles.models import ImportBatch, ImportOutcome
from articles.services import articles_import


def _parse_now(value: str) -> datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        raise CommandError(f"--now «{value}» is not an ISO date-time (e.g. 2025-09-05T10:00).")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = (
        "Import plain-text articles from files, folders and .zip archives. Prints a summary; "
        "exits non-zero if any file failed. Duplicates are reported, not imported again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", help="Files, folders or .zip archives.")
        parser.add_argument(
            "--now",
            help="Resolve relative times («Бүгін, 19:52») against this ISO date-time "
            "instead of the current time.",
        )
        parser.add_argument("--user", help="Record the import as made by this username.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options) -> None:
        now = _parse_now(options["now"]) if options["now"] else None
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user «{options['user']}».")
        files = list(import_files_from_paths(options["paths"]))
        progress = tqdm(
            total=len(files),
            unit="file",
            desc="Importing",
            file=self.stderr._out,
            disable=options["no_progress"] or not files,
        )
        with progress:
            batch, results = articles_import(
                files=files,
                channel=ImportBatch.Channel.COMMAND,
                created_by=user,
                now=now,
                on_result=lambda _result: progress.update(1),
            )
        for result in results:
            style = {
                ImportOutcome.IMPORTED: self.style.SUCCESS,
                ImportOutcome.DUPLICATE: self.style.WARNING,
                ImportOutcome.FAILED: self.style.ERROR,
            }[result.outcome]
            line = f"{result.outcome.upper():9} {result.filename}: {result.message}"
            self.stdout.write(style(line))
            for warning in result.warnings:
                self.stdout.write(f"          warning: {warning}")
        self.stdout.write(
            f"Summary: {batch.imported_count} imported, {batch.duplicate_count} duplicates, "
            f"{batch.failed_count} failed (import #{batch.pk})."
        )
        if batch.failed_count:
            raise CommandError(f"{batch.failed_count} file(s) failed.", returncode=1)
        if not results:
            raise CommandError("No files found to import.", returncode=1)

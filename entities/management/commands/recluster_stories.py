"""Run story clustering again over the archive (or the articles published since a date)."""

from __future__ import annotations

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from entities.stories.services import stories_recluster


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"--since: «{value}» is not a date (YYYY-MM-DD) or a date-time.")
        moment = datetime.combine(day, time.min)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = (
        "Re-cluster stories: place again every extracted article an editor has not placed "
        "(articles editors placed, separated or confirmed stay as they are). Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since",
            help="Only articles published on or after this date (YYYY-MM-DD or ISO date-time).",
        )

    def handle(self, *args, since: str | None = None, **options) -> None:
        counts = stories_recluster(since=_since(since))
        summary = ", ".join(f"{count} {outcome}" for outcome, count in counts.items())
        self.stdout.write(f"Stories re-clustered: {summary}.")

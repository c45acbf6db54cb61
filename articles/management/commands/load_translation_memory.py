"""``python manage.py load_translation_memory [PATH]``: load translation-memory entries from a
JSON file (default: the demo's ``seeds/translation_memory.json``). Idempotent."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from articles.translations.memory import SEED_PATH, MemorySeedError, memory_seed_load


class Command(BaseCommand):
    help = "Load translation-memory entries from a JSON file (default: the demo seed)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", default=str(SEED_PATH))

    def handle(self, *args, path: str, **options) -> None:
        try:
            added = memory_seed_load(path=path)
        except MemorySeedError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Translation memory: {added} new entries from {path}")

"""``python manage.py export_articles --format jsonl``: every article with its extraction, one
JSON object per line (the contract integrations and evaluations rely on).

``--kazakh-script latin`` writes Kazakh articles in the official 2021 Latin alphabet (title, body,
span texts and offsets); the default, ``cyrillic``, writes the stored text unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.export import article_export_records
from articles.kazakh_latin import KazakhScript
from articles.models import ArticleStatus, Language


class Command(BaseCommand):
    help = (
        "Export articles with their mentions, figures, dates and quotes as JSON lines "
        "(stdout, or --output FILE)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["jsonl"], default="jsonl")
        parser.add_argument("--output", type=Path, help="Write here instead of stdout.")
        parser.add_argument("--language", choices=Language.values)
        parser.add_argument("--status", choices=ArticleStatus.values)
        parser.add_argument(
            "--kazakh-script",
            choices=[script.value for script in KazakhScript],
            default=KazakhScript.CYRILLIC.value,
            help="Script for Kazakh articles (default: cyrillic, the stored text). "
            "latin: the official 2021 Kazakh Latin alphabet; other languages are unchanged.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"]
        try:
            stream = output.open("w", encoding="utf-8") if output else None
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from None
        out = stream or self.stdout
        count = 0
        try:
            for record in article_export_records(
                language=options["language"] or "",
                status=options["status"] or "",
                kazakh_script=options["kazakh_script"],
            ):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
        finally:
            if stream:
                stream.close()
        if output:
            self.stderr.write(f"{count} article(s) written to {output}.")

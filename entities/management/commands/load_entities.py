"""Reload the seed knowledge base (seeds/entities.json) without touching editors' additions."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from entities.services import KNOWLEDGE_BASE_PATH, KnowledgeBaseError, knowledge_base_load


class Command(BaseCommand):
    help = (
        "Load or reload the seed knowledge base. New entities are created, missing aliases "
        "added and blank fields filled; entities and aliases added by editors are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=KNOWLEDGE_BASE_PATH)
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace names, descriptions and Wikidata ids of seed entities from the file.",
        )

    def handle(self, *args, path: Path, overwrite: bool, **options) -> None:
        try:
            result = knowledge_base_load(path=path, overwrite=overwrite)
        except KnowledgeBaseError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{path}: {result.created} entities created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.aliases_added} aliases added."
        )

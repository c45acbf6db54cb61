"""``python manage.py qa_translation SOURCE_FILE TARGET_FILE [--json]``: the translation quality
checks on two article files, for batch use and evaluation.

Contract (integrations rely on it):

- ``--json`` prints exactly one JSON object on stdout, ``{"findings": [{"check", "severity",
  "paragraph", "message"}]}`` (UTF-8, not ASCII-escaped); nothing else goes to stdout.
  ``paragraph`` is the source paragraph index (0-based), ``null`` for the title and for findings
  about the whole document.
- Without ``--json``: one line per finding.
- Exit status 1 if any finding is an error, 0 otherwise; 2 if a file cannot be checked
  (missing, unreadable, binary, empty, no text), with the reason on stderr.
- Languages are detected; a source and target in the same language is a ``language`` error.
- Nothing is written to the database (entities are looked up read-only).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from articles.translations.qa.documents import QAInputError, document_text_read, qa_documents


class Command(BaseCommand):
    help = (
        "Run the translation quality checks on a source article file and its translation "
        "(files in the import format; languages detected). Exits 1 if any check reports an "
        "error, 2 if a file cannot be read."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", help="The source article file.")
        parser.add_argument("target", help="The translation, in the same file format.")
        parser.add_argument(
            "--json", action="store_true", help='Print {"findings": [...]} as JSON on stdout.'
        )

    def handle(self, *args, **options) -> None:
        try:
            source_text = document_text_read(options["source"])
            target_text = document_text_read(options["target"])
            result = qa_documents(
                source_text,
                target_text,
                source_name=options["source"],
                target_name=options["target"],
            )
        except QAInputError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if options["verbosity"] >= 2:
            for warning in result.warnings:
                self.stderr.write(warning)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            errors = sum(1 for f in result.findings if f.severity == "error")
            self.stdout.write(
                f"{result.source_language} → {result.target_language}: "
                f"{errors} error(s), {len(result.findings) - errors} warning(s)"
            )
            for finding in result.findings:
                where = "–" if finding.paragraph is None else f"¶{finding.paragraph}"
                self.stdout.write(
                    f"{finding.severity.upper():7} {finding.check:12} {where:8} {finding.message}"
                )
        if result.has_errors:
            raise CommandError(
                f"{sum(1 for f in result.findings if f.severity == 'error')} error(s) found.",
                returncode=1,
            )

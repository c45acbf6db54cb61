"""``python manage.py ner --lang {kk,ru,auto} --jsonl``: named entities for batch jobs and
evaluation. Reads JSON lines ``{"id": ..., "text": ...}`` on stdin and writes one line per
input: ``{"id": ..., "mentions": [{"start", "end", "type", "text"}]}``. Models load once."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from entities.extraction.base import extractor_for
from entities.extraction.language import detect_language


class Command(BaseCommand):
    help = (
        "Tag people (PER), organisations (ORG) and places (LOC) in JSON lines read from stdin; "
        "one JSON line out per line in. A line that is not valid gets an «error» and empty "
        "mentions, and the command exits with status 1 at the end."
    )
    requires_system_checks: list[str] = []  # a batch tool: start fast, touch no database

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lang", choices=["kk", "ru", "en", "auto"], default="auto")
        parser.add_argument(
            "--jsonl",
            action="store_true",
            help="JSON lines in and out (the only format; accepted for explicitness).",
        )

    def handle(self, *args: Any, lang: str, **options: Any) -> None:
        if lang != "auto":
            extractor_for(lang).load()
        out = self.stdout
        errors = 0
        for number, line in enumerate(sys.stdin, start=1):
            if not line.strip():
                continue
            record, error = _tag_line(line, lang)
            if error:
                errors += 1
                self.stderr.write(f"line {number}: {error}")
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
        if errors:
            raise CommandError(f"{errors} line(s) could not be tagged.", returncode=1)


def _tag_line(line: str, lang: str) -> tuple[dict[str, Any], str]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "mentions": [], "error": f"not JSON: {exc}"}, f"not JSON: {exc}"
    if not isinstance(item, dict):
        message = "expected a JSON object with «id» and «text»"
        return {"id": None, "mentions": [], "error": message}, message
    text = item.get("text")
    if not isinstance(text, str):
        message = "«text» must be a string"
        return {"id": item.get("id"), "mentions": [], "error": message}, message
    language = lang
    if language == "auto":
        detected = detect_language(text)
        language = detected.language if detected else ""
    spans = extractor_for(language).entities(text) if language else []
    mentions = [
        {"start": span.start, "end": span.end, "type": span.type, "text": span.text}
        for span in spans
    ]
    return {"id": item.get("id"), "mentions": mentions}, ""

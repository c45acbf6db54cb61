"""Quality checks on a source file and its translation file (the ``qa_translation`` command).

Both files are read like imports (``articles.importing`` / ``articles.text``: size limit, UTF-8,
UTF-16, legacy Cyrillic code pages, binary refused) and parsed with the import parser, so a
translation file is written like any article file: a title line, then one paragraph per line.

Three decisions:

- The checks see the paragraphs *as typed*. The import parser repairs Latin look-alikes and
  folds doubled spaces, which is right for storing an article and wrong for judging a
  translation: those are exactly the mistakes the ``language`` and ``punctuation`` checks
  report. Each parsed paragraph is mapped back to its line in the file.
- The title row is checked only when both files have a title line. In the ``dated`` layout the
  "title" is the first sentence of the body, and checking it would report every mistake of that
  sentence twice.
- Source and target in the same language is one ``language`` error about the whole document
  (paragraph ``null``) and no other check runs: every row would otherwise be reported as
  untranslated, which says the same thing a hundred times.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from articles.importing import import_files_from_paths
from articles.parsing import ArticleParseError, ParsedArticle, parse_article_text
from articles.text import TextDecodingError, decode_bytes, normalize_line, split_lines
from articles.translations.qa.align import align_paragraphs
from articles.translations.qa.base import AlignedPair, Finding, Severity, run_checks
from articles.translations.qa.checks_form import (
    EXPECTED_LENGTH_RATIO,
    LanguageCheck,
    language_name,
)
from entities.extraction.language import detect_language


class QAInputError(ValueError):
    """A file cannot be checked (missing, unreadable, binary, empty, no text); ``str(exc)``
    says which and why."""


@dataclass
class QAResult:
    findings: list[Finding]
    source_language: str
    target_language: str
    pairs: list[AlignedPair]
    warnings: list[str] = field(default_factory=list)  # the parser's, per file

    @property
    def has_errors(self) -> bool:
        return any(f.severity == Severity.ERROR for f in self.findings)

    def as_json(self) -> dict[str, list[dict]]:
        return {"findings": [f.as_json() for f in self.findings]}


def document_text_read(path: str | Path) -> str:
    """The decoded text of one article file, read and decoded as the importer does."""
    if Path(path).is_dir():
        raise QAInputError(_("%(path)s: a folder, not a file.") % {"path": path})
    items = list(import_files_from_paths([path]))
    if len(items) != 1:
        raise QAInputError(
            _("%(path)s: expected one text file, found %(count)d.")
            % {"path": path, "count": len(items)}
        )
    [item] = items
    if item.error or item.data is None:
        raise QAInputError(f"{path}: {item.error}")
    try:
        text, _encoding = decode_bytes(item.data)
    except TextDecodingError as exc:
        raise QAInputError(f"{path}: {exc}") from exc
    return text


_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)


def _lines_as_typed(text: str) -> dict[str, str]:
    """Normalised line (as the parser keeps it) → the line as typed (NFC, invisible
    characters dropped, but look-alike letters and doubled spaces kept)."""
    typed: dict[str, str] = {}
    for raw in split_lines(text):
        key = normalize_line(raw)
        if key and key not in typed:
            typed[key] = unicodedata.normalize("NFC", raw).translate(_INVISIBLE).strip()
    return typed


@dataclass
class _Document:
    parsed: ParsedArticle
    title: str
    paragraphs: list[str]
    language: str


def _document(text: str, *, which: str, now: datetime | None) -> _Document:
    try:
        parsed = parse_article_text(text, now=now)
    except ArticleParseError as exc:
        raise QAInputError(f"{which}: {exc}") from exc
    typed = _lines_as_typed(text)
    title = typed.get(parsed.title, parsed.title)
    paragraphs = [typed.get(p, p) for p in parsed.paragraphs]
    detected = detect_language("\n".join([parsed.title, *parsed.paragraphs]))
    if detected is None:
        raise QAInputError(
            _("%(which)s: the language cannot be told (the text has no letters).")
            % {"which": which}
        )
    return _Document(parsed, title, paragraphs, detected.language)


def qa_documents(
    source_text: str,
    target_text: str,
    *,
    now: datetime | None = None,
    source_name: str = "",
    target_name: str = "",
) -> QAResult:
    """Every registered quality check on a translation given as two texts in the import
    format. ``now`` resolves relative publication times («Бүгін, 19:52») of the source, which
    give the reference date of relative dates in the text. The names (file paths) only go
    into error messages."""
    original = pgettext("text translated from", "source")
    source = _document(source_text, which=source_name or original, now=now)
    target = _document(target_text, which=target_name or _("translation"), now=now)
    ratio = EXPECTED_LENGTH_RATIO.get((source.language, target.language), 1.0)
    pairs = align_paragraphs(source.paragraphs, target.paragraphs, ratio=ratio)
    if "dated" not in (source.parsed.layout, target.parsed.layout):
        pairs.insert(0, AlignedPair(None, source.title, target.title, is_title=True))
    warnings = [f"{original}: {w}" for w in source.parsed.warnings] + [
        f"{_('translation')}: {w}" for w in target.parsed.warnings
    ]
    if source.language == target.language:
        message = _(
            "The source and the translation are both in %(language)s: this is not a translation."
        ) % {"language": language_name(source.language)}
        finding = LanguageCheck().finding(None, message, key=f"same-language:{source.language}")
        return QAResult([finding], source.language, target.language, pairs, warnings)
    published = source.parsed.published_at
    reference = timezone.localtime(published).date() if published else None
    findings = run_checks(
        pairs,
        source_language=source.language,
        target_language=target.language,
        reference=reference,
    )
    return QAResult(findings, source.language, target.language, pairs, warnings)

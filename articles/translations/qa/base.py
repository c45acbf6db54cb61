"""The frame every quality check plugs into.

A check is a small class with a ``code`` (``figures``, ``entities``…), a default ``severity`` and
a ``run(context)`` that yields ``Finding``s. Checks are pure reads: they may look entities up in
the knowledge base (read-only linking, nothing is proposed or written) but never write.

Messages are built with ``gettext`` while the check runs, so they come out in the active
interface language; a finding's ``fingerprint`` does not depend on that language (a reviewer's
override is matched by it)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar

from entities.extraction import FieldExtraction, extract_text


class Severity(StrEnum):
    ERROR = "error"  # blocks submit unless a reviewer overrides it
    WARNING = "warning"  # informs


@dataclass(frozen=True)
class AlignedPair:
    """A source text and its translation, aligned: one row of the side-by-side editor.

    ``paragraph`` is the index of the first source body paragraph of the row (``None`` for the
    title); ``source`` may hold several source paragraphs (a merged row) and ``target`` several
    target paragraphs (a split row), joined by a blank line. ``target`` is "" when the row is
    not translated yet; ``source`` is "" for a target paragraph with no source (extra)."""

    paragraph: int | None
    source: str
    target: str
    is_title: bool = False


@dataclass(frozen=True)
class Finding:
    check: str
    severity: Severity
    paragraph: int | None
    message: str
    fingerprint: str
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": str(self.severity),
            "paragraph": self.paragraph,
            "message": self.message,
        }


@functools.lru_cache(maxsize=4096)
def _extraction(text: str, language: str, reference: date | None) -> FieldExtraction:
    return extract_text(text, language=language, reference=reference)


@dataclass
class QAContext:
    """What every check sees: the aligned pairs, the languages, the date relative dates resolve
    against, and cached extraction (the same paragraph is extracted once per process)."""

    pairs: list[AlignedPair]
    source_language: str
    target_language: str
    reference: date | None = None
    _links: dict[tuple[str, str], list[tuple[Any, int | None]]] = field(default_factory=dict)

    def extraction(self, text: str, language: str) -> FieldExtraction:
        return _extraction(text, language, self.reference)

    def source_extraction(self, pair: AlignedPair) -> FieldExtraction:
        return self.extraction(pair.source, self.source_language)

    def target_extraction(self, pair: AlignedPair) -> FieldExtraction:
        return self.extraction(pair.target, self.target_language)

    def linked_entities(self, text: str, language: str) -> list[tuple[Any, int | None]]:
        """(entity span, entity id or None) for each person, organisation and place in the
        text, linked through the knowledge base read-only (nothing is proposed).

        The first call for a side links every row of that side at once (one alias lookup for
        the document, and a surname can follow the full name of an earlier row)."""
        key = (text, language)
        if key not in self._links:
            side = [p.source for p in self.pairs] if language == self.source_language else []
            if language == self.target_language:
                side += [p.target for p in self.pairs]
            texts = list(dict.fromkeys(t for t in [*side, text] if t.strip()))
            self._link_texts([t for t in texts if (t, language) not in self._links], language)
            self._links.setdefault(key, [])
        return self._links[key]

    def _link_texts(self, texts: list[str], language: str) -> None:
        from entities.linking.linker import MentionText, mentions_link

        spans = {t: self.extraction(t, language).entities for t in texts}
        mentions = [MentionText(s.text, s.type) for t in texts for s in spans[t]]
        links = mentions_link(mentions, language=language, propose=False) if mentions else []
        by_mention = dict(zip(mentions, links, strict=True))
        for t in texts:
            self._links[(t, language)] = [
                (s, by_mention[MentionText(s.text, s.type)].entity_id) for s in spans[t]
            ]


class Check:
    """Base class. Subclasses set ``code``, ``severity`` and ``label`` and implement ``run``
    (whole document) or ``check_pair`` (each row whose source and target are both non-empty)."""

    code: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    label: ClassVar[Any]  # gettext_lazy: shown in the UI next to each finding

    def run(self, context: QAContext) -> Iterator[Finding]:
        for pair in context.pairs:
            if pair.source.strip() and pair.target.strip():
                yield from self.check_pair(context, pair)

    def check_pair(self, context: QAContext, pair: AlignedPair) -> Iterable[Finding]:
        return ()

    def finding(
        self,
        pair: AlignedPair | None,
        message: str,
        *,
        key: str = "",
        severity: Severity | None = None,
        **detail: Any,
    ) -> Finding:
        """A finding about one row (``pair``) or the whole document (``None``). ``key`` tells
        two findings of this check on the same row apart (say, the figure that is missing); it
        must not depend on the interface language."""
        source = pair.source if pair is not None else ""
        digest = hashlib.sha256(f"{self.code}\x1f{source}\x1f{key}".encode()).hexdigest()
        return Finding(
            check=self.code,
            severity=severity or self.severity,
            paragraph=pair.paragraph if pair is not None else None,
            message=str(message),
            fingerprint=digest,
            detail=detail,
        )


REGISTRY: dict[str, type[Check]] = {}


def register(check: type[Check]) -> type[Check]:
    if check.code in REGISTRY:
        raise ValueError(f"Two quality checks with the code {check.code!r}")
    REGISTRY[check.code] = check
    return check


def run_checks(
    pairs: list[AlignedPair],
    *,
    source_language: str,
    target_language: str,
    reference: date | None = None,
    codes: Iterable[str] | None = None,
) -> list[Finding]:
    """Every registered check (or those in ``codes``) over the aligned pairs, in registry order
    and then by paragraph."""
    context = QAContext(
        pairs=pairs,
        source_language=source_language,
        target_language=target_language,
        reference=reference,
    )
    wanted = set(codes) if codes is not None else None
    findings: list[Finding] = []
    for code, check in REGISTRY.items():
        if wanted is None or code in wanted:
            findings.extend(check().run(context))
    order = {code: n for n, code in enumerate(REGISTRY)}
    findings.sort(
        key=lambda f: (
            -1 if f.paragraph is None else f.paragraph,
            order[f.check],
        )
    )
    return findings

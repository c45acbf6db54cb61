"""Quality checks over a stored translation: its segments become aligned pairs, the registry of
checks runs on them, and reviewers' overrides are applied. Reads only (the counts of a full run
are recorded by ``services.translation_qa_record``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from articles.models import QAOverride, Translation, TranslationSegment
from articles.translations.qa import AlignedPair, Finding, Severity, run_checks


@dataclass
class QAReport:
    findings: list[Finding]
    overrides: dict[str, QAOverride] = field(default_factory=dict)

    def is_overridden(self, finding: Finding) -> bool:
        return finding.fingerprint in self.overrides

    @property
    def blocking(self) -> list[Finding]:
        """Errors no reviewer accepted: these block submit and approval."""
        return [
            f for f in self.findings if f.severity == Severity.ERROR and not self.is_overridden(f)
        ]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.WARNING)

    def by_paragraph(self) -> dict[int | None, list[Finding]]:
        grouped: dict[int | None, list[Finding]] = {}
        for finding in self.findings:
            grouped.setdefault(finding.paragraph, []).append(finding)
        return grouped


def segment_pair(segment: TranslationSegment) -> AlignedPair:
    is_title = segment.field == TranslationSegment.Field.TITLE
    return AlignedPair(
        paragraph=None if is_title else segment.source_start,
        source=segment.source_text,
        target=segment.target_text,
        is_title=is_title,
    )


def _reference(translation: Translation):
    published = translation.article.published_at
    return timezone.localtime(published).date() if published else None


def translation_findings(
    *,
    translation: Translation,
    segments: list[TranslationSegment] | None = None,
    codes: list[str] | None = None,
) -> QAReport:
    """Run the checks over the translation (or over some of its rows: ``segments``)."""
    if segments is None:
        segments = list(translation.segments.order_by("position"))
    findings = run_checks(
        [segment_pair(s) for s in segments],
        source_language=translation.article.language,
        target_language=translation.language,
        reference=_reference(translation),
        codes=codes,
    )
    overrides = {o.fingerprint: o for o in QAOverride.objects.filter(translation=translation)}
    return QAReport(findings=findings, overrides=overrides)

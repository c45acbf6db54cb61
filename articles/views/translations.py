"""The translation desk in the browser: requesting a translation from the article page, the list
of translations, the side-by-side editor (rows saved one by one, by fetch autosave or by a plain
form post), merge and split of the alignment, memory and machine suggestions, the workflow,
quality-check findings and their acceptance, the history and plain-text export.

The services (``articles.translations.services`` and ``.workflow``) decide who may do what; these
views only find the objects the user may see (404 otherwise) and turn the services' refusals into
statuses: 403 for a role, 400 for input, 409 for a version conflict. Autosave answers JSON."""

from __future__ import annotations

import difflib
import logging
from collections import Counter
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from articles import selectors as article_selectors
from articles.export import article_plain_text
from articles.history import text_diff_html
from articles.kazakh_latin import KazakhScript
from articles.models import (
    PARAGRAPH_SEPARATOR,
    Article,
    Language,
    QAOverride,
    SegmentStatus,
    Translation,
    TranslationSegment,
)
from articles.translation_forms import (
    QAOverrideForm,
    SegmentSaveForm,
    TranslationAssignForm,
    TranslationFilterForm,
    TranslationRequestForm,
    TranslationTransitionForm,
    TranslationVersionForm,
    form_error_message,
)
from articles.translations import services
from articles.translations import workflow as translation_workflow
from articles.translations.quality import QAReport, translation_findings
from articles.translations.selectors import (
    GlossaryTerm,
    segment_glossary,
    translation_glossary,
    translations_visible_to,
)
from articles.translations.selectors import translation_list as translations_filtered
from articles.views.redirects import safe_next_url
from articles.views.steps import refused as article_refused

logger = logging.getLogger(__name__)

LIST_PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 25
LATIN = "latn"  # ?script=latn: Kazakh text in the 2021 Latin alphabet


# -- finding the objects -----------------------------------------------------------------------


def _translation(request: HttpRequest, pk: int) -> Translation:
    return get_object_or_404(translations_visible_to(request.user), pk=pk)


def _segment(translation: Translation, segment_pk: int) -> TranslationSegment:
    return get_object_or_404(TranslationSegment, pk=segment_pk, translation=translation)


def _editor_url(translation: Translation, segment_pk: int | None = None) -> str:
    url = reverse("articles:translation", args=[translation.pk])
    return f"{url}#row-{segment_pk}" if segment_pk else url


def _wants_json(request: HttpRequest) -> bool:
    """The editor's fetch calls ask for JSON; a plain form post gets a page."""
    return "application/json" in request.headers.get("Accept", "")


def _json_message(message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse({"message": message, **extra}, status=status)


def _edit_refusal(user, translation: Translation) -> str:
    return services._edit_refusal(user, translation)  # the service's own words


def conflict_message() -> str:
    return _("The translation changed since you opened it; reload the page and try again.")


# -- answers -----------------------------------------------------------------------------------


def _refused(
    request: HttpRequest,
    translation: Translation,
    message: str,
    status: int,
    findings: list | None = None,
) -> HttpResponse:
    """A refused action: a fragment for htmx (shown where the form asked), else a small page
    with the message (and the findings that blocked it) and the way back to the editor."""
    context = {
        "translation": translation,
        "message": message,
        "findings": _finding_views(findings or [], None, {}),
    }
    if request.htmx:
        return render(request, "articles/_translation_refusal.html", context, status=status)
    return render(request, "articles/translation_refused.html", context, status=status)


def _done(
    request: HttpRequest, translation: Translation, message: str, segment_pk: int | None = None
) -> HttpResponse:
    """A successful action: htmx reloads the page (status, buttons and versions all change); a
    plain form post goes back to the editor, at the row it was about."""
    messages.success(request, message)
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect(_editor_url(translation, segment_pk))


# -- the editor's rows -------------------------------------------------------------------------


@dataclass
class FindingView:
    """A quality-check finding as the page shows it: its check's label, and the reviewer's
    acceptance when there is one."""

    finding: object  # articles.translations.qa.Finding
    label: str
    override: QAOverride | None = None
    accepted_by: str = ""

    @property
    def blocking(self) -> bool:
        return self.finding.severity == "error" and self.override is None


@dataclass
class EditorRow:
    segment: TranslationSegment
    label: str  # "Title", "¶ 3", "¶ 3–4"
    sources: list[str]
    targets: list[str]
    glossary: list[GlossaryTerm]
    findings: list[FindingView]
    source_diff: SafeString | None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.blocking)


def _check_labels() -> dict[str, str]:
    from articles.translations.qa import REGISTRY

    return {code: str(getattr(check, "label", code)) for code, check in REGISTRY.items()}


def _finding_views(findings: list, report: QAReport | None, users: dict) -> list[FindingView]:
    labels = _check_labels()
    views = []
    for finding in findings:
        override = report.overrides.get(finding.fingerprint) if report is not None else None
        user = users.get(override.user_id) if override is not None else None
        views.append(
            FindingView(
                finding=finding,
                label=labels.get(finding.check, finding.check),
                override=override,
                accepted_by=user.get_username() if user is not None else "",
            )
        )
    return views


def _override_users(report: QAReport) -> dict:
    """Who accepted each finding, in one query (none when nothing was accepted)."""
    ids = {o.user_id for o in report.overrides.values() if o.user_id}
    return get_user_model().objects.in_bulk(ids) if ids else {}


def _row_paragraphs(segment: TranslationSegment) -> list[int | None]:
    if segment.field == TranslationSegment.Field.TITLE:
        return [None]
    return list(range(segment.source_start, segment.source_start + segment.source_count))


def _row_label(segment: TranslationSegment) -> str:
    if segment.field == TranslationSegment.Field.TITLE:
        return _("Title")
    first = segment.source_start + 1
    if segment.source_count > 1:
        last = first + segment.source_count - 1
        return _("¶ %(first)s–%(last)s") % {"first": first, "last": last}
    return _("¶ %(number)s") % {"number": first}


def _row_findings(segment: TranslationSegment, report: QAReport, users: dict) -> list[FindingView]:
    grouped = report.by_paragraph()
    findings = [f for p in _row_paragraphs(segment) for f in grouped.get(p, [])]
    return _finding_views(findings, report, users)


def _editor_rows(
    segments: list[TranslationSegment],
    report: QAReport,
    glossary: dict,
    users: dict,
) -> tuple[list[EditorRow], list[FindingView]]:
    """The rows of the editor, and the findings no row owns (about the whole document)."""
    grouped = report.by_paragraph()
    rows, owned = [], set()
    for segment in segments:
        paragraphs = _row_paragraphs(segment)
        owned.update(paragraphs)
        findings = [f for p in paragraphs for f in grouped.get(p, [])]
        sources = segment.source_text.split(PARAGRAPH_SEPARATOR)
        rows.append(
            EditorRow(
                segment=segment,
                label=_row_label(segment),
                sources=[s for s in sources if s] or [segment.source_text],
                targets=segment.target_paragraphs,
                glossary=segment_glossary(glossary, segment),
                findings=_finding_views(findings, report, users),
                source_diff=(
                    text_diff_html(segment.previous_source_text, segment.source_text)
                    if segment.previous_source_text
                    else None
                ),
            )
        )
    loose = [f for p, found in grouped.items() if p not in owned for f in found]
    return rows, _finding_views(loose, report, users)


def _engine():
    """The configured machine-translation engine, or None (off, or misconfigured: logged)."""
    from articles.translations.machine import engine_get

    try:
        return engine_get()
    except ImproperlyConfigured:
        logger.exception("Machine translation is misconfigured")
        return None


def _is_latin(request: HttpRequest, translation: Translation) -> bool:
    return request.GET.get("script") == LATIN and Language.KAZAKH in (
        translation.article.language,
        translation.language,
    )


def _qa_counts(report: QAReport) -> dict[str, int]:
    blocking = len(report.blocking)
    return {
        "errors": blocking,
        "warnings": report.warnings,
        "accepted": sum(1 for f in report.findings if report.is_overridden(f)),
    }


def _editor_context(request: HttpRequest, translation: Translation) -> dict:
    user = request.user
    latin = _is_latin(request, translation)
    segments, report = services.translation_qa_report(translation=translation)
    rows, loose_findings = _editor_rows(
        segments, report, translation_glossary(translation=translation), _override_users(report)
    )
    can_edit = services.can_edit_translation(user, translation) and not latin
    statuses = Counter(segment.status for segment in segments)
    steps = translation_workflow.translation_steps_available(user, translation)
    return {
        "translation": translation,
        "article": translation.article,
        "rows": rows,
        "loose_findings": loose_findings,
        "qa": _qa_counts(report),
        "progress": {
            "total": len(segments),
            "done": statuses[SegmentStatus.DONE],
            "draft": statuses[SegmentStatus.DRAFT],
            "untranslated": statuses[SegmentStatus.UNTRANSLATED],
        },
        "changed_rows": sum(1 for s in segments if s.previous_source_text),
        "steps": steps,
        "can_edit": can_edit,
        "can_override": services.can_override_findings(user, translation) and not latin,
        "can_assign": services.can_request_translation(user),
        "assign_form": (
            TranslationAssignForm(
                initial={
                    "version": translation.version,
                    "translator": translation.translator_id,
                    "reviewer": translation.reviewer_id,
                    "due_at": translation.due_at,
                }
            )
            if services.can_request_translation(user)
            else None
        ),
        "machine": _engine() is not None if can_edit else False,
        "latin": latin,
        "has_kazakh": Language.KAZAKH in (translation.article.language, translation.language),
        "segment_statuses": SegmentStatus.choices,
        "now": timezone.now(),
        "js_strings": _js_strings() if can_edit else {},
    }


def _js_strings() -> dict[str, str]:
    """The words translation-editor.js shows, in the interface language."""
    return {
        "saving": _("Saving…"),
        "saved": _("Saved"),
        "unsaved": _("Unsaved changes"),
        "offline": _("Offline — kept in this browser"),
        "serverError": _("The server had a problem; kept in this browser, retrying."),
        "signedOut": _("Not saved: sign in again; your text is kept in this browser."),
        "notSaved": _("Not saved:"),
        "conflict": _("Conflict: choose below"),
        "conflictMessage": _("This paragraph was saved by someone else meanwhile."),
        "theirs": _("Saved now"),
        "mine": _("Your text"),
        "keepMine": _("Keep mine"),
        "takeTheirs": _("Take theirs"),
        "tookTheirs": _("Showing the saved text"),
        "loading": _("Loading…"),
        "memory": _("Memory"),
        "memoryError": _("Could not load the memory; try again."),
        "machine": _("Machine translation"),
        "machineRunning": _("Asking the machine translation engine…"),
        "machineError": _("The engine did not answer."),
        "use": _("Use"),
        "restoredRow": _("Restored from this browser; saving…"),
        "restoredConflict": _(
            "Text typed earlier in this browser was never saved, and the paragraph was saved since."
        ),
        "restored": _(
            "Text typed earlier in this browser and not saved yet was restored (%s paragraphs)."
        ),
    }


# -- the article page: requesting a translation ------------------------------------------------


@login_required
@require_POST
def translation_request(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(article_selectors.articles_visible_to(request.user), pk=pk)
    if not services.can_request_translation(request.user):
        return article_refused(request, article, _("Only editors request translations."), 403)
    form = TranslationRequestForm(request.POST)
    if not form.is_valid():
        return article_refused(request, article, form_error_message(form), 400)
    try:
        translation = services.translation_request(
            article_id=article.pk,
            language=form.cleaned_data["language"],
            user=request.user,
            translator=form.cleaned_data["translator"],
            reviewer=form.cleaned_data["reviewer"],
            due_at=form.cleaned_data["due_at"],
        )
    except services.TranslationPermissionDenied as exc:
        return article_refused(request, article, str(exc), 403)
    except services.TranslationError as exc:
        return article_refused(request, article, str(exc), 400)
    messages.success(
        request,
        _("%(language)s translation requested.") % {"language": translation.get_language_display()},
    )
    # Asked from elsewhere (the coverage gap queue): back there; otherwise to the editor.
    url = safe_next_url(request) or _editor_url(translation)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


# -- the list ----------------------------------------------------------------------------------


@login_required
@require_safe
def translation_list(request: HttpRequest) -> HttpResponse:
    form = TranslationFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    cleaned = getattr(form, "cleaned_data", {})
    translations = translations_filtered(
        user=request.user,
        status=cleaned.get("status") or "",
        language=cleaned.get("language") or "",
        mine=bool(cleaned.get("mine")),
    )
    page = Paginator(translations, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "articles/translation_list.html",
        {"form": form, "page": page, "now": timezone.now()},
        status=200 if valid else 400,
    )


# -- the editor ------------------------------------------------------------------------------


@login_required
@require_safe
def translation_editor(request: HttpRequest, pk: int) -> HttpResponse:
    translation = _translation(request, pk)
    return render(
        request, "articles/translation_editor.html", _editor_context(request, translation)
    )


def _saved_json(request: HttpRequest, saved: services.SegmentSave) -> JsonResponse:
    segment, translation = saved.segment, saved.translation
    report = translation_findings(translation=translation, segments=[segment])
    findings = _row_findings(segment, report, _override_users(report))
    findings_html = render_to_string(
        "articles/_translation_findings.html",
        {
            "findings": findings,
            "translation": translation,
            "can_override": services.can_override_findings(request.user, translation),
        },
        request=request,
    )
    return JsonResponse(
        {
            "segment_version": segment.version,
            "translation_version": translation.version,
            "status": segment.status,
            "status_label": segment.get_status_display(),
            "changed": segment.source_changed,
            "findings_html": findings_html,
            "errors": sum(1 for f in findings if f.blocking),
            "outdated": translation.is_outdated,
            "translation_status": translation.status,
            "translation_status_label": translation.get_status_display(),
            "message": _("Saved"),
        }
    )


def _conflict(
    request: HttpRequest, translation: Translation, conflict: services.SegmentVersionConflict
) -> HttpResponse:
    """409: the saved text beside what they typed; nothing typed is dropped."""
    saved = conflict.segment
    saved_by = saved.updated_by.get_username() if saved.updated_by_id else ""
    message = (
        _("%(user)s saved this paragraph meanwhile.") % {"user": saved_by}
        if saved_by
        else _("This paragraph was changed meanwhile.")
    )
    if _wants_json(request):
        return _json_message(
            message,
            409,
            saved_text=saved.target_text,
            saved_version=saved.version,
            saved_status=saved.status,
            saved_by=saved_by,
            your_text=conflict.typed_text,
            translation_version=Translation.objects.values_list("version", flat=True).get(
                pk=translation.pk
            ),
        )
    return render(
        request,
        "articles/translation_conflict.html",
        {
            "translation": translation,
            "segment": saved,
            "message": message,
            "your_text": conflict.typed_text,
            "status": request.POST.get("status", ""),
        },
        status=409,
    )


@login_required
@require_POST
def segment_save(request: HttpRequest, pk: int, segment_pk: int) -> HttpResponse:
    translation = _translation(request, pk)
    segment = _segment(translation, segment_pk)
    as_json = _wants_json(request)

    def refuse(message: str, status: int) -> HttpResponse:
        if as_json:
            return _json_message(message, status)
        return _refused(request, translation, message, status)

    form = SegmentSaveForm(request.POST)
    if not form.is_valid():
        return refuse(form_error_message(form), 400)
    status = form.cleaned_data["status"] or None
    if status == segment.status:
        status = None  # not a choice the person made: the service keeps or derives it
    try:
        saved = services.segment_save(
            segment_id=segment.pk,
            expected_version=form.cleaned_data["version"],
            target_text=form.cleaned_data["target_text"],
            user=request.user,
            status=status,
        )
    except services.SegmentVersionConflict as conflict:
        return _conflict(request, translation, conflict)
    except services.TranslationPermissionDenied as exc:
        return refuse(str(exc), 403)
    except services.TranslationError as exc:
        return refuse(str(exc), 400)
    except TranslationSegment.DoesNotExist:
        message = _(
            "This paragraph is no longer a row of the translation (it was merged or split); "
            "reload the page. Your text is kept in this browser."
        )
        return refuse(message, 404)
    if as_json:
        return _saved_json(request, saved)
    messages.success(request, _("Saved."))
    return redirect(_editor_url(translation, segment.pk))


def _alignment_change(request: HttpRequest, pk: int, segment_pk: int, change) -> HttpResponse:
    translation = _translation(request, pk)
    segment = _segment(translation, segment_pk)
    if not services.can_edit_translation(request.user, translation):
        return _refused(request, translation, _edit_refusal(request.user, translation), 403)
    form = TranslationVersionForm(request.POST)
    if not form.is_valid():
        return _refused(request, translation, form_error_message(form), 400)
    try:
        change(
            segment_id=segment.pk,
            expected_version=form.cleaned_data["version"],
            user=request.user,
        )
    except services.TranslationVersionConflict:
        return _refused(request, translation, conflict_message(), 409)
    except services.TranslationPermissionDenied as exc:
        return _refused(request, translation, str(exc), 403)
    except services.TranslationError as exc:
        return _refused(request, translation, str(exc), 400)
    except TranslationSegment.DoesNotExist:
        raise Http404(_("No such paragraph in this translation.")) from None
    if change is services.segment_split:
        message = _("The row is split: one row per source paragraph again.")
    else:
        message = _("The row is merged with the next paragraph.")
    return _done(request, translation, message, segment.pk)


@login_required
@require_POST
def segment_merge(request: HttpRequest, pk: int, segment_pk: int) -> HttpResponse:
    return _alignment_change(request, pk, segment_pk, services.segment_merge_with_next)


@login_required
@require_POST
def segment_split(request: HttpRequest, pk: int, segment_pk: int) -> HttpResponse:
    return _alignment_change(request, pk, segment_pk, services.segment_split)


@login_required
@require_safe
def segment_memory(request: HttpRequest, pk: int, segment_pk: int) -> HttpResponse:
    from articles.translations.memory import memory_matches

    translation = _translation(request, pk)
    segment = _segment(translation, segment_pk)
    matches = memory_matches(
        source_text=segment.source_text,
        source_language=translation.article.language,
        target_language=translation.language,
    )
    return render(
        request,
        "articles/_translation_memory.html",
        {
            "translation": translation,
            "segment": segment,
            "matches": matches,
            "can_edit": services.can_edit_translation(request.user, translation),
        },
    )


@login_required
@require_POST
def segment_machine(request: HttpRequest, pk: int, segment_pk: int) -> HttpResponse:
    from articles.translations.machine import MachineTranslationError, engine_get

    translation = _translation(request, pk)
    segment = _segment(translation, segment_pk)
    try:
        engine = engine_get()
    except ImproperlyConfigured as exc:
        logger.exception("Machine translation is misconfigured")
        return _json_message(
            _("Machine translation is misconfigured: %(error)s") % {"error": exc}, 503
        )
    if engine is None:
        return _json_message(_("No machine translation engine is configured."), 404)
    if not services.can_edit_translation(request.user, translation):
        return _json_message(_edit_refusal(request.user, translation), 403)
    sources = [p for p in segment.source_text.split(PARAGRAPH_SEPARATOR) if p.strip()]
    if not sources:
        return _json_message(_("This row has no source text to translate."), 400)
    try:
        texts = engine.translate(
            sources,
            source_language=translation.article.language,
            target_language=translation.language,
        )
    except MachineTranslationError as exc:
        return _json_message(exc.message, 503)
    return JsonResponse({"text": PARAGRAPH_SEPARATOR.join(texts), "engine": engine.name})


# -- workflow, assignment, quality checks -------------------------------------------------------


@login_required
@require_POST
def translation_transition(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    translation = _translation(request, pk)
    if step not in translation_workflow.TRANSLATION_STEPS:
        raise Http404(_("There is no workflow step «%(step)s».") % {"step": step})
    try:
        translation_workflow.translation_step_check(request.user, translation, step)
    except services.TranslationPermissionDenied as exc:
        return _refused(request, translation, str(exc), 403)
    except services.TranslationError as exc:
        return _refused(request, translation, str(exc), 400)
    form = TranslationTransitionForm(request.POST)
    if not form.is_valid():
        return _refused(request, translation, form_error_message(form), 400)
    try:
        saved = translation_workflow.translation_transition(
            translation_id=translation.pk,
            step_name=step,
            user=request.user,
            expected_version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
            override_reason=form.cleaned_data["override_reason"],
        )
    except translation_workflow.QualityCheckFailed as exc:
        return _refused(request, translation, str(exc), 400, findings=exc.findings)
    except services.TranslationVersionConflict:
        return _refused(request, translation, conflict_message(), 409)
    except services.TranslationPermissionDenied as exc:
        return _refused(request, translation, str(exc), 403)
    except services.TranslationError as exc:
        return _refused(request, translation, str(exc), 400)
    label = translation_workflow.TRANSLATION_STEPS[step].label
    return _done(
        request,
        saved,
        _("%(step)s: the translation is now %(status)s.")
        % {"step": label, "status": saved.get_status_display().lower()},
    )


@login_required
@require_POST
def translation_assign(request: HttpRequest, pk: int) -> HttpResponse:
    translation = _translation(request, pk)
    if not services.can_request_translation(request.user):
        return _refused(request, translation, _("Only editors assign translations."), 403)
    form = TranslationAssignForm(request.POST)
    if not form.is_valid():
        return _refused(request, translation, form_error_message(form), 400)
    try:
        saved = services.translation_assign(
            translation_id=translation.pk,
            expected_version=form.cleaned_data["version"],
            user=request.user,
            translator=form.cleaned_data["translator"],
            reviewer=form.cleaned_data["reviewer"],
            due_at=form.cleaned_data["due_at"],
        )
    except services.TranslationVersionConflict:
        return _refused(request, translation, conflict_message(), 409)
    except services.TranslationPermissionDenied as exc:
        return _refused(request, translation, str(exc), 403)
    except services.TranslationError as exc:
        return _refused(request, translation, str(exc), 400)
    return _done(request, saved, _("Assignment saved."))


@dataclass
class CheckCount:
    code: str
    label: str
    errors: int = 0
    warnings: int = 0
    accepted: int = 0


@login_required
@require_safe
def translation_qa(request: HttpRequest, pk: int) -> HttpResponse:
    """The full report of the checks: counts per check, then every finding with its row."""
    from articles.translations.qa import REGISTRY

    translation = _translation(request, pk)
    segments, report = services.translation_qa_report(translation=translation)
    labels = _check_labels()
    counts = {code: CheckCount(code, labels.get(code, code)) for code in REGISTRY}
    for finding in report.findings:
        count = counts.setdefault(finding.check, CheckCount(finding.check, finding.check))
        if report.is_overridden(finding):
            count.accepted += 1
        elif finding.severity == "error":
            count.errors += 1
        else:
            count.warnings += 1
    row_of = {p: s.pk for s in segments for p in _row_paragraphs(s)}
    findings = [
        (view, row_of.get(view.finding.paragraph))
        for view in _finding_views(report.findings, report, _override_users(report))
    ]
    context = {
        "translation": translation,
        "counts": list(counts.values()),
        "findings": findings,
        "qa": _qa_counts(report),
    }
    template = "articles/_translation_qa.html" if request.htmx else "articles/translation_qa.html"
    return render(request, template, context)


@login_required
@require_POST
def qa_override_add(request: HttpRequest, pk: int) -> HttpResponse:
    translation = _translation(request, pk)
    if not services.can_override_findings(request.user, translation):
        return _refused(request, translation, _("Only the reviewer can accept a finding."), 403)
    form = QAOverrideForm(request.POST)
    if not form.is_valid():
        return _refused(request, translation, form_error_message(form), 400)
    try:
        override = services.qa_override_add(
            translation_id=translation.pk,
            fingerprint=form.cleaned_data["fingerprint"],
            reason=form.cleaned_data["reason"],
            user=request.user,
        )
    except services.TranslationPermissionDenied as exc:
        return _refused(request, translation, str(exc), 403)
    except services.TranslationError as exc:
        return _refused(request, translation, str(exc), 409)
    row = _row_for_paragraph(translation, override.paragraph)
    return _done(request, translation, _("Finding accepted."), row)


def _row_for_paragraph(translation: Translation, paragraph: int | None) -> int | None:
    rows = translation.segments.order_by("position")
    if paragraph is None:
        rows = rows.filter(field=TranslationSegment.Field.TITLE)
    else:
        rows = rows.filter(field=TranslationSegment.Field.BODY, source_start__lte=paragraph)
        rows = rows.order_by("-source_start")
    return rows.values_list("pk", flat=True).first()


@login_required
@require_POST
def qa_override_remove(request: HttpRequest, pk: int, override_pk: int) -> HttpResponse:
    translation = _translation(request, pk)
    override = get_object_or_404(QAOverride, pk=override_pk, translation=translation)
    if not services.can_override_findings(request.user, translation):
        return _refused(
            request, translation, _("Only the reviewer can withdraw an acceptance."), 403
        )
    try:
        services.qa_override_remove(override_id=override.pk, user=request.user)
    except services.TranslationPermissionDenied as exc:
        return _refused(request, translation, str(exc), 403)
    except QAOverride.DoesNotExist:
        raise Http404(_("That acceptance was withdrawn already.")) from None
    row = _row_for_paragraph(translation, override.paragraph)
    return _done(request, translation, _("Acceptance withdrawn."), row)


# -- history and export --------------------------------------------------------------------------


@dataclass
class ParagraphDiff:
    label: str  # "¶ 3" or "¶ 3–4" (of the translation's text)
    html: SafeString


@dataclass
class TranslationVersion:
    record: object  # a historical Translation
    why: str
    title_diff: SafeString | None
    body_diffs: list[ParagraphDiff]
    status_changed: bool


def _paragraph_diffs(old: str, new: str) -> list[ParagraphDiff]:
    """Only the paragraphs that changed, each with its word diff: a version of a long text
    usually changes one paragraph, and the reader wants to see that one."""
    a, b = old.split(PARAGRAPH_SEPARATOR), new.split(PARAGRAPH_SEPARATOR)
    diffs = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        first, last = j1 + 1, max(j2, j1 + 1)
        label = (
            _("¶ %(number)s") % {"number": first}
            if last == first
            else _("¶ %(first)s–%(last)s") % {"first": first, "last": last}
        )
        html = text_diff_html(
            PARAGRAPH_SEPARATOR.join(a[i1:i2]), PARAGRAPH_SEPARATOR.join(b[j1:j2])
        )
        diffs.append(ParagraphDiff(label, html))
    return diffs


def _version_reason(reason: str) -> str:
    """The services' change reason ("segment 3", "merge 2", "submit: text"…) in words."""
    reason = reason or ""
    word, _sep, rest = reason.partition(" ")
    step, colon, comment = reason.partition(":")
    if step in translation_workflow.TRANSLATION_STEPS:
        label = str(translation_workflow.TRANSLATION_STEPS[step].label)
        return f"{label}: {comment.strip()}" if colon else label
    if reason == "request":
        return _("Translation requested")
    if reason == "assign":
        return _("Assignment changed")
    if reason == "source changed":
        return _("The source article changed")
    if word in ("segment", "merge", "split") and rest:
        where = _("title") if rest == "title" else _("¶ %(number)s") % {"number": _int(rest) + 1}
        return {
            "segment": _("Paragraph saved: %(where)s"),
            "merge": _("Rows merged: %(where)s"),
            "split": _("Row split: %(where)s"),
        }[word] % {"where": where}
    return reason


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


@login_required
@require_safe
def translation_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The translation's versions, newest first, each with what its text changed against the
    version before it. Paged: autosave makes many versions."""
    translation = _translation(request, pk)
    records = translation.history.select_related("history_user", "translator", "reviewer").order_by(
        "-history_date", "-history_id"
    )
    page = Paginator(records, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    # The version before the oldest one shown, so it too gets a diff.
    before = records[page.end_index() : page.end_index() + 1] if shown else []
    chain = [*shown, *before]
    versions = []
    for record, previous in zip(shown, [*chain[1:], None], strict=False):
        versions.append(
            TranslationVersion(
                record=record,
                why=_version_reason(record.history_change_reason),
                title_diff=(
                    text_diff_html(previous.title, record.title)
                    if previous is not None and previous.title != record.title
                    else None
                ),
                body_diffs=(
                    _paragraph_diffs(previous.body, record.body)
                    if previous is not None and previous.body != record.body
                    else []
                ),
                status_changed=previous is None or previous.status != record.status,
            )
        )
    return render(
        request,
        "articles/translation_history.html",
        {"translation": translation, "page": page, "versions": versions},
    )


def _plain_text_download(request: HttpRequest, document: Article | Translation, name: str):
    script = request.GET.get("script", "")
    if script not in ("", LATIN):
        return HttpResponse(
            _("Unknown script «%(script)s»; use script=latn or leave it out.") % {"script": script},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    if script == LATIN and document.language != Language.KAZAKH:
        return HttpResponse(
            _("Only Kazakh text can be exported in the Latin alphabet; this is in %(language)s.")
            % {"language": document.get_language_display()},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    kazakh_script = KazakhScript.LATIN if script == LATIN else KazakhScript.CYRILLIC
    text = article_plain_text(article=document, kazakh_script=kazakh_script)
    filename = f"{name}-{document.language}{'-latn' if script else ''}.txt"
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def article_export(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(article_selectors.articles_visible_to(request.user), pk=pk)
    return _plain_text_download(request, article, f"article-{article.pk}")


@login_required
@require_safe
def translation_export(request: HttpRequest, pk: int) -> HttpResponse:
    translation = _translation(request, pk)
    return _plain_text_download(
        request, translation, f"article-{translation.article_id}-translation"
    )

"""The translation desk in the integration API (/api/v1/translations/…).

Thin like the browser's views (``articles.views.translations``): find what the user may see
(``translations_visible_to``: 404 otherwise), ask the same permission functions, call one
service, serialize. The services' own errors map to statuses centrally (integrations.errors);
what this module decides itself is where the browser's answer has no API equivalent: a duplicate
request is 409, a step impossible in the current status is 409 (the role's refusal is 403), and
the quality checks' refusal is 409 with the blocking findings in the problem body."""

from __future__ import annotations

import copy

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from articles.api.translation_filters import TranslationFilter
from articles.api.translation_serializers import (
    TranslationAssignSerializer,
    TranslationCreateSerializer,
    TranslationDetailSerializer,
    TranslationQAOverrideCreateSerializer,
    TranslationQAOverrideSerializer,
    TranslationQAReportSerializer,
    TranslationQualityCheckProblemSerializer,
    TranslationSegmentListSerializer,
    TranslationSegmentSerializer,
    TranslationSegmentUpdateSerializer,
    TranslationSerializer,
    TranslationStepSerializer,
    step_slug,
    translation_url,
)
from articles.models import (
    QAOverride,
    SegmentStatus,
    Translation,
    TranslationSegment,
    TranslationStatus,
)
from articles.selectors import articles_visible_to
from articles.translations import services
from articles.translations import workflow as translation_workflow
from articles.translations.selectors import translation_rows, translations_visible_to
from integrations.conditional import if_match_version, with_etag
from integrations.errors import PROBLEM_CONTENT_TYPE
from integrations.exceptions import Conflict
from integrations.pagination import TiebreakOrderingFilter

TAGS = ["translations"]
TRANSLATION_ETAG = "translation"
SEGMENT_ETAG = "segment"

_ETAG_HEADER = OpenApiParameter(
    "If-Match",
    location=OpenApiParameter.HEADER,
    required=True,
    description='The ETag of your last GET, e.g. `"translation-7-v3"` (`*`: any version).',
)


# -- reading --------------------------------------------------------------------------------------


class _TranslationAPIView(generics.GenericAPIView):
    """One translation's resource: not a list, so neither filtered nor paged."""

    queryset = Translation.objects.none()  # the schema's path types; reads use _translation
    filter_backends: list = []
    pagination_class = None


def _segment_count(segment_status: str):
    rows = (
        TranslationSegment.objects.filter(translation=OuterRef("pk"), status=segment_status)
        .order_by()
        .values("translation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def translations_for_api(user) -> QuerySet[Translation]:
    """What the browser shows this user, with the rows per status counted in the same query."""
    return translations_visible_to(user).annotate(
        segments_untranslated=_segment_count(SegmentStatus.UNTRANSLATED),
        segments_draft=_segment_count(SegmentStatus.DRAFT),
        segments_done=_segment_count(SegmentStatus.DONE),
    )


def _translation(request, pk: int) -> Translation:
    return get_object_or_404(translations_for_api(request.user), pk=pk)


def _fresh(request, translation: Translation) -> Translation:
    """The translation after a write, read again as the detail shows it."""
    return translations_for_api(request.user).filter(pk=translation.pk).first() or translation


def _detail_response(request, translation: Translation, status_code: int = 200) -> Response:
    data = TranslationDetailSerializer(translation, context={"request": request}).data
    response = Response(data, status=status_code)
    return with_etag(response, TRANSLATION_ETAG, translation.pk, translation.version)


def _segment(translation: Translation, segment_id: int) -> TranslationSegment:
    return get_object_or_404(
        TranslationSegment.objects.select_related("updated_by"),
        pk=segment_id,
        translation=translation,
    )


def _segment_response(request, segment: TranslationSegment) -> Response:
    data = TranslationSegmentSerializer(segment, context={"request": request}).data
    return with_etag(Response(data), SEGMENT_ETAG, segment.pk, segment.version)


# -- errors of our own ---------------------------------------------------------------------------


class QualityChecksRefused(Conflict):
    """409: submit or approve refused by quality-check errors nobody accepted."""

    default_code = "qa_blocked"

    def __init__(self, refused: translation_workflow.QualityCheckFailed):
        super().__init__(str(refused))
        self.extra = {
            "findings": [
                {**finding.as_json(), "fingerprint": finding.fingerprint}
                for finding in refused.findings
            ],
            "qa": {
                "errors": refused.errors,
                "blocking": len(refused.findings),
                "warnings": refused.warnings,
            },
        }


def _duplicate(translation_id: int) -> Conflict:
    conflict = Conflict(_("A translation of this article into that language exists already."))
    conflict.extra = {"existing_id": translation_id}
    return conflict


def _edit_refusal(user, translation: Translation) -> Exception | None:
    """Why the user may not change the rows: 403 for the role or assignment, 409 when they could
    but the translation is not being worked on now (submitted, approved, published)."""
    if services.can_edit_translation(user, translation):
        return None
    message = services._edit_refusal(user, translation)  # the service's own words
    if translation.status not in services.EDITABLE_STATUSES:
        probe = copy.copy(translation)
        probe.status = TranslationStatus.IN_PROGRESS
        if services.can_edit_translation(user, probe):
            return Conflict(message)
        message = _("Only the assigned translator or an editor edits this translation.")
    return PermissionDenied(message)


# -- examples --------------------------------------------------------------------------------------

_ARTICLE_EXAMPLE = {
    "id": 12,
    "url": "https://desk.example.kz/api/v1/articles/12/",
    "title": "Тоқаев инвесторлармен кездесті",
    "language": "kk",
    "version": 3,
}
_TRANSLATION_EXAMPLE = {
    "id": 7,
    "url": "https://desk.example.kz/api/v1/translations/7/",
    "article": _ARTICLE_EXAMPLE,
    "language": "ru",
    "status": "in_progress",
    "title": "Токаев встретился с инвесторами",
    "translator": "aigerim",
    "reviewer": "olga",
    "due_at": "2025-05-02T18:00:00+05:00",
    "version": 9,
    "source_version": 3,
    "outdated": False,
    "outdated_since": None,
    "qa": {"errors": 1, "warnings": 2, "checked_version": 9, "current": True},
    "extraction_state": "done",
    "segments": {"untranslated": 1, "draft": 2, "done": 1},
    "available_steps": ["submit"],
    "created_at": "2025-04-30T09:12:00+05:00",
    "updated_at": "2025-05-01T11:40:00+05:00",
}
_DETAIL_EXAMPLE = {
    **_TRANSLATION_EXAMPLE,
    "body": "Президент Касым-Жомарт Токаев встретился с инвесторами в Астане.\n\n"
    "В проект будет вложено 3,1 млрд долларов инвестиций.",
}
_SEGMENT_EXAMPLE = {
    "id": 31,
    "url": "https://desk.example.kz/api/v1/translations/7/segments/31/",
    "position": 1,
    "field": "body",
    "source_start": 0,
    "source_count": 1,
    "source_text": "Президент Қасым-Жомарт Тоқаев Астанада инвесторлармен кездесті.",
    "target_text": "Президент Касым-Жомарт Токаев встретился с инвесторами в Астане.",
    "status": "draft",
    "version": 4,
    "source_changed": False,
    "previous_source_text": "",
    "updated_by": "aigerim",
    "updated_at": "2025-05-01T11:40:00+05:00",
}
_FINDING_EXAMPLE = {
    "check": "figures",
    "label": "Figures",
    "severity": "error",
    "paragraph": 1,
    "segment": 32,
    "message": "3,1 млрд is in the source but not in the translation.",
    "fingerprint": "5f0c6e2d9a4b…",
    "blocking": True,
    "overridden": None,
}
_OVERRIDE_EXAMPLE = {
    "id": 4,
    "check": "figures",
    "paragraph": 1,
    "fingerprint": "5f0c6e2d9a4b…",
    "message": "3,1 млрд is in the source but not in the translation.",
    "reason": "Rounded on purpose by the editor.",
    "user": "olga",
    "created_at": "2025-05-01T12:05:00+05:00",
}


# -- translations ---------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="List translations",
        operation_id="translations_list",
        description=(
            "The translations this user sees (editors, reviewers and admins: all; translators: "
            "those assigned to them), newest change first, in cursor pages. Without the body; "
            "GET a translation for its text."
        ),
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "ordering",
                enum=["-updated_at", "updated_at", "-id", "id"],
                description="The order of the rows (default: -updated_at, newest change first).",
            )
        ],
        responses={200: TranslationSerializer(many=True)},
        examples=[
            OpenApiExample("A page", value=_TRANSLATION_EXAMPLE, response_only=True),
        ],
    ),
    post=extend_schema(
        summary="Request a translation (editors)",
        operation_id="translations_create",
        description=(
            "Ask for an article in another language, optionally naming the translator and the "
            "reviewer (both told on their dashboards). The translation starts with one "
            "untranslated row per source paragraph. 409 with `existing_id` when the article "
            "already has a translation into that language."
        ),
        tags=TAGS,
        request=TranslationCreateSerializer,
        responses={201: TranslationDetailSerializer},
        examples=[
            OpenApiExample(
                "Request",
                value={
                    "article": 12,
                    "language": "ru",
                    "translator": "aigerim",
                    "reviewer": "olga",
                    "due_at": "2025-05-02T18:00:00+05:00",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Created",
                value={
                    **_DETAIL_EXAMPLE,
                    "status": "requested",
                    "title": "",
                    "body": "",
                    "version": 1,
                    "segments": {"untranslated": 4, "draft": 0, "done": 0},
                },
                response_only=True,
                status_codes=["201"],
            ),
        ],
    ),
)
class TranslationListView(generics.ListCreateAPIView):
    serializer_class = TranslationSerializer
    filterset_class = TranslationFilter
    filter_backends = [DjangoFilterBackend, TiebreakOrderingFilter]
    ordering = ("-updated_at", "-id")
    ordering_fields = ("updated_at", "id")

    def get_queryset(self):
        return translations_for_api(self.request.user).defer("body", "article__body")

    def create(self, request, *args, **kwargs):
        if not services.can_request_translation(request.user):
            raise PermissionDenied(_("Only editors request translations."))
        serializer = TranslationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        article = articles_visible_to(request.user).filter(pk=data["article"]).first()
        if article is None:
            raise ValidationError({"article": [_("No article with this id.")]})
        try:
            translation = services.translation_request(
                article_id=article.pk,
                language=data["language"],
                user=request.user,
                translator=data.get("translator"),
                reviewer=data.get("reviewer"),
                due_at=data.get("due_at"),
            )
        except services.TranslationPermissionDenied:
            raise
        except services.TranslationError as exc:
            existing = (
                Translation.objects.filter(article=article, language=data["language"])
                .values_list("pk", flat=True)
                .first()
            )
            if existing is not None:
                raise _duplicate(existing) from exc
            raise ValidationError({"non_field_errors": [str(exc)]}) from exc
        response = _detail_response(request, _fresh(request, translation), 201)
        response["Location"] = translation_url(request, translation.pk)
        return response


@extend_schema_view(
    get=extend_schema(
        summary="A translation",
        operation_id="translations_retrieve",
        description="With its text and an `ETag` to send back in If-Match when changing it.",
        tags=TAGS,
        responses={200: TranslationDetailSerializer},
        examples=[OpenApiExample("Translation", value=_DETAIL_EXAMPLE, response_only=True)],
    ),
    patch=extend_schema(
        summary="Assign the translator, the reviewer, the due date (editors)",
        operation_id="translations_assign",
        description=(
            "Fields left out keep their value; null clears one. New assignees are told on "
            "their dashboards. Needs If-Match (428 without it, 412 when the translation "
            "changed since)."
        ),
        tags=TAGS,
        parameters=[_ETAG_HEADER],
        request=TranslationAssignSerializer,
        responses={200: TranslationDetailSerializer},
        examples=[
            OpenApiExample(
                "Reassign",
                value={"translator": "aigerim", "reviewer": None, "due_at": None},
                request_only=True,
            ),
            OpenApiExample("Saved", value=_DETAIL_EXAMPLE, response_only=True),
        ],
    ),
)
class TranslationDetailView(_TranslationAPIView):
    serializer_class = TranslationDetailSerializer

    def get(self, request, pk: int):
        return _detail_response(request, _translation(request, pk))

    def patch(self, request, pk: int):
        translation = _translation(request, pk)
        if not services.can_request_translation(request.user):
            raise PermissionDenied(_("Only editors assign translations."))
        expected = if_match_version(
            request, kind=TRANSLATION_ETAG, pk=translation.pk, current=translation.version
        )
        serializer = TranslationAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        saved = services.translation_assign(
            translation_id=translation.pk,
            expected_version=expected,
            user=request.user,
            translator=data.get("translator", translation.translator),
            reviewer=data.get("reviewer", translation.reviewer),
            due_at=data.get("due_at", translation.due_at),
        )
        return _detail_response(request, _fresh(request, saved))


# -- segments -------------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="The rows of a translation",
        operation_id="translations_segments_list",
        description=(
            "Every row of the side-by-side editor in order: the title, then the body "
            "paragraphs (a merged row holds several source paragraphs). Not paged: one row per "
            "source paragraph."
        ),
        tags=TAGS,
        responses={200: TranslationSegmentListSerializer},
        examples=[
            OpenApiExample(
                "Rows",
                value={"count": 1, "translation_version": 9, "results": [_SEGMENT_EXAMPLE]},
                response_only=True,
            )
        ],
    ),
)
class SegmentListView(_TranslationAPIView):
    serializer_class = TranslationSegmentListSerializer

    def get(self, request, pk: int):
        translation = _translation(request, pk)
        rows = translation_rows(translation=translation)
        data = {
            "count": len(rows),
            "translation_version": translation.version,
            "results": TranslationSegmentSerializer(
                rows, many=True, context={"request": request}
            ).data,
        }
        return Response(data)


@extend_schema_view(
    get=extend_schema(
        summary="One row of a translation",
        operation_id="translations_segment_retrieve",
        description='With its `ETag` (`"segment-<id>-v<version>"`) for saving it.',
        tags=TAGS,
        responses={200: TranslationSegmentSerializer},
        examples=[OpenApiExample("Row", value=_SEGMENT_EXAMPLE, response_only=True)],
    ),
    patch=extend_schema(
        summary="Save one row's translation",
        operation_id="translations_segment_save",
        description=(
            "The assigned translator or an editor, while the translation is being worked on "
            "(requested, in progress, changes requested: else 409; other users 403). Needs "
            "If-Match with the row's ETag: two people on two rows never conflict, two on the "
            "same row do (412: GET the row again, nothing was written). Saving moves a "
            "requested translation to in progress."
        ),
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "If-Match",
                location=OpenApiParameter.HEADER,
                required=True,
                description='The row\'s ETag, e.g. `"segment-31-v4"` (`*`: any version).',
            )
        ],
        request=TranslationSegmentUpdateSerializer,
        responses={200: TranslationSegmentSerializer},
        examples=[
            OpenApiExample(
                "Save as done",
                value={
                    "target_text": "Президент Касым-Жомарт Токаев встретился с инвесторами.",
                    "status": "done",
                },
                request_only=True,
            ),
            OpenApiExample("Saved", value={**_SEGMENT_EXAMPLE, "version": 5}, response_only=True),
        ],
    ),
)
class SegmentDetailView(_TranslationAPIView):
    serializer_class = TranslationSegmentSerializer

    def get(self, request, pk: int, segment_id: int):
        translation = _translation(request, pk)
        return _segment_response(request, _segment(translation, segment_id))

    def patch(self, request, pk: int, segment_id: int):
        translation = _translation(request, pk)
        segment = _segment(translation, segment_id)
        refusal = _edit_refusal(request.user, translation)
        if refusal is not None:
            raise refusal
        expected = if_match_version(
            request, kind=SEGMENT_ETAG, pk=segment.pk, current=segment.version
        )
        serializer = TranslationSegmentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            saved = services.segment_save(
                segment_id=segment.pk,
                expected_version=expected,
                target_text=serializer.validated_data["target_text"],
                user=request.user,
                status=serializer.validated_data.get("status"),
            )
        except TranslationSegment.DoesNotExist:
            raise NotFound(
                _("This row is no longer part of the translation (it was merged or split).")
            ) from None
        return _segment_response(request, saved.segment)


# -- workflow ------------------------------------------------------------------------------------

STEP_DOCS = {
    "start": (
        "Start translating",
        "The assigned translator or an editor: requested / changes requested → in progress.",
    ),
    "submit": (
        "Submit for review",
        "The assigned translator or an editor: → submitted. Runs the quality checks: errors "
        "nobody accepted refuse it with 409 `qa_blocked`, listing them in `findings`.",
    ),
    "request_changes": (
        "Request changes",
        "The reviewer (the assigned one, or any when none is): submitted → changes requested. "
        "`comment` is required.",
    ),
    "approve": (
        "Approve",
        "The reviewer: submitted → approved (stored in the translation memory). Runs the "
        "quality checks: errors nobody accepted refuse it with 409 `qa_blocked` unless "
        "`override_reason` accepts them all.",
    ),
    "publish": (
        "Publish",
        "Editors: approved → published. 409 while the source changed since the translation "
        "was made (outdated).",
    ),
    "reopen": (
        "Reopen for translation",
        "Editors (and the translator when the source changed): submitted / approved / "
        "published → in progress.",
    ),
}


class TranslationStepView(_TranslationAPIView):
    """POST /translations/{id}/{step}/: one workflow step. If-Match is optional here; when sent
    it must match (412). 403: the role or assignment does not allow the step; 409: not possible
    from the current status (or refused by the quality checks)."""

    serializer_class = TranslationStepSerializer
    step_name = ""

    def post(self, request, pk: int):
        translation = _translation(request, pk)
        try:
            step = translation_workflow.translation_step_check(
                request.user, translation, self.step_name
            )
        except services.TranslationPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except services.TranslationError as exc:
            raise Conflict(str(exc)) from exc
        serializer = TranslationStepSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = serializer.validated_data.get("comment", "").strip()
        if step.comment_required and not comment:
            raise ValidationError(
                {"comment": [_("Say why: «%(step)s» needs a comment.") % {"step": step.label}]}
            )
        if request.headers.get("If-Match", "").strip():
            expected = if_match_version(
                request, kind=TRANSLATION_ETAG, pk=translation.pk, current=translation.version
            )
        else:
            expected = translation.version
        try:
            saved = translation_workflow.translation_transition(
                translation_id=translation.pk,
                step_name=self.step_name,
                user=request.user,
                expected_version=expected,
                comment=comment,
                override_reason=serializer.validated_data.get("override_reason", ""),
            )
        except translation_workflow.QualityCheckFailed as exc:
            raise QualityChecksRefused(exc) from exc
        except services.TranslationPermissionDenied:
            raise
        except services.TranslationError as exc:
            # What is left: not possible in the translation's state now (an outdated
            # translation cannot be published; the status moved meanwhile).
            raise Conflict(str(exc)) from exc
        return _detail_response(request, _fresh(request, saved))


def _step_view(name: str) -> type[TranslationStepView]:
    summary, description = STEP_DOCS[name]
    responses: dict = {200: TranslationDetailSerializer}
    if name in ("submit", "approve"):
        responses[(409, PROBLEM_CONTENT_TYPE)] = OpenApiResponse(
            TranslationQualityCheckProblemSerializer,
            description=(
                "The step is not possible now, or (code `qa_blocked`) quality-check errors "
                "nobody accepted refuse it: `findings` lists them."
            ),
            examples=[
                OpenApiExample(
                    "Refused by the checks",
                    value={
                        "type": "urn:kzeditor:problem:qa_blocked",
                        "title": "Conflict",
                        "status": 409,
                        "detail": "1 quality-check error(s) must be fixed or accepted by the "
                        "reviewer first.",
                        "instance": "/api/v1/translations/7/submit/",
                        "code": "qa_blocked",
                        "findings": [
                            {
                                key: _FINDING_EXAMPLE[key]
                                for key in ("check", "severity", "paragraph", "message")
                            }
                            | {"fingerprint": _FINDING_EXAMPLE["fingerprint"]}
                        ],
                        "qa": {"errors": 1, "blocking": 1, "warnings": 0},
                    },
                )
            ],
        )
    request_example = {
        "request_changes": {"comment": "Проверьте цифры во втором абзаце."},
        "approve": {"override_reason": "The figures were rounded on purpose."},
    }.get(name, {})
    schema = extend_schema(
        summary=summary,
        operation_id=f"translations_{name}",
        description=description
        + " If-Match is optional; when sent it must match the translation's ETag (412).",
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "If-Match",
                location=OpenApiParameter.HEADER,
                required=False,
                description='The translation\'s ETag, e.g. `"translation-7-v9"`.',
            )
        ],
        request=TranslationStepSerializer,
        responses=responses,
        examples=[
            OpenApiExample(summary, value=request_example, request_only=True),
            OpenApiExample("Done", value=_DETAIL_EXAMPLE, response_only=True),
        ],
    )
    view = type(
        f"Translation{name.title().replace('_', '')}View",
        (TranslationStepView,),
        {"step_name": name, "__doc__": f"POST /translations/{{id}}/{step_slug(name)}/."},
    )
    return extend_schema_view(post=schema)(view)


STEP_VIEWS = {name: _step_view(name) for name in translation_workflow.TRANSLATION_STEPS}


# -- quality checks -------------------------------------------------------------------------------


def _row_paragraphs(segment: TranslationSegment) -> list[int | None]:
    if segment.field == TranslationSegment.Field.TITLE:
        return [None]
    return list(range(segment.source_start, segment.source_start + segment.source_count))


def _check_labels() -> dict[str, str]:
    from articles.translations.qa import REGISTRY

    return {code: str(getattr(check, "label", code)) for code, check in REGISTRY.items()}


@extend_schema_view(
    get=extend_schema(
        summary="Quality-check findings now",
        operation_id="translations_qa_retrieve",
        description=(
            "Runs every check over the translation as it is now: each finding with its row, "
            "whether it blocks submit and approve, and the reviewer's acceptance if any."
        ),
        tags=TAGS,
        responses={200: TranslationQAReportSerializer},
        examples=[
            OpenApiExample(
                "Report",
                value={
                    "translation_version": 9,
                    "counts": {"errors": 1, "blocking": 1, "warnings": 0, "accepted": 0},
                    "findings": [_FINDING_EXAMPLE],
                },
                response_only=True,
            )
        ],
    ),
)
class QAReportView(_TranslationAPIView):
    serializer_class = TranslationQAReportSerializer

    def get(self, request, pk: int):
        translation = _translation(request, pk)
        segments, report = services.translation_qa_report(translation=translation)
        user_ids = {o.user_id for o in report.overrides.values() if o.user_id}
        users = get_user_model().objects.in_bulk(user_ids) if user_ids else {}
        labels = _check_labels()
        row_of = {p: s.pk for s in segments for p in _row_paragraphs(s)}
        findings = []
        for finding in report.findings:
            override = report.overrides.get(finding.fingerprint)
            user = users.get(override.user_id) if override is not None else None
            findings.append(
                {
                    "check": finding.check,
                    "label": labels.get(finding.check, finding.check),
                    "severity": str(finding.severity),
                    "paragraph": finding.paragraph,
                    "segment": row_of.get(finding.paragraph),
                    "message": finding.message,
                    "fingerprint": finding.fingerprint,
                    "blocking": finding.severity == "error" and override is None,
                    "overridden": (
                        {
                            "id": override.pk,
                            "reason": override.reason,
                            "user": user.get_username() if user is not None else None,
                            "created_at": override.created_at,
                        }
                        if override is not None
                        else None
                    ),
                }
            )
        counts = {
            "errors": report.errors,
            "blocking": len(report.blocking),
            "warnings": report.warnings,
            "accepted": sum(1 for f in report.findings if report.is_overridden(f)),
        }
        data = {
            "translation_version": translation.version,
            "counts": counts,
            "findings": findings,
        }
        return Response(TranslationQAReportSerializer(data).data)


@extend_schema_view(
    post=extend_schema(
        summary="Accept a finding (reviewers)",
        operation_id="translations_qa_override_create",
        description=(
            "The reviewer (the assigned one, or any when none is) accepts a current finding with "
            "a reason: it no longer blocks submit or approve while the text it judged is "
            "unchanged. 409 when the finding is gone (the text changed)."
        ),
        tags=TAGS,
        request=TranslationQAOverrideCreateSerializer,
        responses={201: TranslationQAOverrideSerializer},
        examples=[
            OpenApiExample(
                "Accept",
                value={
                    "fingerprint": "5f0c6e2d9a4b…",
                    "reason": "Rounded on purpose by the editor.",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Accepted", value=_OVERRIDE_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
    ),
)
class QAOverrideListView(_TranslationAPIView):
    serializer_class = TranslationQAOverrideSerializer

    def post(self, request, pk: int):
        translation = _translation(request, pk)
        if not services.can_override_findings(request.user, translation):
            raise PermissionDenied(_("Only the reviewer can accept a finding."))
        serializer = TranslationQAOverrideCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            override = services.qa_override_add(
                translation_id=translation.pk,
                fingerprint=serializer.validated_data["fingerprint"],
                reason=serializer.validated_data["reason"],
                user=request.user,
            )
        except services.TranslationPermissionDenied:
            raise
        except services.TranslationError as exc:
            raise Conflict(str(exc)) from exc
        data = TranslationQAOverrideSerializer(override, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    delete=extend_schema(
        summary="Withdraw an acceptance (reviewers)",
        operation_id="translations_qa_override_destroy",
        description="The finding blocks submit and approve again.",
        tags=TAGS,
        responses={204: None},
    ),
)
class QAOverrideDetailView(_TranslationAPIView):
    serializer_class = TranslationQAOverrideSerializer

    def delete(self, request, pk: int, override_id: int):
        translation = _translation(request, pk)
        override = get_object_or_404(QAOverride, pk=override_id, translation=translation)
        if not services.can_override_findings(request.user, translation):
            raise PermissionDenied(_("Only the reviewer can withdraw an acceptance."))
        try:
            services.qa_override_remove(override_id=override.pk, user=request.user)
        except QAOverride.DoesNotExist:
            raise NotFound(_("That acceptance was withdrawn already.")) from None
        return Response(status=status.HTTP_204_NO_CONTENT)

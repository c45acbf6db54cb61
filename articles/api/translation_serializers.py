"""The shapes of the translation endpoints: what a client sends (validated here: types, choices,
lengths) and what it gets back. No writes: the views call the services."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.models import (
    ExtractionState,
    Language,
    SegmentStatus,
    Translation,
    TranslationSegment,
    TranslationStatus,
)
from articles.roles import Role
from articles.translation_forms import users_with_role
from articles.translations.services import MAX_SEGMENT_CHARS
from articles.translations.workflow import TRANSLATION_STEPS
from integrations.fields import enum_field

MAX_COMMENT_CHARS = 10_000  # as the browser's transition form
MAX_REASON_CHARS = 5_000


def step_slug(name: str) -> str:
    """A workflow step as it appears in its URL: ``request_changes`` → ``request-changes``."""
    return name.replace("_", "-")


STEP_SLUGS = [step_slug(name) for name in TRANSLATION_STEPS]


TranslationStatusField = enum_field(
    "TranslationStatusEnum",
    TranslationStatus.values,
    "requested → in_progress → submitted → approved → published; submitted → "
    "changes_requested → in_progress.",
)
TranslationLanguageField = enum_field(
    "TranslationLanguageEnum", Language.values, "Kazakh, Russian or English."
)
SourceLanguageField = enum_field(
    "TranslationSourceLanguageEnum",
    ["", *Language.values],
    "The article's language: Kazakh, Russian or English; empty while unknown.",
)
ExtractionStateField = enum_field(
    "TranslationExtractionStateEnum",
    ExtractionState.values,
    "Where entity extraction of the translation's text is.",
)
SegmentFieldField = enum_field(
    "TranslationSegmentFieldEnum", ["title", "body"], "Which part of the article the row is."
)
SegmentStatusField = enum_field(
    "TranslationSegmentStatusEnum", SegmentStatus.values, "The row's progress."
)
SegmentSaveStatusField = enum_field(
    "TranslationSegmentSaveStatusEnum",
    [SegmentStatus.DRAFT, SegmentStatus.DONE],
    "The status a save may set.",
)
SeverityField = enum_field(
    "TranslationQASeverityEnum",
    ["error", "warning"],
    "error blocks submit and approve until fixed or accepted; warning informs.",
)
StepField = enum_field(
    "TranslationStepEnum",
    STEP_SLUGS,
    "A workflow step, as in its URL: POST /api/v1/translations/{id}/{step}/.",
)


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def translation_url(request, pk: int) -> str:
    return _absolute(request, reverse("api:translation-detail", args=[pk]))


def article_url(request, pk: int) -> str:
    return _absolute(request, reverse("api:article-detail", args=[pk]))


def segment_url(request, translation_id: int, segment_id: int) -> str:
    return _absolute(
        request, reverse("api:translation-segment-detail", args=[translation_id, segment_id])
    )


# -- reading --------------------------------------------------------------------------------------


class TranslationArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField(help_text=_("The article in the API."))
    title = serializers.CharField(read_only=True)
    language = SourceLanguageField(
        allow_blank=True, read_only=True, help_text=_("The source language (empty while unknown).")
    )
    version = serializers.IntegerField(
        read_only=True, help_text=_("The article's current version.")
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, article) -> str:
        return article_url(self.context.get("request"), article.pk)


class TranslationQACountsSerializer(serializers.Serializer):
    errors = serializers.IntegerField(read_only=True)
    warnings = serializers.IntegerField(read_only=True)
    checked_version = serializers.IntegerField(
        read_only=True, help_text=_("The translation version the counts are for (0: never run).")
    )
    current = serializers.BooleanField(
        read_only=True, help_text=_("Whether the counts are for the current version.")
    )


class TranslationSegmentCountsSerializer(serializers.Serializer):
    untranslated = serializers.IntegerField(read_only=True)
    draft = serializers.IntegerField(read_only=True)
    done = serializers.IntegerField(read_only=True)


class TranslationSerializer(serializers.ModelSerializer):
    """A translation as lists show it (without its text)."""

    url = serializers.SerializerMethodField()
    article = TranslationArticleSerializer(read_only=True)
    translator = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text=_("The assigned translator's username; null for nobody yet."),
    )
    reviewer = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text=_("The assigned reviewer's username; null for nobody yet (any reviewer)."),
    )
    outdated = serializers.SerializerMethodField(
        help_text=_("The source changed after the translation was made.")
    )
    qa = serializers.SerializerMethodField(
        help_text=_("The counts of the last full run of the quality checks.")
    )
    segments = serializers.SerializerMethodField(help_text=_("Rows per status."))
    language = TranslationLanguageField(read_only=True)
    status = TranslationStatusField(read_only=True)
    extraction_state = ExtractionStateField(read_only=True)
    available_steps = serializers.SerializerMethodField(
        help_text=_(
            "The workflow steps this user can take now: POST /api/v1/translations/{id}/{step}/."
        )
    )

    class Meta:
        model = Translation
        fields = [
            "id",
            "url",
            "article",
            "language",
            "status",
            "title",
            "translator",
            "reviewer",
            "due_at",
            "version",
            "source_version",
            "outdated",
            "outdated_since",
            "qa",
            "extraction_state",
            "segments",
            "available_steps",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, translation: Translation) -> str:
        return translation_url(self.context.get("request"), translation.pk)

    def get_outdated(self, translation: Translation) -> bool:
        return translation.is_outdated

    @staticmethod
    def _qa(translation: Translation) -> dict:
        return {
            "errors": translation.qa_errors,
            "warnings": translation.qa_warnings,
            "checked_version": translation.qa_checked_version,
            "current": translation.qa_checked_version == translation.version,
        }

    @extend_schema_field(TranslationQACountsSerializer)
    def get_qa(self, translation: Translation) -> dict:
        return TranslationQACountsSerializer(self._qa(translation)).data

    @extend_schema_field(TranslationSegmentCountsSerializer)
    def get_segments(self, translation: Translation) -> dict:
        counts = {
            "untranslated": getattr(translation, "segments_untranslated", None),
            "draft": getattr(translation, "segments_draft", None),
            "done": getattr(translation, "segments_done", None),
        }
        if None in counts.values():  # not annotated (a freshly saved object): count them
            statuses = list(translation.segments.values_list("status", flat=True))
            counts = {status: statuses.count(status) for status in SegmentStatus.values}
        return TranslationSegmentCountsSerializer(counts).data

    @extend_schema_field(serializers.ListField(child=StepField()))
    def get_available_steps(self, translation: Translation) -> list[str]:
        from articles.translations.workflow import translation_steps_available

        request = self.context.get("request")
        if request is None:
            return []
        return [
            step_slug(step.name) for step in translation_steps_available(request.user, translation)
        ]


class TranslationDetailSerializer(TranslationSerializer):
    """A translation with its text (the segments' target texts joined: title and body)."""

    class Meta(TranslationSerializer.Meta):
        fields = [
            *TranslationSerializer.Meta.fields[:6],
            "body",
            *TranslationSerializer.Meta.fields[6:],
        ]
        read_only_fields = fields


class TranslationSegmentSerializer(serializers.ModelSerializer):
    """One row of the side-by-side editor: a source paragraph (or several merged) and its
    translation. ``version`` is the row's own: send it back in If-Match to save the row."""

    url = serializers.SerializerMethodField()
    source_changed = serializers.SerializerMethodField(
        help_text=_(
            "The source changed after the row was translated; previous_source_text holds the "
            "source before the change."
        )
    )
    field = SegmentFieldField(read_only=True)
    status = SegmentStatusField(read_only=True)
    updated_by = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text=_("Who saved the row last."),
    )

    class Meta:
        model = TranslationSegment
        fields = [
            "id",
            "url",
            "position",
            "field",
            "source_start",
            "source_count",
            "source_text",
            "target_text",
            "status",
            "version",
            "source_changed",
            "previous_source_text",
            "updated_by",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, segment: TranslationSegment) -> str:
        return segment_url(self.context.get("request"), segment.translation_id, segment.pk)

    def get_source_changed(self, segment: TranslationSegment) -> bool:
        return segment.source_changed


class TranslationSegmentListSerializer(serializers.Serializer):
    count = serializers.IntegerField(read_only=True)
    translation_version = serializers.IntegerField(read_only=True)
    results = TranslationSegmentSerializer(many=True, read_only=True)


# -- writing --------------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class _UsernameField(serializers.SlugRelatedField):
    def __init__(self, role: Role, **kwargs):
        self.role = role
        kwargs.setdefault("slug_field", "username")
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def get_queryset(self):
        # The people the browser's forms offer: active users in the role, and admins.
        return users_with_role(self.role)

    def to_internal_value(self, data):
        if not isinstance(data, str) or len(data) > 150:
            self.fail("invalid")
        return super().to_internal_value(data)


def _translator_field(**kwargs) -> _UsernameField:
    return _UsernameField(
        Role.TRANSLATOR,
        error_messages={
            "does_not_exist": _("«{value}» is not a translator on the desk's list."),
            "invalid": _("Give the translator's username."),
        },
        help_text=_("Username of an active translator (or admin); null for nobody."),
        **kwargs,
    )


def _reviewer_field(**kwargs) -> _UsernameField:
    return _UsernameField(
        Role.REVIEWER,
        error_messages={
            "does_not_exist": _("«{value}» is not a reviewer on the desk's list."),
            "invalid": _("Give the reviewer's username."),
        },
        help_text=_("Username of an active reviewer (or admin); null for nobody."),
        **kwargs,
    )


class DueAtField(serializers.DateTimeField):
    """A due date in this era: far-away years would come back with local mean time offsets
    (+05:07:48) that are no valid RFC 3339 date-time, and are typing mistakes anyway."""

    FIRST_YEAR, LAST_YEAR = 2000, 2100
    default_error_messages = {
        "out_of_range": _("A due date must be between the years %(first)s and %(last)s.")
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("help_text", _("When the translation is due; null for no date."))
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not self.FIRST_YEAR <= moment.year <= self.LAST_YEAR:
            raise serializers.ValidationError(
                self.error_messages["out_of_range"]
                % {"first": self.FIRST_YEAR, "last": self.LAST_YEAR},
                code="out_of_range",
            )
        return moment


class TranslationCreateSerializer(serializers.Serializer):
    article = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text=_("The id of the article to translate.")
    )
    language = TranslationLanguageField(help_text=_("The language to translate into."))
    translator = _translator_field()
    reviewer = _reviewer_field()
    due_at = DueAtField()


class TranslationAssignSerializer(serializers.Serializer):
    """Fields left out keep their value; null clears one."""

    translator = _translator_field()
    reviewer = _reviewer_field()
    due_at = DueAtField()

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(
                _("Nothing to change: send translator, reviewer or due_at.")
            )
        return attrs


class TranslationSegmentUpdateSerializer(serializers.Serializer):
    target_text = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        max_length=MAX_SEGMENT_CHARS,
        help_text=_(
            "The translation of the row; several paragraphs separated by a blank line. Empty "
            "makes the row untranslated."
        ),
    )
    status = SegmentSaveStatusField(
        required=False,
        help_text=_(
            "draft or done; left out, a row with text becomes a draft. Marking a row whose "
            "source changed done clears the change."
        ),
    )


class TranslationStepSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_COMMENT_CHARS,
        help_text=_("Required for request-changes; added to the article's comments."),
    )
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_REASON_CHARS,
        help_text=_(
            "approve only (reviewers): accept every remaining quality-check error with this reason."
        ),
    )


# -- quality checks -------------------------------------------------------------------------------


class TranslationQAOverrideSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    check = serializers.CharField(source="check_code", read_only=True)
    paragraph = serializers.IntegerField(read_only=True, allow_null=True)
    fingerprint = serializers.CharField(read_only=True)
    message = serializers.CharField(read_only=True)
    reason = serializers.CharField(read_only=True)
    user = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("Who accepted the finding.")
    )
    created_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, override):
        data = super().to_representation(override)
        users = self.context.get("users")
        if users is not None:
            user = users.get(override.user_id)
        else:
            user = override.user if override.user_id else None
        data["user"] = user.get_username() if user is not None else None
        return data


class TranslationQAFindingOverrideSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reason = serializers.CharField(read_only=True)
    user = serializers.CharField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)


class TranslationQAFindingSerializer(serializers.Serializer):
    check = serializers.CharField(read_only=True, help_text=_("The check's code."))
    label = serializers.CharField(read_only=True, help_text=_("The check's name."))
    severity = SeverityField(read_only=True)
    paragraph = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("The source body paragraph (from 0); null for the title or the whole text."),
    )
    segment = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("The id of the row the finding is about.")
    )
    message = serializers.CharField(read_only=True)
    fingerprint = serializers.CharField(
        read_only=True, help_text=_("Send it to …/qa/overrides/ to accept the finding.")
    )
    blocking = serializers.BooleanField(
        read_only=True, help_text=_("An error nobody accepted: it blocks submit and approve.")
    )
    overridden = TranslationQAFindingOverrideSerializer(
        read_only=True, allow_null=True, help_text=_("The reviewer's acceptance, if any.")
    )


class TranslationQAReportCountsSerializer(serializers.Serializer):
    errors = serializers.IntegerField(read_only=True, help_text=_("Errors, accepted or not."))
    blocking = serializers.IntegerField(read_only=True, help_text=_("Errors nobody accepted."))
    warnings = serializers.IntegerField(read_only=True)
    accepted = serializers.IntegerField(read_only=True, help_text=_("Findings accepted."))


class TranslationQAReportSerializer(serializers.Serializer):
    translation_version = serializers.IntegerField(read_only=True)
    counts = TranslationQAReportCountsSerializer(read_only=True)
    findings = TranslationQAFindingSerializer(many=True, read_only=True)


class TranslationQAOverrideCreateSerializer(serializers.Serializer):
    fingerprint = serializers.CharField(
        max_length=64, help_text=_("The fingerprint of a current finding (GET …/qa/).")
    )
    reason = serializers.CharField(
        max_length=MAX_REASON_CHARS, help_text=_("Why the finding is acceptable.")
    )


class TranslationBlockingFindingSerializer(serializers.Serializer):
    check = serializers.CharField()
    severity = SeverityField()
    paragraph = serializers.IntegerField(allow_null=True)
    message = serializers.CharField()
    fingerprint = serializers.CharField()


class TranslationQAProblemCountsSerializer(serializers.Serializer):
    errors = serializers.IntegerField()
    blocking = serializers.IntegerField()
    warnings = serializers.IntegerField()


class TranslationQualityCheckProblemSerializer(serializers.Serializer):
    """409 of submit and approve: the quality-check errors nobody accepted."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField()
    code = serializers.CharField(help_text=_("qa_blocked when the checks refused the step."))
    findings = TranslationBlockingFindingSerializer(
        many=True,
        required=False,
        help_text=_("With code qa_blocked: the errors to fix or to have accepted."),
    )
    qa = TranslationQAProblemCountsSerializer(required=False)

"""The shapes of the article and import endpoints: what a client sends (validated here: types,
choices, lengths) and what it gets back. No writes: the views call the services."""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from articles.collaboration import COMMENT_MAX_CHARS
from articles.models import (
    Article,
    ArticleStatus,
    ExtractionState,
    ImportBatch,
    ImportItem,
    ImportOutcome,
    Language,
    Source,
    Translation,
    TranslationStatus,
)
from articles.roles import sees_all_articles
from entities.models import (
    DateMention,
    Entity,
    EntityType,
    Figure,
    FigureKind,
    Mention,
    Quote,
    ReviewStatus,
    SpanField,
)
from integrations.fields import MAX_ID, enum_field


class DateTimeField(serializers.DateTimeField):
    """DRF's, with two edges of the calendar handled. Input the database could not store in
    UTC is refused (400): DRF itself lets an OverflowError out for a naive time in year 1
    («0001-01-01T00:00:00» in Asia/Almaty). Output is in the desk's time zone unless its
    offset then had seconds (Almaty's local mean time before 1924, +05:07:48), which RFC 3339
    cannot write: such a time is given in UTC."""

    def enforce_timezone(self, value):
        try:
            value = super().enforce_timezone(value)
            if timezone.is_aware(value):
                value.astimezone(UTC)
        except OverflowError:
            self.fail("overflow")
        return value

    def to_representation(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            offset = timezone.localtime(value).utcoffset()
            if offset is not None and offset.total_seconds() % 60:
                return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return super().to_representation(value)


class IdentityUrlField(serializers.HyperlinkedIdentityField):
    """DRF's HyperlinkedIdentityField, with the URL reversed once per serializer and request and
    the row's id put in: Django's ``reverse()`` for every row was a fifth of the time of a
    50-article page (issue 8, benchmarks/bench_http.py). The URLs are the same."""

    _PLACEHOLDER = 987654321987654321

    def get_url(self, obj, view_name, request, format):
        if getattr(obj, "pk", None) in (None, ""):
            return None
        key = (view_name, id(request), format)
        if getattr(self, "_template_key", None) != key:
            placeholder = type("Placeholder", (), {self.lookup_field: self._PLACEHOLDER})()
            self._template = super().get_url(placeholder, view_name, request, format)
            self._template_key = key
        head, _, tail = self._template.rpartition(str(self._PLACEHOLDER))
        return f"{head}{getattr(obj, self.lookup_field)}{tail}"


ArticleStatusField = enum_field(
    "ArticleStatusEnum",
    ArticleStatus.values,
    "draft → in_review → approved → published; in_review/approved → draft (returned); "
    "published → draft (unpublished); any → archived → draft (restored).",
)
ArticleLanguageField = enum_field(
    "ArticleLanguageEnum",
    ["", *Language.values],
    "Kazakh, Russian or English; empty while not detected yet.",
)
ArticleLanguageInputField = enum_field(
    "ArticleLanguageInputEnum",
    ["", *Language.values],
    "Kazakh, Russian or English; empty: detect from the text.",
)
ExtractionStateField = enum_field(
    "ArticleExtractionStateEnum",
    ExtractionState.values,
    "Where entity extraction of the article's text is.",
)
SpanFieldField = enum_field("ArticleSpanFieldEnum", SpanField.values, "Title or body.")
ReviewStatusField = enum_field(
    "ArticleSpanReviewEnum",
    ReviewStatus.values,
    "suggested by extraction; confirmed or rejected by a reviewer.",
)
EntityTypeField = enum_field(
    "ArticleEntityTypeEnum", EntityType.values, "Person, organisation or place."
)
MentionMethodField = enum_field(
    "ArticleMentionMethodEnum",
    Mention.Method.values,
    "How the name was linked to its entity (empty: not linked).",
)
FigureKindField = enum_field(
    "ArticleFigureKindEnum", FigureKind.values, "Money, a percentage or a quantity."
)
TranslationStatusField = enum_field(
    "ArticleTranslationStatusEnum", TranslationStatus.values, "The translation's status."
)
TranslationLanguageField = enum_field(
    "ArticleTranslationLanguageEnum", Language.values, "The translation's language."
)
ImportStateField = enum_field(
    "ImportJobStateEnum",
    ImportBatch.State.values,
    "queued → running → finished, or failed (see error).",
)
ImportOutcomeField = enum_field(
    "ImportItemOutcomeEnum",
    ImportOutcome.values,
    "imported; duplicate (the article that has the text is given); failed (see message).",
)


def article_url(request, pk: int) -> str:
    path = reverse("api:article-detail", args=[pk])
    return request.build_absolute_uri(path) if request is not None else path


# -- reading articles -----------------------------------------------------------------------------


class ArticleSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "name", "domain"]
        read_only_fields = fields


class ArticleSerializer(serializers.ModelSerializer):
    """An article in a list."""

    url = IdentityUrlField(view_name="api:article-detail", help_text=_("This article in the API."))
    source = ArticleSourceSerializer(read_only=True, allow_null=True)
    story = serializers.IntegerField(
        source="story_ref",
        read_only=True,
        allow_null=True,
        help_text=_("The id of the story the article belongs to, if any."),
    )
    version = serializers.IntegerField(
        read_only=True, help_text=_("Raised by every change; the ETag carries it.")
    )
    language = ArticleLanguageField(read_only=True)
    status = ArticleStatusField(read_only=True)
    extraction_state = ExtractionStateField(read_only=True)
    source_url = serializers.CharField(
        read_only=True, help_text=_("Where the article was published online (a URL, or empty).")
    )
    published_at = DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Article
        fields = [
            "id", "url", "title", "language", "status", "source", "source_url", "published_at",
            "updated_at", "version", "extraction_state", "byline", "story",
        ]  # fmt: skip
        read_only_fields = fields


class ArticleExtractionSerializer(serializers.Serializer):
    state = ExtractionStateField(source="extraction_state", read_only=True)
    error = serializers.CharField(
        source="extraction_error", read_only=True, help_text=_("Why it failed, when it did.")
    )
    extracted_at = serializers.DateTimeField(read_only=True, allow_null=True)


class ArticleEntityRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)
    type = EntityTypeField(read_only=True)

    class Meta:
        model = Entity
        fields = ["id", "name", "name_kk", "name_ru", "name_en", "type", "wikidata_id"]
        read_only_fields = fields


# Every span: where it is (title or body, character offsets) and the reviewers' decision.
SPAN_FIELDS = ["id", "field", "start", "end", "text", "review_status"]


class _SpanSerializer(serializers.ModelSerializer):
    field = SpanFieldField(read_only=True)
    review_status = ReviewStatusField(read_only=True)


class ArticleMentionSerializer(_SpanSerializer):
    type = EntityTypeField(read_only=True)
    method = MentionMethodField(read_only=True, allow_blank=True)
    entity = ArticleEntityRefSerializer(read_only=True, allow_null=True)
    suggested_entity = ArticleEntityRefSerializer(
        read_only=True,
        allow_null=True,
        help_text=_("A loose match offered for review, never linked silently."),
    )

    class Meta:
        model = Mention
        fields = [*SPAN_FIELDS, "type", "entity", "suggested_entity", "method", "confidence"]
        read_only_fields = fields


class ArticleFigureSerializer(_SpanSerializer):
    kind = FigureKindField(read_only=True)
    value = serializers.DecimalField(
        max_digits=30,
        decimal_places=6,
        coerce_to_string=False,
        read_only=True,
        help_text=_("The normalised value: «7,4 млрд долларов» → 7400000000 (USD)."),
    )

    class Meta:
        model = Figure
        fields = [*SPAN_FIELDS, "kind", "value", "unit"]
        read_only_fields = fields


class ArticleDateSerializer(_SpanSerializer):
    class Meta:
        model = DateMention
        fields = [*SPAN_FIELDS, "value", "value_end", "time", "relative"]
        read_only_fields = fields


class ArticleQuoteSerializer(_SpanSerializer):
    speaker = ArticleEntityRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Quote
        fields = [*SPAN_FIELDS, "speaker_text", "speaker"]
        read_only_fields = fields


class ArticleTranslationRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:translation-detail", help_text=_("The translation in the API.")
    )
    language = TranslationLanguageField(read_only=True)
    status = TranslationStatusField(read_only=True)

    class Meta:
        model = Translation
        fields = ["id", "url", "language", "status", "version", "updated_at"]
        read_only_fields = fields


class ArticleDetailSerializer(ArticleSerializer):
    """An article with its text, extraction results and translations."""

    paragraphs = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("The body's paragraphs.")
    )
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    due_at = DateTimeField(read_only=True, allow_null=True)
    extraction = ArticleExtractionSerializer(source="*", read_only=True)
    mentions = ArticleMentionSerializer(
        source="spans.mentions",
        many=True,
        read_only=True,
        help_text=_("Names of people, organisations and places, rejected ones included."),
    )
    figures = ArticleFigureSerializer(source="spans.figures", many=True, read_only=True)
    dates = ArticleDateSerializer(source="spans.dates", many=True, read_only=True)
    quotes = ArticleQuoteSerializer(source="spans.quotes", many=True, read_only=True)
    translations = ArticleTranslationRefSerializer(
        source="visible_translations",
        many=True,
        read_only=True,
        help_text=_("The translations this user may see."),
    )

    class Meta(ArticleSerializer.Meta):
        fields = [
            *ArticleSerializer.Meta.fields,
            "body", "paragraphs", "photo_credit", "assignee", "due_at", "language_locked",
            "created_at", "extraction", "mentions", "figures", "dates", "quotes", "translations",
        ]  # fmt: skip
        read_only_fields = fields


# -- writing articles -----------------------------------------------------------------------------


class ArticleSourceInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    domain = serializers.CharField(
        max_length=253,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Lower-case host, e.g. zakon.kz: identifies the source when given."),
    )


class ArticleWriteSerializer(serializers.Serializer):
    """The fields a client sets. ``source`` (found or created by domain, else by name) or
    ``source_id`` (an existing source), not both."""

    title = serializers.CharField(max_length=500)
    body = serializers.CharField(help_text=_("Plain-text paragraphs separated by a blank line."))
    language = ArticleLanguageInputField(allow_blank=True, required=False)
    byline = serializers.CharField(max_length=300, allow_blank=True, required=False)
    photo_credit = serializers.CharField(max_length=300, allow_blank=True, required=False)
    source = ArticleSourceInputSerializer(required=False, allow_null=True)
    source_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True
    )
    source_url = serializers.URLField(max_length=1000, allow_blank=True, required=False)
    published_at = DateTimeField(required=False, allow_null=True)

    def validate_source_id(self, value: int | None) -> Source | None:
        if value is None:
            return None
        source = Source.objects.filter(pk=value).first()
        if source is None:
            raise serializers.ValidationError(_("There is no source #%(pk)d.") % {"pk": value})
        return source

    def validate(self, attrs: dict) -> dict:
        if attrs.get("source") and attrs.get("source_id"):
            raise serializers.ValidationError(
                {"source_id": [_("Send either source or source_id, not both.")]}
            )
        return attrs


class ArticleTransitionSerializer(serializers.Serializer):
    comment = serializers.CharField(
        max_length=COMMENT_MAX_CHARS,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why: required to return or unpublish; posted on the article."),
    )


class ArticleAssignSerializer(serializers.Serializer):
    assignee = serializers.CharField(
        max_length=150,
        allow_null=True,
        help_text=_("The username of an editor or reviewer; null: nobody."),
    )
    due_at = DateTimeField(required=False, allow_null=True, default=None)

    def validate_assignee(self, value: str | None):
        if value is None:
            return None
        user = get_user_model().objects.filter(username=value, is_active=True).first()
        if user is None:
            raise serializers.ValidationError(_("There is no active user «%(u)s».") % {"u": value})
        if not sees_all_articles(user):
            raise serializers.ValidationError(
                _("%(u)s cannot work on articles (not an editor or reviewer).") % {"u": value}
            )
        return user


# -- imports --------------------------------------------------------------------------------------


class ImportFilesSerializer(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False, max_length=500, use_url=False),
        allow_empty=False,
        help_text=_(
            "Plain-text articles (.txt, any common encoding) or .zip archives of them; "
            "repeat the field for several files."
        ),
    )


class ImportCountsSerializer(serializers.Serializer):
    imported = serializers.IntegerField(source="imported_count", read_only=True)
    duplicate = serializers.IntegerField(source="duplicate_count", read_only=True)
    failed = serializers.IntegerField(source="failed_count", read_only=True)


class ImportExtractionSerializer(serializers.Serializer):
    """Where extraction is with the articles the job imported."""

    pending = serializers.IntegerField(source="extraction_pending", read_only=True)
    running = serializers.IntegerField(source="extraction_running", read_only=True)
    done = serializers.IntegerField(source="extraction_done", read_only=True)
    failed = serializers.IntegerField(source="extraction_failed", read_only=True)
    total = serializers.IntegerField(source="extraction_total", read_only=True)


class ImportItemArticleSerializer(serializers.ModelSerializer):
    url = IdentityUrlField(view_name="api:article-detail")
    extraction_state = ExtractionStateField(read_only=True)

    class Meta:
        model = Article
        fields = ["id", "url", "extraction_state"]
        read_only_fields = fields


class ImportItemSerializer(serializers.ModelSerializer):
    outcome = ImportOutcomeField(read_only=True)
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)
    article = ImportItemArticleSerializer(
        read_only=True,
        allow_null=True,
        help_text=_("The article imported, or for a duplicate the one that has the text."),
    )

    class Meta:
        model = ImportItem
        fields = ["filename", "outcome", "message", "warnings", "article"]
        read_only_fields = fields


class ImportJobSummarySerializer(serializers.ModelSerializer):
    """An import job in a list (its files' results are on the job itself)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:import-detail")
    state = ImportStateField(read_only=True)
    counts = ImportCountsSerializer(source="*", read_only=True)
    extraction = ImportExtractionSerializer(source="*", read_only=True)

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "url",
            "state",
            "created_at",
            "finished_at",
            "counts",
            "extraction",
            "error",
        ]
        read_only_fields = fields


class ImportJobSerializer(ImportJobSummarySerializer):
    """An import job: queued → running → finished (or failed, with ``error``), one item per
    file (a zip archive: one per file in it) or JSON article."""

    items = ImportItemSerializer(many=True, read_only=True, source="job_items")

    class Meta(ImportJobSummarySerializer.Meta):
        fields = [*ImportJobSummarySerializer.Meta.fields, "items"]
        read_only_fields = fields

"""Django admin for articles, sources, translations and the import audit trail.

The admin is a back-office tool: the desk's own pages (and ``articles.services``) remain the
normal way in. Articles enter through import, so the admin does not create them; imports are an
audit record and are shown read-only.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import Count, Q, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from articles import services
from articles.models import (
    Article,
    Comment,
    ExtractionState,
    ImportBatch,
    ImportItem,
    Notification,
    QAOverride,
    Source,
    Translation,
    TranslationMemoryEntry,
    TranslationSegment,
)
from entities.models import Mention

ERROR_PREVIEW_CHARS = 80

# -- Extraction monitoring: failed and stuck extractions, with the error and a re-run action ------


def extraction_stuck_after() -> timedelta:
    """Pending or running for longer than this: the broker was down or the worker died, and the
    sweeper (same limit) has not managed to queue it again."""
    return timedelta(seconds=getattr(settings, "KZEDITOR_EXTRACTION_STALE_AFTER_SECONDS", 600))


class ExtractionProblemFilter(admin.SimpleListFilter):
    """Articles or translations whose extraction needs someone: failed, or stuck."""

    title = _("extraction problem")
    parameter_name = "extraction_problem"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("any", _("Failed or stuck")),
            ("failed", _("Failed")),
            ("stuck", _("Stuck: pending or running for too long")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        failed = Q(extraction_state=ExtractionState.FAILED)
        stuck = services.extraction_stuck(stale_after=extraction_stuck_after())
        conditions = {"any": failed | stuck, "failed": failed, "stuck": stuck}
        if self.value() in conditions:
            return queryset.filter(conditions[self.value()])
        return queryset


def extraction_summary(obj: Article | Translation) -> str:
    """The extraction state for a list; a failure with the start of its error."""
    if obj.extraction_state == ExtractionState.FAILED:
        error = Truncator(obj.extraction_error.strip()).chars(ERROR_PREVIEW_CHARS)
        return _("failed: %(error)s") % {"error": error or _("no message")}
    return obj.get_extraction_state_display()


# --- Sources -------------------------------------------------------------------------------


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "article_count", "created_at"]
    search_fields = ["name", "domain"]
    readonly_fields = ["created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return super().get_queryset(request).annotate(_article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="_article_count")
    def article_count(self, obj: Source) -> int:
        return obj._article_count


# --- Articles ------------------------------------------------------------------------------


class TranslationInline(admin.TabularInline):
    """The article's translations, to open. They are requested and worked on through the
    translation desk (segments, workflow, checks), so they are not added or edited here."""

    model = Translation
    extra = 0
    show_change_link = True
    can_delete = False
    fields = [
        "language",
        "status",
        "translator",
        "reviewer",
        "due_at",
        "source_version",
        "version",
        "updated_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MentionInline(admin.TabularInline):
    model = Mention
    fk_name = "article"
    extra = 0
    show_change_link = True
    fields = [
        "field",
        "start",
        "end",
        "text",
        "type",
        "entity",
        "confidence",
        "method",
        "review_status",
        "extractor_version",
    ]
    readonly_fields = ["extractor_version"]
    autocomplete_fields = ["entity"]
    verbose_name = _("mention")
    verbose_name_plural = _("mentions")


class ArticleAdminForm(forms.ModelForm):
    """Carries the version the editor loaded, so a concurrent save is refused, not overwritten."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = ["title", "body"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        loaded = cleaned.get("loaded_version") or self.instance.version
        current = Article.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
        if current and current[0] != loaded:
            raise forms.ValidationError(
                _(
                    "Someone else saved this article since you opened it (version %(loaded)s → "
                    "%(current)s). Your changes were not saved: copy them, reload the page and "
                    "apply them again."
                ),
                params={"loaded": loaded, "current": current[0]},
                code="version_conflict",
            )
        title, body = cleaned.get("title"), cleaned.get("body")
        if title and body and {"title", "body"} & set(self.changed_data):
            duplicate = services.article_find_duplicate(
                title=title, body=body, exclude_pk=self.instance.pk
            )
            if duplicate:
                raise forms.ValidationError(
                    _("Another article already has this title and text: %(title)s"),
                    params={"title": duplicate},
                    code="duplicate",
                )
        return cleaned


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    form = ArticleAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "title",
        "language",
        "status",
        "source",
        "published_at",
        "extraction",
        "extractor_version",
        "assignee",
        "updated_at",
    ]
    list_filter = [
        "language",
        "status",
        "extraction_state",
        ExtractionProblemFilter,
        "source",
        ("assignee", admin.RelatedOnlyFieldListFilter),
        "language_locked",
    ]
    list_select_related = ["source", "assignee"]
    search_fields = ["title", "body", "byline"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["source", "assignee"]
    inlines = [TranslationInline, MentionInline]
    actions = ["rerun_extraction"]
    readonly_fields = [
        "language_confidence",
        "content_hash",
        "import_warnings",
        "version",
        "extraction_state",
        "extraction_error_full",
        "extractor_version",
        "extracted_content_hash",
        "extraction_started_at",
        "extracted_at",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["title", "byline", "photo_credit", "body", "loaded_version"]}),
        (_("Language"), {"fields": ["language", "language_locked", "language_confidence"]}),
        (
            _("Origin"),
            {
                "fields": [
                    "source",
                    "source_url",
                    "published_at",
                    "original_filename",
                    "import_warnings",
                ]
            },
        ),
        (_("Workflow"), {"fields": ["status", "assignee", "due_at", "version"]}),
        (
            _("Entity extraction"),
            {
                "fields": [
                    "extraction_state",
                    "extraction_error_full",
                    "extractor_version",
                    "extraction_started_at",
                    "extracted_at",
                    "extracted_content_hash",
                ]
            },
        ),
        (
            _("Record"),
            {
                "classes": ["collapse"],
                "fields": [
                    "content_hash",
                    "created_by",
                    "created_at",
                    "updated_by",
                    "updated_at",
                ],
            },
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Articles are created by import, which computes the content hash and detects language.
        return False

    @admin.display(description=_("extraction"), ordering="extraction_state")
    def extraction(self, obj: Article) -> str:
        return extraction_summary(obj)

    @admin.display(description=_("extraction error"))
    def extraction_error_full(self, obj: Article) -> SafeString | str:
        if not obj.extraction_error:
            return "-"
        # No style="…": the Content-Security-Policy refuses inline styles (the admin's <pre>
        # scrolls long lines instead).
        return format_html("<pre>{}</pre>", obj.extraction_error)

    @admin.action(description=_("Re-run extraction"), permissions=["change"])
    def rerun_extraction(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        article_ids = list(queryset.values_list("pk", flat=True))
        queued = services.articles_extraction_requeue(article_ids=article_ids)
        self.message_user(
            request,
            ngettext(
                "%(count)d article queued for extraction.",
                "%(count)d articles queued for extraction.",
                queued,
            )
            % {"count": queued},
            messages.SUCCESS if queued else messages.WARNING,
        )

    def save_model(self, request: HttpRequest, obj: Article, form: ModelForm, change: bool) -> None:
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.ARTICLE_EDITABLE_FIELDS
        }
        updated = services.article_update(
            article_id=obj.pk,
            expected_version=form.cleaned_data.get("loaded_version") or obj.version,
            updated_by=request.user,
            change_reason="admin",
            **changes,
        )
        # The inline formsets are saved against this instance next; keep it current.
        obj.__dict__.update({f.attname: getattr(updated, f.attname) for f in Article._meta.fields})

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        forms_by_instance = {id(f.instance): f for f in formset.forms}
        for instance in formset.save(commit=False):
            inline_form = forms_by_instance.get(id(instance))
            if isinstance(instance, Mention):
                if instance.pk is None and instance.entity_id and not instance.method:
                    instance.method = Mention.Method.MANUAL
                if inline_form is not None and "review_status" in inline_form.changed_data:
                    instance.reviewed_by = request.user
                    instance.reviewed_at = timezone.now()
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class TranslationSegmentInline(admin.TabularInline):
    model = TranslationSegment
    extra = 0
    can_delete = False
    fields = ["position", "field", "source_start", "source_text", "target_text", "status",
              "previous_source_text", "version", "updated_by", "updated_at"]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TranslationAdminForm(forms.ModelForm):
    """On add, the request rules of the service (language, duplicates, roles) as form errors."""

    class Meta:
        model = Translation
        fields = ["article", "language", "status", "translator", "reviewer", "due_at"]

    def clean(self) -> dict[str, Any]:
        from articles.translations.services import (
            TranslationError,
            _check_assignees,
            translation_request_check,
        )

        data = super().clean()
        if self.instance.pk is None and data.get("article") and data.get("language"):
            try:
                translation_request_check(article=data["article"], language=data["language"])
                _check_assignees(data.get("translator"), data.get("reviewer"))
            except TranslationError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(Translation)
class TranslationAdmin(SimpleHistoryAdmin):
    """Translations are requested through ``translation_request`` (one row per source
    paragraph); their text is edited row by row in the side-by-side editor, so title and body
    are read-only here. Admins may change who works on it, the due date and the status."""

    list_display = [
        "__str__",
        "language",
        "status",
        "translator",
        "reviewer",
        "due_at",
        "outdated",
        "qa_errors",
        "extraction",
        "updated_at",
    ]
    list_filter = [
        "language",
        "status",
        ("outdated_since", admin.EmptyFieldListFilter),
        "extraction_state",
        ExtractionProblemFilter,
    ]
    actions = ["rerun_extraction"]
    list_select_related = ["article", "translator", "reviewer"]
    search_fields = ["title", "article__title"]
    date_hierarchy = "updated_at"
    autocomplete_fields = ["article", "translator", "reviewer"]
    inlines = [TranslationSegmentInline]
    form = TranslationAdminForm
    readonly_fields = [
        "title",
        "body",
        "source_version",
        "version",
        "outdated_since",
        "qa_errors",
        "qa_warnings",
        "extraction_state",
        "extraction_error",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
    ]
    fields = [
        "article",
        "language",
        "status",
        "translator",
        "reviewer",
        "due_at",
        "title",
        "body",
        "source_version",
        "version",
        "outdated_since",
        "qa_errors",
        "qa_warnings",
        "extraction_state",
        "extraction_error",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None:  # the article and the language are fixed once requested
            return [*self.readonly_fields, "article", "language"]
        return [*self.readonly_fields, "status"]

    @admin.display(description=_("outdated"), boolean=True)
    def outdated(self, obj: Translation) -> bool:
        return obj.is_outdated

    @admin.display(description=_("extraction"), ordering="extraction_state")
    def extraction(self, obj: Translation) -> str:
        return extraction_summary(obj)

    @admin.action(description=_("Re-run extraction"), permissions=["change"])
    def rerun_extraction(self, request: HttpRequest, queryset: QuerySet[Translation]) -> None:
        from articles.translations.services import translation_extraction_enqueue_on_commit

        # A translation with no text yet has nothing to extract.
        ids = list(queryset.exclude(title="", body="").values_list("pk", flat=True))
        with transaction.atomic():
            for translation_id in ids:
                translation_extraction_enqueue_on_commit(translation_id=translation_id)
        self.message_user(
            request,
            ngettext(
                "%(count)d translation queued for extraction.",
                "%(count)d translations queued for extraction.",
                len(ids),
            )
            % {"count": len(ids)},
            messages.SUCCESS if ids else messages.WARNING,
        )

    def save_model(
        self, request: HttpRequest, obj: Translation, form: ModelForm, change: bool
    ) -> None:
        from articles.translations.services import translation_request

        if change:
            if form.has_changed():
                obj.version += 1
            obj.updated_by = request.user
            obj._history_user = request.user
            obj._change_reason = "admin"
            super().save_model(request, obj, form, change)
            return
        created = translation_request(  # the form ran the same checks
            article_id=obj.article_id,
            language=obj.language,
            user=request.user,
            translator=obj.translator,
            reviewer=obj.reviewer,
            due_at=obj.due_at,
        )
        obj.__dict__.update(
            {f.attname: getattr(created, f.attname) for f in Translation._meta.fields}
        )


@admin.register(TranslationMemoryEntry)
class TranslationMemoryEntryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "source_language", "target_language", "unit", "created_at"]
    list_filter = ["source_language", "target_language", "unit"]
    search_fields = ["source_text", "target_text"]
    readonly_fields = ["source_hash", "target_hash", "translation", "created_by", "created_at"]
    raw_id_fields = ["translation"]

    def save_model(
        self, request: HttpRequest, obj: TranslationMemoryEntry, form: ModelForm, change: bool
    ) -> None:
        from articles.translations.memory import memory_hash

        obj.source_hash = memory_hash(obj.source_text)
        obj.target_hash = memory_hash(obj.target_text)
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(QAOverride)
class QAOverrideAdmin(admin.ModelAdmin):
    """Reviewers' acceptances of quality-check findings: a record, made in the editor."""

    list_display = ["translation", "check_code", "paragraph", "reason", "user", "created_at"]
    list_filter = ["check_code"]
    list_select_related = ["translation__article", "user"]
    readonly_fields = [
        "translation", "check_code", "paragraph", "fingerprint", "message", "reason", "user",
        "created_at",
    ]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Imports (audit record, read-only) -----------------------------------------------------


class ReadOnlyAdminMixin:
    """Imports are an audit record: they can be viewed, never added, edited or deleted."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ImportItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ImportItem
    extra = 0
    show_change_link = True
    fields = ["filename", "outcome", "message", "warnings", "article"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportItem]:
        return super().get_queryset(request).select_related("article")


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "channel",
        "created_by",
        "created_at",
        "finished_at",
        "imported_count",
        "duplicate_count",
        "failed_count",
    ]
    list_filter = ["channel", ("created_by", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["created_by"]
    search_fields = ["items__filename", "created_by__username"]
    date_hierarchy = "created_at"
    inlines = [ImportItemInline]


@admin.register(ImportItem)
class ImportItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["filename", "outcome", "short_message", "article", "batch"]
    list_filter = ["outcome", "batch__channel"]
    list_select_related = ["batch", "article"]
    search_fields = ["filename", "message", "article__title"]
    date_hierarchy = "batch__created_at"

    @admin.display(description=_("message"))
    def short_message(self, obj: ImportItem) -> str:
        return Truncator(obj.message).chars(ERROR_PREVIEW_CHARS)


class CommentReplyInline(admin.TabularInline):
    model = Comment
    fk_name = "parent"
    fields = ["author", "body", "created_at"]
    readonly_fields = ["author", "body", "created_at"]
    extra = 0
    can_delete = False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Comments are written on the article page; the admin moderates (edits or deletes)."""

    list_display = ["article", "author", "short_body", "transition", "created_at"]
    list_filter = ["transition", ("author", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["article", "author"]
    search_fields = ["body", "article__title", "author__username"]
    raw_id_fields = ["article", "parent"]
    readonly_fields = ["author", "created_at", "mentioned_users", "transition"]
    inlines = [CommentReplyInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("comment"))
    def short_body(self, obj: Comment) -> str:
        return Truncator(obj.body).chars(80)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["recipient", "kind", "article", "actor", "created_at", "read_at"]
    list_filter = ["kind", ("recipient", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["recipient", "article", "actor"]

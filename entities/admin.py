"""Django admin for the knowledge base (entities, aliases) and the mentions that link to it."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from entities.linking.keys import lookup_key, translit_key
from entities.models import Alias, DateMention, Entity, Figure, Mention, Quote


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 0
    fields = ["text", "language", "kind", "origin", "key", "translit_key", "created_at"]
    readonly_fields = ["key", "translit_key", "origin", "created_at"]


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "type",
        "status",
        "name_kk",
        "name_ru",
        "name_en",
        "wikidata",
        "alias_count",
        "merged_into",
        "updated_at",
    ]
    list_display_links = ["__str__"]
    list_filter = [
        "type",
        "status",
        ("kb_slug", admin.EmptyFieldListFilter),
        ("merged_into", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["merged_into"]
    search_fields = ["name_kk", "name_ru", "name_en", "aliases__text", "wikidata_id"]
    autocomplete_fields = ["merged_into"]
    inlines = [AliasInline]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "type",
                    "status",
                    "name_kk",
                    "name_ru",
                    "name_en",
                    "gender",
                    "description",
                ]
            },
        ),
        (_("Links"), {"fields": ["wikidata_id", "kb_slug", "merged_into"]}),
        (
            _("Record"),
            {"classes": ["collapse"], "fields": ["created_by", "created_at", "updated_at"]},
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Entity]:
        return super().get_queryset(request).annotate(_alias_count=Count("aliases", distinct=True))

    @admin.display(description=_("aliases"), ordering="_alias_count")
    def alias_count(self, obj: Entity) -> int:
        return obj._alias_count

    @admin.display(description=_("Wikidata id"), ordering="wikidata_id")
    def wikidata(self, obj: Entity) -> SafeString | str:
        if not obj.wikidata_id:
            return ""
        return format_html(
            '<a href="https://www.wikidata.org/wiki/{0}" target="_blank" rel="noopener">{0}</a>',
            obj.wikidata_id,
        )

    def save_model(self, request: HttpRequest, obj: Entity, form: ModelForm, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        for alias in formset.save(commit=False):
            alias.key, alias.translit_key = lookup_key(alias.text), translit_key(alias.text)
            alias.save()
        for alias in formset.deleted_objects:
            alias.delete()


@admin.register(Alias)
class AliasAdmin(admin.ModelAdmin):
    list_display = ["text", "entity", "language", "kind", "origin", "key", "translit_key"]
    list_filter = ["language", "kind", "origin", "entity__type"]
    list_select_related = ["entity"]
    search_fields = ["text", "key", "entity__name_kk", "entity__name_ru", "entity__name_en"]
    autocomplete_fields = ["entity"]
    readonly_fields = ["key", "translit_key", "origin", "created_at"]

    def save_model(self, request: HttpRequest, obj: Alias, form: ModelForm, change: bool) -> None:
        # The keys are what linking looks up: always derived from the text, never typed.
        obj.key, obj.translit_key = lookup_key(obj.text), translit_key(obj.text)
        super().save_model(request, obj, form, change)


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = [
        "text",
        "type",
        "entity",
        "review_status",
        "method",
        "confidence",
        "article",
        "translation",
        "field",
        "start",
        "end",
        "extractor_version",
        "updated_at",
    ]
    list_filter = ["review_status", "type", "method", "field", "extractor_version"]
    list_select_related = ["entity", "article", "translation__article"]
    search_fields = ["text"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["entity", "suggested_entity", "article", "translation"]
    readonly_fields = [
        "suggested_entity",
        "extractor_version",
        "reviewed_by",
        "reviewed_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["text", "type", "entity", "suggested_entity", "review_status"]}),
        (_("Location"), {"fields": ["article", "translation", "field", "start", "end"]}),
        (
            _("Linking"),
            {
                "fields": [
                    "method",
                    "confidence",
                    "extractor_version",
                    "reviewed_by",
                    "reviewed_at",
                ]
            },
        ),
        (_("Record"), {"classes": ["collapse"], "fields": ["created_at", "updated_at"]}),
    ]

    def save_model(self, request: HttpRequest, obj: Mention, form: ModelForm, change: bool) -> None:
        if not change and obj.entity_id and not obj.method:
            obj.method = Mention.Method.MANUAL
        if "review_status" in form.changed_data:
            obj.reviewed_by = request.user
            obj.reviewed_at = timezone.now()
        super().save_model(request, obj, form, change)


class ExtractedSpanAdmin(admin.ModelAdmin):
    """Figures, dates and quotes: read-mostly records; editors review them in the app."""

    list_filter = ["review_status", "field", "extractor_version"]
    list_select_related = ["article", "translation__article"]
    search_fields = ["text"]
    date_hierarchy = "created_at"
    raw_id_fields = ["article", "translation"]
    readonly_fields = ["extractor_version", "reviewed_by", "reviewed_at", "created_at"]


@admin.register(Figure)
class FigureAdmin(ExtractedSpanAdmin):
    list_display = ["text", "kind", "value", "unit", "review_status", "article", "field", "start"]
    list_filter = ["kind", "unit", *ExtractedSpanAdmin.list_filter]


@admin.register(DateMention)
class DateMentionAdmin(ExtractedSpanAdmin):
    list_display = ["text", "value", "value_end", "time", "relative", "review_status", "article"]
    list_filter = ["relative", *ExtractedSpanAdmin.list_filter]


@admin.register(Quote)
class QuoteAdmin(ExtractedSpanAdmin):
    list_display = ["__str__", "speaker", "speaker_text", "review_status", "article", "field"]
    list_select_related = ["speaker", *ExtractedSpanAdmin.list_select_related]
    autocomplete_fields = ["speaker"]

"""Filters and ordering of ``GET /api/v1/translations/`` (django-filter; invalid values → 400)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from articles.models import Language, Translation, TranslationStatus
from integrations.fields import MAX_ID, IdFilter


class StrictBooleanField(forms.NullBooleanField):
    """true / false (or 1 / 0); anything else is an error, not «no filter»."""

    widget = forms.TextInput  # NullBooleanSelect would read anything unknown as «no filter»
    TRUE, FALSE = ("true", "True", "1"), ("false", "False", "0")

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value is True or value in self.TRUE:
            return True
        if value is False or value in self.FALSE:
            return False
        raise forms.ValidationError(_("Use true or false."), code="invalid")

    def validate(self, value):
        pass


class SaneDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment between the years 1900 and 2999: year 1 or 9999 with an offset falls
    outside what a datetime can hold once converted to UTC for the query."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is not None and not 1900 <= moment.year <= 2999:
            raise forms.ValidationError(
                _("Give a moment between the years 1900 and 2999."), code="out_of_range"
            )
        return moment


class SaneDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = SaneDateTimeField


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class TranslationFilter(django_filters.FilterSet):
    article = IdFilter(field_name="article_id", label=_("Article id"))
    language = django_filters.ChoiceFilter(choices=Language.choices, label=_("Target language"))
    status = django_filters.ChoiceFilter(
        choices=TranslationStatus.choices, label=_("Workflow status")
    )
    translator = django_filters.CharFilter(
        method="filter_translator",
        max_length=150,
        label=_("The assigned translator's username (or user id)"),
    )
    outdated = StrictBooleanFilter(
        method="filter_outdated",
        label=_("Only translations whose source changed after they were made (or only not)"),
    )
    updated_since = SaneDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("Changed at or after this moment (ISO 8601)"),
    )

    class Meta:
        model = Translation
        fields = ["article", "language", "status", "translator", "outdated", "updated_since"]

    def filter_translator(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        condition = Q(translator__username=value)
        if value.isdigit() and int(value) <= MAX_ID:
            condition |= Q(translator_id=int(value))
        return queryset.filter(condition)

    def filter_outdated(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(outdated_since__isnull=not value)

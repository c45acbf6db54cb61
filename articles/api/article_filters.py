"""Query filters and ordering of ``GET /api/v1/articles/``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import OrderingFilter

from articles.models import Article, ArticleStatus, Language
from articles.selectors import article_search
from entities.models import Mention, ReviewStatus
from integrations.fields import IdFilter


class DateOrDateTimeField(forms.Field):
    """An ISO 8601 date (``2025-09-05``) or date and time (``2025-09-05T10:00:00+05:00``);
    a date or a time without an offset is read in the desk's time zone."""

    default_error_messages = {
        "invalid": _("Enter a date (YYYY-MM-DD) or an ISO 8601 date and time."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        try:
            # A date first: Python's fromisoformat would read «2025-09-05» as its midnight.
            day = parse_date(text)
            if day is not None:
                return day
            moment = parse_datetime(text)
        except (ValueError, OverflowError):
            moment = None
        if moment is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return _storable(moment)


def _storable(moment: datetime) -> datetime:
    """The moment, aware, if the database can compare it (in UTC); else a validation error
    (year 1 in a time zone east of Greenwich is before the first UTC moment)."""
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        # In UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts.
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise forms.ValidationError(_("The date is out of range."), code="overflow") from None


class StorableIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        moment = super().to_python(value)
        return None if moment is None else _storable(moment)


@extend_schema_field(OpenApiTypes.DATETIME)
class StorableIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = StorableIsoDateTimeField


def _day_start(day: date) -> datetime:
    return _storable(datetime.combine(day, time.min))


@extend_schema_field(OpenApiTypes.STR)
class DateOrDateTimeFilter(django_filters.Filter):
    """``published_from`` takes from the start of a given day; ``published_to`` takes the
    whole given day (a date and time is used as is: up to and including it)."""

    field_class = DateOrDateTimeField

    def __init__(self, *args, end: bool = False, **kwargs) -> None:
        self.end = end
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value):
        if value is None:
            return qs
        if isinstance(value, datetime):
            lookup = "lte" if self.end else "gte"
            return qs.filter(**{f"{self.field_name}__{lookup}": value})
        try:
            if self.end:
                following = _day_start(value + timedelta(days=1))
                return qs.filter(**{f"{self.field_name}__lt": following})
            return qs.filter(**{f"{self.field_name}__gte": _day_start(value)})
        except (OverflowError, forms.ValidationError):
            # Past the last day there is: nothing excluded; before the first: nothing either.
            return qs


class ArticleFilter(django_filters.rest_framework.FilterSet):
    language = django_filters.ChoiceFilter(choices=Language.choices, help_text=_("kk, ru or en."))
    status = django_filters.ChoiceFilter(choices=ArticleStatus.choices)
    source = IdFilter(field_name="source_id", help_text=_("A source's id."))
    entity = IdFilter(
        method="filter_entity",
        help_text=_("An entity's id: articles that mention it (rejected mentions left out)."),
    )
    story = IdFilter(
        field_name="story_membership__story_id", help_text=_("A story's id: its articles.")
    )
    published_from = DateOrDateTimeFilter(
        field_name="published_at",
        help_text=_("Published at or after this date (from its start) or date and time."),
    )
    published_to = DateOrDateTimeFilter(
        field_name="published_at",
        end=True,
        help_text=_("Published on or before this date (the whole day) or date and time."),
    )
    updated_since = StorableIsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text=_(
            "Changed at or after this date and time (ISO 8601): with ordering=updated_at, "
            "a sync client's «everything since my last pull»."
        ),
    )
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=200,
        help_text=_("Words in the title or text (any case, any script)."),
    )

    class Meta:
        model = Article
        fields: list[str] = []

    def filter_entity(self, qs: QuerySet, name: str, value: int) -> QuerySet:
        mentioning = (
            Mention.objects.filter(entity_id=value, article__isnull=False)
            .exclude(review_status=ReviewStatus.REJECTED)
            .values("article_id")
        )
        return qs.filter(pk__in=mentioning)

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return article_search(qs, value)


class ArticleOrdering(OrderingFilter):
    """``ordering`` from the view's whitelist, always ending with the id in the same direction
    (so equal values never swap between pages of the cursor), and ``published_at`` sorted
    on ``published_key``: the publication time, or for undated articles their creation time
    (a cursor cannot stand on an empty value)."""

    SORT_KEYS = {"published_at": "published_key"}

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view) or ["-id"]
        fields: list[str] = []
        for term in ordering:
            descending = term.startswith("-")
            name = term.lstrip("-")
            name = "id" if name == "pk" else self.SORT_KEYS.get(name, name)
            fields.append(f"-{name}" if descending else name)
        if fields[-1].lstrip("-") != "id":
            fields.append("-id" if fields[0].startswith("-") else "id")
        return fields

    def filter_queryset(self, request, queryset, view):
        return queryset.order_by(*self.get_ordering(request, queryset, view))


def with_sort_keys(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """The annotations ``ArticleOrdering`` sorts on."""
    return queryset.annotate(published_key=Coalesce(F("published_at"), F("created_at")))

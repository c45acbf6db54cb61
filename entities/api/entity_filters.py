"""Filtering, ordering and paging of the entity lists.

Without ``q`` the list is a queryset walked with cursor pagination. With ``q`` the entities
come ranked by ``entities.curation.selectors.entity_list`` (exact names first, then
prefixes, then the rest), paged by an offset kept in the same opaque ``cursor`` parameter, in
the same ``{next, previous, results}`` shape."""

from __future__ import annotations

from base64 import b64decode, b64encode
from urllib import parse

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from articles.models import Language
from entities.curation.selectors import ENTITY_LIST_MATCH_LIMIT
from entities.models import Alias, Entity, EntityType
from integrations.pagination import StableCursorPagination, TiebreakOrderingFilter

LANGUAGE_CHOICES = Language.choices


class _BoundedDateTimeField(forms.DateTimeField):
    """A date and time the databases can compare with (years 2–9998: an offset applied to
    year 1 or 9999 leaves Python's date range)."""

    def to_python(self, value):
        result = super().to_python(value)
        if result is not None and not 1 < result.year < 9999:
            raise DjangoValidationError(_("Give a date between the years 2 and 9998."))
        return result


class _BoundedDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = _BoundedDateTimeField


class EntityFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="_search",
        max_length=200,
        label=_(
            "Search names and aliases in Kazakh, Russian and English, in any script "
            "(«Тоқаев», «Токаев» and «Tokayev» find the same person). Results come by "
            "relevance: exact names first, then names starting with it, then the rest; "
            "ordering is ignored and merged entities are never found."
        ),
    )
    type = filters.ChoiceFilter(choices=EntityType.choices, label=_("Entity type."))
    status = filters.ChoiceFilter(
        choices=Entity.Status.choices,
        label=_("confirmed (in the knowledge base) or proposed (by extraction, not reviewed)."),
    )
    language = filters.ChoiceFilter(
        choices=LANGUAGE_CHOICES,
        method="_with_name_in",
        label=_("Only entities with a name in this language."),
    )
    updated_since = _BoundedDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_(
            "Only entities changed at or after this time (ISO 8601): names, aliases, "
            "status, merges. With include_merged=true, for keeping a copy in sync."
        ),
    )
    include_merged = filters.BooleanFilter(
        method="_include_merged",
        label=_("Also list entities merged into others (left out by default)."),
    )

    class Meta:
        model = Entity
        fields = ("q", "type", "status", "language", "updated_since", "include_merged")

    def filter_queryset(self, queryset: QuerySet[Entity]) -> QuerySet[Entity]:
        if not self.form.cleaned_data.get("include_merged"):
            queryset = queryset.filter(merged_into__isnull=True)
        return super().filter_queryset(queryset)

    def _search(self, queryset: QuerySet[Entity], name: str, value: str) -> QuerySet[Entity]:
        return queryset  # ranked by the view (EntityViewSet.list), not a queryset filter

    def _include_merged(self, queryset: QuerySet[Entity], name: str, value: bool):
        return queryset  # applied in filter_queryset: the default needs it even when absent

    def _with_name_in(self, queryset: QuerySet[Entity], name: str, value: str):
        return queryset.filter(~Q(**{f"name_{value}": ""}))

    @property
    def search(self) -> str:
        return (self.form.cleaned_data.get("q") or "").strip()

    @property
    def narrows_search(self) -> bool:
        """Filters the ranked search (which knows only type and status) must be applied to."""
        data = self.form.cleaned_data
        return bool(data.get("language") or data.get("updated_since"))


class EntityAliasFilter(filters.FilterSet):
    language = filters.ChoiceFilter(
        choices=[*LANGUAGE_CHOICES, ("none", _("No language"))],
        method="_in_language",
        label=_('kk, ru or en; "none" for aliases written the same in every language.'),
    )
    kind = filters.ChoiceFilter(choices=Alias.Kind.choices, label=_("Kind of alias."))

    class Meta:
        model = Alias
        fields = ("language", "kind")

    def _in_language(self, queryset: QuerySet[Alias], name: str, value: str):
        return queryset.filter(language="" if value == "none" else value)


# The API's ordering and cursor pagination (ids as tiebreak, bad cursors 400), ordered by id.
EntityOrderingFilter = TiebreakOrderingFilter


class EntityCursorPagination(StableCursorPagination):
    ordering = "id"


def _bad_cursor() -> ValidationError:
    return ValidationError({"cursor": [_("Invalid cursor: use the next or previous link.")]})


class RankedPagination:
    """Pages of a ranked list of ids: the cursor is an offset into the ranking."""

    def __init__(self) -> None:
        self.cursor_query_param = EntityCursorPagination.cursor_query_param
        self.sizes = EntityCursorPagination()

    def paginate_ids(self, ids: list[int], request) -> list[int]:
        self.base_url = request.build_absolute_uri()
        self.size = self.sizes.get_page_size(request)
        self.offset = self._decode(request.query_params.get(self.cursor_query_param))
        self.total = len(ids)
        return ids[self.offset : self.offset + self.size]

    def _decode(self, encoded: str | None) -> int:
        if encoded is None:
            return 0
        try:
            tokens = parse.parse_qs(b64decode(encoded.encode("ascii"), validate=True).decode())
            offset = int(tokens.get("o", ["0"])[0])
        except (TypeError, ValueError):
            raise _bad_cursor() from None
        if not 0 <= offset <= ENTITY_LIST_MATCH_LIMIT:
            raise _bad_cursor()
        return offset

    def _link(self, offset: int) -> str:
        if offset <= 0:
            return remove_query_param(self.base_url, self.cursor_query_param)
        encoded = b64encode(parse.urlencode({"o": offset}).encode()).decode()
        return replace_query_param(self.base_url, self.cursor_query_param, encoded)

    def get_paginated_response(self, data: list) -> Response:
        following = self.offset + self.size
        return Response(
            {
                "next": self._link(following) if following < self.total else None,
                "previous": self._link(max(self.offset - self.size, 0)) if self.offset else None,
                "results": data,
            }
        )

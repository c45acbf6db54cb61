"""Cursor pagination: stable under inserts (no page drifts while an integration walks a list
that the desk keeps adding to), opaque cursors, consistent ordering with the id as tiebreak."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import CursorPagination


def _bad_cursor() -> ValidationError:
    return ValidationError(
        {"cursor": [_("This cursor is not valid; follow the next/previous links as given.")]}
    )


class StableCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    # Views set ``ordering`` (and whitelist others through OrderingFilter's ordering_fields);
    # every ordering ends with the primary key so equal values never swap between pages.
    ordering = "-id"

    def decode_cursor(self, request):
        # DRF answers an unreadable cursor with 404, which a list URL does not have: 400.
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise _bad_cursor() from None

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (DjangoValidationError, ValueError, TypeError, OverflowError, DataError):
            if not request.query_params.get(self.cursor_query_param):
                raise  # not the cursor's fault: a real error
            # A forged position the ordering field cannot compare with.
            raise _bad_cursor() from None


class TiebreakOrderingFilter(OrderingFilter):
    """``?ordering=`` from the view's whitelist, always ending with the id in the direction of
    the first field, so rows with equal values never swap between cursor pages (the cursor
    pagination reads this ordering too)."""

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if ordering and not any(name.lstrip("-") in ("id", "pk") for name in ordering):
            ordering.append("-id" if ordering[0].startswith("-") else "id")
        return ordering

"""/api/v1/coverage/: the coverage matrices of the desk's coverage page as JSON (the same
numbers and shape as the page's JSON export), for the desk (``can_view_coverage``: editors,
reviewers, admins; translators 403). The filters are the page's, checked strictly: a bad value
is a 400 naming the field (the page itself falls back to the default and shows the error)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.models import Language
from entities.coverage import selectors
from entities.coverage.export import matrix_json
from entities.coverage.forms import CoverageFilterForm
from entities.coverage.periods import GRANULARITIES, MEASURES, PERIOD_PRESETS, TOP_CHOICES
from entities.models import EntityType
from entities.permissions import can_view_coverage
from integrations.fields import MAX_ID

TAGS = ["coverage"]
MATRIX_KEYS = list(selectors.matrix_kinds())
# Plain strings in the schema (the path parameter is the enum): «kind» names other choice
# sets elsewhere in the API, and one name for two enums makes drf-spectacular warn.
KIND_HELP = "The matrix: " + ", ".join(MATRIX_KEYS) + "."


def _require_viewer(request: Request) -> None:
    if not can_view_coverage(request.user):
        raise PermissionDenied(_("Coverage is for the desk's editors and reviewers."))


class CoverageFilterSerializer(serializers.Serializer):
    """The coverage page's filters. Without ``start``/``end`` the period preset applies (the
    last 30 days by default); with them, the preset is ignored (``end`` defaults to today)."""

    period = serializers.ChoiceField(
        choices=list(PERIOD_PRESETS),
        required=False,
        help_text="Days back from today, or «all» (default 30).",
    )
    start = serializers.DateField(required=False, help_text="First day (inclusive).")
    end = serializers.DateField(required=False, help_text="Last day (inclusive).")
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    source = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="A source's id."
    )
    entity_type = serializers.ChoiceField(choices=EntityType.choices, required=False)
    granularity = serializers.ChoiceField(
        choices=list(GRANULARITIES),
        required=False,
        help_text="Columns of entity-period (default week; coarser when too many).",
    )
    measure = serializers.ChoiceField(
        choices=list(MEASURES),
        required=False,
        help_text="Count texts (default) or mentions; story-language counts texts.",
    )
    top = serializers.ChoiceField(
        choices=list(TOP_CHOICES), required=False, help_text="How many rows (default 20)."
    )


def coverage_form(matrix: str, query) -> CoverageFilterForm:
    """The browser page's filter form, bound to the checked query; a 400 when invalid."""
    checked = CoverageFilterSerializer(data=query)
    checked.is_valid(raise_exception=True)
    form = CoverageFilterForm({"matrix": matrix, **{k: query[k] for k in checked.validated_data}})
    if not form.is_valid():
        raise ValidationError(
            {
                ("non_field_errors" if name == "__all__" else name): [str(e) for e in errors]
                for name, errors in form.errors.items()
            }
        )
    return form


class CoverageColumnSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="A language code, a source id («none», «other»), a bucket's first day."
    )
    label = serializers.CharField()
    title = serializers.CharField(allow_blank=True, help_text="A longer description.")
    url = serializers.CharField(
        allow_blank=True, help_text="The desk's article list for this column, or empty."
    )


class CoverageCellSerializer(serializers.Serializer):
    column = serializers.CharField(help_text="The key of the cell's column.")
    count = serializers.IntegerField()
    pending = serializers.IntegerField(
        help_text="story-language: translations into the language still in progress."
    )
    url = serializers.CharField(
        allow_blank=True, help_text="The matching articles (or the story) on the desk."
    )


class CoverageRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The entity's or the story's id.")
    label = serializers.CharField()
    type = serializers.ChoiceField(
        choices=EntityType.choices, allow_null=True, help_text="Entity rows: its type."
    )
    url = serializers.CharField(allow_blank=True)
    total = serializers.IntegerField()
    cells = CoverageCellSerializer(many=True)


class CoverageFiltersAppliedSerializer(serializers.Serializer):
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    language = serializers.ChoiceField(choices=Language.choices, allow_null=True)
    source = serializers.IntegerField(allow_null=True)
    entity_type = serializers.CharField(allow_null=True, help_text="PER, ORG or LOC.")
    top = serializers.IntegerField()


class CoverageMatrixSerializer(serializers.Serializer):
    """A matrix as the coverage page's JSON export has it, and ``kind`` (its key)."""

    kind = serializers.CharField(help_text=KIND_HELP)
    title = serializers.CharField()
    measure = serializers.ChoiceField(choices=list(MEASURES))
    granularity = serializers.ChoiceField(
        choices=list(GRANULARITIES),
        allow_null=True,
        help_text="entity-period: the buckets used (may be coarser than asked).",
    )
    filters = CoverageFiltersAppliedSerializer()
    notes = serializers.ListField(child=serializers.CharField())
    columns = CoverageColumnSerializer(many=True)
    rows = CoverageRowSerializer(many=True)
    column_totals = serializers.ListField(child=serializers.IntegerField())
    total = serializers.IntegerField()


class CoverageMatrixKindSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=KIND_HELP)
    label = serializers.CharField()
    rows = serializers.ChoiceField(choices=["entity", "story"])
    columns = serializers.ChoiceField(choices=["language", "source", "period"])
    url = serializers.URLField()


class CoverageKindsView(APIView):
    @extend_schema(
        summary="The coverage matrices",
        description="The matrices `/coverage/{matrix}/` offers. Editors, reviewers, admins.",
        tags=TAGS,
        responses={200: CoverageMatrixKindSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        _require_viewer(request)
        return Response(
            [
                {
                    "kind": key,
                    "label": str(kind.label),
                    "rows": kind.rows,
                    "columns": kind.columns,
                    "url": request.build_absolute_uri(
                        reverse("api:coverage-matrix", kwargs={"matrix": key})
                    ),
                }
                for key, kind in selectors.matrix_kinds().items()
            ]
        )


class CoverageMatrixView(APIView):
    @extend_schema(
        summary="A coverage matrix",
        description=(
            "Entities (or stories) × languages, sources or periods, with the coverage page's "
            "filters: the top rows by their total, each cell a count with a link to the "
            "matching articles on the desk. An unknown matrix is 404; a bad filter is 400 "
            "naming the field. Editors, reviewers and admins; translators get 403."
        ),
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "matrix",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=MATRIX_KEYS,
                description="Which table.",
            ),
            CoverageFilterSerializer,
        ],
        responses={200: CoverageMatrixSerializer},
        examples=[
            OpenApiExample(
                "Entities × languages",
                value={
                    "kind": "entity-language",
                    "title": "Entities × languages",
                    "measure": "texts",
                    "granularity": None,
                    "filters": {
                        "start": "2025-08-07",
                        "end": "2025-09-05",
                        "language": None,
                        "source": None,
                        "entity_type": None,
                        "top": 20,
                    },
                    "notes": [],
                    "columns": [
                        {"key": "kk", "label": "Kazakh", "title": "", "url": "https://…"},
                        {"key": "ru", "label": "Russian", "title": "", "url": "https://…"},
                        {"key": "en", "label": "English", "title": "", "url": "https://…"},
                    ],
                    "rows": [
                        {
                            "key": "3",
                            "label": "Kassym-Jomart Tokayev",
                            "type": "PER",
                            "url": "https://desk.example.kz/entities/3/",
                            "total": 12,
                            "cells": [
                                {"column": "kk", "count": 7, "pending": 0, "url": "https://…"},
                                {"column": "ru", "count": 5, "pending": 0, "url": "https://…"},
                                {"column": "en", "count": 0, "pending": 0, "url": ""},
                            ],
                        }
                    ],
                    "column_totals": [7, 5, 0],
                    "total": 12,
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, matrix: str) -> Response:
        _require_viewer(request)
        kind = selectors.matrix_kinds().get(matrix)
        if kind is None:
            raise NotFound(
                _("No coverage matrix «%(matrix)s»; there are %(kinds)s.")
                % {"matrix": matrix[:50], "kinds": ", ".join(MATRIX_KEYS)}
            )
        form = coverage_form(matrix, request.query_params)
        table = selectors.coverage_matrix(
            rows=kind.rows, columns=kind.columns, filters=form.filters()
        )
        data = matrix_json(table, request.build_absolute_uri)
        for row in data["rows"]:
            for column, cell in zip(data["columns"], row["cells"], strict=True):
                cell["column"] = column["key"]
        # The export names the matrix «matrix»; here it is the ``kind`` of the path.
        data.pop("matrix")
        return Response({"kind": table.key, **data})

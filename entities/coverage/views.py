"""Coverage matrices, charts, exports and the gap queue: the desk's (``can_view_coverage``)
pages, all GET. Each reads a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from articles.models import Language
from articles.roles import Role
from articles.translation_forms import users_with_role
from articles.translations.services import can_request_translation
from entities.coverage import gaps, selectors
from entities.coverage.export import export_filename, matrix_csv, matrix_json
from entities.coverage.forms import ChartFilterForm, CoverageFilterForm, GapFilterForm
from entities.coverage.services import surviving_entities
from entities.models import Entity
from entities.permissions import can_view_coverage
from entities.templatetags.entity_names import localized_name

EXPORT_FORMATS = ("csv", "json")


def _require_viewer(request: HttpRequest) -> None:
    if not can_view_coverage(request.user):
        raise PermissionDenied


def _matrix(form: CoverageFilterForm) -> selectors.Matrix:
    kind = selectors.matrix_kinds()[form.matrix_key]
    return selectors.coverage_matrix(rows=kind.rows, columns=kind.columns, filters=form.filters())


@login_required
@require_safe
def coverage(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    form = CoverageFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    matrix = _matrix(form)
    return render(
        request,
        "entities/coverage/coverage.html",
        {
            "form": form,
            "matrix": matrix,
            "matrix_kinds": selectors.matrix_kinds(),
            "export_formats": EXPORT_FORMATS,
        },
        status=200 if valid else 400,
    )


@login_required
@require_safe
def coverage_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_viewer(request)
    if fmt not in EXPORT_FORMATS:
        raise Http404("Coverage exports come as csv or json.")
    form = CoverageFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return HttpResponse(
            json.dumps({"errors": errors}, ensure_ascii=False),
            status=400,
            content_type="application/json; charset=utf-8",
        )
    matrix = _matrix(form)
    if fmt == "csv":
        response = HttpResponse(matrix_csv(matrix), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            json.dumps(
                matrix_json(matrix, request.build_absolute_uri), ensure_ascii=False, indent=1
            ),
            content_type="application/json; charset=utf-8",
        )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(matrix, fmt)}"'
    return response


@login_required
@require_safe
def coverage_charts(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    form = ChartFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    filters = form.filters()
    entity = form.value("entity")
    if entity is not None and entity.merged_into_id:
        survivor = surviving_entities([entity.pk])[entity.pk]
        entity = Entity.objects.get(pk=survivor)
    choices = selectors.top_entities(filters=filters, limit=20)
    form.set_entity_choices(choices, entity)
    if entity is not None:
        followed = selectors.language_timeline(
            filters=filters.but(entity_id=entity.pk),
            title=localized_name(entity),
        )
    else:
        followed = selectors.top_entities_timeline(filters=filters, entities=choices)
    # The texts of every entity, counted once each, feed both the timeline by language and
    # (unless one entity is followed) the source bars: one pass over the period's rows.
    across = filters.but(entity_id=None)
    counts = selectors.text_counts(filters=across)
    if entity is not None:
        bars = selectors.source_bars(filters=filters.but(entity_id=entity.pk))
    else:
        bars = selectors.source_bars(filters=across, counts=counts)
    languages = selectors.language_timeline(filters=across, counts=counts)
    return render(
        request,
        "entities/coverage/charts.html",
        {
            "form": form,
            "entity": entity,
            "filters": filters,
            "followed": followed,
            "languages": languages,
            "bars": bars,
        },
        status=200 if valid else 400,
    )


@login_required
@require_safe
def gap_queue(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    form = GapFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    filters = form.filters()
    language = form.language_code
    story_gaps = gaps.story_gaps(language=language, filters=filters, user=request.user)
    one_language = gaps.entities_in_one_language(filters=filters)
    may_request = can_request_translation(request.user)
    translators = (
        list(users_with_role(Role.TRANSLATOR)) if may_request and story_gaps.missing else []
    )
    return render(
        request,
        "entities/coverage/gaps.html",
        {
            "form": form,
            "filters": filters,
            "language": language,
            "language_label": Language(language).label,
            "gaps": story_gaps,
            "one_language": one_language,
            "may_request": may_request,
            "translators": translators,
            "here": request.get_full_path(),
            "queue_url": reverse("entities:gaps"),
        },
        status=200 if valid else 400,
    )

"""The conflicting-figures queue: both sides of each conflict side by side for fact-checking,
and the two decisions (explained, reopened), each a plain form POST that redirects back."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from articles.forms import form_errors_text
from articles.views.redirects import safe_next_url
from entities.conflicts import selectors, services
from entities.conflicts.forms import ConflictFilterForm, ExplainForm
from entities.conflicts.models import FigureConflict
from entities.permissions import can_explain_conflicts, can_view_coverage

PAGE_SIZE = 20


def _back(request: HttpRequest, conflict: FigureConflict | None = None) -> HttpResponseRedirect:
    """To the page the form was on (``next``, when it is on this site), else the queue."""
    target = safe_next_url(request) or reverse("entities:conflict_list")
    if conflict is not None and "#" not in target:
        target += f"#conflict-{conflict.pk}"
    return HttpResponseRedirect(target)


def _conflict_or_404(request: HttpRequest, pk: int) -> FigureConflict:
    if not can_explain_conflicts(request.user):
        raise PermissionDenied(_("Your role may not decide on conflicting figures."))
    return get_object_or_404(selectors.figure_conflicts_visible_to(request.user), pk=pk)


@login_required
@require_safe
def conflict_list(request: HttpRequest) -> HttpResponse:
    if not can_view_coverage(request.user):
        raise PermissionDenied(_("Your role may not see the fact-checking queue."))
    form = ConflictFilterForm(request.GET)
    filters = form.filters()
    conflicts = selectors.figure_conflict_list(user=request.user, **filters)
    page = Paginator(conflicts, PAGE_SIZE).get_page(request.GET.get("page"))
    options = selectors.figure_conflict_filter_options(
        story_id=filters["story_id"], entity_id=filters["entity_id"]
    )
    return render(
        request,
        "entities/conflicts/conflict_list.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "options": options,
            "statuses": FigureConflict.Status,
            "can_explain": can_explain_conflicts(request.user),
            "explain_form": ExplainForm(),
        },
    )


@login_required
@require_POST
def conflict_explain(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = _conflict_or_404(request, pk)
    form = ExplainForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return _back(request, conflict)
    try:
        services.figure_conflict_explain(
            conflict=conflict, explanation=form.cleaned_data["explanation"], user=request.user
        )
    except services.ConflictError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Marked as explained: %(a)s and %(b)s.")
            % {"a": conflict.text_a, "b": conflict.text_b},
        )
    return _back(request, conflict)


@login_required
@require_POST
def conflict_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = _conflict_or_404(request, pk)
    try:
        services.figure_conflict_reopen(conflict=conflict, user=request.user)
    except services.ConflictError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Reopened: %(a)s and %(b)s.") % {"a": conflict.text_a, "b": conflict.text_b},
        )
    return _back(request, conflict)

"""The search page: full-text and entity-aware search over the articles and translations the
user may open. Every role may search; what each finds is what ``articles_visible_to`` (and
``translations_visible_to``) lets them open."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from entities.permissions import can_view_coverage
from entities.search.forms import SearchForm
from entities.search.query import query_parse
from entities.search.selectors import ORDER_RELEVANCE, search_page


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@login_required
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    page = None
    if form.is_bound:
        form.is_valid()  # invalid filters are left out (and shown), the search still runs
        text = form.cleaned_data.get("q", "") if "q" not in form.errors else ""
        if text.strip():
            parsed = query_parse(text, entity_type=form.cleaned_data.get("entity_type") or "")
            page = search_page(
                user=request.user,
                parsed=parsed,
                filters=form.filters(),
                order=form.cleaned_data.get("order") or ORDER_RELEVANCE,
                number=_page_number(request),
            )
    return render(
        request,
        "entities/search/search.html",
        {
            "form": form,
            "page": page,
            # Entity pages are the desk's (translators get 403 there): link names only for them.
            "links_entities": can_view_coverage(request.user),
        },
    )

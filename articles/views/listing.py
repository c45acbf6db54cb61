"""The article list: filters, search, sort, pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from articles import selectors
from articles.filters import DEFAULT_SORT, PAGE_SIZES, SORT_FIELDS, ArticleFilter, sort_order


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return redirect("articles:dashboard")


def _sort_headers(current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the sort a click on its header asks for, and how the column
    is sorted now ("ascending", "descending" or "none", for ``aria-sort``)."""
    headers = {}
    for key in SORT_FIELDS:
        if current == key:
            headers[key] = {"next": f"-{key}", "state": "ascending"}
        elif current == f"-{key}":
            headers[key] = {"next": key, "state": "descending"}
        else:
            # Dates start with the newest, text and states from the top.
            first = f"-{key}" if key in {"published", "updated"} else key
            headers[key] = {"next": first, "state": "none"}
    return headers


@login_required
@require_safe
def article_list(request: HttpRequest) -> HttpResponse:
    # The list shows no body: leaving the long texts out keeps the rows a database sorts small.
    articles = (
        selectors.articles_visible_to(request.user)
        .defer("body", "import_warnings")
        .order_by(*sort_order(DEFAULT_SORT))
    )
    filterset = ArticleFilter(request.GET, queryset=articles, user=request.user)
    page = Paginator(filterset.qs, filterset.page_size).get_page(request.GET.get("page"))
    return render(
        request,
        "articles/article_list.html",
        {
            "filter": filterset,
            "now": timezone.now(),
            "page": page,
            "sort": filterset.sort_applied,
            "sort_headers": _sort_headers(filterset.sort_applied),
            "page_sizes": PAGE_SIZES,
        },
    )

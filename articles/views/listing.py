"""The article list: filters, search, sort, pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from articles import selectors
from articles.models import ArticleStatus, Language

PAGE_SIZE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("articles:dashboard")


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    language = request.GET.get("language", "")
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    articles = selectors.article_list(
        user=request.user,
        language=language if language in Language.values else "",
        status=status if status in ArticleStatus.values else "",
        q=q,
    )
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "articles/article_list.html",
        {
            "page": page,
            "languages": Language.choices,
            "statuses": ArticleStatus.choices,
            "filters": {"language": language, "status": status, "q": q},
        },
    )

"""Browser views. Thin: read through selectors, write through services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from articles import selectors, services
from articles.forms import ImportUploadForm
from articles.importing import ImportFile, import_file_from_upload
from articles.models import ArticleStatus, ImportBatch, Language
from entities.selectors import extraction_summary

PAGE_SIZE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("articles:list")


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


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(selectors.articles_visible_to(request.user), pk=pk)
    extraction = extraction_summary(owner=article, language=get_language()[:2])
    return render(
        request, "articles/article_detail.html", {"article": article, "extraction": extraction}
    )


def _uploaded_files(form: ImportUploadForm) -> list[ImportFile]:
    items: list[ImportFile] = []
    for upload in form.cleaned_data["files"]:
        items.extend(import_file_from_upload(upload.name, upload.size, upload.read))
    return items


@login_required
@permission_required("articles.import_articles", raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    is_post = request.method == "POST"
    form = ImportUploadForm(request.POST, request.FILES) if is_post else ImportUploadForm()
    results = None
    batch: ImportBatch | None = None
    if is_post and form.is_valid():
        batch, results = services.articles_import(
            files=_uploaded_files(form),
            channel=ImportBatch.Channel.UPLOAD,
            created_by=request.user,
        )
    recent = selectors.import_batches_recent(user=request.user)
    return render(
        request,
        "articles/import.html",
        {"form": form, "results": results, "batch": batch, "recent": recent},
        status=200,
    )

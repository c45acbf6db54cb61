"""The import page: upload .txt files or .zip archives; each file gets its own result."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from articles import selectors, services
from articles.forms import ImportUploadForm
from articles.importing import ImportFile, import_file_from_upload
from articles.models import ImportBatch


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

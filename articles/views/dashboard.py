"""The dashboard: what is waiting for me."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "articles/dashboard.html", {})


def notifications_read(request, *args, **kwargs):
    return HttpResponse(status=501)


def extraction_retry(request, *args, **kwargs):
    return HttpResponse(status=501)

"""Editing an article, the conflict page, presence (being written)."""

from django.http import HttpResponse


def article_edit(request, *args, **kwargs):
    return HttpResponse(status=501)


def presence(request, *args, **kwargs):
    return HttpResponse(status=501)

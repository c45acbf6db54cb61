"""Interface language (being written)."""

from django.http import HttpResponse


def language_set(request, *args, **kwargs):
    return HttpResponse(status=501)

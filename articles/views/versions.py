"""History, diff, revert (being written)."""

from django.http import HttpResponse


def history(request, *args, **kwargs):
    return HttpResponse(status=501)


def diff(request, *args, **kwargs):
    return HttpResponse(status=501)


def revert(request, *args, **kwargs):
    return HttpResponse(status=501)

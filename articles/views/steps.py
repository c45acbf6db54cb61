"""Workflow steps and assignment (being written)."""

from django.http import HttpResponse


def transition(request, *args, **kwargs):
    return HttpResponse(status=501)


def assign(request, *args, **kwargs):
    return HttpResponse(status=501)

"""Comments (being written)."""

from django.http import HttpResponse


def comment_add(request, *args, **kwargs):
    return HttpResponse(status=501)

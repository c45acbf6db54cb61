"""Coverage matrices, charts, exports and the gap queue (stub)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def coverage(request):
    return HttpResponse("coverage")


@login_required
def coverage_export(request, fmt):
    return HttpResponse("export")


@login_required
def coverage_charts(request):
    return HttpResponse("charts")


@login_required
def gap_queue(request):
    return HttpResponse("gaps")

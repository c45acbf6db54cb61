"""The conflicting-figures queue (stub)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def conflict_list(request):
    return HttpResponse("conflicts")


@login_required
def conflict_explain(request, pk):
    return HttpResponse("explain")


@login_required
def conflict_reopen(request, pk):
    return HttpResponse("reopen")

"""Entity pages and knowledge-base curation (stub)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def entity_list(request):
    return HttpResponse("entities")


@login_required
def entity_detail(request, pk):
    return HttpResponse("entity")


@login_required
def entity_edit(request, pk):
    return HttpResponse("edit")


@login_required
def entity_confirm(request, pk):
    return HttpResponse("confirm")


@login_required
def entity_merge(request, pk):
    return HttpResponse("merge")


@login_required
def entity_split(request, pk):
    return HttpResponse("split")


@login_required
def alias_add(request, pk):
    return HttpResponse("alias add")


@login_required
def alias_remove(request, pk, alias_pk):
    return HttpResponse("alias remove")


@login_required
def entity_review_queue(request):
    return HttpResponse("review")


@login_required
def curation_revert(request, pk):
    return HttpResponse("revert")

"""Full-text and entity-aware search (stub)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def search(request):
    return HttpResponse("search")

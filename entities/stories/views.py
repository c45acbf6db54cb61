"""Story pages and editors' story actions (stub)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def story_list(request):
    return HttpResponse("stories")


@login_required
def story_detail(request, pk):
    return HttpResponse("story")


@login_required
def story_confirm(request, pk):
    return HttpResponse("confirm")


@login_required
def story_rename(request, pk):
    return HttpResponse("rename")


@login_required
def story_split(request, pk):
    return HttpResponse("split")


@login_required
def story_merge(request, pk):
    return HttpResponse("merge")


@login_required
def story_article_move(request, article_pk):
    return HttpResponse("move")

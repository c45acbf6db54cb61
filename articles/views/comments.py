"""Comments on an article: one level of replies; htmx swaps the whole comments section."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from articles import collaboration, selectors
from articles.forms import CommentForm, form_errors_text
from articles.models import Article, Comment
from articles.workflow import can_comment

_ELEMENT_ID = re.compile(r"[A-Za-z][\w-]{0,80}")


def _refused(request: HttpRequest, article: Article, message: str) -> HttpResponse:
    """400 with the message, shown under the form that was sent (its id is htmx's trigger)."""
    if not request.htmx:
        return render(
            request,
            "articles/action_refused.html",
            {"article": article, "message": message},
            status=400,
        )
    response = HttpResponse(
        format_html('<span class="error" role="alert">{}</span>', message), status=400
    )
    trigger = request.htmx.trigger or ""
    target = f"#{trigger} .form-message" if _ELEMENT_ID.fullmatch(trigger) else "#comments-message"
    return reswap(retarget(response, target), "innerHTML")


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(selectors.articles_visible_to(request.user), pk=pk)
    if not can_comment(request.user):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if not form.is_valid():
        message = form_errors_text(form)
        return _refused(request, article, message)
    parent = None
    if form.cleaned_data["parent"]:
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"], article=article).first()
        if parent is None:
            return _refused(request, article, _("That comment is not on this article."))
    try:
        comment = collaboration.comment_add(
            article=article, author=request.user, body=form.cleaned_data["body"], parent=parent
        )
    except collaboration.CommentError as exc:
        return _refused(request, article, str(exc))
    if request.htmx:
        return render(
            request,
            "articles/_comments.html",
            {
                "article": article,
                "comments": selectors.article_comments(article=article),
                "can_comment": True,
                "new_comment_id": comment.pk,
            },
        )
    return redirect(reverse("articles:detail", args=[article.pk]) + f"#comment-{comment.pk}")

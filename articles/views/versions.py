"""An article's history: versions and mention decisions in one timeline, a word diff between
any two versions, and revert (itself a new version)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from articles import selectors
from articles.forms import VersionForm
from articles.history import article_history, article_revert, article_version_pair, versions_diff
from articles.models import Article
from articles.services import ArticleVersionConflict, DuplicateArticleError
from articles.views.steps import conflict_message, duplicate_message, refused
from articles.workflow import can_edit_article


@login_required
@require_GET
def history(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(selectors.articles_visible_to(request.user), pk=pk)
    entries = article_history(article_id=article.pk)
    versions = [entry for entry in entries if entry.is_version]
    return render(
        request,
        "articles/article_history.html",
        {
            "article": article,
            "entries": entries,
            "can_edit": can_edit_article(request.user, article),
            "default_a": versions[1].record.history_id if len(versions) > 1 else None,
            "default_b": versions[0].record.history_id if versions else None,
        },
    )


def _history_id(request: HttpRequest, name: str) -> int:
    try:
        return int(request.GET.get(name, ""))
    except ValueError:
        raise Http404(_("No such version.")) from None


@login_required
@require_GET
def diff(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(selectors.articles_visible_to(request.user), pk=pk)
    pair = article_version_pair(
        article_id=article.pk, a=_history_id(request, "a"), b=_history_id(request, "b")
    )
    if pair is None:
        raise Http404(_("No such version of this article."))
    older, newer = pair
    return render(
        request,
        "articles/article_diff.html",
        {
            "article": article,
            "older": older,
            "newer": newer,
            "diffs": versions_diff(older, newer),
            "can_edit": can_edit_article(request.user, article),
        },
    )


@login_required
@require_POST
def revert(request: HttpRequest, pk: int, history_id: int) -> HttpResponse:
    article = get_object_or_404(selectors.articles_visible_to(request.user), pk=pk)
    if not can_edit_article(request.user, article):
        return refused(request, article, _("You may not edit this article."), 403)
    record = get_object_or_404(Article.history.only("history_id", "version"), id=article.pk,
                               history_id=history_id)  # fmt: skip
    form = VersionForm(request.POST)
    if not form.is_valid():
        return refused(request, article, _("The page did not say which version it showed."), 400)
    try:
        saved = article_revert(
            article_id=article.pk,
            history_id=record.history_id,
            expected_version=form.cleaned_data["version"],
            user=request.user,
        )
    except ArticleVersionConflict:
        return refused(request, article, conflict_message(), 409)
    except DuplicateArticleError as exc:
        return refused(request, article, duplicate_message(exc.existing), 409)
    if saved.version == form.cleaned_data["version"]:
        messages.info(request, _("That version has the same text as the current one."))
    else:
        messages.success(
            request,
            _("Reverted to version %(old)s; saved as version %(new)s.")
            % {"old": record.version, "new": saved.version},
        )
    return redirect("articles:history", pk=article.pk)

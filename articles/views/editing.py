"""Editing an article: the form, the conflict page when someone saved first, and presence
(who else has the article open for editing)."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from articles import selectors
from articles.collaboration import presence_heartbeat, presence_leave, presence_others
from articles.forms import ArticleEditForm
from articles.history import text_diff_html
from articles.models import Article
from articles.services import (
    ArticleVersionConflict,
    DuplicateArticleError,
    article_update,
    articles_extraction_requeue,
)
from articles.text import normalize_body
from articles.views.steps import duplicate_message
from articles.workflow import can_edit_article


def _editable_article(request: HttpRequest, pk: int) -> Article:
    article = get_object_or_404(selectors.articles_visible_to(request.user), pk=pk)
    if not can_edit_article(request.user, article):
        raise PermissionDenied(_("You may not edit this article."))
    return article


def _display(form: ArticleEditForm, article: Article | None, name: str) -> str:
    """A field's value as text, from the saved article or from the submitted form, normalised
    the way the service stores it, so the comparison shows real differences only."""
    value = getattr(article, name) if article is not None else form.cleaned_data[name]
    if name == "language" and article is not None and not article.language_locked:
        value = ""  # detected, not chosen: the form calls that "detect automatically"
    if value is None:
        return ""
    if name == "title":
        return " ".join(value.split())
    if name == "body":
        return normalize_body(value)
    if name == "language":
        return str(dict(form.fields["language"].choices).get(value, value))
    if name == "published_at":
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    return str(value)


def _same_minute(shown: datetime | None, stored: datetime | None) -> bool:
    if shown is None or stored is None:
        return shown is stored
    return shown == stored.replace(second=0, microsecond=0)


def _conflict_rows(form: ArticleEditForm, current: Article) -> list[dict]:
    rows = []
    for name in ArticleEditForm.ARTICLE_FIELDS:
        theirs, saved = _display(form, None, name), _display(form, current, name)
        rows.append(
            {
                "name": name,
                "label": form.fields[name].label,
                "theirs": theirs,
                "current": saved,
                "changed": theirs != saved,
                "diff": text_diff_html(saved, theirs) if theirs != saved else "",
            }
        )
    return rows


def _conflict_response(
    request: HttpRequest, form: ArticleEditForm, conflict: ArticleVersionConflict
) -> HttpResponse:
    """409: their text beside the saved one, and a merge form holding exactly what they typed
    with the current version number, so saving it is a deliberate merge."""
    current = Article.objects.select_related("updated_by", "source").get(pk=conflict.current.pk)
    merge_data = request.POST.copy()
    merge_data["version"] = str(current.version)
    merge_form = ArticleEditForm(merge_data)
    rows = _conflict_rows(form, current)
    return render(
        request,
        "articles/article_conflict.html",
        {
            "article": current,
            "form": merge_form,
            "changed_rows": [row for row in rows if row["changed"]],
            "same_labels": [str(row["label"]) for row in rows if not row["changed"]],
            "their_version": conflict.expected_version,
            "others": presence_others(article_id=current.pk, user=request.user),
        },
        status=409,
    )


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = _editable_article(request, pk)
    duplicate = None
    if request.method == "GET":
        form = ArticleEditForm(initial=ArticleEditForm.initial_for(article))
        others = presence_heartbeat(article_id=article.pk, user=request.user)
        return render(
            request,
            "articles/article_edit.html",
            {"article": article, "form": form, "others": others},
        )
    form = ArticleEditForm(request.POST)
    if form.is_valid():
        before = (article.title, article.body)
        changes = form.changes()
        if not changes["language"] and not article.language_locked:
            del changes["language"]  # still "detect automatically": keep what was detected
        if _same_minute(changes["published_at"], article.published_at):
            del changes["published_at"]  # the input shows minutes; keep the seconds stored
        try:
            saved = article_update(
                article_id=article.pk,
                expected_version=form.cleaned_data["version"],
                updated_by=request.user,
                change_reason="edit",
                **changes,
            )
        except ArticleVersionConflict as conflict:
            return _conflict_response(request, form, conflict)
        except DuplicateArticleError as exc:
            duplicate = exc.existing
            form.add_error("body", duplicate_message(duplicate))
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            presence_leave(article_id=article.pk, user=request.user)
            text_changed = (saved.title, saved.body) != before
            if article.language_locked and not saved.language_locked and not text_changed:
                # Back to "detect automatically": detection runs with the extraction.
                articles_extraction_requeue(article_ids=[saved.pk])
                text_changed = True
            if saved.version == form.cleaned_data["version"]:
                messages.info(request, _("Nothing changed; nothing was saved."))
            elif text_changed:
                messages.success(request, _("Saved; extraction runs again."))
            else:
                messages.success(request, _("Saved."))
            return redirect("articles:detail", pk=saved.pk)
    return render(
        request,
        "articles/article_edit.html",
        {
            "article": article,
            "form": form,
            "duplicate": duplicate,
            "others": presence_others(article_id=article.pk, user=request.user),
        },
        status=400,
    )


@login_required
@require_POST
def presence(request: HttpRequest, pk: int) -> HttpResponse:
    """Heartbeat from the edit page (returns "Also editing: …"), or ``leave=1`` on leaving."""
    article = _editable_article(request, pk)
    if request.POST.get("leave"):
        presence_leave(article_id=article.pk, user=request.user)
        return HttpResponse(status=204)
    others = presence_heartbeat(article_id=article.pk, user=request.user)
    if not others:
        return HttpResponse("")
    names = ", ".join(user.get_username() for user in others)
    return HttpResponse(
        format_html('<span class="presence-others">{} {}</span>', _("Also editing:"), names)
    )

"""Workflow steps and assignment: buttons in the article header. The service
(``articles.workflow``) enforces the roles; these views translate its refusals into statuses."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from articles import selectors
from articles.collaboration import CommentError
from articles.forms import AssignForm, TransitionForm, form_errors_text
from articles.models import Article
from articles.services import ArticleVersionConflict
from articles.workflow import (
    STEPS,
    CommentRequired,
    StepNotAllowed,
    WorkflowError,
    article_assign,
    article_transition,
    can_assign,
)


def conflict_message() -> str:
    return _("The article changed since you opened it; reload the page and try again.")


def duplicate_message(existing: Article) -> str:
    return _("The same text is already article #%(pk)s «%(title)s».") % {
        "pk": existing.pk,
        "title": existing.title,
    }


def refused(request: HttpRequest, article: Article, message: str, status: int) -> HttpResponse:
    """A refused action: a message fragment for htmx (shown where the form asked), else a
    small page with the message and the way back."""
    if request.htmx:
        return HttpResponse(
            format_html('<p class="form-message error" role="alert">{}</p>', message),
            status=status,
        )
    return render(
        request,
        "articles/action_refused.html",
        {"article": article, "message": message},
        status=status,
    )


def done(request: HttpRequest, article: Article, message: str) -> HttpResponse:
    """A successful header action: htmx reloads the page (status, buttons and version all
    change); a plain form post is redirected back to the article."""
    messages.success(request, message)
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect("articles:detail", pk=article.pk)


def _form_error(form) -> str:
    if "version" in form.errors:
        return _("The page did not say which version of the article it showed; reload it.")
    return form_errors_text(form)


@login_required
@require_POST
def transition(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    article = get_object_or_404(selectors.articles_visible_to(request.user), pk=pk)
    if step not in STEPS:
        raise Http404(_("There is no workflow step «%(step)s».") % {"step": step})
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return refused(request, article, _form_error(form), 400)
    try:
        saved = article_transition(
            article_id=article.pk,
            step_name=step,
            user=request.user,
            expected_version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
        )
    except StepNotAllowed as exc:
        return refused(request, article, str(exc), 403)
    except ArticleVersionConflict:
        return refused(request, article, conflict_message(), 409)
    except (CommentRequired, CommentError) as exc:
        if request.htmx:
            return refused(request, article, str(exc), 400)
        messages.error(request, str(exc))
        return redirect("articles:detail", pk=article.pk)
    except WorkflowError as exc:
        return refused(request, article, str(exc), 400)
    return done(
        request,
        saved,
        _("%(step)s: the article is now %(status)s.")
        % {"step": STEPS[step].label, "status": saved.get_status_display().lower()},
    )


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(selectors.articles_visible_to(request.user), pk=pk)
    if not can_assign(request.user):
        return refused(request, article, _("Only editors assign articles."), 403)
    form = AssignForm(request.POST)
    if not form.is_valid():
        return refused(request, article, _form_error(form), 400)
    assignee = form.cleaned_data["assignee"]
    try:
        saved = article_assign(
            article_id=article.pk,
            expected_version=form.cleaned_data["version"],
            assignee=assignee,
            due_at=form.cleaned_data["due_at"],
            user=request.user,
        )
    except StepNotAllowed as exc:
        return refused(request, article, str(exc), 403)
    except ArticleVersionConflict:
        return refused(request, article, conflict_message(), 409)
    except WorkflowError as exc:
        return refused(request, article, str(exc), 400)
    if assignee is None:
        return done(request, saved, _("The article is assigned to nobody."))
    return done(request, saved, _("Assigned to %(user)s.") % {"user": assignee.get_username()})

"""The dashboard: what is waiting for me. Also marking notifications read and retrying a
failed extraction, the two things the dashboard's buttons do."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from articles import selectors, services
from articles.collaboration import notifications_mark_read
from articles.models import ArticleStatus
from articles.roles import Role, has_role, sees_all_articles
from articles.views.redirects import safe_next_url

IMPORT_BATCHES_SHOWN = 5


def _redirect_back(request: HttpRequest, default: str = "articles:dashboard") -> HttpResponse:
    """To the page the form was on, if it is on this site; else to ``default``."""
    return redirect(safe_next_url(request) or default)


def can_retry_extraction(user) -> bool:
    return has_role(user, Role.EDITOR)


def _queue_lists(queue: selectors.ReviewQueue) -> list[dict]:
    """The review-queue lists the user's role has, each with its heading and empty text."""
    list_url = reverse("articles:list")
    lists = []
    if queue.shows_review:
        lists.append(
            {
                "id": "queue-in-review",
                "title": _("In review"),
                "rows": queue.in_review,
                "empty": _("Nothing is waiting for review."),
                "url": f"{list_url}?status={ArticleStatus.IN_REVIEW}&sort=due",
            }
        )
    if queue.shows_editing:
        lists.append(
            {
                "id": "queue-approved",
                "title": _("Approved, ready to publish"),
                "rows": queue.approved,
                "empty": _("Nothing is waiting to be published."),
                "url": f"{list_url}?status={ArticleStatus.APPROVED}&sort=due",
            }
        )
        lists.append(
            {
                "id": "queue-returned",
                "title": _("Returned to draft"),
                "rows": queue.returned,
                "empty": _("No drafts were returned to you."),
                "url": "",
            }
        )
    return lists


def _translation_lists(user) -> list[dict]:
    """The translation work of this person: theirs to translate, to review, the outdated ones
    (the desk's for editors) and, for editors, the desk's open requests. Lists a role never
    fills are left out; lists that may fill are shown empty, with what empty means."""
    from articles.translations import selectors as translation_selectors

    list_url = reverse("articles:translation_list")
    is_editor = user.is_superuser or has_role(user, Role.EDITOR)
    is_reviewer = user.is_superuser or has_role(user, Role.REVIEWER)
    lists = []
    if not sees_all_articles(user) or user.is_superuser or has_role(user, Role.TRANSLATOR):
        lists.append(
            {
                "id": "translations-mine",
                "title": _("Mine to translate"),
                "rows": selectors.dashboard_translations(user=user),
                "empty": _("No translations are waiting for you."),
                "url": f"{list_url}?mine=1",
            }
        )
    if is_reviewer:
        lists.append(
            {
                "id": "translations-review",
                "title": _("Translations to review"),
                "rows": translation_selectors.dashboard_translations_to_review(user=user),
                "empty": _("No translation is waiting for review."),
                "url": f"{list_url}?status=submitted",
            }
        )
    lists.append(
        {
            "id": "translations-outdated",
            "title": _("Outdated: the source changed"),
            "rows": translation_selectors.dashboard_translations_outdated(user=user),
            "empty": _("No translation is behind its source."),
            "url": f"{list_url}?status=outdated",
        }
    )
    if is_editor:
        lists.append(
            {
                "id": "translations-open",
                "title": _("Open translation requests"),
                "rows": translation_selectors.dashboard_translations_requested_by_desk(user=user),
                "empty": _("The desk has no open translation requests."),
                "url": list_url,
            }
        )
    return lists


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    works_on_articles = sees_all_articles(user)
    can_import = user.has_perm("articles.import_articles")
    notifications = selectors.notifications_unread(user=user)
    unread_count = selectors.notifications_unread_count(user=user)
    # base.html's badge reads this instead of counting again.
    request.kzeditor_unread_count = unread_count
    counts = selectors.article_status_counts(user=user)
    queue = selectors.dashboard_review_queue(user=user)
    context = {
        "now": timezone.now(),
        "assigned": (selectors.dashboard_assigned_articles(user=user) if works_on_articles else []),
        "translation_lists": _translation_lists(user),
        "queue": queue,
        "queue_lists": _queue_lists(queue),
        "extraction": selectors.dashboard_extraction_unfinished(user=user),
        "can_retry": can_retry_extraction(user),
        "can_import": can_import,
        "batches": (
            list(selectors.import_batches_recent(user=user, limit=IMPORT_BATCHES_SHOWN))
            if can_import
            else []
        ),
        "status_counts": [
            (status, label, counts[status]) for status, label in ArticleStatus.choices
        ],
        "total_count": sum(counts.values()),
        "notifications": notifications,
        "unread_count": unread_count,
        "works_on_articles": works_on_articles,
    }
    return render(request, "articles/dashboard.html", context)


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark the posted notification ids read, or all of the user's when none is posted.
    Other users' notifications are never touched (the service filters by recipient)."""
    raw_ids = request.POST.getlist("id")
    try:
        ids = [int(value) for value in raw_ids]
        if any(not 0 < n < 2**63 for n in ids):  # beyond any database's integer key
            raise ValueError
    except ValueError:
        return HttpResponseBadRequest(
            _("Notification ids must be whole numbers."), content_type="text/plain; charset=utf-8"
        )
    marked = notifications_mark_read(user=request.user, ids=ids or None)
    if not request.htmx:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked read.",
                "%(count)d notifications marked read.",
                marked,
            )
            % {"count": marked},
        )
    return _redirect_back(request)


@login_required
@require_POST
def extraction_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue an article's extraction again (editors and admins)."""
    article = get_object_or_404(selectors.articles_visible_to(request.user), pk=pk)
    if not can_retry_extraction(request.user):
        raise PermissionDenied(_("Only editors can retry an extraction."))
    services.articles_extraction_requeue(article_ids=[article.pk])
    messages.success(
        request, _("Extraction of «%(title)s» queued again.") % {"title": article.title}
    )
    return _redirect_back(request)

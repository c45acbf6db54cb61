"""Reads. Each selector returns a queryset with its relations already joined, so no caller can
create an N+1 by accident, and applies the object-level visibility rules of the roles."""

from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass
from functools import reduce

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from articles.models import (
    Article,
    ArticleStatus,
    Comment,
    ExtractionState,
    ImportBatch,
    Notification,
    Translation,
    TranslationStatus,
)
from articles.roles import Role, has_role, sees_all_articles


def articles_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Article]:
    """Editors, reviewers and admins see every article; translators see those they translate
    or review a translation of; anyone else sees nothing."""
    articles = Article.objects.select_related("source", "assignee")
    if sees_all_articles(user):
        return articles
    if not user.is_authenticated:
        return articles.none()
    assigned = Article.objects.filter(translations__translator=user).values("pk")
    return articles.filter(pk__in=assigned)


def article_list(
    *, user: AbstractBaseUser | AnonymousUser, language: str = "", status: str = "", q: str = ""
) -> QuerySet[Article]:
    articles = articles_visible_to(user)
    if language:
        articles = articles.filter(language=language)
    if status:
        articles = articles.filter(status=status)
    if q:
        articles = article_search(articles, q)
    # Undated articles last on every database (PostgreSQL would put NULLs first).
    return articles.order_by(F("published_at").desc(nulls_last=True), "-id")


@functools.cache
def _ilike_folds_unicode() -> bool:
    """Whether this server's ILIKE folds Cyrillic case (a UTF-8 ctype does): then one pattern
    is enough instead of four case variants, each a scan of every body."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'ҚАЗАҚСТАН' ILIKE %s", ["қазақстан"])
        return bool(cursor.fetchone()[0])


def article_search(articles: QuerySet[Article], q: str) -> QuerySet[Article]:
    """Articles whose title or body contains ``q``, ignoring case in every script.

    SQLite's LIKE folds ASCII only («қазақ» would not find «Қазақ»), so there the match is a
    case-insensitive regular expression, which Django runs through Python's Unicode-aware
    ``re``. Other databases fold case with ILIKE; the lower/upper/capitalised variants cover a
    server whose collation folds ASCII only."""
    q = q.strip()
    if not q:
        return articles
    if connection.vendor == "sqlite":
        pattern = re.escape(q)
        return articles.filter(Q(title__iregex=pattern) | Q(body__iregex=pattern))
    variants = dict.fromkeys(
        [q] if _ilike_folds_unicode() else [q, q.lower(), q.upper(), q.capitalize()]
    )
    matches = reduce(
        operator.or_,
        (Q(title__icontains=v) | Q(body__icontains=v) for v in variants),
    )
    return articles.filter(matches)


def import_batches_recent(*, user: AbstractBaseUser, limit: int = 20) -> QuerySet[ImportBatch]:
    """The desk's recent imports for those who see the whole desk (editors, reviewers,
    admins: command-line and API imports included); a translator's own uploads otherwise."""
    batches = ImportBatch.objects.select_related("created_by")
    if not sees_all_articles(user):
        batches = batches.filter(created_by=user)
    return batches[:limit]


def article_comments(*, article: Article) -> list[Comment]:
    """Top-level comments, oldest first, each with ``thread`` (its replies): two queries."""
    comments = list(
        Comment.objects.filter(article=article)
        .select_related("author")
        .order_by("created_at", "id")
    )
    top: list[Comment] = []
    by_id = {c.pk: c for c in comments}
    for comment in comments:
        comment.thread = []
    for comment in comments:
        if comment.parent_id and comment.parent_id in by_id:
            by_id[comment.parent_id].thread.append(comment)
        else:
            top.append(comment)
    return top


def assignable_users() -> QuerySet:
    """Active editors and reviewers (and admins), by username: who an article can go to."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from articles.roles import Role

    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=[Role.EDITOR, Role.REVIEWER]))
        .distinct()
        .order_by("username")
    )


# -- the dashboard ---------------------------------------------------------------------------

DASHBOARD_ROWS = 15
OPEN_ARTICLE_STATUSES = [ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.APPROVED]
EXTRACTION_UNFINISHED = [
    ExtractionState.PENDING,
    ExtractionState.RUNNING,
    ExtractionState.FAILED,
]


def _due_first():
    """Soonest due first, undated last (on every database), then newest."""
    return (F("due_at").asc(nulls_last=True), "-id")


def dashboard_assigned_articles(
    *, user: AbstractBaseUser, limit: int = DASHBOARD_ROWS
) -> list[Article]:
    """Articles assigned to the user that are still being worked on, soonest due first."""
    return list(
        articles_visible_to(user)
        .filter(assignee=user, status__in=OPEN_ARTICLE_STATUSES)
        .order_by(*_due_first())[:limit]
    )


def dashboard_translations(
    *, user: AbstractBaseUser, limit: int = DASHBOARD_ROWS
) -> list[Translation]:
    """The user's translations that are not published yet, soonest due first."""
    return list(
        Translation.objects.filter(translator=user)
        .exclude(status=TranslationStatus.PUBLISHED)
        .select_related("article", "article__source")
        .order_by(*_due_first())[:limit]
    )


def _workflow_step_reason() -> Q:
    """History rows written by a workflow step: the reason is the step's name, or the step's
    name, a colon and the comment (``articles.workflow.article_transition``)."""
    from articles.workflow import STEPS

    return reduce(
        operator.or_,
        (
            Q(history_change_reason=name) | Q(history_change_reason__startswith=f"{name}:")
            for name in STEPS
        ),
    )


def articles_returned(articles: QuerySet[Article]) -> QuerySet[Article]:
    """Drafts whose last workflow step was a reviewer's return (editing since does not count)."""
    last_step = (
        Article.history.model.objects.filter(id=OuterRef("pk"))
        .filter(_workflow_step_reason())
        .order_by("-history_date", "-history_id")
        .values("history_change_reason")[:1]
    )
    return articles.annotate(last_step=Subquery(last_step)).filter(
        status=ArticleStatus.DRAFT, last_step__startswith="return:"
    )


@dataclass(frozen=True)
class ReviewQueue:
    """What waits for the user's role: reviewers approve what is in review; editors publish
    what was approved and rework the drafts returned to them (or to nobody)."""

    in_review: list[Article]
    approved: list[Article]
    returned: list[Article]
    shows_review: bool
    shows_editing: bool

    @property
    def is_shown(self) -> bool:
        return self.shows_review or self.shows_editing


def dashboard_review_queue(*, user: AbstractBaseUser, limit: int = DASHBOARD_ROWS) -> ReviewQueue:
    """One query whatever the role (admins get both queues); up to ``limit`` rows per list."""
    shows_review = has_role(user, Role.REVIEWER)
    shows_editing = has_role(user, Role.EDITOR)
    if not (shows_review or shows_editing):
        return ReviewQueue([], [], [], shows_review=False, shows_editing=False)
    articles = articles_visible_to(user)
    wanted: list[Q] = []
    if shows_review:
        wanted.append(Q(status=ArticleStatus.IN_REVIEW))
    if shows_editing:
        wanted.append(Q(status=ArticleStatus.APPROVED))
        returned = articles_returned(Article.objects.all()).filter(
            Q(assignee=user) | Q(assignee__isnull=True)
        )
        wanted.append(Q(pk__in=returned.values("pk")))
    # Each list is cut to ``limit`` rows by the database (a row number per status), so one
    # query serves all of them however many articles wait.
    rows = (
        articles.filter(reduce(operator.or_, wanted))
        .annotate(
            row_in_status=Window(
                RowNumber(),
                partition_by=[F("status")],
                order_by=[F("due_at").asc(nulls_last=True), F("id").desc()],
            )
        )
        .filter(row_in_status__lte=limit)
        .order_by(*_due_first())
    )
    by_status: dict[str, list[Article]] = {}
    for article in rows:
        by_status.setdefault(article.status, []).append(article)
    return ReviewQueue(
        in_review=by_status.get(ArticleStatus.IN_REVIEW, [])[:limit],
        approved=by_status.get(ArticleStatus.APPROVED, [])[:limit],
        returned=by_status.get(ArticleStatus.DRAFT, [])[:limit],
        shows_review=shows_review,
        shows_editing=shows_editing,
    )


def dashboard_extraction_unfinished(
    *, user: AbstractBaseUser, limit: int = DASHBOARD_ROWS
) -> list[Article]:
    """Visible articles whose extraction is waiting, running or failed; failures first."""
    return list(
        articles_visible_to(user)
        .filter(extraction_state__in=EXTRACTION_UNFINISHED)
        .annotate(
            failed_first=Case(
                When(extraction_state=ExtractionState.FAILED, then=0),
                default=1,
                output_field=IntegerField(),
            )
        )
        .order_by("failed_first", "-updated_at", "-id")[:limit]
    )


def article_status_counts(*, user: AbstractBaseUser) -> dict[str, int]:
    """How many visible articles are in each status (every status present, zeros included):
    one grouped query."""
    counted = (
        articles_visible_to(user)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status: 0 for status in ArticleStatus.values} | dict(counted)


def notifications_unread(*, user: AbstractBaseUser, limit: int = DASHBOARD_ROWS) -> list:
    """The user's unread notifications, newest first, with actor, article and comment."""
    return list(
        _notifications_unread(user)
        .select_related("actor", "article", "comment")
        .order_by("-created_at", "-id")[:limit]
    )


def notifications_unread_count(*, user: AbstractBaseUser | AnonymousUser) -> int:
    if not user.is_authenticated:
        return 0
    return _notifications_unread(user).count()


def _notifications_unread(user: AbstractBaseUser) -> QuerySet[Notification]:
    """Unread and about an article the user may still open (a translator whose translation
    was taken away is not sent to a page that would say 404)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if not sees_all_articles(user):
        unread = unread.filter(article__in=articles_visible_to(user).values("pk"))
    return unread

"""The desk's workflow: who may do what to an article, enforced here (not only by hidden
buttons). Views, the API and tests call these functions; each step is one transaction.

    draft → in review → approved → published
    in review / approved → draft (returned by a reviewer, with a required comment)
    published → draft (unpublished by an editor, with a required comment)
    any → archived → draft (editors)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from articles.models import Article, ArticleStatus, Notification
from articles.roles import Role, acts_as, sees_all_articles


class WorkflowError(Exception):
    """A workflow step that cannot be done; the message says why, for the user."""


class StepNotAllowed(WorkflowError, PermissionDenied):
    pass


class CommentRequired(WorkflowError):
    pass


@dataclass(frozen=True)
class WorkflowStep:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    roles: frozenset[Role]
    comment_required: bool = False


S = ArticleStatus
STEPS: dict[str, WorkflowStep] = {
    step.name: step
    for step in (
        WorkflowStep("submit", _("Submit for review"), frozenset({S.DRAFT}), S.IN_REVIEW,
                     frozenset({Role.EDITOR})),
        WorkflowStep("approve", _("Approve"), frozenset({S.IN_REVIEW}), S.APPROVED,
                     frozenset({Role.REVIEWER})),
        WorkflowStep("return", _("Return to draft"), frozenset({S.IN_REVIEW, S.APPROVED}),
                     S.DRAFT, frozenset({Role.REVIEWER}), comment_required=True),
        WorkflowStep("publish", _("Publish"), frozenset({S.APPROVED}), S.PUBLISHED,
                     frozenset({Role.EDITOR})),
        WorkflowStep("unpublish", _("Unpublish"), frozenset({S.PUBLISHED}), S.DRAFT,
                     frozenset({Role.EDITOR}), comment_required=True),
        WorkflowStep("archive", _("Archive"),
                     frozenset({S.DRAFT, S.IN_REVIEW, S.APPROVED, S.PUBLISHED}), S.ARCHIVED,
                     frozenset({Role.EDITOR})),
        WorkflowStep("restore", _("Restore to draft"), frozenset({S.ARCHIVED}), S.DRAFT,
                     frozenset({Role.EDITOR})),
    )
}  # fmt: skip


# -- who may do what ---------------------------------------------------------------------------


def can_edit_article(user: AbstractBaseUser | AnonymousUser, article: Article) -> bool:
    """Editors and reviewers edit text and metadata; archived articles are read-only;
    translators never edit the source article."""
    return acts_as(user, frozenset({Role.EDITOR, Role.REVIEWER})) and (
        article.status != ArticleStatus.ARCHIVED
    )


def can_review_spans(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Confirm, reject, retype, relink and add mentions."""
    return acts_as(user, frozenset({Role.EDITOR, Role.REVIEWER}))


def can_create_entities(user: AbstractBaseUser | AnonymousUser) -> bool:
    return acts_as(user, frozenset({Role.EDITOR}))


def can_assign(user: AbstractBaseUser | AnonymousUser) -> bool:
    return acts_as(user, frozenset({Role.EDITOR}))


def can_comment(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Everyone who may see an article may comment on it (visibility is the selector's job)."""
    return user.is_authenticated


def steps_available(user: AbstractBaseUser | AnonymousUser, article: Article) -> list[WorkflowStep]:
    """The steps this user may take on this article now, for its buttons."""
    return [
        step
        for step in STEPS.values()
        if article.status in step.sources and acts_as(user, step.roles)
    ]


def step_check(
    user: AbstractBaseUser | AnonymousUser, article: Article, step_name: str
) -> WorkflowStep:
    """The step, if this user may take it on this article now; else ``StepNotAllowed``."""
    step = STEPS.get(step_name)
    if step is None:
        raise StepNotAllowed(_("Unknown workflow step «%(step)s».") % {"step": step_name})
    if not acts_as(user, step.roles):
        raise StepNotAllowed(_("Your role cannot do «%(step)s».") % {"step": step.label})
    if article.status not in step.sources:
        raise StepNotAllowed(
            _("«%(step)s» is not possible while the article is «%(status)s».")
            % {"step": step.label, "status": article.get_status_display()}
        )
    return step


# -- steps ---------------------------------------------------------------------------------------


def article_transition(
    *,
    article_id: int,
    step_name: str,
    user: AbstractBaseUser,
    expected_version: int,
    comment: str = "",
) -> Article:
    """Move an article one workflow step, if the user's role allows it from its current state.

    The step is a version in the article's history; its comment (required to return or
    unpublish) is also posted on the article, and the assignee is told."""
    from articles.collaboration import comment_add, notify
    from articles.services import ArticleVersionConflict, article_update

    comment = comment.strip()
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        known = STEPS.get(step_name)
        # A stale page is reported as such ("reload"), not as a step the new state forbids;
        # the role is checked first so a conflict never tells someone about steps not theirs.
        if known is not None and acts_as(user, known.roles) and article.version != expected_version:
            raise ArticleVersionConflict(article, expected_version)
        step = step_check(user, article, step_name)
        if step.comment_required and not comment:
            raise CommentRequired(_("Say why: «%(step)s» needs a comment.") % {"step": step.label})
        saved = article_update(
            article_id=article_id,
            expected_version=expected_version,
            updated_by=user,
            change_reason=f"{step.name}: {comment}" if comment else step.name,
            status=step.target,
        )
        if comment:
            comment_add(article=saved, author=user, body=comment, transition=step.name)
        if saved.assignee_id and saved.assignee_id != user.pk:
            notify(
                recipient_ids=[saved.assignee_id],
                actor=user,
                article=saved,
                kind=Notification.Kind.TRANSITION,
                step=step.name,
                message=comment,
            )
    return saved


def article_assign(
    *,
    article_id: int,
    expected_version: int,
    assignee: AbstractBaseUser | None,
    due_at: datetime | None,
    user: AbstractBaseUser,
) -> Article:
    """Give an article to a person (or to nobody), with a due date. Editors only. The new
    assignee is told on their dashboard."""
    from articles.collaboration import notify
    from articles.services import article_update

    if not can_assign(user):
        raise StepNotAllowed(_("Only editors assign articles."))
    if assignee is not None and not sees_all_articles(assignee):
        raise WorkflowError(
            _("%(user)s cannot work on articles (not an editor or reviewer).")
            % {"user": assignee.get_username()}
        )
    with transaction.atomic():
        before = Article.objects.only("assignee_id").get(pk=article_id)
        saved = article_update(
            article_id=article_id,
            expected_version=expected_version,
            updated_by=user,
            change_reason="assign",
            assignee=assignee,
            due_at=due_at,
        )
        if assignee is not None and assignee.pk != before.assignee_id and assignee.pk != user.pk:
            notify(
                recipient_ids=[assignee.pk],
                actor=user,
                article=saved,
                kind=Notification.Kind.ASSIGNED,
            )
    return saved

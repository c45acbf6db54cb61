"""The workflow service: a full role × step × state matrix, required comments, optimistic
locking, assignment and the notifications both send."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, ArticleStatus, Comment, Notification
from articles.roles import Role
from articles.services import ArticleVersionConflict
from articles.tests.factories import ArticleFactory
from articles.workflow import (
    STEPS,
    CommentRequired,
    StepNotAllowed,
    WorkflowError,
    article_assign,
    article_transition,
    steps_available,
)

pytestmark = pytest.mark.django_db

S = ArticleStatus
EDITOR_STEPS = {
    ("submit", S.DRAFT),
    ("publish", S.APPROVED),
    ("unpublish", S.PUBLISHED),
    ("archive", S.DRAFT),
    ("archive", S.IN_REVIEW),
    ("archive", S.APPROVED),
    ("archive", S.PUBLISHED),
    ("restore", S.ARCHIVED),
}
REVIEWER_STEPS = {("approve", S.IN_REVIEW), ("return", S.IN_REVIEW), ("return", S.APPROVED)}
# Written out by hand (not derived from STEPS), so a change to the rules fails here.
ALLOWED = {
    "editor": EDITOR_STEPS,
    "reviewer": REVIEWER_STEPS,
    "translator": set(),
    "admin": EDITOR_STEPS | REVIEWER_STEPS,
}
TARGETS = {
    "submit": S.IN_REVIEW,
    "approve": S.APPROVED,
    "return": S.DRAFT,
    "publish": S.PUBLISHED,
    "unpublish": S.DRAFT,
    "archive": S.ARCHIVED,
    "restore": S.DRAFT,
}


@pytest.fixture
def users(editor, reviewer, translator, admin_user_):
    return {"editor": editor, "reviewer": reviewer, "translator": translator, "admin": admin_user_}


def test_the_matrix_covers_every_step():
    assert set(TARGETS) == set(STEPS)
    assert {name: step.target for name, step in STEPS.items()} == TARGETS


@pytest.mark.parametrize("state", S.values)
@pytest.mark.parametrize("step_name", list(TARGETS))
@pytest.mark.parametrize("role", list(ALLOWED))
def test_role_step_state_matrix(users, role, step_name, state):
    user = users[role]
    article = ArticleFactory(status=state)
    allowed = (step_name, state) in ALLOWED[role]
    assert (step_name in {s.name for s in steps_available(user, article)}) == allowed
    if allowed:
        saved = article_transition(
            article_id=article.pk,
            step_name=step_name,
            user=user,
            expected_version=1,
            comment="Because.",
        )
        assert (saved.status, saved.version) == (TARGETS[step_name], 2)
    else:
        with pytest.raises(StepNotAllowed):
            article_transition(
                article_id=article.pk,
                step_name=step_name,
                user=user,
                expected_version=1,
                comment="Because.",
            )
        article.refresh_from_db()
        assert (article.status, article.version) == (state, 1)
        assert not Comment.objects.filter(article=article).exists()


def test_unknown_step_is_refused(editor):
    article = ArticleFactory()
    with pytest.raises(StepNotAllowed, match="Unknown workflow step"):
        article_transition(
            article_id=article.pk, step_name="teleport", user=editor, expected_version=1
        )


@pytest.mark.parametrize(("step_name", "state", "role"), [
    ("return", S.IN_REVIEW, "reviewer"), ("unpublish", S.PUBLISHED, "editor"),
])  # fmt: skip
def test_comment_required_and_posted_with_the_step(users, step_name, state, role):
    article = ArticleFactory(status=state)
    with pytest.raises(CommentRequired, match="needs a comment"):
        article_transition(
            article_id=article.pk,
            step_name=step_name,
            user=users[role],
            expected_version=1,
            comment="   ",
        )
    article.refresh_from_db()
    assert (article.status, article.version) == (state, 1)

    saved = article_transition(
        article_id=article.pk,
        step_name=step_name,
        user=users[role],
        expected_version=1,
        comment="Figures in paragraph 3 are wrong.",
    )
    assert saved.status == S.DRAFT
    [comment] = Comment.objects.filter(article=article)
    assert (comment.transition, comment.body, comment.author) == (
        step_name,
        "Figures in paragraph 3 are wrong.",
        users[role],
    )
    latest = saved.history.latest()
    assert latest.history_change_reason == f"{step_name}: Figures in paragraph 3 are wrong."
    assert latest.history_user == users[role]


def test_stale_version_is_a_conflict_not_a_forbidden_step(editor, reviewer):
    article = ArticleFactory(status=S.IN_REVIEW)
    article_transition(article_id=article.pk, step_name="approve", user=reviewer,
                       expected_version=1)  # fmt: skip
    # A second reviewer with the page still at version 1: the article moved under them.
    with pytest.raises(ArticleVersionConflict):
        article_transition(
            article_id=article.pk, step_name="approve", user=reviewer, expected_version=1
        )
    # Someone whose role never allows the step hears that, not about versions.
    with pytest.raises(StepNotAllowed):
        article_transition(
            article_id=article.pk, step_name="approve", user=editor, expected_version=1
        )
    article.refresh_from_db()
    assert (article.status, article.version) == (S.APPROVED, 2)


def test_transition_tells_the_assignee_but_not_the_actor(editor, make_user):
    other_editor = make_user("olga", Role.EDITOR)
    article = ArticleFactory(assignee=other_editor)
    article_transition(article_id=article.pk, step_name="submit", user=editor, expected_version=1)
    [note] = Notification.objects.all()
    assert (note.recipient, note.actor, note.kind, note.article_id) == (
        other_editor,
        editor,
        Notification.Kind.TRANSITION,
        article.pk,
    )
    assert (note.step, note.message) == ("submit", "")

    mine = ArticleFactory(assignee=editor)
    article_transition(article_id=mine.pk, step_name="submit", user=editor, expected_version=1)
    assert Notification.objects.count() == 1


def test_assign_sets_assignee_due_and_notifies(editor, reviewer):
    article = ArticleFactory()
    due = timezone.now() + timedelta(days=2)
    saved = article_assign(
        article_id=article.pk, expected_version=1, assignee=reviewer, due_at=due, user=editor
    )
    assert (saved.assignee, saved.due_at, saved.version) == (reviewer, due, 2)
    assert saved.history.latest().history_change_reason == "assign"
    [note] = Notification.objects.all()
    assert (note.recipient, note.kind, note.actor) == (reviewer, Notification.Kind.ASSIGNED, editor)

    # Only the due date changes: the assignee was already told.
    article_assign(
        article_id=article.pk, expected_version=2, assignee=reviewer, due_at=None, user=editor
    )
    assert Notification.objects.count() == 1
    # Taking it yourself notifies nobody; unassigning neither.
    article_assign(article_id=article.pk, expected_version=3, assignee=editor, due_at=None,
                   user=editor)  # fmt: skip
    article_assign(article_id=article.pk, expected_version=4, assignee=None, due_at=None,
                   user=editor)  # fmt: skip
    assert Notification.objects.count() == 1
    assert Article.objects.get(pk=article.pk).assignee is None


@pytest.mark.parametrize("role", ["reviewer", "translator"])
def test_only_editors_assign(users, role):
    article = ArticleFactory()
    with pytest.raises(StepNotAllowed, match="Only editors"):
        article_assign(
            article_id=article.pk,
            expected_version=1,
            assignee=users["editor"],
            due_at=None,
            user=users[role],
        )
    assert Article.objects.get(pk=article.pk).version == 1


def test_admin_assigns_and_translators_cannot_be_assigned(admin_user_, translator, reviewer):
    article = ArticleFactory()
    with pytest.raises(WorkflowError, match="translator cannot work on articles"):
        article_assign(
            article_id=article.pk,
            expected_version=1,
            assignee=translator,
            due_at=None,
            user=admin_user_,
        )
    saved = article_assign(
        article_id=article.pk, expected_version=1, assignee=reviewer, due_at=None, user=admin_user_
    )
    assert saved.assignee == reviewer


def test_assign_with_a_stale_version_writes_nothing(editor, reviewer):
    article = ArticleFactory(byline="A")
    Article.objects.filter(pk=article.pk).update(version=2)
    with pytest.raises(ArticleVersionConflict):
        article_assign(
            article_id=article.pk, expected_version=1, assignee=reviewer, due_at=None, user=editor
        )
    article.refresh_from_db()
    assert article.assignee is None
    assert not Notification.objects.exists()

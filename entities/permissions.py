"""Who may see and change the coverage features (stories, coverage, conflicts, entity pages)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from articles.roles import Role, acts_as

AnyUser = AbstractBaseUser | AnonymousUser


def can_view_coverage(user: AnyUser) -> bool:
    """Stories, coverage matrices and gaps, conflicting figures, entity pages and the review
    queue: the desk (editors, reviewers, admins). Translators see their own articles only, so
    desk-wide counts are not theirs to see."""
    return acts_as(user, {Role.EDITOR, Role.REVIEWER})


def can_curate(user: AnyUser) -> bool:
    """Change the knowledge base (merge, split, aliases, names) and stories (confirm, rename,
    split, merge, move)."""
    return acts_as(user, {Role.EDITOR})


def can_explain_conflicts(user: AnyUser) -> bool:
    """Mark a conflicting figure as explained, or reopen it: fact-checking is the reviewers'
    job as much as the editors'."""
    return acts_as(user, {Role.EDITOR, Role.REVIEWER})

"""Deleting an article for good: admins only, with the same optimistic lock as every edit."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from articles.models import Article
from articles.services import ArticleVersionConflict


def can_delete_article(user: AbstractBaseUser) -> bool:
    """Only admins delete: the desk archives instead (``articles.workflow``)."""
    return user.is_authenticated and user.is_superuser


def article_delete(*, article_id: int, expected_version: int, user: AbstractBaseUser) -> None:
    """Delete an article with its translations, spans and comments, if nobody changed it
    since ``user`` read ``expected_version``; otherwise raise ``ArticleVersionConflict`` and
    delete nothing. The deletion is recorded in the article's history, with who did it.

    Stories the article belonged to are recounted by the hourly re-clustering, which repairs
    stories whose members were deleted (``entities.stories.services``)."""
    if not can_delete_article(user):
        raise PermissionDenied(_("Only admins delete articles; archive it instead."))
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        if article.version != expected_version:
            raise ArticleVersionConflict(article, expected_version)
        article._history_user = user
        article._change_reason = "delete"
        article.delete()

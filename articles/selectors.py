"""Reads. Each selector returns a queryset with its relations already joined, so no caller can
create an N+1 by accident, and applies the object-level visibility rules of the roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, QuerySet

from articles.models import Article, Comment, ImportBatch
from articles.roles import sees_all_articles


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
        articles = articles.filter(title__icontains=q) | articles.filter(body__icontains=q)
    # Undated articles last on every database (PostgreSQL would put NULLs first).
    return articles.order_by(F("published_at").desc(nulls_last=True), "-id")


def import_batches_recent(*, user: AbstractBaseUser, limit: int = 20) -> QuerySet[ImportBatch]:
    batches = ImportBatch.objects.select_related("created_by")
    if not user.is_superuser:
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

"""The desk's roles. Groups and their permissions are created by a data migration
(``articles/migrations/0002_roles.py``); code asks about roles only through these helpers."""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class Role(StrEnum):
    EDITOR = "editor"
    REVIEWER = "reviewer"
    TRANSLATOR = "translator"


def user_roles(user: AbstractBaseUser | AnonymousUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_kzeditor_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._kzeditor_roles = cached
    return cached


def has_role(user: AbstractBaseUser | AnonymousUser, role: Role) -> bool:
    return user.is_authenticated and (user.is_superuser or role in user_roles(user))


def sees_all_articles(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Editors, reviewers and admins see the whole desk; translators only their assignments."""
    return user.is_authenticated and (
        user.is_superuser or bool(user_roles(user) & {Role.EDITOR, Role.REVIEWER})
    )

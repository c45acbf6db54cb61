"""The desk's roles: which permissions each group has, and helpers to ask about roles.

Groups are created by a data migration (``articles/migrations/0002_roles.py``) and kept in
sync after every migrate (``ArticlesConfig.ready``)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class Role(StrEnum):
    EDITOR = "editor"
    REVIEWER = "reviewer"
    TRANSLATOR = "translator"


ROLE_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    "editor": {
        "articles": [
            "add_article",
            "change_article",
            "view_article",
            "import_articles",
            "publish_article",
            "add_source",
            "change_source",
            "view_source",
            "add_translation",
            "change_translation",
            "view_translation",
            "add_importbatch",
            "view_importbatch",
            "view_importitem",
        ],
        "entities": [
            "add_entity",
            "change_entity",
            "view_entity",
            "add_alias",
            "change_alias",
            "delete_alias",
            "view_alias",
            "add_mention",
            "change_mention",
            "delete_mention",
            "view_mention",
        ],
    },
    "reviewer": {
        "articles": [
            "view_article",
            "change_article",
            "review_article",
            "view_source",
            "view_translation",
            "change_translation",
            "view_importbatch",
            "view_importitem",
        ],
        "entities": ["view_entity", "view_alias", "view_mention", "change_mention"],
    },
    "translator": {
        "articles": ["view_article", "view_source", "view_translation", "change_translation"],
        "entities": ["view_entity", "view_alias", "view_mention"],
    },
}


def roles_sync(*, apps=None, **_signal_kwargs) -> None:
    """Create the role groups and give them (at least) their permissions. Idempotent."""
    from django.apps import apps as global_apps

    apps = apps or global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, by_app in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, codenames in by_app.items():
            perms = list(
                Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )
            missing = set(codenames) - {p.codename for p in perms}
            if missing:
                raise RuntimeError(f"Missing permissions for {role}: {sorted(missing)}")
            group.permissions.add(*perms)


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


def acts_as(user: AbstractBaseUser | AnonymousUser, roles: Iterable[Role]) -> bool:
    """Whether the user has one of ``roles`` (an admin acts as every role)."""
    return user.is_authenticated and (
        user.is_superuser or any(has_role(user, role) for role in roles)
    )


def sees_all_articles(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Editors, reviewers and admins see the whole desk; translators only their assignments."""
    return user.is_authenticated and (
        user.is_superuser or bool(user_roles(user) & {Role.EDITOR, Role.REVIEWER})
    )

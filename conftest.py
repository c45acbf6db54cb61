"""Shared fixtures: users in each role, and the on-commit helper for task tests."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from articles.roles import Role

PASSWORD = "kzeditor-test-password"  # noqa: S105


@pytest.fixture
def make_user(django_user_model):
    def make(username: str, *roles: Role, superuser: bool = False):
        user = django_user_model.objects.create_user(
            username=username, password=PASSWORD, is_superuser=superuser, is_staff=superuser
        )
        for role in roles:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def editor(make_user):
    return make_user("editor", Role.EDITOR)


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer", Role.REVIEWER)


@pytest.fixture
def translator(make_user):
    return make_user("translator", Role.TRANSLATOR)


@pytest.fixture
def admin_user_(make_user):
    return make_user("admin", superuser=True)

"""Demo users. (Production settings: integrations/tests/test_deploy_check.py.)"""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article


@pytest.mark.django_db
def test_demo_users_are_refused_when_disabled(settings):
    settings.KZEDITOR_DEMO_USERS_ALLOWED = False
    with pytest.raises(CommandError, match="disabled"):
        call_command("create_demo_users")


@pytest.mark.django_db
def test_demo_users_get_their_roles(django_user_model, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass")
    call_command("create_demo_users")
    call_command("create_demo_users")  # idempotent
    users = {u.username: u for u in django_user_model.objects.all()}
    assert set(users) == {"admin", "editor", "translator", "reviewer"}
    assert users["admin"].is_superuser
    assert users["editor"].check_password("demo-pass")
    assert list(users["translator"].groups.values_list("name", flat=True)) == ["translator"]
    assert users["editor"].has_perm("articles.import_articles")
    assert not users["reviewer"].has_perm("articles.publish_article")
    assert users["reviewer"].has_perm("articles.review_article")
    assert not users["translator"].has_perm("articles.change_article")
    assert Article.objects.count() == 0

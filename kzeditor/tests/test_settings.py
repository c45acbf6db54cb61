"""Production settings: refuse to start unconfigured; `check --deploy` is clean."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from articles.models import Article


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    unset = ("SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "kzeditor.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", ALLOWED_HOSTS="news.example.kz")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _manage("check", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="k" * 20 + "Zq8#v0-production-like-secret-3f9a",
        ALLOWED_HOSTS="news.example.kz",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


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

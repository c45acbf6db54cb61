"""The production settings, loaded in a fresh process the way a server loads them: Django's
``check --deploy`` finds nothing to warn about, the settings refuse to start without the
environment they need (saying which variable), and they switch on whitenoise, HSTS and
HTTPS-only cookies on top of base's headers. Nothing connects to a database here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "kzeditor.settings.production",
    "SECRET_KEY": "k7Q2-vX9pL_r4Tz8mN1bW6yC3hF5jD0sG-eA2uK9iO7qR4tY1wE8nB3vM6xZ5cV",
    "ALLOWED_HOSTS": "desk.example.kz",
    "DATABASE_URL": "postgres://kzeditor:secret@db.internal:5432/kzeditor",
    "CACHE_URL": "redis://redis.internal:6379/1",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
}


def _run(*args: str, env: dict[str, str], code: str = "") -> subprocess.CompletedProcess:
    # Only what the test gives: no DEBUG, DATABASE_URL or the like leaks in from the runner.
    clean = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(  # our own interpreter and manage.py
        command, cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_production_settings():
    result = _run("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY must be set in the environment for production"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must be set in the environment for production"),
        ("DATABASE_URL", "DATABASE_URL must be set in the environment for production"),
    ],
)
def test_production_refuses_to_start_without_its_environment(missing, message):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = _run("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_refuses_a_short_secret_key():
    result = _run("check", env={**PRODUCTION_ENV, "SECRET_KEY": "short-but-set"})
    assert result.returncode != 0
    assert "SECRET_KEY is too weak for production" in result.stderr


def test_production_serves_static_files_with_whitenoise_and_sends_hsts():
    code = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps({
    "middleware": settings.MIDDLEWARE,
    "staticfiles": settings.STORAGES["staticfiles"]["BACKEND"],
    "static_root": str(settings.STATIC_ROOT),
    "hsts": settings.SECURE_HSTS_SECONDS,
    "cookies_secure": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
    "webhooks_private": settings.KZEDITOR_WEBHOOK_ALLOW_PRIVATE,
    "debug": settings.DEBUG,
    "csp": "CONTENT_SECURITY_POLICY" in dir(settings),
}))
"""
    result = _run(env=PRODUCTION_ENV, code=code)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    middleware = loaded["middleware"]
    security = middleware.index("django.middleware.security.SecurityMiddleware")
    assert middleware[security + 1] == "whitenoise.middleware.WhiteNoiseMiddleware"
    assert loaded["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert loaded["static_root"]
    assert loaded["hsts"] >= 31536000
    assert loaded["cookies_secure"] == [True, True]
    assert loaded["webhooks_private"] is False
    assert loaded["debug"] is False
    assert loaded["csp"] is True


def test_tests_and_development_need_no_collectstatic():
    # Manifest storage (which needs collectstatic's manifest) is production's only.
    storages = getattr(settings, "STORAGES", {})
    backend = storages.get("staticfiles", {}).get("BACKEND", "")
    assert "Manifest" not in backend
    assert "whitenoise.middleware.WhiteNoiseMiddleware" not in settings.MIDDLEWARE

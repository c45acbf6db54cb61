"""Logging in safely: django-axes locks a username+address out after AXES_FAILURE_LIMIT failed
logins (the site's and the admin's login pages) with a lockout page (429) until the cool-off
ends or an admin clears the attempts; a successful login resets the count; API keys are not
affected. Also the password rules, the session's lifetime and its cookie flags.

The test settings switch axes off (Django's Client.login() authenticates without a request,
which axes refuses); every test here switches it back on."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 5
WRONG = "not-the-password"


@pytest.fixture(autouse=True)
def axes_on():
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=LIMIT):
        yield


def _log_in(client, username: str, password: str, *, url: str = "", remote: str = "10.0.0.9"):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=remote,
    )


def _fail(client, username: str, times: int, **kwargs) -> list[int]:
    return [_log_in(client, username, WRONG, **kwargs).status_code for _ in range(times)]


def test_the_settings_default_to_five_failures_and_fifteen_minutes():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE
    cool_off = settings.AXES_COOLOFF_TIME
    assert cool_off == timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_HTTP_RESPONSE_CODE == 429


def test_failures_lock_the_user_out_from_that_address(client, editor):
    # Up to the limit the login page answers as usual, with its error.
    responses = [_log_in(client, "editor", WRONG) for _ in range(LIMIT - 1)]
    assert [r.status_code for r in responses] == [200] * (LIMIT - 1)
    assert 'class="error" role="alert"' in responses[-1].content.decode()

    locked = _log_in(client, "editor", WRONG)
    assert locked.status_code == 429
    # Now even the right password is refused, and nobody is logged in.
    locked = _log_in(client, "editor", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session

    page = locked.content.decode()
    assert 'id="lockout"' in page
    assert "Too many failed logins" in page
    assert f"{LIMIT} logins as this user from your address failed" in page
    assert "Try again in 15 minutes" in page
    assert locked["Content-Type"].startswith("text/html")
    assert "Content-Security-Policy" in locked  # the lockout page is a page like the others


def test_the_lockout_is_per_username_and_address(client, editor, reviewer):
    _fail(client, "editor", LIMIT)
    assert _log_in(client, "editor", PASSWORD).status_code == 429
    # The same user from another address, and another user from this one, may log in.
    assert _log_in(client, "editor", PASSWORD, remote="10.0.0.10").status_code == 302
    client.logout()
    assert _log_in(client, "reviewer", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, editor):
    _fail(client, "editor", LIMIT)
    assert _log_in(client, "editor", PASSWORD).status_code == 429

    # Sixteen minutes later (the attempts are dated back rather than sleeping).
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = _log_in(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("articles:dashboard")


def test_a_successful_login_resets_the_count(client, editor):
    assert _fail(client, "editor", LIMIT - 1) == [200] * (LIMIT - 1)
    assert _log_in(client, "editor", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="editor").exists()
    client.logout()
    # A fresh budget: LIMIT - 1 more failures still do not lock.
    assert _fail(client, "editor", LIMIT - 1) == [200] * (LIMIT - 1)
    assert _log_in(client, "editor", PASSWORD).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_limit_comes_from_the_setting(client, editor):
    assert _fail(client, "editor", 2) == [200, 429]


def test_the_admin_login_page_is_throttled_too(client, admin_user_):
    url = reverse("admin:login")
    statuses = _fail(client, "admin", LIMIT, url=url)
    assert statuses == [200] * (LIMIT - 1) + [429]
    response = _log_in(client, "admin", PASSWORD, url=url)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()


def test_an_admin_sees_and_clears_the_attempts(client, editor, admin_user_):
    _fail(client, "editor", LIMIT)
    assert _log_in(client, "editor", PASSWORD).status_code == 429

    client.force_login(admin_user_)
    changelist = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    assert "editor" in changelist.content.decode()
    attempt = AccessAttempt.objects.get(username="editor")
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()

    client.logout()
    assert _log_in(client, "editor", PASSWORD).status_code == 302


def test_the_axes_reset_command_clears_a_lockout(client, editor):
    _fail(client, "editor", LIMIT)
    call_command("axes_reset_username", "editor", stdout=io.StringIO())
    assert _log_in(client, "editor", PASSWORD).status_code == 302


def test_api_keys_are_not_affected_by_a_lockout(client, editor, api_key_for):
    key = api_key_for(editor, scopes=("read",))
    _fail(client, "editor", LIMIT)
    assert _log_in(client, "editor", PASSWORD).status_code == 429

    response = client.get(
        "/api/v1/articles/", HTTP_AUTHORIZATION=f"Bearer {key}", REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 200
    # A bad key is refused by the API's own rules, and is not a login failure.
    failures = AccessAttempt.objects.get(username="editor").failures_since_start
    response = client.get("/api/v1/articles/", HTTP_AUTHORIZATION="Bearer nope.nope")
    assert response.status_code == 401
    assert AccessAttempt.objects.get(username="editor").failures_since_start == failures


# -- passwords and sessions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("Tq7#vLp2x9", "too short"),  # 10 characters
        ("482915730264851", "entirely numeric"),
        ("password12345", "too common"),
        ("aigerim.nurlanovna", "too similar"),
    ],
)
def test_weak_passwords_are_refused(django_user_model, password, why):
    user = django_user_model(username="aigerim.nurlanovna", email="aigerim@example.kz")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert why in " ".join(refused.value.messages)


def test_a_long_unusual_password_is_accepted(django_user_model):
    user = django_user_model(username="aigerim.nurlanovna")
    validate_password("steppe-Kite-harbour-91", user)


def test_demo_users_keep_their_demo_password(client, settings):
    settings.KZEDITOR_DEMO_USERS_ALLOWED = True
    call_command("create_demo_users", stdout=io.StringIO())
    # The demo password is below the rules (set_password does not validate), and logs in.
    with pytest.raises(ValidationError):
        validate_password("kzeditor")
    assert _log_in(client, "editor", "kzeditor").status_code == 302


def test_the_session_lasts_a_working_day_in_an_http_only_same_site_cookie(client, editor):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    response = _log_in(client, "editor", PASSWORD)
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 12 * 3600
    assert client.session.get_expiry_age() == 12 * 3600

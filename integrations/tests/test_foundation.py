"""The API's shared parts: Bearer keys (hashed, scoped, revocable, expiring), the
create_api_token contract, problem+json errors, conditional-request parsing, throttling, the
JSON size limit, health, and the schema and docs pages."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from articles.roles import Role
from integrations import health
from integrations.conditional import etag, if_match_token, if_match_version
from integrations.errors import ApiProblemMiddleware, field_errors
from integrations.exceptions import PayloadTooLarge, PreconditionFailed, PreconditionRequired
from integrations.keys import api_key_create, api_key_revoke, api_key_touch
from integrations.models import ApiKey
from integrations.parsers import LimitedJSONParser
from integrations.permissions import KeyScopes

pytestmark = pytest.mark.django_db

HEALTH = "/api/v1/health/"


def bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:kzeditor:problem:{code}"
    assert body["title"]
    assert body["detail"]
    return body


# -- create_api_token ---------------------------------------------------------------------------


def test_create_api_token_prints_a_working_key_as_the_last_line(editor):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "editor", stdout=out, stderr=err)
    key = out.getvalue().strip().splitlines()[-1]
    api_key = ApiKey.objects.get(user=editor)
    assert api_key.scopes == ["read", "write", "import"]
    assert api_key.prefix in err.getvalue()
    # Only a hash is stored: the key itself is nowhere in the row.
    assert key not in (api_key.hashed_key, api_key.id)
    assert key.split(".")[1] not in api_key.hashed_key
    assert bearer(key).get(HEALTH).status_code == 200


def test_create_api_token_scopes_and_refusals(editor):
    out = io.StringIO()
    call_command("create_api_token", "editor", "--scopes", "read", stdout=out, stderr=io.StringIO())
    assert ApiKey.objects.get(user=editor).scopes == ["read"]
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("create_api_token", "nobody", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="Unknown scope"):
        call_command("create_api_token", "editor", "--scopes", "admin", stdout=io.StringIO())


def test_create_api_token_with_expiry(editor):
    call_command(
        "create_api_token", "editor", "--expires-in-days", "3", stdout=io.StringIO(),
        stderr=io.StringIO(),
    )  # fmt: skip
    expiry = ApiKey.objects.get(user=editor).expiry_date
    assert timedelta(days=2, hours=23) < expiry - timezone.now() <= timedelta(days=3)


# -- authentication -----------------------------------------------------------------------------


def test_no_credentials_is_401_with_the_bearer_scheme():
    response = APIClient().get(HEALTH)
    assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(
    "header",
    ["Bearer nonsense", "Bearer a.b", "Bearer", "Bearer two words", "bearer \xff"],
)
def test_bad_keys_are_401(header, editor):
    api_key_create(user=editor, name="cms")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert_problem(client.get(HEALTH), 401, "authentication_failed")


def test_revoked_expired_and_deactivated_keys_are_refused(make_user):
    user = make_user("wire", Role.EDITOR)
    revoked, revoked_key = api_key_create(user=user, name="old")
    api_key_revoke(api_key=revoked)
    _, expired_key = api_key_create(
        user=user, name="tmp", expires_at=timezone.now() - timedelta(seconds=1)
    )
    body = assert_problem(bearer(revoked_key).get(HEALTH), 401, "authentication_failed")
    assert "revoked" in body["detail"]
    body = assert_problem(bearer(expired_key).get(HEALTH), 401, "authentication_failed")
    assert "expired" in body["detail"]
    _, key = api_key_create(user=user, name="live")
    assert bearer(key).get(HEALTH).status_code == 200
    user.is_active = False
    user.save()
    assert_problem(bearer(key).get(HEALTH), 401, "authentication_failed")


def test_last_used_is_recorded_at_most_once_a_minute(editor, django_assert_num_queries):
    api_key, key = api_key_create(user=editor, name="cms")
    assert api_key.last_used_at is None
    bearer(key).get(HEALTH)
    api_key.refresh_from_db()
    first = api_key.last_used_at
    assert first is not None
    bearer(key).get(HEALTH)
    api_key.refresh_from_db()
    assert api_key.last_used_at == first
    with django_assert_num_queries(1):
        api_key_touch(api_key=api_key, now=first + timedelta(minutes=2))
    api_key.refresh_from_db()
    assert api_key.last_used_at == first + timedelta(minutes=2)


def test_a_key_needs_a_name_and_a_scope(editor):
    from integrations.keys import ApiKeyError

    with pytest.raises(ApiKeyError):
        api_key_create(user=editor, name="  ")
    with pytest.raises(ApiKeyError):
        api_key_create(user=editor, name="x", read=False)


# -- scopes ---------------------------------------------------------------------------------------


class _View:
    scope_by_method = {"POST": "import"}
    scope_also_allows = {"GET": ("import",)}


@pytest.mark.parametrize(
    ("scopes", "method", "view", "allowed"),
    [
        (("read",), "GET", object(), True),
        (("read",), "POST", object(), False),
        (("read",), "PATCH", object(), False),
        (("write",), "DELETE", object(), True),
        (("write",), "GET", object(), False),
        (("import",), "POST", _View(), True),
        (("read", "write"), "POST", _View(), False),
        (("import",), "GET", _View(), True),
    ],
)
def test_key_scopes(editor, scopes, method, view, allowed):
    api_key, _ = api_key_create(
        user=editor,
        name="k",
        read="read" in scopes,
        write="write" in scopes,
        import_="import" in scopes,
    )
    request = RequestFactory().generic(method, "/api/v1/x/")
    request.auth = api_key
    assert KeyScopes().has_permission(request, view) is allowed


def test_a_session_has_every_scope(editor):
    request = RequestFactory().post("/api/v1/x/")
    request.auth = None
    assert KeyScopes().has_permission(request, object())


# -- errors ---------------------------------------------------------------------------------------


def test_unknown_api_url_is_a_json_404(editor, api_client_for):
    assert_problem(api_client_for(editor).get("/api/v1/no-such-thing/"), 404, "not_found")
    assert_problem(APIClient().get("/api/v2/articles/"), 404, "not_found")


def test_method_not_allowed_is_a_problem(editor, api_client_for):
    assert_problem(api_client_for(editor).post(HEALTH, {}), 405, "method_not_allowed")


def test_field_errors_are_flattened():
    detail = ValidationError(
        {"title": ["This field is required."], "source": {"name": ["Too long."]},
         "non_field_errors": ["Both cannot be set."], "items": [{"x": ["Bad."]}]}
    ).detail  # fmt: skip
    errors = {(e["field"], e["message"]) for e in field_errors(detail)}
    assert errors == {
        ("title", "This field is required."),
        ("source.name", "Too long."),
        ("", "Both cannot be set."),
        ("items[0].x", "Bad."),
    }


def test_an_unhandled_api_error_is_a_json_500_not_an_html_page():
    request = RequestFactory().get("/api/v1/articles/")
    response = ApiProblemMiddleware(lambda r: None).process_exception(request, RuntimeError("x"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["code"] == "server_error"
    assert "x" not in body["detail"]
    # Outside /api/ Django's own handling applies.
    browser = RequestFactory().get("/articles/")
    assert ApiProblemMiddleware(lambda r: None).process_exception(browser, RuntimeError()) is None


def test_json_body_over_the_limit_is_413(settings):
    settings.KZEDITOR_API_MAX_JSON_BYTES = 10
    request = RequestFactory().post(
        "/", data=json.dumps({"a": "0123456789"}), content_type="application/json"
    )
    with pytest.raises(PayloadTooLarge):
        LimitedJSONParser().parse(io.BytesIO(request.body), None, {"request": request})


# -- conditional requests -------------------------------------------------------------------------


def _with_if_match(value: str | None):
    headers = {} if value is None else {"HTTP_IF_MATCH": value}
    return RequestFactory().patch("/", **headers)


def test_if_match_parsing():
    assert etag("article", 7, 3) == '"article-7-v3"'
    assert if_match_token(_with_if_match('"article-7-v3"'), kind="article", pk=7) == "3"
    assert if_match_token(_with_if_match('"x", "article-7-v4"'), kind="article", pk=7) == "4"
    assert if_match_token(_with_if_match("*"), kind="article", pk=7) is None
    assert if_match_version(_with_if_match("*"), kind="article", pk=7, current=9) == 9
    with pytest.raises(PreconditionRequired):
        if_match_token(_with_if_match(None), kind="article", pk=7)
    for wrong in [
        'W/"article-7-v3"',
        '"article-8-v3"',
        '"entity-7-v3"',
        "article-7-v3",
        '"article-7-v"',
    ]:
        with pytest.raises(PreconditionFailed):
            if_match_token(_with_if_match(wrong), kind="article", pk=7)
    with pytest.raises(PreconditionFailed):
        if_match_version(_with_if_match('"article-7-vabc"'), kind="article", pk=7, current=1)


# -- throttling -----------------------------------------------------------------------------------


@pytest.fixture
def tight_throttle(settings):
    from django.core.cache import cache
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "client": "3/min", "failed_keys": "2/min"}
    previous = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    cache.clear()
    yield
    SimpleRateThrottle.THROTTLE_RATES = previous
    cache.clear()


def test_throttling_counts_each_key_apart(tight_throttle, editor):
    _, first = api_key_create(user=editor, name="cms")
    _, second = api_key_create(user=editor, name="scheduler")
    for _ in range(3):
        assert bearer(first).get(HEALTH).status_code == 200
    response = bearer(first).get(HEALTH)
    body = assert_problem(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert body["detail"]
    assert bearer(second).get(HEALTH).status_code == 200


def test_guessing_keys_is_throttled_by_address(tight_throttle, editor):
    _, key = api_key_create(user=editor, name="cms")
    for _ in range(2):
        assert bearer("guess.one").get(HEALTH).status_code == 401
    response = bearer(key).get(HEALTH)  # even the right key, from that address, waits
    assert_problem(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    # Requests without credentials are a cheap 401, never counted as guesses.
    assert APIClient().get(HEALTH).status_code == 401


# -- health ---------------------------------------------------------------------------------------


def test_health_reports_each_check(editor, api_client_for):
    response = api_client_for(editor).get(HEALTH)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "workers"}
    assert all(check["ok"] for check in body["checks"].values())


def test_health_is_503_when_the_broker_is_down(editor, api_client_for, monkeypatch):
    def down():
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(health, "_broker", down)
    response = api_client_for(editor).get(HEALTH)
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["broker"] == {
        "ok": False,
        "detail": "ConnectionError: Connection refused",
        "ms": checks["broker"]["ms"],
    }
    assert checks["workers"]["ok"] is False
    assert checks["database"]["ok"] is True


def test_health_without_a_worker_is_503(editor, api_client_for, monkeypatch):
    monkeypatch.setattr(health, "_eager", lambda: False)
    monkeypatch.setattr(health, "_broker", lambda: (True, "connected"))

    class NoWorkers:
        @staticmethod
        def ping(timeout):
            return []

    from kzeditor.celery import app

    monkeypatch.setattr(app, "control", NoWorkers())
    response = api_client_for(editor).get(HEALTH)
    assert response.status_code == 503
    assert response.json()["checks"]["workers"]["detail"] == "no worker answered"


# -- schema and docs ------------------------------------------------------------------------------


def test_schema_needs_authentication_and_documents_the_key_scheme(editor, api_client_for):
    assert APIClient().get("/api/schema/").status_code == 401
    response = api_client_for(editor).get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["apiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["apiKey"]["description"],
    }
    assert "Problem" in schema["components"]["schemas"]
    responses = schema["paths"]["/api/v1/health/"]["get"]["responses"]
    assert {"200", "401", "403", "429"} <= set(responses)


def test_docs_are_served_from_local_assets(client, editor):
    client.force_login(editor)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html.split("<body")[0]
    assert "/static/drf_spectacular_sidecar/" in html


def test_api_key_admin_shows_the_key_once_and_revokes(admin_client, editor):
    response = admin_client.post(
        "/admin/integrations/apikey/add/",
        {"name": "CMS", "user": editor.pk, "scope_read": "on", "scope_write": "on"},
        follow=True,
    )
    assert response.status_code == 200
    api_key = ApiKey.objects.get(name="CMS")
    shown = [str(m) for m in response.context["messages"]]
    assert any(api_key.prefix in m for m in shown)
    key = next(word for m in shown for word in m.split() if word.startswith(api_key.prefix + "."))
    key = key.rstrip(".")
    assert bearer(key).get(HEALTH).status_code == 200
    admin_client.post(
        "/admin/integrations/apikey/",
        {"action": "revoke", "_selected_action": [api_key.pk]},
    )
    api_key.refresh_from_db()
    assert api_key.revoked
    assert bearer(key).get(HEALTH).status_code == 401


def test_deliver_webhooks_command_sends_what_is_due(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "integrations.management.commands.deliver_webhooks.webhooks_retry_due",
        lambda: calls.append(1) or 3,
    )
    out = io.StringIO()
    call_command("deliver_webhooks", stdout=out)
    assert calls == [1]
    assert out.getvalue().strip() == "3 deliveries queued."


def test_unknown_api_urls_are_json_404_for_every_method_and_path(editor, api_client_for):
    client = api_client_for(editor)
    assert_problem(client.post("/api/v1/entities/-5/merge/", {}), 404, "not_found")
    assert_problem(client.get("/api/v1/a%0Ab/"), 404, "not_found")
    # With a session and no CSRF token, an unknown URL is still a 404, not Django's HTML 403.
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(editor)
    assert_problem(session.delete("/api/v1/nothing/here/"), 404, "not_found")

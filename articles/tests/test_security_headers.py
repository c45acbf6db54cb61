"""Every HTML page a superuser can open carries the security headers (Content-Security-Policy,
X-Frame-Options, X-Content-Type-Options, Referrer-Policy, Cross-Origin-Opener-Policy, and over
HTTPS with production's settings Strict-Transport-Security), and has nothing the policy would
block (inline script, on…="" handlers, style="…"). A real browser then opens the main pages,
the admin and both API docs pages and must report no Content-Security-Policy violation, with
Swagger UI and Redoc actually rendered.

The pages come from the permission matrix (test_permission_matrix.py: every GET of the
articles and entities namespaces that answers the admin 200, on its ``world``), plus every
admin changelist, add, change and history page, the login and lockout pages and the API docs."""

from __future__ import annotations

import contextlib
import re

import pytest
from django.contrib import admin
from django.test import override_settings
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from articles.models import Article, Translation
from articles.tests.test_permission_matrix import EXPECTED, REQUESTS, ROLES, world  # noqa: F401
from conftest import PASSWORD, login

ADMIN_COLUMN = ROLES.index("admin")
# Production's HTTPS settings (kzeditor/settings/production.py), for the HSTS check.
HTTPS_SETTINGS = {
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}
CSP_REQUIRED = [
    "default-src 'self'",
    "script-src 'self'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
]
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.DOTALL)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"(?!border-top: 0\")")  # the one hashed exception


def _matrix_pages(world) -> list[str]:  # noqa: F811 - the fixture's value
    """The path of every GET row the admin may open (200) in the permission matrix."""
    paths = []
    for key, statuses in EXPECTED.items():
        _name, method, _variant = key
        if method != "GET" or statuses[ADMIN_COLUMN] != 200:
            continue
        request = REQUESTS[key]
        Article.objects.filter(pk__in=[world.a.pk, world.b.pk]).update(status=request.status)
        Translation.objects.filter(article__in=[world.a, world.b]).update(
            status=request.translation_status
        )
        path, data = request.build(world, "A")
        if data:
            path += "?" + "&".join(f"{k}={v}" for k, v in data.items())
        paths.append(path)
    assert len(paths) > 20, paths  # the matrix was found
    return paths


def _admin_pages() -> list[str]:
    """Every registered model's changelist and add page, and the change and history page of its
    first row."""
    paths = [reverse("admin:index")]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths.append(reverse(f"{prefix}_changelist"))
        with contextlib.suppress(NoReverseMatch):
            paths.append(reverse(f"{prefix}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            paths.append(reverse(f"{prefix}_change", args=[first.pk]))
            paths.append(reverse(f"{prefix}_history", args=[first.pk]))
    return paths


def _assert_secure_html(path: str, response, *, https: bool) -> None:
    assert response["X-Frame-Options"] == "DENY", path
    assert response["X-Content-Type-Options"] == "nosniff", path
    assert response["Referrer-Policy"] == "same-origin", path
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", path
    policy = response.get("Content-Security-Policy", "")
    for directive in CSP_REQUIRED:
        assert directive in policy, (path, directive, policy)
    assert "'unsafe-inline'" not in policy, policy
    assert "'unsafe-eval'" not in policy, policy
    if https:
        hsts = response["Strict-Transport-Security"]
        assert hsts == "max-age=31536000; includeSubDomains; preload", path
    else:
        assert "Strict-Transport-Security" not in response, path
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), (path, INLINE_SCRIPT.search(html).group())
    assert not EVENT_HANDLER.search(html), (path, EVENT_HANDLER.search(html).group()[:200])
    assert not INLINE_STYLE.search(html), (path, html[INLINE_STYLE.search(html).start() :][:200])


@pytest.mark.django_db
@override_settings(**HTTPS_SETTINGS)
def test_every_html_page_of_a_superuser_has_the_security_headers(client, world):  # noqa: F811
    client.force_login(world.users["admin"])
    pages = [
        *_matrix_pages(world),
        reverse("api:docs"),
        reverse("api:redoc"),
        reverse("password_change"),
        reverse("password_reset"),
    ]
    # Some admins refuse adding or changing by hand (403): that page is checked too.
    admin_pages = _admin_pages()
    checked = 0
    for path in pages + admin_pages:
        response = client.get(path, secure=True)
        allowed = (200, 403) if path in admin_pages else (200,)
        assert response.status_code in allowed, (path, response.status_code)
        if response["Content-Type"].startswith("text/html"):
            _assert_secure_html(path, response, https=True)
            checked += response.status_code == 200
    assert checked > 60, checked

    # Anonymous pages: the login page, and the same page over plain HTTP has no HSTS.
    client.logout()
    for https in (True, False):
        response = client.get(reverse("login"), secure=https)
        assert response.status_code == 200
        _assert_secure_html("login", response, https=https)
        assert response.cookies["csrftoken"]["secure"] is True  # production's flag


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=2, **HTTPS_SETTINGS)
def test_the_lockout_page_has_the_security_headers(client, editor):
    for _ in range(2):
        response = client.post(
            reverse("login"), {"username": "editor", "password": "wrong"}, secure=True
        )
    assert response.status_code == 429
    _assert_secure_html("lockout", response, https=True)


@pytest.mark.django_db
def test_the_swagger_ui_script_is_a_file_not_inline(client, admin_user_):
    client.force_login(admin_user_)
    page = client.get(reverse("api:docs")).content.decode()
    [script_url] = re.findall(r'<script src="([^"]*\?script=[^"]*)"', page)
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


# -- in a real browser --------------------------------------------------------------------------


def _violations(page) -> list[str]:
    messages: list[str] = []
    page.on(
        "console",
        lambda message: messages.append(message.text)
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
        else None,
    )
    page.on("pageerror", lambda error: messages.append(f"page error: {error}"))
    return messages


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@override_settings(AXES_ENABLED=True)
def test_the_main_pages_run_without_csp_violations(page, world):  # noqa: F811
    violations = _violations(page)
    login(page, "admin", PASSWORD)  # the login form, through django-axes
    expect(page.locator(".mainnav")).to_be_visible()
    a = world.a
    translation = world.translations["A"]
    pages = {
        "article list": reverse("articles:list"),
        "article page": reverse("articles:detail", args=[a.pk]),
        "translation editor": reverse("articles:translation", args=[translation.pk]),
        "coverage": reverse("entities:coverage"),
        "entity page": reverse("entities:entity", args=[world.kb["K"].pk]),
        "admin index": reverse("admin:index"),
        "admin article": reverse("admin:articles_article_change", args=[a.pk]),
    }
    for name, path in pages.items():
        response = page.goto(path)
        assert response.status == 200, name
        page.wait_for_load_state("load")
        assert violations == [], (name, violations)

    # The translation editor's script ran (it fills the progress bar's SVG from the rows).
    page.goto(pages["translation editor"])
    expect(page.locator(".tr-progress-done")).to_have_attribute("width", re.compile(r"\d+%"))

    # The language switch submits on change without an inline handler.
    page.goto(pages["article list"])
    page.select_option("#lang-select", "ru")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.select_option("#lang-select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Swagger UI: the schema loaded and an operation is listed.
    page.goto(reverse("api:docs"))
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/articles/").first
    ).to_be_visible()
    # Redoc: the operations are rendered.
    page.goto(reverse("api:redoc"))
    expect(page.get_by_role("heading", name=re.compile("kzeditor API")).first).to_be_visible()
    expect(page.locator("[data-section-id^='tag/']").first).to_be_attached()
    page.wait_for_load_state("networkidle")
    assert violations == [], violations

"""Every URL the site routes has a row in a permission matrix: the desk's
(``test_permission_matrix``: the ``articles`` and ``entities`` namespaces), the API's
(``integrations/tests/test_api_matrix``: ``api``) or this module's (``SITE``: the root-level
probes, ``accounts/`` and the Django admin).

``test_every_url_is_in_a_matrix`` walks the whole resolver, so a new URL anywhere fails until
someone writes down who may use it. ``SITE`` is then asked of each caller, as the other two
matrices are.

The admin's URLs per registered model (list, add, change, history, delete, and the bare
object URL that redirects to the change form) are one family: every registered model is asked
each of them, the superuser's answer is 200 (302 for the redirect) unless ``ADMIN_REFUSED``
says the admin refuses it to everyone, and a staff editor's comes from the role's model
permissions. An admin URL outside that family (a ModelAdmin's own views) needs its own row."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from articles.tests.test_permission_matrix import EXPECTED as DESK_EXPECTED
from articles.tests.test_xss import desk_with_payloads
from integrations.tests.test_api_matrix import EXPECTED as API_EXPECTED

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "translator", "reviewer", "editor", "staff_editor", "admin")
NA = None
LOGIN = "login"  # 302 to the site's login page
ADMIN_LOGIN = "admin_login"  # 302 to the admin's login page

# (url name, method, variant) → one answer per role. A string is a redirect to that page.
SITE: dict[tuple[str, str, str], tuple[int | str | None, ...]] = {
    # name, method, variant:                       anon         trans        review       editor       staff_ed     admin
    (":healthz", "GET", ""):                       (200,         200,         200,         200,         200,         200),
    (":readyz", "GET", ""):                        (200,         200,         200,         200,         200,         200),
    # Signing in and out, and passwords: the forms anyone may open; changing a password needs
    # a session. Logging out is a POST (GET is refused).
    (":login", "GET", ""):                         (200,         200,         200,         200,         200,         200),
    (":logout", "POST", ""):                       (302,         302,         302,         302,         302,         302),
    (":logout", "GET", ""):                        (405,         405,         405,         405,         405,         405),
    (":password_change", "GET", ""):               (LOGIN,       200,         200,         200,         200,         200),
    (":password_change_done", "GET", ""):          (LOGIN,       200,         200,         200,         200,         200),
    (":password_reset", "GET", ""):                (200,         200,         200,         200,         200,         200),
    (":password_reset_done", "GET", ""):           (200,         200,         200,         200,         200,         200),
    (":password_reset_confirm", "GET", "invalid"): (200,         200,         200,         200,         200,         200),
    (":password_reset_confirm", "GET", "valid"):   (302,         NA,          NA,          NA,          NA,          NA),
    (":password_reset_complete", "GET", ""):       (200,         200,         200,         200,         200,         200),
    # The API's catch-all: an unknown path under /api/ is a 404 problem for everyone.
    ("api:not_found", "GET", ""):                  (404,         404,         404,         404,         404,         404),
    # The admin: staff only (only superusers are staff in this desk; "staff_editor" is an
    # editor someone made staff, who gets what the editor role's model permissions allow).
    ("admin:index", "GET", ""):                    (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200,         200),
    ("admin:login", "GET", ""):                    (200,         200,         200,         200,         302,         302),
    ("admin:logout", "POST", ""):                  (302,         302,         302,         302,         302,         302),
    ("admin:password_change", "GET", ""):          (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200,         200),
    ("admin:password_change_done", "GET", ""):     (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200,         200),
    ("admin:autocomplete", "GET", ""):             (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403,         403),
    ("admin:jsi18n", "GET", ""):                   (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200,         200),
    ("admin:view_on_site", "GET", ""):             (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 404,         404),
    ("admin:app_list", "GET", "articles"):         (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200,         200),
    ("admin:app_list", "GET", "auditlog"):         (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 404,         200),
    ("admin:<catch-all>", "GET", ""):              (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 404,         404),
    # simple_history's view of one past version.
    ("admin:articles_article_simple_history", "GET", ""):      (ADMIN_LOGIN, NA, NA, ADMIN_LOGIN, 200, 200),
    ("admin:articles_translation_simple_history", "GET", ""):  (ADMIN_LOGIN, NA, NA, ADMIN_LOGIN, 200, 200),
    ("admin:auth_user_password_change", "GET", ""):            (ADMIN_LOGIN, NA, NA, ADMIN_LOGIN, 403, 200),
}  # fmt: skip

# The model-admin family: URL name suffix → how it is asked.
FAMILY = ("changelist", "add", "change", "history", "delete", "<object>")
# What the admin refuses even to superusers: the audit log cannot be written; axes' records
# of sign-in attempts are made by axes only; articles come from imports, comments,
# notifications, QA acceptances and webhook deliveries from the desk's own flows.
ADMIN_REFUSED = {
    ("auditlog.logentry", "add"),
    ("auditlog.logentry", "delete"),
    ("articles.article", "add"),
    ("articles.qaoverride", "add"),
    ("articles.importbatch", "add"),
    ("articles.importitem", "add"),
    ("articles.comment", "add"),
    ("articles.notification", "add"),
    ("articles.notification", "delete"),
    ("integrations.webhookdelivery", "add"),
    ("axes.accessattempt", "add"),
    ("axes.accesslog", "add"),
    ("axes.accessfailurelog", "add"),
}
# Models whose admin pages the editor role's model permissions open (view or change).
EDITOR_MODELS = {
    "articles.article",
    "articles.source",
    "articles.translation",
    "articles.importbatch",
    "articles.importitem",
    "entities.entity",
    "entities.alias",
    "entities.mention",
}


# -- walking the resolver ----------------------------------------------------------------------


def _patterns(resolver: URLResolver, namespace: str = "", prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _patterns(pattern, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern, prefix + str(pattern.pattern)


def _admin_family() -> dict[str, tuple[str, str]]:
    """URL name → (model label, family member) for every registered model."""
    family = {}
    for model in admin.site._registry:
        opts = model._meta
        for member in FAMILY:
            if member != "<object>":
                family[f"admin:{opts.app_label}_{opts.model_name}_{member}"] = (
                    opts.label_lower,
                    member,
                )
    return family


def _routed() -> set[str]:
    """Every URL pattern, by name (an unnamed one by ``namespace:route``)."""
    names = set()
    for namespace, pattern, route in _patterns(get_resolver()):
        if pattern.name:
            names.add(f"{namespace}:{pattern.name}")
        elif namespace == "admin" and route.endswith("(?P<url>.*)$"):
            names.add("admin:<catch-all>")
        elif namespace == "admin" and route.endswith("<path:object_id>/"):
            names.add(f"admin:<object>:{route}")
        else:
            names.add(f"{namespace}:{route}")
    return names


def test_every_url_is_in_a_matrix() -> None:
    routed = _routed()
    assert len(routed) > 150, "few URL patterns found: is the resolver walked?"
    assert {":healthz", ":login", "admin:index", "api:health", "articles:list"} <= routed
    objects = {
        f"admin:<object>:admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/"
        for model in admin.site._registry
    }
    listed = (
        {name for name, _m, _v in DESK_EXPECTED}
        | {name for name, _m, _v in API_EXPECTED}
        | {name for name, _m, _v in SITE}
        | set(_admin_family())
        | objects
    )
    assert routed - listed == set(), "URL patterns no permission matrix covers"
    assert {name for name, _m, _v in SITE} - routed == set(), "SITE rows for URLs that are gone"


# -- asking ----------------------------------------------------------------------------------


@dataclass
class Site:
    users: dict[str, object]
    rows: dict[str, object]  # model label → one of its rows (None: the model has none)


@pytest.fixture
def site(make_user, editor, reviewer, translator, admin_user_) -> Site:
    from articles.roles import Role

    staff_editor = make_user("staff_editor", Role.EDITOR)
    staff_editor.is_staff = True
    staff_editor.save()
    desk_with_payloads(editor, reviewer, translator, admin_user_)
    rows = {
        model._meta.label_lower: model._default_manager.order_by("pk").first()
        for model in admin.site._registry
    }
    users = {
        "translator": translator,
        "reviewer": reviewer,
        "editor": editor,
        "staff_editor": staff_editor,
        "admin": admin_user_,
    }
    return Site(users=users, rows=rows)


def _site_path(site: Site, name: str, variant: str) -> str:
    if name == "admin:<catch-all>":
        return "/admin/no-such-page/"
    if name == "api:not_found":
        return "/api/v2/nothing/"
    if name == "admin:view_on_site":
        return "/admin/r/999999/1/"
    if name == "admin:app_list":
        return reverse(name, args=[variant])
    if name.endswith("_simple_history"):
        label = "articles.article" if "article_" in name else "articles.translation"
        row = site.rows[label]
        history_id = row.history.order_by("history_id").values_list("history_id", flat=True)[0]
        return reverse(name, args=[row.pk, history_id])
    if name == "admin:auth_user_password_change":
        return reverse(name, args=[site.users["editor"].pk])
    if name == ":password_reset_confirm":
        user = site.users["editor"]
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user) if variant == "valid" else "bad-token"
        return reverse("password_reset_confirm", args=[uid, token])
    return reverse(name.removeprefix(":"))


def _check(response, expected, url: str) -> str | None:
    status = response.status_code
    if expected == LOGIN:
        ok = status == 302 and response.url.startswith(reverse("login"))
    elif expected == ADMIN_LOGIN:
        ok = status == 302 and response.url.startswith(reverse("admin:login"))
    else:
        ok = status == expected
    if ok:
        return None
    where = f" → {response.url}" if status == 302 else ""
    return f"{url}: expected {expected}, got {status}{where}"


def _client(site: Site, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(site.users[role])
    return client


def test_site_urls_by_role(site) -> None:
    problems = []
    for role_index, role in enumerate(ROLES):
        client = _client(site, role)
        for (name, method, variant), answers in SITE.items():
            expected = answers[role_index]
            if expected is NA:
                continue
            # Logging out gets a client of its own, so the next rows keep their session.
            asking = _client(site, role) if "logout" in name else client
            url = _site_path(site, name, variant)
            response = getattr(asking, method.lower())(url)
            problem = _check(response, expected, f"{role} {method} {name} {variant}")
            if problem:
                problems.append(problem)
    assert problems == [], "\n".join(problems)


def _family_path(site: Site, model, member: str) -> str | None:
    opts = model._meta
    if member in ("changelist", "add"):
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{member}")
    row = site.rows[opts.label_lower]
    if row is None:
        return None
    if member == "<object>":
        return f"/admin/{opts.app_label}/{opts.model_name}/{row.pk}/"
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{member}", args=[row.pk])


def _family_expected(label: str, member: str, role: str):
    if role == "anonymous" or role in ("translator", "reviewer", "editor"):
        return ADMIN_LOGIN
    if (label, member) in ADMIN_REFUSED:
        return 403
    if role == "admin":
        return 302 if member == "<object>" else 200
    # The staff editor: the role's model permissions.
    if label not in EDITOR_MODELS:
        return 302 if member == "<object>" else 403
    if member == "<object>":
        return 302
    if member == "delete" and label != "entities.alias" and label != "entities.mention":
        return 403
    if member == "add" and label in ("articles.importitem",):
        return 403
    return 200


def test_admin_pages_of_every_model_by_role(site) -> None:
    """Every registered model × every family URL: superuser and anonymous; the changelist
    for every role, and the rest of the family for the staff editor where the editor role
    has model permissions. Each model's row exists
    (``desk_with_payloads``), or its object URLs are skipped and said so."""
    problems, missing = [], []
    clients = {role: _client(site, role) for role in ROLES}
    for model in admin.site._registry:
        label = model._meta.label_lower
        for member in FAMILY:
            path = _family_path(site, model, member)
            if path is None:
                missing.append(f"{label} {member}")
                continue
            # The rest of the family: the staff editor where the role's permissions reach.
            roles = ROLES if member == "changelist" else ("anonymous", "admin")
            if member != "changelist" and label in EDITOR_MODELS:
                roles = ("anonymous", "staff_editor", "admin")
            for role in roles:
                response = clients[role].get(path)
                expected = _family_expected(label, member, role)
                problem = _check(response, expected, f"{role} {label} {member} {path}")
                if problem:
                    problems.append(problem)
    assert problems == [], "\n".join(problems)
    # Only models the desk has no rows of in this world go unasked (their lists are asked).
    assert set(missing) <= {
        f"{label} {member}"
        for label in NO_ROWS
        for member in ("change", "history", "delete", "<object>")
    }, missing


# Models with no row in the test world (the admin's lists of them are still asked).
NO_ROWS = {
    "articles.translationmemoryentry",
    "articles.qaoverride",
    "articles.importbatch",
    "articles.importitem",
    "entities.datemention",
    "integrations.webhookdelivery",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}

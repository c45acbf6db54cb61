"""Production: PostgreSQL, Redis, separate Celery workers, everything from the environment.

Refuses to start (ImproperlyConfigured, naming the variable) without what it cannot guess:
SECRET_KEY (50+ characters), ALLOWED_HOSTS and DATABASE_URL. Static files are served by
whitenoise from STATIC_ROOT after ``manage.py collectstatic``; ``manage.py check --deploy`` is
clean with these settings (integrations/tests/test_deploy_check.py)."""

from django.core.exceptions import ImproperlyConfigured

from kzeditor.settings.base import *  # noqa: F403
from kzeditor.settings.base import MIDDLEWARE, env

DEBUG = False

MIN_SECRET_KEY_LENGTH = 50


def _required(name: str, value: object, hint: str) -> None:
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set in the environment for production ({hint})."
        )


SECRET_KEY = env("SECRET_KEY", default="")
_required("SECRET_KEY", SECRET_KEY, "a random string of 50+ characters")
if len(SECRET_KEY) < MIN_SECRET_KEY_LENGTH or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        f"SECRET_KEY is too weak for production: use {MIN_SECRET_KEY_LENGTH}+ random characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
_required("ALLOWED_HOSTS", ALLOWED_HOSTS, "comma-separated host names, e.g. desk.example.kz")
_required(
    "DATABASE_URL",
    env("DATABASE_URL", default=""),
    "postgres://user:password@host:5432/name; production does not run on SQLite",
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

KZEDITOR_DEMO_USERS_ALLOWED = False
# Webhooks only to public addresses unless explicitly allowed (see base.py).
KZEDITOR_WEBHOOK_ALLOW_PRIVATE = env.bool("KZEDITOR_WEBHOOK_ALLOW_PRIVATE", default=False)

# -- HTTPS (TLS ends at the reverse proxy, which sets X-Forwarded-Proto) -------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Base already sets CSP, nosniff, Referrer-Policy, COOP, X-Frame-Options DENY, HTTP-only
# same-site session cookies and the session age (SESSION_COOKIE_AGE).

# -- Static files: whitenoise serves collectstatic's output, compressed, with hashed names -------
# Right after SecurityMiddleware, so static responses skip the rest of the stack (whitenoise's
# documented position).
MIDDLEWARE = [*MIDDLEWARE]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# -- Logs: one JSON object per line for the log collector unless LOG_FORMAT=text; probes ---------
LOG_FORMAT = env("LOG_FORMAT", default="json")
_console = {**LOGGING["handlers"]["console"], "formatter": LOG_FORMAT}  # noqa: F405
LOGGING = {**LOGGING, "handlers": {**LOGGING["handlers"], "console": _console}}  # noqa: F405
# Load balancers ask /healthz and /readyz over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

"""Settings shared by every environment. Everything that differs between machines comes from
the environment through the one ``env`` object below; ``test`` and ``production`` adjust this."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
# Development default only; production.py refuses to start without SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "simple_history",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_guid",
    "csp",
    "axes",
    "auditlog",
    "articles",
    "entities",
    "integrations",
]

MIDDLEWARE = [
    # First: every response (redirects and errors included) carries the X-Request-ID.
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The audit log's actor, address and request id (API keys set the actor in the view).
    "articles.audit.AuditMiddleware",
    "articles.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "integrations.errors.ApiProblemMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a lockout flagged during authentication into the lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kzeditor.urls"
WSGI_APPLICATION = "kzeditor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite under var/ unless DATABASE_URL says otherwise (postgres://user@host:port/name).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kzeditor.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and in-process tasks share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # The coverage aggregates are short queries over many rows: PostgreSQL's JIT spent more
    # compiling them (≈340 ms measured) than running them. POSTGRES_JIT=on restores it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c jit={'on' if env.bool('POSTGRES_JIT', default=False) else 'off'}"
    )
    # While PostgreSQL restarts, a request or task fails fast (503, or a retry) instead of
    # hanging on an unanswered connection; CONN_HEALTH_CHECKS replaces a connection the restart
    # killed before it is used, so the first request afterwards succeeds.
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env.int("POSTGRES_CONNECT_TIMEOUT", default=5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# -- Login throttling (django-axes) -------------------------------------------------------------
# Axes first: it refuses a locked-out username+address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# AXES_FAILURE_LIMIT failed logins for one username from one address lock that pair out for
# AXES_COOLOFF_MINUTES; a successful login clears its count. The address is the audit log's
# (articles.audit.remote_address): the connection's, or behind KZEDITOR_TRUSTED_PROXY_HOPS
# proxies the client's address they appended to X-Forwarded-For.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "articles.audit.remote_address"
AXES_VERBOSE = False  # no start-up banner on every manage.py command
# Sessions end SESSION_COOKIE_AGE seconds (default 12 h, a working day) from login, or when
# the browser closes if SESSION_EXPIRE_AT_BROWSER_CLOSE. Cookies are HTTP-only and same-site;
# production.py also makes them HTTPS-only.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# -- Security headers (every environment; production.py adds HSTS and HTTPS-only cookies) -----
# Content-Security-Policy (django-csp): only this site's own files. No inline script, style or
# event handler anywhere (templates, admin, API docs), so no 'unsafe-inline' and no nonce (but
# on /api/redoc/, see integrations/urls.py). The one hash is the style="border-top: 0" of
# django-simple-history's admin history page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [
            SELF,
            "'unsafe-hashes'",
            "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
        ],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "articles:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
# locale/overrides: Kazakh for the few strings of Django itself that Django's kk catalog lacks
# (naturaltime, some form errors); makemessages never touches it. Django has no kk formats.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "overrides"]
FORMAT_MODULE_PATH = ["kzeditor.formats"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Almaty")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"

# Uploads: Django's own limit guards the request body; the import service checks each file.
KZEDITOR_IMPORT_MAX_FILE_BYTES = env.int("KZEDITOR_IMPORT_MAX_FILE_BYTES", default=2 * 1024 * 1024)
KZEDITOR_IMPORT_MAX_FILES = env.int("KZEDITOR_IMPORT_MAX_FILES", default=200)
KZEDITOR_IMPORT_MAX_ZIP_MEMBERS = env.int("KZEDITOR_IMPORT_MAX_ZIP_MEMBERS", default=500)
KZEDITOR_IMPORT_MAX_ZIP_TOTAL_BYTES = env.int(
    "KZEDITOR_IMPORT_MAX_ZIP_TOTAL_BYTES", default=50 * 1024 * 1024
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = KZEDITOR_IMPORT_MAX_FILES

# Demo users (make run) exist only where this is true; production.py forces it off.
KZEDITOR_DEMO_USERS_ALLOWED = env.bool("KZEDITOR_DEMO_USERS_ALLOWED", default=True)

# Celery. No broker configured: tasks run in-process at on_commit time (the embedded default).
CELERY_TASK_ALWAYS_EAGER = not env("CELERY_BROKER_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
# Tasks are idempotent, so a task whose worker died is redelivered rather than lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A pool child loads the NLP models before it reports for work (articles.tasks), which takes
# seconds on a busy machine; Celery's default 4 s kills such a child as hung and forks another,
# for ever, after the first child died (kill -9, OOM). Found by test_reliability_worker.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = env.float("CELERY_WORKER_PROC_ALIVE_TIMEOUT", default=120.0)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "articles.tasks.extract_article": {"queue": "extraction"},
    "articles.tasks.extract_translation": {"queue": "extraction"},
    "integrations.webhooks.tasks.deliver_webhook": {"queue": "webhooks"},
}
# Redis redelivers the unacknowledged task of a worker killed outright (kill -9, OOM, lost
# host) only after this many seconds; a pool child killed alone is requeued at once by its
# parent (reject_on_worker_lost; at the back of the queue). A task still running when the
# timeout passes is delivered a second time, so the default is the hard time limit plus a
# margin: no live task is ever run twice, at the price of a few minutes' delay after a whole
# worker dies (kombu restores expired messages when a worker starts and then every ~100 s;
# the extraction sweeper below also catches it). Lower it only together with
# CELERY_TASK_TIME_LIMIT. Countdown/ETA tasks are kept short (translations: seconds; webhook
# retries go through beat) for the same reason.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 60)
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that queues a task must not hang while the broker is down: give up quickly,
# leave the article pending, and let the sweeper queue it once the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# The sweepers re-queue what the broker lost or never got: extraction left pending (the broker
# was down when it was queued, or lost its queue) or running (its worker died) for longer than
# KZEDITOR_EXTRACTION_STALE_AFTER_SECONDS, which must exceed the hard time limit; API import
# jobs still queued or running after KZEDITOR_IMPORT_JOB_STALE_AFTER_SECONDS. Both run every
# KZEDITOR_SWEEP_INTERVAL_SECONDS (tests shorten all three).
KZEDITOR_EXTRACTION_STALE_AFTER_SECONDS = env.int(
    "KZEDITOR_EXTRACTION_STALE_AFTER_SECONDS", default=600
)
KZEDITOR_IMPORT_JOB_STALE_AFTER_SECONDS = env.int(
    "KZEDITOR_IMPORT_JOB_STALE_AFTER_SECONDS", default=1800
)
KZEDITOR_SWEEP_INTERVAL_SECONDS = env.float("KZEDITOR_SWEEP_INTERVAL_SECONDS", default=300.0)
CELERY_BEAT_SCHEDULE = {
    "sweep-stuck-extractions": {
        "task": "articles.tasks.sweep_stuck_extractions",
        "schedule": KZEDITOR_SWEEP_INTERVAL_SECONDS,
    },
    # Late edits, merged entities and changed publication times can regroup the last week.
    "recluster-stories": {"task": "entities.tasks.recluster_stories", "schedule": 3600.0},
    "sweep-import-jobs": {
        "task": "articles.tasks.sweep_import_jobs",
        "schedule": KZEDITOR_SWEEP_INTERVAL_SECONDS,
    },
    # Webhook retries due (longer backoffs than the broker's visibility timeout) and deliveries
    # whose worker died.
    "webhooks-retry-due": {
        "task": "integrations.webhooks.tasks.webhooks_retry_due",
        "schedule": 60.0,
    },
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Cache: per-process memory by default; a shared Redis cache (CACHE_URL=redis://…) in production,
# so that API throttling counts one client's requests across every web process.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# -- Integration API (/api/v1/) ------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "integrations.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "integrations.permissions.KeyScopes",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "integrations.parsers.LimitedJSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "integrations.pagination.StableCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "integrations.throttling.ClientRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "client": env("API_THROTTLE_CLIENT", default="1200/min"),
        # Invalid keys sent from one address (guessing); every endpoint needs a user, so this
        # is the anonymous budget.
        "failed_keys": env("API_THROTTLE_FAILED_KEYS", default="30/min"),
        "imports": env("API_THROTTLE_IMPORTS", default="60/min"),
    },
    "EXCEPTION_HANDLER": "integrations.errors.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": False,
    "DATETIME_FORMAT": "iso-8601",
}
# A JSON body larger than this is refused with 413 (uploads have their own per-file limits).
KZEDITOR_API_MAX_JSON_BYTES = env.int("KZEDITOR_API_MAX_JSON_BYTES", default=1024 * 1024)
SPECTACULAR_SETTINGS = {
    "TITLE": "kzeditor API",
    "DESCRIPTION": (
        "Articles in Kazakh, Russian and English with their translations, extracted entities, "
        "stories and coverage, for the desk's integrations. See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ArticleStatusEnum": "articles.models.ArticleStatus",
        "SegmentStatusEnum": "articles.models.SegmentStatus",
        "ImportStateEnum": "articles.models.ImportBatch.State",
        "EntityStatusEnum": "entities.models.Entity.Status",
        "ReviewStatusEnum": "entities.models.ReviewStatus",
        "HealthStatusEnum": ["ok", "unavailable"],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "integrations.schema.problem_responses_hook",
    ],
}
# Where integrations reach this site (https://desk.example.kz): makes webhook payload URLs
# absolute. Empty: payloads carry paths (/api/v1/articles/7/).
KZEDITOR_PUBLIC_URL = env("KZEDITOR_PUBLIC_URL", default="")
KZEDITOR_HEALTH_PING_TIMEOUT = env.float("KZEDITOR_HEALTH_PING_TIMEOUT", default=1.0)
# Webhooks: delivery attempts with exponential backoff (seconds), and the request timeout.
KZEDITOR_WEBHOOK_RETRY_DELAYS = [10, 60, 300, 1800, 7200]
KZEDITOR_WEBHOOK_TIMEOUT = env.float("KZEDITOR_WEBHOOK_TIMEOUT", default=10.0)
# False refuses webhook URLs whose host is (or resolves to) a loopback, private, link-local or
# otherwise non-public address, when saved and again before each attempt (SSRF). True here so
# that a desk can post to a receiver on its own network and tests to 127.0.0.1; production.py
# defaults it to False.
KZEDITOR_WEBHOOK_ALLOW_PRIVATE = env.bool("KZEDITOR_WEBHOOK_ALLOW_PRIVATE", default=True)

# Machine translation for the translation desk: none by default (no offline Kazakh model ships on
# PyPI). "http" calls a self-hosted LibreTranslate-compatible service at KZEDITOR_MT_URL; a dotted
# path names any class implementing articles.translations.machine.MachineTranslationEngine.
KZEDITOR_MT_ENGINE = env("KZEDITOR_MT_ENGINE", default="")
KZEDITOR_MT_URL = env("KZEDITOR_MT_URL", default="")
KZEDITOR_MT_API_KEY = env("KZEDITOR_MT_API_KEY", default="")
KZEDITOR_MT_TIMEOUT = env.float("KZEDITOR_MT_TIMEOUT", default=20.0)

# Logs go to the console: text for people (the default here), one JSON object per line for log
# collectors (LOG_FORMAT=json, production's default). Every record carries the request id
# (integrations.request_id; "-" outside a request or task).
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING_CONFIG = "integrations.request_id.logging_configure"
# The audit log (articles/audit.py): entries carry the request id, and the client address
# from X-Forwarded-For only behind this many proxies that append to it (0: the socket's).
AUDITLOG_CID_GETTER = "django_guid.get_guid"
KZEDITOR_TRUSTED_PROXY_HOPS = env.int("KZEDITOR_TRUSTED_PROXY_HOPS", default=0)
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    # An X-Request-ID that is not a UUID (32 hex digits or the dashed form) is replaced.
    "VALIDATE_GUID": True,
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601, UTC
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A line per request about where the request id came from.
        "django_guid": {"level": "WARNING"},
        # In-process (eager) tasks would print a line per article into commands' output.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
        # Model loading chatter (dictionary paths, versions) once per process.
        "pymorphy3": {"level": "WARNING"},
        "pymorphy2": {"level": "WARNING"},
        # The in-memory broker of eager mode has no host name, and says so on every import.
        "kombu.connection": {"level": "ERROR" if CELERY_TASK_ALWAYS_EAGER else "WARNING"},
    },
}

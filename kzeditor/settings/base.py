"""Settings shared by every environment. Everything that differs between machines comes from
the environment through the one ``env`` object below; ``test`` and ``production`` adjust this."""

from pathlib import Path

import environ
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
    "articles",
    "entities",
    "integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "articles.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "integrations.errors.ApiProblemMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
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
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "articles.tasks.extract_article": {"queue": "extraction"},
    "articles.tasks.extract_translation": {"queue": "extraction"},
    "integrations.webhooks.tasks.deliver_webhook": {"queue": "webhooks"},
}
# Redis redelivers an unacknowledged task only after this; it must exceed the hard time limit.
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
CELERY_BEAT_SCHEDULE = {
    "sweep-stuck-extractions": {
        "task": "articles.tasks.sweep_stuck_extractions",
        "schedule": 300.0,
    },
    # Late edits, merged entities and changed publication times can regroup the last week.
    "recluster-stories": {"task": "entities.tasks.recluster_stories", "schedule": 3600.0},
    "sweep-import-jobs": {"task": "articles.tasks.sweep_import_jobs", "schedule": 300.0},
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

# Machine translation for the translation desk: none by default (no offline Kazakh model ships on
# PyPI). "http" calls a self-hosted LibreTranslate-compatible service at KZEDITOR_MT_URL; a dotted
# path names any class implementing articles.translations.machine.MachineTranslationEngine.
KZEDITOR_MT_ENGINE = env("KZEDITOR_MT_ENGINE", default="")
KZEDITOR_MT_URL = env("KZEDITOR_MT_URL", default="")
KZEDITOR_MT_API_KEY = env("KZEDITOR_MT_API_KEY", default="")
KZEDITOR_MT_TIMEOUT = env.float("KZEDITOR_MT_TIMEOUT", default=20.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # In-process (eager) tasks would print a line per article into commands' output.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
        # Model loading chatter (dictionary paths, versions) once per process.
        "pymorphy3": {"level": "WARNING"},
        "pymorphy2": {"level": "WARNING"},
        # The in-memory broker of eager mode has no host name, and says so on every import.
        "kombu.connection": {"level": "ERROR" if CELERY_TASK_ALWAYS_EAGER else "WARNING"},
    },
}

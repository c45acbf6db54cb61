"""Test settings: fast hashing, eager tasks unless a test asks for the real broker."""

from kzeditor.settings.base import *  # noqa: F403
from kzeditor.settings.base import DATABASES, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The integration tests switch eager mode off and talk to the broker in CELERY_BROKER_URL.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": env("SQLITE_TEST_NAME", default="")}
else:
    # A throw-away test database need not wait for its WAL to reach the disk on every commit
    # (the transactional tests commit and truncate a lot); durability is not under test here.
    DATABASES["default"]["OPTIONS"]["options"] += " -c synchronous_commit=off"
KZEDITOR_IMPORT_MAX_FILE_BYTES = 2 * 1024 * 1024
# Django's test Client.login() authenticates without a request, which django-axes refuses; the
# suite logs in that way, so axes is off here as its documentation suggests. Tests of login
# throttling switch it on (articles/tests/test_login_security.py, the browser security test).
AXES_ENABLED = False
LOGGING = {"version": 1, "disable_existing_loggers": False}

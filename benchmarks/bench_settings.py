"""Settings for the HTTP load benchmark (benchmarks/bench_http.py): production's, served over
plain HTTP on loopback, plus the bare DRF endpoints of benchmarks/bench_urls.py.

Everything else is production's (DEBUG off, its middleware, sessions, API authentication and
throttling). The benchmark sets SECRET_KEY and ALLOWED_HOSTS in the environment when missing
(production refuses to start without them) and sends ``X-Forwarded-Proto: https`` with every
request, as the TLS proxy in front of gunicorn would, so production's HTTPS redirect stays on.
Logs: warnings and errors only (the per-request lines of a JSON request log would be measured
otherwise); gunicorn's stderr goes to a file the benchmark prints when a request fails."""

import os

os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from kzeditor.settings.production import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

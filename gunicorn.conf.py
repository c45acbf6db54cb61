"""Gunicorn settings for the web process (``make stack``, the Procfile, the Docker image).

Gunicorn (a plain pre-fork WSGI server, kept up for 15 years) serves Django; every value can be
changed from the environment, documented in docs/deploy.md. The access log is one JSON object
per request on stdout, with the request id Django answered with, so that it joins the
application's own JSON logs.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
from datetime import UTC, datetime
from typing import Any

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


wsgi_app = "kzeditor.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:"
        f"{os.environ.get('PORT', '8000')}"]  # fmt: skip

# Processes × threads: requests wait on the database more than on the CPU, so a few threads per
# process serve more requests in the same memory. The usual (2 × cores) + 1 processes.
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread" if threads > 1 else "sync"

# A request that takes longer than this is killed (and logged); imports of large files are
# queued as jobs, so no page should come near it.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Each worker process is replaced after about this many requests (the jitter keeps them from
# restarting together): bounds the damage of a slow memory leak.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# The reverse proxy in front sets X-Forwarded-Proto; trust it from these addresses only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Several gunicorns on one machine (a stack, the tests) must not share one control socket.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]

accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "true").lower() != "false" else None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "kzeditor-web"
# As Django's logs: JSON under production settings unless LOG_FORMAT says otherwise.
LOG_FORMAT = os.environ.get("LOG_FORMAT") or (
    "json" if os.environ.get("DJANGO_SETTINGS_MODULE", "").endswith(".production") else "text"
)


class JsonAccessLogger(Logger):
    """Access log lines as JSON (values escaped properly, unlike a JSON-shaped
    ``access_log_format``); gunicorn's own messages too when LOG_FORMAT=json."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if LOG_FORMAT == "json":
            from pythonjsonlogger.json import JsonFormatter

            formatter = JsonFormatter(
                "%(levelname)s %(name)s %(message)s",
                rename_fields={"levelname": "level", "name": "logger"},
                timestamp="time",
            )
            for handler in self.error_log.handlers:
                handler.setFormatter(formatter)
        for handler in self.access_log.handlers:
            handler.setFormatter(logging.Formatter("%(message)s"))

    def access(self, resp: Any, req: Any, environ: dict, request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        line = {
            "time": datetime.now(UTC).isoformat(),
            "logger": "gunicorn.access",
            "remote_addr": atoms["h"],
            "method": atoms["m"],
            "path": atoms["U"],
            "query": atoms["q"],
            "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
            "bytes": atoms["B"],
            "duration_ms": atoms["M"],
            "request_id": atoms.get("{x-request-id}o", "-"),
            "referer": atoms["f"],
            "user_agent": atoms["a"],
        }
        try:
            self.access_log.info(json.dumps(line, ensure_ascii=False))
        except Exception:
            self.exception("Could not write the access log line")


logger_class = JsonAccessLogger

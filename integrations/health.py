"""Is the API able to do its work: the database answers, the broker takes tasks, a worker
listens. Each check is bounded by a short timeout so the health endpoint itself never hangs."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection


@dataclass
class Check:
    ok: bool
    detail: str
    ms: int


def _timed(fn) -> Check:
    started = time.monotonic()
    try:
        ok, detail = fn()
    except Exception as exc:
        ok, detail = False, f"{type(exc).__name__}: {exc}"[:300]
    return Check(ok, detail, int((time.monotonic() - started) * 1000))


def _database() -> tuple[bool, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, connection.vendor


def _eager() -> bool:
    from kzeditor.celery import app

    return bool(app.conf.task_always_eager)


def _broker() -> tuple[bool, str]:
    if _eager():
        return True, "in-process (no broker configured)"
    from kzeditor.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return True, "connected"


def _workers() -> tuple[bool, str]:
    if _eager():
        return True, "tasks run in-process"
    from kzeditor.celery import app

    replies = app.control.ping(timeout=settings.KZEDITOR_HEALTH_PING_TIMEOUT) or []
    names = sorted(name for reply in replies for name in reply)
    if not names:
        return False, "no worker answered"
    return True, f"{len(names)} worker(s): {', '.join(names)[:200]}"


def health_report() -> dict:
    checks = {"database": _timed(_database), "broker": _timed(_broker)}
    checks["workers"] = (
        _timed(_workers) if checks["broker"].ok else Check(False, "broker unreachable", 0)
    )
    ok = all(check.ok for check in checks.values())
    return {
        "status": "ok" if ok else "unavailable",
        "checks": {name: asdict(check) for name, check in checks.items()},
    }

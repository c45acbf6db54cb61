"""Probes for load balancers and orchestrators, without authentication: ``/healthz`` (liveness:
the process answers; touches nothing else) and ``/readyz`` (readiness: the database answers, the
broker takes connections, every migration is applied; 503 otherwise).

They say which check failed and nothing else (no host names, versions or error messages); the
details are in the authenticated ``/api/v1/health/``, whose checks these reuse. Workers are not
part of readiness: a web process can serve pages while the workers restart.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from integrations.health import _broker, _database, _timed

# Once every migration is applied, a running process does not see them un-applied; a deploy
# that adds migrations starts new processes, which check again.
_migrations_applied = False


def _migrations() -> tuple[bool, str]:
    global _migrations_applied
    if not _migrations_applied:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        _migrations_applied = not plan
    return _migrations_applied, ""


def readiness_report() -> dict:
    checks = {"database": _timed(_database)}
    checks["migrations"] = _timed(_migrations) if checks["database"].ok else checks["database"]
    checks["broker"] = _timed(_broker)
    ok = all(check.ok for check in checks.values())
    return {
        "status": "ok" if ok else "unavailable",
        "checks": {name: "ok" if check.ok else "fail" for name, check in checks.items()},
    }


@never_cache
@require_safe
def liveness(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readiness(request: HttpRequest) -> JsonResponse:
    report = readiness_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)

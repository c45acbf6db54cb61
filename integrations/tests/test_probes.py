"""/healthz and /readyz: no login, nothing sensitive, 503 when a dependency is down."""

from __future__ import annotations

import pytest
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from integrations import probes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_migration_check(monkeypatch):
    monkeypatch.setattr(probes, "_migrations_applied", False)


def test_liveness_answers_without_login_or_database(django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readiness_reports_each_check_without_details() -> None:
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "broker": "ok"},
    }


def test_readiness_is_503_with_unapplied_migrations(monkeypatch) -> None:
    monkeypatch.setattr(
        MigrationExecutor, "migration_plan", lambda self, targets: [("a migration", False)]
    )
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "migrations": "fail", "broker": "ok"}


def test_readiness_is_503_when_the_broker_is_down_and_says_no_more(monkeypatch) -> None:
    def broker_down() -> tuple[bool, str]:
        raise ConnectionRefusedError("redis://secret-host:6379 refused the connection")

    monkeypatch.setattr(probes, "_broker", broker_down)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "migrations": "ok", "broker": "fail"},
    }
    assert b"secret-host" not in response.content


def test_readiness_is_503_when_the_database_is_down(monkeypatch) -> None:
    def database_down() -> tuple[bool, str]:
        raise OSError("could not connect to server at db.internal")

    monkeypatch.setattr(probes, "_database", database_down)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "fail", "migrations": "fail", "broker": "ok"}
    assert b"db.internal" not in response.content


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_refuse_writes(path: str) -> None:
    assert Client().post(path).status_code == 405

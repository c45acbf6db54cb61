"""A PostgreSQL restart, as its clients see it, for the test database only: every backend
connected to it is terminated and, for a few seconds, new connections are refused
(``ALTER DATABASE … ALLOW_CONNECTIONS false``; the server itself, shared with others, keeps
running). Driven from a separate connection to the ``postgres`` maintenance database.

- The web side answers a request made during the outage with a clean 503 and Retry-After
  (an HTML page, or problem+json under /api/), and the first request afterwards succeeds with
  no action: connections are opened per request, and CONN_HEALTH_CHECKS replaces a persistent
  connection the restart killed.
- A real Celery worker retries an extraction that hit the outage (autoretry with backoff on
  OperationalError) until it is done, and extracts an article imported right afterwards.

Recovery times are printed (run with ``-s``), never asserted."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
import requests
from django.core.signals import request_started
from django.db import OperationalError, connection
from django.db.utils import InterfaceError
from psycopg import sql

from articles.importing import import_file_from_bytes
from articles.models import Article, ExtractionState, ImportBatch
from articles.services import articles_import
from articles.tasks import extract_article
from articles.tests.factories import ArticleFactory
from conftest import PASSWORD, require_service

OUTAGE_SECONDS = 3.0
KK_TEXT = (
    "Ақтөбеде жаңа зауыт іске қосылды\n\n"
    "Ақтөбе облысында жылына 50 мың тонна өнім шығаратын зауыт ашылды, деп хабарлайды "
    "Kazinform.\n\nЗауытта 400 адам жұмыс істейді.\n"
)


class DatabaseOutage:
    """Refuse new connections to the test database and kill the existing ones; ``end()`` lets
    clients in again. The Django connection of this test process is one of those killed: it
    is closed on ``end()``, as a new request would do."""

    def __init__(self) -> None:
        settings = connection.settings_dict
        self.name = settings["NAME"]
        self.admin = psycopg.connect(
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )
        self.started = self.ended = 0.0
        self.terminated = 0

    def _allow(self, allowed: bool) -> None:
        self.admin.execute(
            sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(
                sql.Identifier(self.name), sql.SQL("true" if allowed else "false")
            )
        )

    def begin(self) -> None:
        self._allow(False)
        self.terminated = self.admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [self.name],
        ).fetchone()[0]
        self.started = time.monotonic()

    def end(self, *, close_own: bool = True) -> None:
        self._allow(True)
        self.ended = time.monotonic()
        if close_own:
            connection.close()

    def close(self) -> None:
        try:
            self._allow(True)  # never leave the database locked, whatever failed
        finally:
            self.admin.close()


@pytest.fixture
def outage(transactional_db) -> Iterator[DatabaseOutage]:
    require_service(
        connection.vendor == "postgresql",
        f"the database is {connection.vendor}, not PostgreSQL (DATABASE_URL unset)",
    )
    outage = DatabaseOutage()
    try:
        yield outage
    finally:
        outage.close()
        connection.close()


@contextmanager
def outage_for(
    outage: DatabaseOutage, seconds: float = 0.0, *, close_own: bool = True
) -> Iterator[DatabaseOutage]:
    outage.begin()
    try:
        yield outage
        remaining = seconds - (time.monotonic() - outage.started)
        if remaining > 0:
            time.sleep(remaining)
    finally:
        outage.end(close_own=close_own)


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


# -- the 503 itself (any database; the outage tests below need PostgreSQL) ---------------------


def _lose_the_database(*args, **kwargs):
    raise OperationalError("connection to server failed: the database system is shutting down")


@pytest.mark.django_db
def test_a_lost_database_in_a_middleware_is_a_503_page(client, editor, monkeypatch):
    """Raised outside any view (the user's saved language is read in a middleware): Django's
    handler500 turns it into the 503 page, not the 500 one."""
    client.force_login(editor)
    client.raise_request_exception = False
    monkeypatch.setattr("articles.middleware._preferred_language", _lose_the_database)
    response = client.get("/articles/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    assert "The database cannot be reached right now" in response.content.decode()


@pytest.mark.django_db
def test_a_lost_database_in_an_api_view_is_a_503_problem(editor, api_client_for, monkeypatch):
    client = api_client_for(editor)
    client.raise_request_exception = False
    monkeypatch.setattr("articles.api.article_views.articles_visible_to", _lose_the_database)
    response = client.get("/api/v1/articles/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "database_unavailable"


@pytest.mark.django_db
def test_other_server_errors_stay_500(client, editor, monkeypatch):
    client.force_login(editor)
    client.raise_request_exception = False
    monkeypatch.setattr("articles.middleware._preferred_language", lambda request: 1 / 0)
    assert client.get("/articles/").status_code == 500


# -- the web side ---------------------------------------------------------------------------------


@pytest.fixture
def browser_session(live_server, editor) -> requests.Session:
    session = requests.Session()
    login = session.get(f"{live_server.url}/accounts/login/", timeout=10)
    assert login.status_code == 200
    response = session.post(
        f"{live_server.url}/accounts/login/",
        data={
            "username": editor.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{live_server.url}/accounts/login/"},
        timeout=10,
    )
    assert response.status_code == 200, response.text[:500]
    assert "sessionid" in session.cookies
    return session


@pytest.mark.integration
def test_web_answers_503_during_the_outage_and_recovers_by_itself(
    outage, live_server, browser_session, editor, api_key_for
):
    article = ArticleFactory(title="Ақтөбедегі зауыт")
    page = f"{live_server.url}/articles/{article.pk}/"
    api = f"{live_server.url}/api/v1/articles/{article.pk}/"
    api_headers = {"Authorization": f"Bearer {api_key_for(editor)}"}
    assert browser_session.get(page, timeout=10).status_code == 200
    assert requests.get(api, headers=api_headers, timeout=10).status_code == 200

    with outage_for(outage, OUTAGE_SECONDS):
        assert outage.terminated >= 1  # at least this test's own connection
        during_page = browser_session.get(page, timeout=10)
        during_api = requests.get(api, headers=api_headers, timeout=10)
        during_write = requests.patch(
            api,
            json={"title": "Жаңа тақырып"},
            headers={**api_headers, "If-Match": f'"article-{article.pk}-v1"'},
            timeout=10,
        )

    assert during_page.status_code == 503
    assert during_page.headers["Content-Type"].startswith("text/html")
    assert during_page.headers["Retry-After"] == "5"
    assert "The database cannot be reached right now" in during_page.text
    assert "Traceback" not in during_page.text
    for response in (during_api, during_write):
        assert response.status_code == 503
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert response.headers["Retry-After"] == "5"
        problem = response.json()
        assert (problem["status"], problem["code"]) == (503, "database_unavailable")
        assert "Try again in 5 s" in problem["detail"]

    # The first request after the outage succeeds: no restart, no retry loop.
    after_page = browser_session.get(page, timeout=10)
    web_recovery = time.monotonic() - outage.ended
    assert after_page.status_code == 200
    assert "Ақтөбедегі зауыт" in after_page.text
    after_write = requests.patch(
        api,
        json={"title": "Жаңа тақырып"},
        headers={**api_headers, "If-Match": f'"article-{article.pk}-v1"'},
        timeout=10,
    )
    assert after_write.status_code == 200, after_write.text
    article.refresh_from_db()
    assert (article.title, article.version) == ("Жаңа тақырып", 2)  # the refused write: nothing
    print(f"\nweb: first request after the outage answered in {web_recovery:.3f} s")


@pytest.mark.integration
def test_persistent_connections_are_replaced_after_a_restart(outage):
    """With CONN_MAX_AGE > 0 a web process keeps its connection between requests, and the
    restart kills it. The health check at the next request replaces it; that setting is what
    makes the difference (without it, that request fails)."""
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True  # kzeditor.settings.base
    saved = dict(connection.settings_dict)
    try:
        for health_checks in (True, False):
            connection.close()
            connection.settings_dict.update(CONN_MAX_AGE=600, CONN_HEALTH_CHECKS=health_checks)
            request_started.send(sender=None)  # a request…
            before = _backend_pid()  # …opens the connection it keeps
            with outage_for(outage, close_own=False) as restart:
                assert restart.terminated >= 1
            request_started.send(sender=None)  # the next request, after the restart
            if health_checks:
                assert _backend_pid() != before
            else:
                with pytest.raises((OperationalError, InterfaceError)):
                    _backend_pid()
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


# -- the worker -----------------------------------------------------------------------------------


def _wait_for(predicate, timeout: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        connection.close()  # a fresh look every time
        if predicate():
            return time.monotonic()
        time.sleep(0.25)
    raise AssertionError(f"not reached within {timeout} s")


@pytest.fixture
def persistent_worker_connections(monkeypatch):
    """The worker keeps its connection between tasks (CONN_MAX_AGE), as in production."""
    monkeypatch.setenv("CONN_MAX_AGE", "600")


@pytest.mark.integration
def test_worker_retries_through_the_outage_and_extracts_after_it(
    outage, persistent_worker_connections, celery_worker_process
):
    warm = ArticleFactory(title="Worker warm-up", extraction_state=ExtractionState.PENDING)
    extract_article.delay(warm.pk)  # the worker opens its (persistent) connection
    _wait_for(lambda: Article.objects.get(pk=warm.pk).extraction_state == ExtractionState.DONE, 120)
    hit = ArticleFactory(title="Caught by the outage", extraction_state=ExtractionState.PENDING)

    with outage_for(outage, OUTAGE_SECONDS):
        assert outage.terminated >= 2  # this test's connection and the worker's
        extract_article.delay(hit.pk)  # the broker (Redis) is up; the database is not
        deadline = time.monotonic() + OUTAGE_SECONDS
        while "OperationalError" not in celery_worker_process.log_path.read_text(errors="replace"):
            assert time.monotonic() < deadline + 5, "the task did not run during the outage"
            time.sleep(0.1)

    _batch, [result] = articles_import(
        files=import_file_from_bytes("after.txt", KK_TEXT.encode()),
        channel=ImportBatch.Channel.API,
    )
    assert result.article is not None, result.message
    imported = result.article

    hit_done = _wait_for(
        lambda: Article.objects.get(pk=hit.pk).extraction_state == ExtractionState.DONE, 180
    )
    imported_done = _wait_for(
        lambda: Article.objects.get(pk=imported.pk).extraction_state == ExtractionState.DONE, 180
    )
    log = celery_worker_process.log_path.read_text(errors="replace")
    assert "articles.tasks.extract_article[" in log
    assert "Retry in" in log  # autoretry with backoff, not a failure
    assert Article.objects.get(pk=hit.pk).extraction_error == ""
    print(
        f"\nworker: the retried task was done {hit_done - outage.ended:.1f} s after the outage, "
        f"the article imported after it in {imported_done - outage.ended:.1f} s"
    )

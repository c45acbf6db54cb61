"""Request ids: X-Request-ID accepted (when valid) and echoed, on every log record of the
request, and carried into the Celery tasks it queues; JSON or text logs."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os
import subprocess
import sys
import time
import uuid

import pytest
from celery import shared_task
from django.conf import settings
from django.test import Client
from django_guid import clear_guid, get_guid, set_guid

from articles.models import Article, ExtractionState
from integrations import request_id
from kzeditor.settings import base as base_settings

logger = logging.getLogger("kzeditor.tests.request_id")
# What production.py refuses to start without (values for this test only).
PRODUCTION_ENV = {
    "SECRET_KEY": "test-only-" + "k7Qz9" * 10,
    "ALLOWED_HOSTS": "127.0.0.1",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
}


@shared_task
def log_request_id() -> str | None:
    logger.warning("inside the task")
    return get_guid()


@pytest.fixture(autouse=True)
def _no_request_id_left():
    clear_guid()
    yield
    clear_guid()


@pytest.mark.django_db
def test_a_valid_request_id_is_echoed_and_on_every_record_of_the_request(caplog) -> None:
    given = uuid.uuid4().hex
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = Client().get("/no-such-page/", HTTP_X_REQUEST_ID=given)
    assert response.status_code == 404
    assert response["X-Request-ID"] == given
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records, "Django logs a 404"
    assert {record.request_id for record in records} == {given}


@pytest.mark.django_db
@pytest.mark.parametrize("given", ["", "not-a-uuid", "<script>", "a" * 200])
def test_a_missing_or_invalid_request_id_is_replaced_by_a_fresh_one(given: str) -> None:
    headers = {"HTTP_X_REQUEST_ID": given} if given else {}
    first = Client().get("/healthz", **headers)["X-Request-ID"]
    second = Client().get("/healthz", **headers)["X-Request-ID"]
    assert first != given
    assert uuid.UUID(first).hex == first
    assert first != second


def test_records_outside_a_request_say_so(caplog) -> None:
    with caplog.at_level(logging.INFO, logger=logger.name):
        logger.info("no request here")
    assert caplog.records[-1].request_id == request_id.NO_REQUEST_ID


def _formatted(log_format: str, message: str) -> str:
    """The message as the console handler of base.py's LOGGING writes it (test.py has none)."""
    handler = logging.StreamHandler(io.StringIO())
    config = dict(base_settings.LOGGING["formatters"][log_format])
    handler.setFormatter(logging.config.DictConfigurator({}).configure_formatter(config))
    records = logging.getLogger("kzeditor.tests.format")
    records.addHandler(handler)
    try:
        set_guid("0" * 32)
        records.warning(message, "Алматы")
    finally:
        records.removeHandler(handler)
    return handler.stream.getvalue()


def test_json_format_is_one_object_per_line_with_the_request_id() -> None:
    line = json.loads(_formatted("json", "imported %s"))
    assert line["message"] == "imported Алматы"
    assert line["level"] == "WARNING"
    assert line["logger"] == "kzeditor.tests.format"
    assert line["request_id"] == "0" * 32
    assert line["time"].endswith("+00:00")


def test_text_format_shows_the_request_id() -> None:
    assert f"WARNING kzeditor.tests.format [{'0' * 32}]: imported Алматы" in _formatted(
        "text", "imported %s"
    )


@pytest.mark.parametrize(
    ("settings_module", "log_format", "expected"),
    [
        ("kzeditor.settings.base", None, "text"),
        ("kzeditor.settings.base", "json", "json"),
        ("kzeditor.settings.production", None, "json"),
        ("kzeditor.settings.production", "text", "text"),
    ],
)
def test_the_console_formatter_follows_log_format(settings_module, log_format, expected) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"LOG_FORMAT", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(PRODUCTION_ENV)
    if log_format:
        env["LOG_FORMAT"] = log_format
    code = (
        f"import importlib; s = importlib.import_module({settings_module!r}); "
        "print(s.LOGGING['handlers']['console']['formatter'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == expected


def test_an_eager_task_keeps_the_id_of_the_request_that_ran_it(caplog) -> None:
    set_guid("1" * 32)
    with caplog.at_level(logging.WARNING, logger=logger.name):
        returned = log_request_id.delay().get()
    assert returned == "1" * 32
    assert caplog.records[-1].request_id == "1" * 32
    assert get_guid() == "1" * 32, "the request still has its id after the task"


def test_a_published_task_carries_the_id_in_its_headers() -> None:
    headers: dict = {}
    set_guid("2" * 32)
    request_id._request_id_to_task(headers=headers)
    assert headers == {request_id.TASK_HEADER: "2" * 32}


@pytest.mark.integration
def test_a_task_queued_by_a_request_logs_the_request_id_in_the_worker(
    celery_worker_process, editor, api_client_for
) -> None:
    given = uuid.uuid4().hex
    client = api_client_for(editor)
    response = client.post(
        "/api/v1/articles/",
        {"title": "Request id", "body": "Токаев провёл совещание в Астане.", "language": "ru"},
        format="json",
        HTTP_X_REQUEST_ID=given,
    )
    assert response.status_code == 201, response.content
    assert response["X-Request-ID"] == given
    article_id = response.json()["id"]
    deadline = time.monotonic() + 60
    while Article.objects.get(pk=article_id).extraction_state != ExtractionState.DONE:
        assert time.monotonic() < deadline, "the worker did not extract the article"
        time.sleep(0.2)
    log = ""
    while f"[{given}]" not in log and time.monotonic() < deadline:
        time.sleep(0.2)
        log = celery_worker_process.log_path.read_text(errors="replace")
    task_lines = [line for line in log.splitlines() if "extract_article" in line and given in line]
    assert task_lines, f"no worker log line of the task carries {given}:\n{log[-3000:]}"

"""The request id: one id per web request (``X-Request-ID``, accepted from the proxy or made up,
validated and echoed back by django-guid's middleware), on every log record as ``request_id``,
and carried into the Celery tasks the request queues.

Why these pieces: django-guid keeps the id in a context variable and handles the header;
python-json-logger formats the records. The id is put on records by a log-record factory rather
than a handler filter, so every handler sees it (pytest's caplog, Celery's, gunicorn's). The
Celery hand-over is ours, not django-guid's ``CeleryIntegration``: that one makes up a new id
for every task and clears it afterwards, which in eager mode (development, tests: the task runs
inside the request) would replace the request's own id halfway through the request.
"""

from __future__ import annotations

import logging
import logging.config
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun
from django_guid import clear_guid, get_guid, set_guid
from django_guid.utils import generate_guid

# The task message header that carries the id from the publisher to the worker.
TASK_HEADER = "request_id"
NO_REQUEST_ID = "-"


def _record_factory_with_request_id(previous: Any) -> Any:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = get_guid() or NO_REQUEST_ID
        return record

    factory.adds_request_id = True
    return factory


def request_id_logging_install() -> None:
    """Every log record made from now on carries ``request_id`` (idempotent)."""
    current = logging.getLogRecordFactory()
    if not getattr(current, "adds_request_id", False):
        logging.setLogRecordFactory(_record_factory_with_request_id(current))


def logging_configure(config: dict) -> None:
    """Django's LOGGING_CONFIG: the request id on every record, then the LOGGING dict."""
    request_id_logging_install()
    if config:
        logging.config.dictConfig(config)


@before_task_publish.connect
def _request_id_to_task(headers: dict | None = None, **kwargs: Any) -> None:
    request_id = get_guid()
    if headers is not None and request_id:
        headers[TASK_HEADER] = request_id


@task_prerun.connect
def _request_id_from_task(task: Any = None, **kwargs: Any) -> None:
    if task is None or task.request.is_eager:
        return  # runs inside the request (or command) that queued it: keeps its id
    set_guid(task.request.get(TASK_HEADER) or generate_guid())


@task_postrun.connect
def _request_id_clear(task: Any = None, **kwargs: Any) -> None:
    if task is not None and not task.request.is_eager:
        clear_guid()

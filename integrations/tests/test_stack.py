"""`make stack`'s processes: the Procfile run by honcho with production settings against the
test database and Redis. The web answers, an article posted to the API is extracted by the
stack's own extraction worker, every worker and beat start, and SIGTERM to honcho stops all of
them (no process left behind)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from conftest import _redis_reachable, require_service

pytestmark = pytest.mark.integration

STARTUP_SECONDS = 90


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _process_table() -> dict[int, tuple[int, str, str]]:
    """pid → (parent pid, state, start time) of every process, from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), fields[0], fields[19])
    return table


def _descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid``, with its start time (to tell a reused pid apart)."""
    table = _process_table()
    found, frontier = {}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, (ppid, _, started) in table.items():
            if ppid == parent and child not in found:
                found[child] = started
                frontier.append(child)
    return found


def _still_running(processes: dict[int, str]) -> list[int]:
    table = _process_table()
    return [
        pid
        for pid, started in processes.items()
        if pid in table and table[pid][2] == started and table[pid][1] != "Z"
    ]


def _request(url: str, *, method: str = "GET", body: dict | None = None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def stack_env(transactional_db, tmp_path):
    from kzeditor.celery import app

    broker = settings.CELERY_BROKER_URL
    require_service(
        connection.vendor == "postgresql",
        f"the database is {connection.vendor}, not PostgreSQL (DATABASE_URL unset)",
    )
    require_service(
        broker.startswith("redis://") and _redis_reachable(broker),
        f"no Redis broker at CELERY_BROKER_URL={broker!r}",
    )
    with app.connection_for_write() as conn:
        for queue in ("extraction", "default", "webhooks"):
            try:
                conn.default_channel.queue_purge(queue)
            except Exception:
                continue
    db = connection.settings_dict
    port = _free_port()
    venv_bin = str(Path(settings.BASE_DIR) / ".venv" / "bin")
    env = {
        **{name: value for name, value in os.environ.items() if name != "LOG_FORMAT"},
        "PATH": f"{venv_bin}:{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "kzeditor.settings.production",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": broker,
        "CACHE_URL": "locmemcache://",
        "SECRET_KEY": "stack-test-" + uuid.uuid4().hex + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        # Small, for a 2-core machine shared with other tests.
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        "EXTRACTION_CONCURRENCY": "1",
        "DEFAULT_CONCURRENCY": "1",
        "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "celerybeat-schedule"),
        "CI": "",
    }
    return {"env": env, "base": f"http://127.0.0.1:{port}", "log": tmp_path / "honcho.log"}


def test_the_stack_serves_extracts_and_stops_cleanly(stack_env, editor, api_key_for) -> None:
    from kzeditor.celery import app

    env, base, log_path = stack_env["env"], stack_env["base"], stack_env["log"]
    log = log_path.open("wb")
    honcho = subprocess.Popen(
        [f"{env['PATH'].split(':')[0]}/honcho", "--env", "/dev/null", "start"],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def output() -> str:
        log.flush()
        return log_path.read_text(errors="replace")

    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        status = None
        while status != 200:
            assert honcho.poll() is None, f"honcho stopped:\n{output()[-4000:]}"
            assert time.monotonic() < deadline, f"/readyz never said ok:\n{output()[-4000:]}"
            time.sleep(0.5)
            try:
                status, _, body = _request(f"{base}/readyz")
            except OSError:
                continue
        assert json.loads(body) == {
            "status": "ok",
            "checks": {"database": "ok", "migrations": "ok", "broker": "ok"},
        }

        key = api_key_for(editor)
        request_id = uuid.uuid4().hex
        status, headers, body = _request(
            f"{base}/api/v1/articles/",
            method="POST",
            body={
                "title": "Stack test",
                "language": "ru",
                "body": "Касым-Жомарт Токаев провёл совещание в Астане.",
            },
            headers={"Authorization": f"Bearer {key}", "X-Request-ID": request_id},
        )
        assert status == 201, body
        assert headers["X-Request-ID"] == request_id
        article_url = f"{base}/api/v1/articles/{json.loads(body)['id']}/"
        state = None
        while state != "done":
            assert time.monotonic() < deadline, f"not extracted ({state}):\n{output()[-4000:]}"
            time.sleep(0.5)
            status, _, body = _request(article_url, headers={"Authorization": f"Bearer {key}"})
            assert status == 200, body
            state = json.loads(body)["extraction"]["state"]
        assert json.loads(body)["mentions"], "the extraction found the people and places"

        workers = {name for reply in app.control.ping(timeout=2.0) for name in reply}
        assert {name.split("@")[0] for name in workers} >= {"extraction.1", "default.1"}
        while "beat: Starting" not in output():
            assert time.monotonic() < deadline, f"beat did not start:\n{output()[-4000:]}"
            time.sleep(0.5)
        access = [
            json.loads(line.split("| ", 1)[1])
            for line in output().splitlines()
            if '"gunicorn.access"' in line and request_id in line
        ]
        assert [(a["method"], a["path"], a["status"]) for a in access] == [
            ("POST", "/api/v1/articles/", 201)
        ]
        # Production settings log JSON by default, gunicorn's own messages included.
        assert '"logger": "gunicorn.error", "message": "Booting worker' in output()
        assert '"logger": "celery.app.trace"' in output()

        processes = _descendants(honcho.pid)
        assert len(processes) >= 6, "honcho, web (master and worker), two workers and beat"
        honcho.send_signal(signal.SIGTERM)
        assert honcho.wait(timeout=30) == 128 + signal.SIGTERM  # honcho's answer to SIGTERM
        stopped = output()
        assert "SIGKILL" not in stopped, "every process stopped within honcho's grace period"
        for name in ("web.1", "extraction.1", "default.1", "beat.1"):
            assert f"{name} stopped (rc=0)" in stopped
        remaining = time.monotonic() + 15
        while _still_running(processes) and time.monotonic() < remaining:
            time.sleep(0.2)
        assert _still_running(processes) == [], output()[-3000:]
    finally:
        if honcho.poll() is None:
            os.killpg(honcho.pid, signal.SIGKILL)
            honcho.wait()
        log.close()

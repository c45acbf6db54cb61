"""Shared fixtures: users in each role, and the on-commit helper for task tests."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from articles.roles import Role

PASSWORD = "kzeditor-test-password"  # noqa: S105


@pytest.fixture
def make_user(django_user_model):
    def make(username: str, *roles: Role, superuser: bool = False):
        user = django_user_model.objects.create_user(
            username=username, password=PASSWORD, is_superuser=superuser, is_staff=superuser
        )
        for role in roles:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def editor(make_user):
    return make_user("editor", Role.EDITOR)


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer", Role.REVIEWER)


@pytest.fixture
def translator(make_user):
    return make_user("translator", Role.TRANSLATOR)


@pytest.fixture
def admin_user_(make_user):
    return make_user("admin", superuser=True)


# -- real services: PostgreSQL, Redis, a Celery worker process, Chromium ---------------------

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(available: bool, reason: str) -> None:
    """Skip loudly on a laptop without the service; fail in CI, where skipping hides a gap."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    warnings.warn(f"SKIPPED integration test: {reason}", stacklevel=2)
    pytest.skip(f"{reason} (set up the service or run `make test-postgres`)")


def _redis_reachable(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except Exception:
        return False


def celery_worker_start(
    *, broker: str, env: dict[str, str] | None = None, beat: bool = False
) -> subprocess.Popen:
    """Start a real `celery worker` (one pool child) on ``broker``, writing to the test
    database, and wait until it answers a ping. ``env`` overrides the environment (e.g.
    CELERY_VISIBILITY_TIMEOUT); ``beat`` embeds the beat scheduler (the sweepers). The process
    leads its own process group, so a test can kill it with its children
    (``os.killpg(process.pid, SIGKILL)``); it has ``name`` and ``log_path``. Stop it with
    ``celery_worker_stop``."""
    from django.conf import settings
    from django.db import connection

    from kzeditor.celery import app

    db = connection.settings_dict
    worker_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kzeditor.settings.base",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": broker,
        "CI": "",
        **(env or {}),
    }
    name = f"test-{uuid.uuid4().hex[:8]}@localhost"
    log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)  # noqa: SIM115
    command = [
        sys.executable, "-m", "celery", "-A", "kzeditor", "worker",
        "-Q", "extraction,default,webhooks", "-c", "1", "-n", name,
        "--without-gossip", "--without-mingle", "-l", "INFO",
    ]  # fmt: skip
    if beat:
        command += ["-B", "-s", f"{log.name}.beat-schedule"]
    process = subprocess.Popen(  # noqa: S603
        command,
        env=worker_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=settings.BASE_DIR,
        start_new_session=True,
    )
    log.close()  # the child has its own handle
    process.name = name
    process.log_path = Path(log.name)
    deadline = time.monotonic() + 60
    try:
        with app.connection_for_write(url=broker) as ping_connection:
            while not app.control.ping(destination=[name], timeout=1.0, connection=ping_connection):
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.log_path.read_text(errors="replace")[-4000:]
                    pytest.fail(f"The Celery worker did not start:\n{output}")
    except BaseException:
        celery_worker_stop(process)  # never leave a worker behind to eat later tests' tasks
        raise
    return process


def celery_worker_stop(process: subprocess.Popen) -> None:
    """Stop a worker started by ``celery_worker_start`` (warm shutdown, then SIGKILL to its
    whole process group, which also ends pool children left by a killed main process)."""
    import contextlib
    import signal

    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def celery_worker_factory(transactional_db):
    """``start(broker=..., env=..., beat=...)`` → a started worker process (see
    ``celery_worker_start``); every worker it started is stopped after the test. Eager mode is
    switched off for the test, so `.delay()` goes through the broker."""
    from django.db import connection

    from kzeditor.celery import app

    require_service(
        connection.vendor == "postgresql",
        f"the database is {connection.vendor}, not PostgreSQL (DATABASE_URL unset)",
    )
    started: list[subprocess.Popen] = []

    def start(*, broker: str, env: dict[str, str] | None = None, beat: bool = False):
        started.append(celery_worker_start(broker=broker, env=env, beat=beat))
        return started[-1]

    # The settings are read with the CELERY_ namespace, so the namespaced key is what counts.
    previous_eager = app.conf.task_always_eager
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=False)
    assert not app.conf.task_always_eager
    try:
        yield start
    finally:
        app.conf.update(CELERY_TASK_ALWAYS_EAGER=previous_eager)
        for process in started:
            celery_worker_stop(process)


@pytest.fixture
def celery_worker_process(celery_worker_factory):
    """A real `celery worker` process consuming from Redis and writing to the test database.

    Eager mode is switched off for the test, so `.delay()` goes through the broker."""
    from django.conf import settings

    from kzeditor.celery import app

    broker = settings.CELERY_BROKER_URL
    require_service(
        broker.startswith("redis://") and _redis_reachable(broker),
        f"no Redis broker at CELERY_BROKER_URL={broker!r}",
    )
    with app.connection_for_write() as conn:
        for queue in ("extraction", "default", "webhooks"):
            try:
                conn.default_channel.queue_purge(queue)
            except Exception:  # noqa: S112 - the queue may not exist yet
                continue
    return celery_worker_factory(broker=broker)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright, headless; never a downloaded browser."""
    executable = "/usr/bin/chromium"
    require_service(
        Path(executable).exists(), f"{executable} is missing (apt-get install chromium)"
    )
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test body
    # are still synchronous, so Django's async-safety guard does not apply.
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions do: on a loaded CI machine a row of saves can take
    # longer than Playwright's default 5 s, and a slow machine is not a failure.
    expect.set_options(timeout=20_000)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )  # fmt: skip
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def login(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


# -- the integration API ---------------------------------------------------------------------


@pytest.fixture
def api_key_for():
    """``api_key_for(user, scopes=("read", "write", "import"))`` → the key string."""
    from integrations.keys import api_key_create

    def make(user, scopes=("read", "write", "import")) -> str:
        _, key = api_key_create(
            user=user,
            name=f"test-{user.get_username()}",
            read="read" in scopes,
            write="write" in scopes,
            import_="import" in scopes,
        )
        return key

    return make


@pytest.fixture
def api_client_for(api_key_for):
    """``api_client_for(user, scopes=…)`` → a DRF APIClient sending that user's Bearer key."""
    from rest_framework.test import APIClient

    def make(user, scopes=("read", "write", "import")):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_for(user, scopes)}")
        return client

    return make


def extraction_callbacks(callbacks: list) -> list:
    """The on-commit callbacks that queue an extraction (others announce events: webhooks)."""
    return [callback for callback in callbacks if "enqueue" in callback.__qualname__]

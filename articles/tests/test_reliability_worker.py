"""Reliability of extraction across process deaths and broker outages, with real processes:
PostgreSQL, a private ``redis-server`` per test (ports 6390/6391, never the machine's 6379) and
Celery workers with embedded beat (the sweepers), killed with SIGKILL and restarted.

The recovery times are printed (``pytest -s``), not asserted: they go to docs/performance.md.
Process control uses only the standard library (subprocess, os.killpg, /proc) and redis-py,
which the project already uses; no extra test dependency is needed."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles import services
from articles.models import Article, ExtractionState, ImportBatch
from articles.parsing import parse_article_text
from conftest import celery_worker_stop, require_service
from entities.models import Mention

pytestmark = pytest.mark.integration

SEEDS = Path(settings.BASE_DIR) / "seeds"
DONE_REPORT = re.compile(r"extract_article\[[^\]]+\] succeeded in [\d.]+s: 'done'")
CHILD_KILL_REDIS_PORT = 6391
OUTAGE_REDIS_PORT = 6390
# Short enough to measure, longer than any one extraction on a loaded CI machine.
VISIBILITY_TIMEOUT_SECONDS = 5
# What the broker-outage test pretends production is, in seconds: the sweepers' staleness and
# interval (production: 600 s, 1800 s and 300 s).
SHORT_SWEEPS = {
    "KZEDITOR_EXTRACTION_STALE_AFTER_SECONDS": "4",
    "KZEDITOR_IMPORT_JOB_STALE_AFTER_SECONDS": "2",
    "KZEDITOR_SWEEP_INTERVAL_SECONDS": "1",
}


# -- process control ------------------------------------------------------------------------


def redis_server_start(port: int) -> str:
    """Start a throwaway redis-server (no persistence: a restart loses every queued task, the
    worst case) on ``port`` and return its URL."""
    import redis

    executable = shutil.which("redis-server")
    require_service(executable is not None, "redis-server is not installed (apt-get install redis)")
    assert port != 6379, "never the machine's Redis"
    redis_server_stop(port)  # a server left over by an interrupted run
    directory = tempfile.mkdtemp(prefix=f"kzeditor-redis-{port}-")
    subprocess.run(
        [
            executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--daemonize", "yes", "--dir", directory,
            "--logfile", f"{directory}/redis.log",
        ],
        check=True,
    )  # fmt: skip
    client = redis.Redis(port=port, socket_connect_timeout=1)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    return f"redis://127.0.0.1:{port}/0"


def redis_server_stop(port: int) -> None:
    """Shut the server on ``port`` down at once, without saving (an outage)."""
    import redis

    assert port != 6379, "never the machine's Redis"
    client = redis.Redis(port=port, socket_connect_timeout=1)
    # (shutdown closes the connection instead of answering; no server at all is fine too)
    with contextlib.suppress(redis.ConnectionError):
        client.shutdown(nosave=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            client.ping()
        except redis.ConnectionError:
            return
        time.sleep(0.05)
    raise AssertionError(f"redis-server on {port} did not stop")


@contextmanager
def this_process_publishes_to(broker: str) -> Iterator[None]:
    """Point this (the test) process's Celery app at ``broker`` for the block: `.delay()` from
    services, the test client and the API then publish there."""
    from kzeditor.celery import app

    # The app keeps its connection and producer pools (kombu keeps one per broker URL): set
    # ours aside, let the app make pools for ``broker``, and put ours back afterwards.
    saved_pools = (app._pool, app.amqp._producer_pool)
    app._pool = app.amqp._producer_pool = None
    services._broker_down_until = 0.0
    # Celery reads CELERY_BROKER_URL from the environment before its settings.
    previous = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = broker
    assert app.conf.broker_url == broker
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = previous
        app._pool, app.amqp._producer_pool = saved_pools
        services._broker_down_until = 0.0


def child_pids(pid: int) -> set[int]:
    """The live children of process ``pid`` (from /proc: instant, unlike asking the worker)."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == pid and fields[0] != "Z":
            children.add(int(stat.parent.name))
    return children


def beat_pids(worker: subprocess.Popen) -> set[int]:
    """The worker's children that are not pool processes (its embedded beat), as the worker
    reports its pool."""
    from kzeditor.celery import app

    stats = app.control.inspect(destination=[worker.name], timeout=5.0).stats() or {}
    pool = stats.get(worker.name, {}).get("pool", {}).get("processes", [])
    assert pool, f"{worker.name} reported no pool process"
    return child_pids(worker.pid) - set(pool)


def kill_9(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)


def kill_9_whole_worker(worker: subprocess.Popen) -> None:
    """SIGKILL to the main process and its children at once (it leads its process group)."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def wait_for(condition: Callable[[], object], timeout: float, what: str, poll: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(poll)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def states() -> dict[int, str]:
    return dict(Article.objects.values_list("pk", "extraction_state"))


def worker_logs(workers: list[subprocess.Popen]) -> str:
    return "\n".join(w.log_path.read_text(errors="replace") for w in workers)


# -- articles -------------------------------------------------------------------------------


def seed_variants(count: int) -> list[tuple[str, str]]:
    """``count`` distinct (title, body) pairs: the seed articles with their paragraphs rotated."""
    parsed = [parse_article_text(path.read_text()) for path in sorted(SEEDS.glob("*.txt"))]
    variants = []
    for n in range(count):
        seed = parsed[n % len(parsed)]
        shift = n // len(parsed)
        paragraphs = seed.paragraphs[shift:] + seed.paragraphs[:shift]
        variants.append((f"{seed.title} ({n + 1})", "\n".join(paragraphs)))
    return variants


def mention_keys() -> list[tuple]:
    return list(
        Mention.objects.filter(article__isnull=False).values_list(
            "article_id", "field", "start", "end", "text"
        )
    )


def undisturbed_mention_keys() -> set[tuple]:
    """The mentions one undisturbed extraction of every article gives (run in this process)."""
    from entities.extraction import extract_document

    expected = set()
    for article in Article.objects.all():
        result = extract_document(
            title=article.title,
            body=article.body,
            language=article.language if article.language_locked else None,
        )
        for field, found in result.fields.items():
            for span in found.entities:
                expected.add((article.pk, field, span.start, span.end, span.text[:500]))
    return expected


def assert_each_article_extracted_once(workers: list[subprocess.Popen], count: int, kills: int):
    """Every article done; no article committed twice (a second run finds it current), and
    the log shows it: at most one 'done' per article, fewer only by the kills that may have
    struck between a commit and the task's report; no duplicate mention."""
    assert set(states().values()) == {ExtractionState.DONE}, states()
    assert Article.objects.count() == count
    # A task reports after the steps that follow the commit (search index, story, ...).
    wait_for(
        lambda: len(DONE_REPORT.findall(worker_logs(workers))) >= count - kills,
        30,
        "the worker to report the last extraction",
    )
    done_reports = len(DONE_REPORT.findall(worker_logs(workers)))
    assert count - kills <= done_reports <= count, done_reports
    keys = mention_keys()
    duplicates = [key for key, n in Counter(keys).items() if n > 1]
    assert not duplicates, duplicates
    assert set(keys) == undisturbed_mention_keys()


# -- kill -9 in the middle of extraction ----------------------------------------------------


def test_extraction_survives_kill_9_of_pool_children_and_whole_workers(
    celery_worker_factory, capsys
):
    """Three pool children and twice the whole worker (main process, pool, beat) are killed
    with SIGKILL while an article is being extracted; a new worker is started after each
    whole-worker kill. Every article ends ``done``, once, with the mentions an undisturbed
    extraction gives, and none is left ``running``."""
    broker = redis_server_start(CHILD_KILL_REDIS_PORT)
    env = {
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_SECONDS),
        # Longer than an extraction on a loaded machine: the sweeper is the backstop here.
        "KZEDITOR_EXTRACTION_STALE_AFTER_SECONDS": "20",
        "KZEDITOR_SWEEP_INTERVAL_SECONDS": "2",
    }
    count = 10
    kills = ["child", "child", "whole", "child", "whole"]
    workers: list[subprocess.Popen] = []
    killed_at: dict[int, tuple[str, float]] = {}  # interrupted article → (kill, when)
    done_after: dict[int, float] = {}  # interrupted article → seconds from its kill to done
    extracting_again_after: list[tuple[str, float]] = []

    def poll_states() -> dict[int, str]:
        now, current = time.monotonic(), states()
        for pk, (_kind, when) in killed_at.items():
            if pk not in done_after and current[pk] == ExtractionState.DONE:
                done_after[pk] = now - when
        return current

    def extracting_now() -> list[int]:
        """Articles being extracted by a live worker (not those left by a killed one)."""
        return [
            pk
            for pk, state in poll_states().items()
            if state == ExtractionState.RUNNING and pk not in killed_at
        ]

    try:
        with this_process_publishes_to(broker):
            workers.append(celery_worker_factory(broker=broker, env=env, beat=True))
            not_pool = {workers[-1].pid: beat_pids(workers[-1])}
            started = time.monotonic()
            for title, body in seed_variants(count):
                services.article_create(title=title, body=body)

            last_kill: tuple[str, float] | None = None
            for kind in kills:
                worker = workers[-1]
                running = wait_for(extracting_now, 90, "an article being extracted", poll=0.01)
                if last_kill:
                    extracting_again_after.append((last_kill[0], time.monotonic() - last_kill[1]))
                last_kill = (kind, time.monotonic())
                if kind == "child":
                    pool = child_pids(worker.pid) - not_pool[worker.pid]
                    assert pool, "no pool process to kill"
                    for pid in pool:
                        kill_9(pid)
                else:
                    kill_9_whole_worker(worker)
                for pk in running:
                    killed_at[pk] = last_kill
                if kind == "whole":
                    workers.append(celery_worker_factory(broker=broker, env=env, beat=True))
                    not_pool[workers[-1].pid] = beat_pids(workers[-1])

            wait_for(
                lambda: extracting_now() or set(poll_states().values()) == {"done"},
                90,
                "the worker to extract again",
                poll=0.01,
            )
            extracting_again_after.append((last_kill[0], time.monotonic() - last_kill[1]))
            wait_for(
                lambda: set(poll_states().values()) == {ExtractionState.DONE},
                120,
                "every article to be extracted",
            )
            total = time.monotonic() - started
            assert workers[-1].poll() is None
            assert_each_article_extracted_once(workers, count, kills=len(kills))
    finally:
        for worker in workers:  # while the broker is there for a warm shutdown
            celery_worker_stop(worker)
        redis_server_stop(CHILD_KILL_REDIS_PORT)

    assert len(killed_at) >= len(kills)
    with capsys.disabled():
        print(f"\n{count} articles, kill -9 during extraction (1 pool process, visibility "
              f"timeout {VISIBILITY_TIMEOUT_SECONDS} s, worker restarted at once):")  # fmt: skip
        for kind, seconds in extracting_again_after:
            print(f"  {kind:5} kill → extracting again: {seconds:5.1f} s")
        for pk, (kind, _when) in killed_at.items():
            print(f"  {kind:5} kill → interrupted article #{pk} done: {done_after[pk]:5.1f} s")
        print(f"  first article queued → all {count} done: {total:.1f} s")


# -- the broker down during imports -----------------------------------------------------------


def import_command(paths: list[Path], broker: str) -> subprocess.CompletedProcess:
    """``manage.py import_articles`` in its own process, as an editor runs it."""
    from django.db import connection

    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kzeditor.settings.base",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": broker,
        "CI": "",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "import_articles", "--no-progress", *map(str, paths)],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_imports_while_the_broker_is_down_are_extracted_once_it_is_back(
    celery_worker_factory, client, editor, api_client_for, tmp_path, capsys
):
    """With the broker stopped, the command, the upload page and the API each import: the
    articles (and the API's job) are saved, pending, and the importer is told so, without a
    traceback. Once the broker is back, the beat sweepers queue what was left and every
    article is extracted, once."""
    broker = redis_server_start(OUTAGE_REDIS_PORT)
    variants = seed_variants(6)
    files = []
    for n, (title, body) in enumerate(variants[:4]):
        files.append(tmp_path / f"article-{n}.txt")
        files[-1].write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    worker = None
    try:
        with this_process_publishes_to(broker):
            worker = celery_worker_factory(broker=broker, env=SHORT_SWEEPS, beat=True)
            redis_server_stop(OUTAGE_REDIS_PORT)
            outage_started = time.monotonic()

            command = import_command(files[:2], broker)
            assert command.returncode == 0, command.stdout + command.stderr
            assert "Traceback" not in command.stdout + command.stderr
            assert command.stdout.count("the task queue (broker) is unavailable") == 2, (
                command.stdout
            )

            client.force_login(editor)
            uploads = [SimpleUploadedFile(path.name, path.read_bytes()) for path in files[2:]]
            response = client.post(reverse("articles:import"), {"files": uploads})
            assert response.status_code == 200
            assert response.content.decode().count("the task queue (broker) is unavailable") == 2

            api = api_client_for(editor)
            response = api.post(
                "/api/v1/imports/",
                [{"title": title, "body": body} for title, body in variants[4:]],
                format="json",
            )
            assert response.status_code == 202, response.content
            job_id = response.json()["id"]
            assert response.json()["state"] == ImportBatch.State.QUEUED

            assert Article.objects.count() == 4
            assert set(states().values()) == {ExtractionState.PENDING}
            assert ImportBatch.objects.get(pk=job_id).state == ImportBatch.State.QUEUED

            outage = time.monotonic() - outage_started
            redis_server_start(OUTAGE_REDIS_PORT)
            back_at = time.monotonic()
            job = wait_for(
                lambda: api.get(f"/api/v1/imports/{job_id}/").json()["state"] == "finished",
                timeout=90,
                what="the API job",
            )
            job = api.get(f"/api/v1/imports/{job_id}/").json()
            assert job["counts"] == {"imported": 2, "duplicate": 0, "failed": 0}, job
            wait_for(
                lambda: len(states()) == 6 and set(states().values()) == {ExtractionState.DONE},
                timeout=90,
                what="every article to be extracted",
            )
            recovered = time.monotonic() - back_at
            assert worker.poll() is None
            assert_each_article_extracted_once([worker], count=6, kills=0)
    finally:
        if worker is not None:
            celery_worker_stop(worker)  # while the broker is there for a warm shutdown
        redis_server_stop(OUTAGE_REDIS_PORT)
    with capsys.disabled():
        print(f"\nbroker down {outage:.1f} s during 3 imports (6 articles); broker back → all "
              f"extracted: {recovered:.1f} s (sweep every {SHORT_SWEEPS['KZEDITOR_SWEEP_INTERVAL_SECONDS']} s, "
              f"stale after {SHORT_SWEEPS['KZEDITOR_EXTRACTION_STALE_AFTER_SECONDS']} s)")  # fmt: skip

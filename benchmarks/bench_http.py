"""HTTP load on gunicorn and PostgreSQL from a second process on loopback (issue 8).

    python benchmarks/run.py http                      # kzeditor_bench (100k), 3×2 and 2×4
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kzeditor_bench10k python benchmarks/run.py http
    python benchmarks/run.py http --gunicorn 3x2 --duration 10 --endpoints api-detail,bare-detail

wrk (C, a load generator that takes little CPU from the two cores it shares with gunicorn and
PostgreSQL; ``apt-get install wrk``) sends the requests with benchmarks/bench_http.lua, which
picks a random real id per request from a Lua file written here and prints p50/p95/p99,
requests/s and every non-2xx answer. Per endpoint: a warm-up, then the timed run, at
``connections`` concurrent connections. gunicorn serves the app with production's settings
(benchmarks/bench_settings.py: DEBUG off, per-request logs off) plus two bare DRF endpoints
over the same rows (benchmarks/bench_urls.py), so the API's overhead — authentication,
throttling, visibility, pagination, ETags — is measured as a ratio in the same run.

The server's environment, as in production: ``CONN_MAX_AGE=600`` (persistent database
connections, kept for the whole run so that the PostgreSQL CPU per request can be read),
``CACHE_URL=redis://127.0.0.1:6379/12`` (the throttles' shared cache: a Redis round trip per
API request), and a client throttle high enough not to refuse the benchmark's single key
(``API_THROTTLE_CLIENT=1000000/min``; the throttle still counts every request).
Each is only a default: set it in the environment to measure something else.

Targets (2 cores shared by wrk, gunicorn and PostgreSQL, 8 connections): detail p95 ≤ 100 ms,
list p95 ≤ 150 ms, ≥ 100 requests/s, no errors; API ≤ 1.5 × the bare endpoint's p50.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import cpu_time

ROOT = Path(__file__).resolve().parent.parent
LUA_SCRIPT = ROOT / "benchmarks" / "bench_http.lua"
WORK_DIR = ROOT / "var" / "bench-http"
USERNAME = "bench-http-editor"
PORT = int(os.environ.get("BENCH_HTTP_PORT", "8077"))
SERVER_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
    # Persistent connections; longer than a run, so that no PostgreSQL backend (and the CPU
    # time it used) goes away while it is measured.
    "CONN_MAX_AGE": "600",
    "CACHE_URL": "redis://127.0.0.1:6379/12",
    "API_THROTTLE_CLIENT": "1000000/min",
}
TARGET_DETAIL_P95_MS = 100
TARGET_LIST_P95_MS = 150
TARGET_RPS = 100
TARGET_RATIO = 1.5


@dataclass(frozen=True)
class Endpoint:
    name: str
    label: str
    path: str  # "%d": an id from ``ids``
    auth: str  # "key", "session" or "" (none)
    kind: str  # "list" or "detail": which p95 target applies
    ids: str = ""  # "articles" or "entities"
    bare: str = ""  # the bare endpoint it is compared with


ENDPOINTS = [
    Endpoint("api-list", "API article list (50)", "/api/v1/articles/", "key", "list",
             bare="bare-list"),
    Endpoint("bare-list", "  bare DRF list (50)", "/bench/bare/articles/", "", "list"),
    Endpoint("api-detail", "API article detail", "/api/v1/articles/%d/", "key", "detail",
             "articles", bare="bare-detail"),
    Endpoint("bare-detail", "  bare DRF detail", "/bench/bare/articles/%d/", "", "detail",
             "articles"),
    Endpoint("page-list", "article list page", "/articles/", "session", "list"),
    Endpoint("page-article", "article page", "/articles/%d/", "session", "detail", "articles"),
    Endpoint("page-entity", "entity page", "/entities/%d/", "session", "detail", "entities"),
    Endpoint("page-coverage", "coverage page", "/coverage/", "session", "list"),
]  # fmt: skip


@dataclass
class Fixtures:
    api_key: str
    session_cookie: str
    ids_files: dict[str, Path]
    id_counts: dict[str, int]


@dataclass
class Result:
    endpoint: Endpoint
    figures: dict[str, float] = field(default_factory=dict)
    load_before: float = 0.0
    load_after: float = 0.0
    error: str = ""

    def get(self, name: str) -> float:
        return self.figures.get(name, float("nan"))


def configure_environment() -> None:
    """Called by run.py before Django starts: the setup process (user, key, session) and the
    server must share settings, cache and database."""
    for name, value in SERVER_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


# -- fixtures ---------------------------------------------------------------------------------


def _lua_ids(path: Path, ids: list[int]) -> None:
    lines = [", ".join(str(i) for i in ids[n : n + 20]) for n in range(0, len(ids), 20)]
    path.write_text("return {\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")


def fixtures(*, seed: int = 42, sample: int = 1000) -> Fixtures:
    """An editor with an API key (read scope) and a signed-in session, and the ids the
    requests pick from: random articles, and entities sampled from coverage rows (so popular
    entities come up as often as desks open them)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client

    from articles.roles import Role
    from integrations.keys import api_key_create

    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    user.groups.add(Group.objects.get(name=Role.EDITOR))
    _, key = api_key_create(user=user, name="bench-http")
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM articles_article ORDER BY id")
        article_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT entity_id FROM entities_entitycoverage")
        entity_rows = [row[0] for row in cursor.fetchall()]
    rng = random.Random(seed)
    articles = rng.sample(article_ids, min(sample, len(article_ids)))
    entities = [rng.choice(entity_rows) for _ in range(min(sample, len(entity_rows)))]
    if not articles or not entities:
        raise SystemExit("the database has no articles or no coverage: generate it first")
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    files = {"articles": WORK_DIR / "article_ids.lua", "entities": WORK_DIR / "entity_ids.lua"}
    _lua_ids(files["articles"], articles)
    _lua_ids(files["entities"], entities)
    return Fixtures(
        api_key=key,
        session_cookie=f"{settings.SESSION_COOKIE_NAME}={cookie}",
        ids_files=files,
        id_counts={"articles": len(article_ids), "entities": len(set(entity_rows))},
    )


def _headers(endpoint: Endpoint, fx: Fixtures) -> dict[str, str]:
    # As the TLS proxy in front of gunicorn would say (production redirects plain HTTP).
    headers = {"X-Forwarded-Proto": "https"}
    if endpoint.auth == "key":
        headers["Authorization"] = f"Bearer {fx.api_key}"
    elif endpoint.auth == "session":
        headers["Cookie"] = fx.session_cookie
    return headers


# -- the server ---------------------------------------------------------------------------------


class Gunicorn:
    """gunicorn serving the app on loopback with ``workers`` × ``threads``."""

    def __init__(self, workers: int, threads: int) -> None:
        self.workers, self.threads = workers, threads
        self.log = WORK_DIR / f"gunicorn-{workers}x{threads}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        WORK_DIR.mkdir(parents=True, exist_ok=True)
        empty_config = WORK_DIR / "gunicorn_empty.conf.py"
        empty_config.write_text("# the benchmark's options are on the command line\n")
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "kzeditor.wsgi:application",
            # This configuration only, not a gunicorn.conf.py that may sit in the directory.
            "--config", str(empty_config),
            "--chdir", str(ROOT),
            "--bind", f"127.0.0.1:{PORT}",
            "--workers", str(self.workers),
            "--threads", str(self.threads),
            "--worker-class", "gthread",
            "--timeout", "60",
            "--error-logfile", str(self.log),
            "--log-level", "warning",
        ]  # fmt: skip
        env = {**os.environ, **{k: os.environ.get(k, v) for k, v in SERVER_ENVIRONMENT.items()}}
        self.process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}); see {self.log}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
                connection.request("GET", "/api/v1/health/")
                connection.getresponse().read()  # any answer will do
                connection.close()
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer within {timeout:.0f} s; see {self.log}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# -- running wrk --------------------------------------------------------------------------------


RESULT_LINE = re.compile(r"BENCH_RESULT (.*)")


def _check(endpoint: Endpoint, fx: Fixtures) -> str:
    """One request with urllib first: a wrong status is reported, not load-tested."""
    path = endpoint.path
    if "%d" in path:
        text = fx.ids_files[endpoint.ids].read_text(encoding="utf-8")
        path = path.replace("%d", re.search(r"\d+", text.split("{", 1)[1]).group())
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}{path}", headers=_headers(endpoint, fx)
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return "" if 200 <= status < 300 else f"GET {path}: HTTP {status}"


def _wrk(endpoint: Endpoint, fx: Fixtures, *, seconds: int, connections: int) -> dict:
    env = {**os.environ, "BENCH_PATH": endpoint.path}
    if endpoint.ids:
        env["BENCH_IDS"] = str(fx.ids_files[endpoint.ids])
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s"]
    command += ["-s", str(LUA_SCRIPT)]
    for name, value in _headers(endpoint, fx).items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{PORT}")
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    match = RESULT_LINE.search(output)
    if not match:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    return {k: float(v) for k, v in (pair.split("=") for pair in match.group(1).split())}


def _cpu(server: Gunicorn, database: str) -> tuple[float, dict[int, float], float]:
    """CPU seconds so far of gunicorn (master and workers), of the PostgreSQL backends of the
    database, and of this process's finished children (wrk)."""
    times = os.times()
    return (
        cpu_time.tree_cpu(server.process.pid),
        cpu_time.postgres_backends_cpu(database),
        times.children_user + times.children_system,
    )


def measure(
    endpoints: list[Endpoint],
    fx: Fixtures,
    server: Gunicorn,
    *,
    seconds: int,
    warmup: int,
    connections: int,
) -> list[Result]:
    """Each endpoint under load, with what each request cost in CPU: gunicorn's, PostgreSQL's
    and wrk's, measured from /proc whatever else runs on the machine. ``capacity`` is what
    the cores could serve if nothing else ran: cores ÷ (CPU per request)."""
    from django.db import connection

    database = connection.settings_dict["NAME"]
    results = []
    for endpoint in endpoints:
        result = Result(endpoint)
        result.error = _check(endpoint, fx)
        if not result.error:
            if warmup:
                _wrk(endpoint, fx, seconds=warmup, connections=connections)
            result.load_before = os.getloadavg()[0]
            before = _cpu(server, database)
            result.figures = _wrk(endpoint, fx, seconds=seconds, connections=connections)
            after = _cpu(server, database)
            result.load_after = os.getloadavg()[0]
            requests = max(result.figures["requests"], 1)
            app = (after[0] - before[0]) * 1000 / requests
            db = cpu_time.cpu_since(before[1], after[1]) * 1000 / requests
            load = (after[2] - before[2]) * 1000 / requests
            result.figures.update(app_cpu_ms=app, db_cpu_ms=db, wrk_cpu_ms=load)
            result.figures["capacity_rps"] = (os.cpu_count() or 1) * 1000 / (app + db + load)
        results.append(result)
        _print_row(result)
    return results


# -- printing -----------------------------------------------------------------------------------


def _verdict(result: Result) -> str:
    if result.error:
        return result.error
    target = TARGET_LIST_P95_MS if result.endpoint.kind == "list" else TARGET_DETAIL_P95_MS
    misses = []
    if not result.get("requests"):
        return "MISSED: no request completed"
    if result.get("p95_ms") > target:
        misses.append(f"p95 > {target}")
    if result.get("rps") < TARGET_RPS:
        misses.append(f"< {TARGET_RPS} req/s")
    errors = result.get("non2xx") + result.get("socket_errors")
    if errors:
        misses.append(f"{errors:.0f} errors (first HTTP {result.get('first_bad_status'):.0f})")
    return "ok" if not misses else "MISSED: " + ", ".join(misses)


HEADER = (
    f"  {'endpoint':<24} {'p50':>7} {'p95':>7} {'p99':>7} {'req/s':>7} {'requests':>8} "
    f"{'errors':>6} {'load':>9} {'CPU ms/req app+db+wrk':>21} {'capacity':>8}  verdict"
)


def _print_row(r: Result) -> None:
    if r.error:
        print(f"  {r.endpoint.label:<24} {'':>54}  {r.error}", flush=True)
        return
    errors = r.get("non2xx") + r.get("socket_errors")
    print(
        f"  {r.endpoint.label:<24} {r.get('p50_ms'):7.1f} {r.get('p95_ms'):7.1f} "
        f"{r.get('p99_ms'):7.1f} {r.get('rps'):7.1f} {r.get('requests'):8.0f} {errors:6.0f} "
        f"{r.load_before:4.1f}→{r.load_after:<4.1f} "
        f"{r.get('app_cpu_ms'):7.1f}+{r.get('db_cpu_ms'):5.1f}+{r.get('wrk_cpu_ms'):4.1f} "
        f"{r.get('capacity_rps'):6.0f}/s  {_verdict(r)}",
        flush=True,
    )


def _print_ratios(results: list[Result]) -> None:
    by_name = {r.endpoint.name: r for r in results}
    for r in results:
        bare = by_name.get(r.endpoint.bare)
        if not bare or r.error or bare.error:
            continue
        p50 = r.get("p50_ms") / bare.get("p50_ms")
        p95 = r.get("p95_ms") / bare.get("p95_ms")
        rps = bare.get("rps") / r.get("rps")
        verdict = "ok" if p50 <= TARGET_RATIO else f"MISSED (> {TARGET_RATIO}×)"
        print(
            f"  overhead {r.endpoint.name} / {bare.endpoint.name}: p50 {p50:.2f}×, "
            f"p95 {p95:.2f}×, throughput {rps:.2f}×  {verdict}"
        )


# -- entry point --------------------------------------------------------------------------------


def run(
    *,
    configs: list[tuple[int, int]],
    seconds: int = 20,
    warmup: int = 5,
    connections: int = 8,
    only: list[str] | None = None,
    seed: int = 42,
) -> dict[str, list[Result]]:
    from django.db import connection

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    endpoints = [e for e in ENDPOINTS if not only or e.name in only]
    unknown = set(only or []) - {e.name for e in ENDPOINTS}
    if unknown:
        raise SystemExit(
            f"unknown endpoint(s) {sorted(unknown)}; known: {[e.name for e in ENDPOINTS]}"
        )
    fx = fixtures(seed=seed)
    print(
        f"  database {connection.settings_dict['NAME']}: {fx.id_counts['articles']:,} articles, "
        f"{fx.id_counts['entities']:,} entities with coverage"
    )
    print(
        f"  wrk: {connections} connections, 2 threads, {warmup} s warm-up + {seconds} s per "
        f"endpoint; server env: "
        + ", ".join(f"{k}={os.environ.get(k, v)}" for k, v in SERVER_ENVIRONMENT.items())
    )
    print(
        f"  targets: detail p95 ≤ {TARGET_DETAIL_P95_MS} ms, list p95 ≤ {TARGET_LIST_P95_MS} ms,"
        f" ≥ {TARGET_RPS} req/s, 0 errors, API p50 ≤ {TARGET_RATIO}× bare; times in ms; "
        "load = 1-minute load average before → after the timed run; CPU ms/req = gunicorn + "
        "PostgreSQL backends + wrk per request; capacity = cores ÷ that (nothing else running)"
    )
    out = {}
    for workers, threads in configs:
        print(f"\n  gunicorn {workers} workers × {threads} threads (gthread)")
        print(HEADER)
        with Gunicorn(workers, threads) as server:
            results = measure(
                endpoints, fx, server, seconds=seconds, warmup=warmup, connections=connections
            )
        _print_ratios(results)
        out[f"{workers}x{threads}"] = results
    return out


def parse_configs(text: str) -> list[tuple[int, int]]:
    configs = []
    for part in text.split(","):
        workers, _, threads = part.strip().lower().partition("x")
        configs.append((int(workers), int(threads or 1)))
    return configs

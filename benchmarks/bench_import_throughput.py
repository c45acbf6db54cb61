"""Import throughput with separate extraction workers on PostgreSQL and Redis (issue 8).

    python benchmarks/run.py import-throughput                      # 1,000 files, 1 then 2 workers
    python benchmarks/run.py import-throughput --import-articles 200 --import-workers 2

What it does, for each worker count N:

1. drops and creates IMPORT_DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/kzeditor_bench_import; only a name containing "bench" is
   accepted), migrates it (the seed knowledge base comes with the migrations) and empties the
   Redis database of IMPORT_BROKER_URL (default redis://127.0.0.1:6379/11);
2. starts N Celery workers as separate processes, ``celery -A kzeditor worker -Q extraction
   -c 1``, and waits until each has loaded its models and is idle;
3. runs ``python manage.py import_articles DIR`` on the same files (generated from the seed
   articles in seeds/ with variations: paragraphs chosen and reordered, paragraphs of the
   other seed in the same language mixed in, figures changed in a few paragraphs, publication
   days spread over a year) and times from its start until
   every article's extraction is ``done``;
4. reads the workers' CPU time (user + system of each worker and its pool process, from
   /proc, after minus before the import).

Then one more pass, in this process, runs the extraction pipeline alone
(``entities.extraction.extract_document``: language detection, NER, linking candidates,
figures, dates, quotes; no database) on every imported article and sums its CPU time
(``time.process_time``). Target: wall ≤ 1.3 × (CPU sum / N), printed against both sums: the
workers' CPU for the whole task (pipeline plus storing the results, linking, coverage, search
index, stories) and the pipeline alone.

Both processes use benchmarks/bench_settings.py (production's settings).
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from benchmarks import cpu_time

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kzeditor_bench_import"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/11"
TARGET_RATIO = 1.3
SETTINGS = "benchmarks.bench_settings"


# -- the files --------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+")


def _is_paragraph(line: str) -> bool:
    # Body paragraphs are long; the header lines (title, author, time, photo credit, the
    # "date" marker's line) stay as they are so that every file keeps its seed's layout.
    return len(line) >= 120 and " date " not in line


def _split(text: str) -> tuple[list[str], list[str]]:
    lines = [line for line in text.split("\n") if line.strip()]
    first = next(i for i, line in enumerate(lines) if _is_paragraph(line))
    return lines[:first], lines[first:]


_RELATIVE_DAY = re.compile(r"^- (Бүгін|Сегодня|Кеше|Вчера), (\d{1,2}:\d{2})$")
_DATE_MARKER = re.compile(r"\bdate \d{4}-\d{2}-\d{2}\b")


def _dated(rng: random.Random, header: list[str]) -> list[str]:
    """The header with a publication day spread over a year (as a desk's archive would be),
    not the seed's own day: a thousand copies of one day's news would all join one story."""
    day = date(2025, 9, 5) - timedelta(days=rng.randrange(365))
    out = []
    for line in header:
        line = _RELATIVE_DAY.sub(lambda m: f"- {day:%d.%m.%Y}, {m.group(2)}", line)
        out.append(_DATE_MARKER.sub(f"date {day.isoformat()}", line))
    return out


def _vary_numbers(rng: random.Random, paragraph: str) -> str:
    def vary(match: re.Match) -> str:
        value = int(match.group())
        if value < 32 or 1900 <= value <= 2100:  # days of a month, years: keep
            return match.group()
        return str(max(32, round(value * rng.uniform(0.5, 1.8))))

    return _NUMBER.sub(vary, paragraph)


def article_files(directory: Path, count: int, *, seed: int = 42) -> list[Path]:
    """``count`` distinct article files made from the seed articles."""
    from entities.extraction.language import detect_language

    rng = random.Random(f"{seed}-import-throughput")
    seeds = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        detected = detect_language(text)
        seeds.append((path.stem, detected.language if detected else "", *_split(text)))
    seen: set[str] = set()
    paths = []
    i = 0
    while len(paths) < count:
        stem, language, header, paragraphs = seeds[i % len(seeds)]
        i += 1
        # The first paragraph names the source («…, сообщает Zakon.kz»): it stays first.
        rest = rng.sample(
            paragraphs[1:], k=max(1, round(len(paragraphs[1:]) * rng.uniform(0.6, 1)))
        )
        others = [p for s, lang, _, ps in seeds if lang == language and s != stem for p in ps[1:]]
        if others and rng.random() < 0.5:
            rest += rng.sample(others, k=min(len(others), rng.randint(1, 2)))
        rng.shuffle(rest)
        # A few paragraphs with other figures (a follow-up's updated numbers).
        body = [_vary_numbers(rng, p) if rng.random() < 0.15 else p for p in [paragraphs[0], *rest]]
        text = "\n".join([*_dated(rng, header), *body]) + "\n"
        digest = hashlib.sha256(text.encode()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        path = directory / f"{len(paths):04d}_{stem}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


# -- processes ------------------------------------------------------------------------------------


def _environment(database_url: str, broker_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "PYTHONUNBUFFERED": "1",
    }


class Workers:
    """``count`` Celery workers, one process each with a pool of one (``-c 1``)."""

    def __init__(self, count: int, env: dict[str, str], log_dir: Path) -> None:
        self.count, self.env, self.log_dir = count, env, log_dir
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> Workers:
        for n in range(self.count):
            log = open(self.log_dir / f"worker-{self.count}-{n}.log", "w")
            command = [
                sys.executable, "-m", "celery", "-A", "kzeditor", "worker", "-Q", "extraction",
                "-c", "1", "-n", f"bench-extraction-{n}@%h", "--without-gossip",
                "--without-mingle", "--without-heartbeat", "-l", "warning",
            ]  # fmt: skip
            self.processes.append(
                subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=log, stderr=log)
            )
        self._wait_idle()
        return self

    def _wait_idle(self, timeout: float = 180.0) -> None:
        """Until every worker has its pool process and has stopped using CPU (models loaded)."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    raise SystemExit(f"a worker exited ({process.returncode}): see {self.log_dir}")
            time.sleep(1.0)
            ready = all(cpu_time.children(p.pid) for p in self.processes)
            now = self.cpu_seconds()
            if ready and last is not None and now - last < 0.05 * self.count:
                return
            last = now
        raise SystemExit(f"the workers did not become idle in {timeout:.0f} s")

    def cpu_seconds(self) -> float:
        return sum(cpu_time.tree_cpu(p.pid) for p in self.processes)

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# -- one run --------------------------------------------------------------------------------------


@dataclass
class RunResult:
    workers: int
    articles: int
    wall: float
    import_wall: float
    import_cpu: float
    worker_cpu: float
    db_cpu: float
    failed: int
    load_before: float
    load_after: float


def _prepare_database(database_url: str, broker_url: str) -> None:
    import redis
    from django.core.management import call_command
    from django.db import connections

    from benchmarks import datagen

    connections.close_all()
    datagen.database_prepare(database_url, replace=True)
    call_command("migrate", verbosity=0)
    redis.Redis.from_url(broker_url).flushdb()


def _extraction_states() -> dict[str, int]:
    from django.db.models import Count

    from articles.models import Article

    rows = Article.objects.order_by().values("extraction_state").annotate(n=Count("id"))
    return {row["extraction_state"]: row["n"] for row in rows}


def run_once(*, workers: int, directory: Path, database_url: str, broker_url: str) -> RunResult:
    from benchmarks import datagen

    _prepare_database(database_url, broker_url)
    env = _environment(database_url, broker_url)
    with Workers(workers, env, directory.parent) as pool:
        load_before = os.getloadavg()[0]
        cpu_before = pool.cpu_seconds()
        database = datagen.database_name(database_url)
        db_cpu_before = cpu_time.postgres_backends_cpu(database)
        started = time.perf_counter()
        usage_before = os.times()
        command = subprocess.Popen(
            [sys.executable, "manage.py", "import_articles", str(directory), "--no-progress"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(directory.parent / f"import-{workers}.log", "w"),  # noqa: SIM115
        )
        import_wall = None
        while True:
            time.sleep(0.25)
            if import_wall is None and command.poll() is not None:
                import_wall = time.perf_counter() - started
                if command.returncode:
                    raise SystemExit(f"import_articles failed: see {directory.parent}")
            if import_wall is None:
                continue
            # The import has ended: every article it made is counted (duplicates make none).
            states = _extraction_states()
            total = sum(states.values())
            finished = states.get("done", 0) + states.get("failed", 0)
            if finished == total:
                break
        wall = time.perf_counter() - started
        usage_after = os.times()
        worker_cpu = pool.cpu_seconds() - cpu_before
        db_cpu = cpu_time.cpu_since(db_cpu_before, cpu_time.postgres_backends_cpu(database))
        load_after = os.getloadavg()[0]
    import_cpu = (usage_after.children_user + usage_after.children_system) - (
        usage_before.children_user + usage_before.children_system
    )
    return RunResult(
        workers=workers,
        articles=total,
        wall=wall,
        import_wall=import_wall,
        import_cpu=import_cpu,
        worker_cpu=worker_cpu,
        db_cpu=db_cpu,
        failed=states.get("failed", 0),
        load_before=load_before,
        load_after=load_after,
    )


def extraction_cpu() -> tuple[float, int]:
    """The pipeline alone on every article of the database, in this process: CPU seconds."""
    from django.utils import timezone

    from articles.models import Article
    from articles.text import normalize_body
    from entities.extraction import extract_document, extractors_load

    extractors_load()
    articles = list(Article.objects.order_by("id"))
    total = 0.0
    for article in articles:
        body = normalize_body(article.body)
        reference = timezone.localtime(article.published_at) if article.published_at else None
        started = time.process_time()
        extract_document(
            title=article.title,
            body=body,
            language=article.language if article.language_locked else None,
            reference=reference,
        )
        total += time.process_time() - started
    return total, len(articles)


# -- entry point ----------------------------------------------------------------------------------


def run(*, articles: int = 1000, workers: list[int] | None = None, seed: int = 42) -> None:
    from benchmarks import datagen

    workers = workers or [1, 2]
    database_url = os.environ.get("IMPORT_DATABASE_URL", DEFAULT_DATABASE_URL)
    broker_url = os.environ.get("IMPORT_BROKER_URL", DEFAULT_BROKER_URL)
    if "bench" not in datagen.database_name(database_url):
        raise SystemExit(f"refusing {database_url}: its name must contain 'bench' (it is dropped)")
    datagen.database_prepare(database_url)
    os.environ.update(
        DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE=SETTINGS, PYTHONUNBUFFERED="1"
    )
    os.environ.pop("CELERY_BROKER_URL", None)  # this process queues nothing
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    print("== import throughput: import_articles + Celery extraction workers (issue 8)")
    with tempfile.TemporaryDirectory(prefix="kzeditor-import-") as tmp:
        directory = Path(tmp) / "articles"
        directory.mkdir()
        files = article_files(directory, articles, seed=seed)
        size = sum(p.stat().st_size for p in files)
        print(
            f"  {len(files):,} files from {len(list(SEEDS.glob('*.txt')))} seed articles "
            f"({size / len(files) / 1024:.1f} KB on average); database "
            f"{datagen.database_name(database_url)}, broker {broker_url}"
        )
        results = []
        for count in workers:
            result = run_once(
                workers=count,
                directory=directory,
                database_url=database_url,
                broker_url=broker_url,
            )
            results.append(result)
            print(
                f"  {count} worker(s): {result.articles:,} articles (the other files: the same "
                f"text as another) done in {result.wall:.1f} s "
                f"({result.articles / result.wall:.1f} articles/s; import_articles itself "
                f"{result.import_wall:.1f} s wall, {result.import_cpu:.1f} s CPU); workers' CPU "
                f"{result.worker_cpu:.1f} s; PostgreSQL backends' CPU {result.db_cpu:.1f} s; "
                f"failed {result.failed}; load "
                f"{result.load_before:.1f}→{result.load_after:.1f}",
                flush=True,
            )
        print("  extraction alone, in this process (CPU time per article, summed) …", flush=True)
        pure, measured = extraction_cpu()
        print(
            f"  extraction CPU: {pure:.1f} s for {measured:,} articles "
            f"({1000 * pure / measured:.0f} ms/article)"
        )
        for r in results:
            # Against the workers' own CPU (the whole task: pipeline, storing, linking,
            # coverage, search index, stories), and against the pipeline alone.
            task_ideal, pure_ideal = r.worker_cpu / r.workers, pure / r.workers
            task_ratio, pure_ratio = r.wall / task_ideal, r.wall / pure_ideal
            verdict = "ok" if task_ratio <= TARGET_RATIO else f"MISSED (> {TARGET_RATIO}×)"
            print(
                f"  {r.workers} worker(s): wall {r.wall:.1f} s vs workers' task CPU / workers "
                f"{task_ideal:.1f} s = {task_ratio:.2f}×  {verdict}; vs pipeline CPU / workers "
                f"{pure_ideal:.1f} s = {pure_ratio:.2f}×; workers' CPU per article "
                f"{1000 * r.worker_cpu / r.articles:.0f} ms, pipeline alone "
                f"{1000 * pure / measured:.0f} ms"
            )
        if len(results) > 1:
            base = results[0]
            for r in results[1:]:
                print(
                    f"  scaling {base.workers} → {r.workers} workers: {base.wall / r.wall:.2f}× "
                    f"faster (ideal {r.workers / base.workers:.0f}×)"
                )

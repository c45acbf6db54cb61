"""Run every benchmark and print its figures: `make bench` (or `python benchmarks/run.py
[import] [extraction] [pages] [memory]` for some of them).

Benchmarks use a throw-away SQLite database under var/ unless DATABASE_URL is set.

Two more sections work on a large generated database (benchmarks/datagen.py), not part of the
default run because generating it takes minutes:

    python benchmarks/run.py generate [--articles 100000] [--replace]   # fill it
    python benchmarks/run.py coverage [--explain] [--repeat 15]        # time coverage pages

They use DATABASE_URL, by default postgres://postgres@127.0.0.1:5432/kzeditor_bench (created
and migrated when missing); only a database whose name contains "bench" is written to.
`coverage` generates the data first when the database has no articles.

Production load (issue 8), each run on its own:

    python benchmarks/run.py http [--gunicorn 3x2,2x4] [--duration 20] [--endpoints …]
    python benchmarks/run.py import-throughput [--import-articles 1000] [--import-workers 1,2]

`http` load-tests gunicorn on the generated database (DATABASE_URL as above) with wrk;
`import-throughput` imports generated article files into its own database
(IMPORT_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/kzeditor_bench_import, dropped
and created again for each worker count) with Celery extraction workers on Redis
(IMPORT_BROKER_URL, default redis://127.0.0.1:6379/11)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECTIONS = [
    "import", "extraction", "pages", "memory", "generate", "coverage", "http",
    "import-throughput",
]  # fmt: skip
DEFAULT_SECTIONS = ["import", "extraction", "pages", "memory"]
LARGE = {"generate", "coverage", "http"}


def _arguments() -> argparse.Namespace:
    from benchmarks import datagen

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sections", nargs="*", help=f"some of: {', '.join(SECTIONS)}")
    datagen.add_arguments(parser)
    parser.add_argument("--repeat", type=int, default=15, help="coverage: timed requests")
    parser.add_argument("--explain", action="store_true", help="coverage: EXPLAIN ANALYZE")
    parser.add_argument(
        "--gunicorn", default="3x2,2x4", help="http: workers x threads, comma-separated"
    )
    parser.add_argument("--duration", type=int, default=20, help="http: seconds per endpoint")
    parser.add_argument("--warmup", type=int, default=5, help="http: warm-up seconds")
    parser.add_argument("--connections", type=int, default=8, help="http: concurrent")
    parser.add_argument("--endpoints", default="", help="http: some of them, comma-separated")
    parser.add_argument(
        "--import-articles", type=int, default=1000, help="import-throughput: files"
    )
    parser.add_argument(
        "--import-workers", default="1,2", help="import-throughput: worker counts to run"
    )
    args = parser.parse_args()
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    if "import-throughput" in args.sections and len(args.sections) > 1:
        parser.error("import-throughput runs on its own database: run it alone")
    if "http" in args.sections and set(args.sections) - {"http", "generate"}:
        parser.error("http runs with production's settings: run it alone (or after generate)")
    return args


def main() -> None:
    from benchmarks import datagen

    args = _arguments()
    chosen = args.sections or DEFAULT_SECTIONS
    if chosen == ["import-throughput"]:
        from benchmarks import bench_import_throughput

        bench_import_throughput.run(
            articles=args.import_articles,
            workers=[int(n) for n in args.import_workers.split(",")],
            seed=args.seed,
        )
        return
    large = LARGE.intersection(chosen)
    if "http" in chosen:
        from benchmarks import bench_http

        bench_http.configure_environment()  # the server's settings, cache and database
    if large:
        os.environ.setdefault("DATABASE_URL", datagen.DEFAULT_DATABASE_URL)
        datagen.database_prepare(os.environ["DATABASE_URL"], replace=args.replace)
    elif "DATABASE_URL" not in os.environ:
        (ROOT / "var").mkdir(exist_ok=True)
        handle, path = tempfile.mkstemp(
            prefix="kzeditor-bench-", suffix=".sqlite3", dir=ROOT / "var"
        )
        os.close(handle)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzeditor.settings.base")
    os.environ.setdefault("DEBUG", "false")  # DEBUG keeps every query in memory: not production
    os.environ.pop("CELERY_BROKER_URL", None)  # extraction runs in-process: we time it too
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from benchmarks import bench_coverage, bench_extraction, bench_import, bench_memory, bench_pages

    try:
        if "import" in chosen:
            print("== import")
            bench_import.run()
        if "extraction" in chosen:
            print("== extraction")
            bench_extraction.run()
        if "pages" in chosen:
            print("== pages (10,000 articles, 200,000 mentions)")
            bench_pages.run()
        if "memory" in chosen:
            print("== translation memory (50,000 entries: diverse, then worst case)")
            bench_memory.run()
        if large:
            from articles.models import Article

            generate = "generate" in chosen or not Article.objects.exists()
            if generate:
                print("== generate")
                datagen.generate_command(
                    articles=args.articles,
                    mentions=args.mentions,
                    entities=args.entities,
                    seed=args.seed,
                    batch=args.batch,
                    serial=args.serial,
                )
        if "coverage" in chosen:
            print("== coverage, entity pages, stories and search (issue 6)")
            bench_coverage.run(repeat=args.repeat, seed=args.seed, explain=args.explain)
        if "http" in chosen:
            from benchmarks import bench_http

            print("== HTTP load: gunicorn + PostgreSQL, wrk on loopback (issue 8)")
            bench_http.run(
                configs=bench_http.parse_configs(args.gunicorn),
                seconds=args.duration,
                warmup=args.warmup,
                connections=args.connections,
                only=[name for name in args.endpoints.split(",") if name],
                seed=args.seed,
            )
        if not args.sections:
            print(
                "== coverage: not in the default run (it needs a generated database); "
                "`python benchmarks/run.py coverage` generates one and times the pages"
            )
    finally:
        db = os.environ["DATABASE_URL"]
        if db.startswith("sqlite:///") and "kzeditor-bench-" in db:
            for suffix in ("", "-wal", "-shm"):
                Path(db.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    main()

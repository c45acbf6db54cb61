"""Run every benchmark and print its figures: `make bench` (or `python benchmarks/run.py
[import] [extraction] [pages] [memory]` for some of them).

Benchmarks use a throw-away SQLite database under var/ unless DATABASE_URL is set.

Two more sections work on a large generated database (benchmarks/datagen.py), not part of the
default run because generating it takes minutes:

    python benchmarks/run.py generate [--articles 100000] [--replace]   # fill it
    python benchmarks/run.py coverage [--explain] [--repeat 15]        # time coverage pages

They use DATABASE_URL, by default postgres://postgres@127.0.0.1:5432/kzeditor_bench (created
and migrated when missing); only a database whose name contains "bench" is written to.
`coverage` generates the data first when the database has no articles."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECTIONS = ["import", "extraction", "pages", "memory", "generate", "coverage"]
DEFAULT_SECTIONS = ["import", "extraction", "pages", "memory"]
LARGE = {"generate", "coverage"}


def _arguments() -> argparse.Namespace:
    from benchmarks import datagen

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sections", nargs="*", help=f"some of: {', '.join(SECTIONS)}")
    datagen.add_arguments(parser)
    parser.add_argument("--repeat", type=int, default=15, help="coverage: timed requests")
    parser.add_argument("--explain", action="store_true", help="coverage: EXPLAIN ANALYZE")
    args = parser.parse_args()
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    return args


def main() -> None:
    from benchmarks import datagen

    args = _arguments()
    chosen = args.sections or DEFAULT_SECTIONS
    large = LARGE.intersection(chosen)
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

"""Run every benchmark and print its figures: `make bench` (or `python benchmarks/run.py
[import] [extraction] [pages] [memory]` for some of them).

Benchmarks use a throw-away SQLite database under var/ unless DATABASE_URL is set."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    if "DATABASE_URL" not in os.environ:
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
    from benchmarks import bench_extraction, bench_import, bench_memory, bench_pages

    chosen = sys.argv[1:] or ["import", "extraction", "pages", "memory"]
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
    finally:
        db = os.environ["DATABASE_URL"]
        if db.startswith("sqlite:///") and "kzeditor-bench-" in db:
            for suffix in ("", "-wal", "-shm"):
                Path(db.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    main()

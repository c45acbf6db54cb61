"""CPU time of processes from /proc (Linux), for the load benchmarks: what a run cost the web
server, the workers and PostgreSQL, whatever else the machine was doing meanwhile."""

from __future__ import annotations

import os
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of one process (all its threads); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def children(pid: int) -> list[int]:
    try:
        return [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]
    except OSError:
        return []


def tree_cpu(pid: int) -> float:
    """A process and its live children (gunicorn's workers, a Celery worker's pool)."""
    return process_cpu(pid) + sum(process_cpu(child) for child in children(pid))


def postgres_backends_cpu(database: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL server process serving a connection to ``database`` on
    this machine, by process id (diff two readings with ``cpu_since``)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if command.startswith("postgres: ") and f" {database} " in command:
            found[int(entry.name)] = process_cpu(int(entry.name))
    return found


def cpu_since(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two readings by the processes alive at the second (one that ended in
    between is not counted: keep connections open for the whole run)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())

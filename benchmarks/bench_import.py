"""Import and language-identification throughput on seed-like articles.

Prints: model load time, language ID chars/s, decode+parse files/s, and end-to-end import
(decode, parse, save, extraction task in-process) articles/s."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from django.conf import settings

SEEDS = Path(settings.BASE_DIR) / "seeds"


def _variants(count: int) -> list[tuple[str, bytes]]:
    seeds = sorted(SEEDS.glob("*.txt"))
    files = []
    for i in range(count):
        seed = seeds[i % len(seeds)]
        text = seed.read_text(encoding="utf-8")
        lines = text.split("\n")
        # A distinct first body line keeps every variant a non-duplicate.
        lines.insert(min(len(lines), 6), f"Нөмір {i}: қосымша абзац {i}.")
        files.append((f"{seed.stem}-{i}.txt", "\n".join(lines).encode("utf-8")))
    return files


def _timed(fn, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def run(count: int = 300) -> None:
    from articles.importing import ImportFile
    from articles.models import ImportBatch
    from articles.parsing import parse_article_text
    from articles.services import articles_import
    from articles.text import decode_bytes
    from entities.extraction.language import detect_language, language_detector

    start = time.perf_counter()
    language_detector()
    load = time.perf_counter() - start
    print(f"language model load: {load:.2f} s")

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    chars = sum(len(t) for t in texts)
    seconds = _timed(lambda: [detect_language(t) for t in texts])
    print(f"language identification: {chars / seconds:,.0f} chars/s")

    files = _variants(count)
    seconds = _timed(lambda: [parse_article_text(decode_bytes(data)[0]) for _, data in files], 3)
    print(f"decode + parse: {len(files) / seconds:,.0f} files/s")

    start = time.perf_counter()
    batch, _ = articles_import(
        files=[ImportFile(name, data) for name, data in files],
        channel=ImportBatch.Channel.COMMAND,
    )
    seconds = time.perf_counter() - start
    assert batch.imported_count == count, batch
    print(
        f"import end to end ({count} articles, SQLite, extraction in-process): "
        f"{count / seconds:,.1f} articles/s ({1000 * seconds / count:.1f} ms/article)"
    )

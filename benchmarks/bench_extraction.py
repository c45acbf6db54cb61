"""Extraction speed and memory, per language, on 4 KB articles built from the seeds.

Prints: model load time (in a fresh process), worker RSS after every model is loaded, per-article
extraction time and chars/s for kk and ru (NER + figures + dates + quotes, and linking), the
Kazakh tagger alone, and natasha's NER alone on the same Russian texts (the target: our Russian
pipeline ≥ 0.8× natasha alone; Kazakh ≥ 100k chars/s; RSS ≤ 600 MB; load ≤ 3 s)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

SEEDS = Path(settings.BASE_DIR) / "seeds"
ARTICLE_CHARS = 4096

_LOAD_SCRIPT = """
import json, resource, time
start = time.perf_counter()
from entities.extraction import extractors_load
extractors_load()
load = time.perf_counter() - start
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"load": load, "rss_mb": rss_mb}))
"""


def _articles(language: str, count: int) -> list[str]:
    from entities.extraction.language import detect_language

    seeds = [
        p.read_text(encoding="utf-8")
        for p in sorted(SEEDS.glob("*.txt"))
        if (found := detect_language(p.read_text(encoding="utf-8"))) and found.language == language
    ]
    text = "\n\n".join(seeds)
    while len(text) < ARTICLE_CHARS * 2:
        text += "\n\n" + text
    # Different 4 KB windows so caches do not make every article the same.
    step = max(1, (len(text) - ARTICLE_CHARS) // count)
    return [text[i * step : i * step + ARTICLE_CHARS] for i in range(count)]


def _per_article(fn, texts: list[str]) -> tuple[float, float]:
    """Median seconds per article and overall chars/s."""
    samples = []
    for text in texts:
        start = time.perf_counter()
        fn(text)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), sum(map(len, texts)) / sum(samples)


def run(count: int = 40) -> None:
    from entities.extraction import extract_text
    from entities.extraction.languages.kk.ner import kazakh_ner
    from entities.extraction.languages.ru.ner import load_russian_tagger

    completed = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + _LOAD_SCRIPT],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    loaded = json.loads(completed.stdout.strip().splitlines()[-1])
    print(f"model load (all languages, fresh process): {loaded['load']:.2f} s")
    print(f"worker RSS after models load: {loaded['rss_mb']:.0f} MB")

    kk, ru = _articles("kk", count), _articles("ru", count)
    for language, texts in (("kk", kk), ("ru", ru)):
        extract_text(texts[0], language=language)  # warm up
        median, rate = _per_article(lambda t, lang=language: extract_text(t, language=lang), texts)
        print(
            f"{language} pipeline on 4 KB articles: {median * 1000:.1f} ms/article, "
            f"{rate:,.0f} chars/s"
        )
    _, kk_rate = _per_article(kazakh_ner, kk)
    print(f"kk tagger alone: {kk_rate:,.0f} chars/s (target ≥ 100,000)")

    from natasha import Doc

    segmenter, tagger = load_russian_tagger()

    def natasha_alone(text: str) -> None:
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_ner(tagger)

    _, natasha_rate = _per_article(natasha_alone, ru)
    _, ru_rate = _per_article(lambda t: extract_text(t, language="ru"), ru)
    print(
        f"natasha NER alone: {natasha_rate:,.0f} chars/s; our ru pipeline: {ru_rate:,.0f} "
        f"chars/s = {ru_rate / natasha_rate:.2f}× (target ≥ 0.8×)"
    )
    _bench_linking(ru, kk)


def _bench_linking(ru: list[str], kk: list[str]) -> None:
    from entities.extraction import extract_text
    from entities.linking.linker import MentionText, mentions_link

    for language, texts in (("kk", kk), ("ru", ru)):
        batches = [
            [MentionText(s.text, s.type) for s in extract_text(t, language=language).entities]
            for t in texts
        ]
        mentions_link(batches[0], language=language, propose=False)
        start = time.perf_counter()
        for batch in batches:
            mentions_link(batch, language=language, propose=False)
        elapsed = time.perf_counter() - start
        total = sum(map(len, batches))
        print(
            f"{language} linking: {total / elapsed:,.0f} mentions/s "
            f"({elapsed / len(batches) * 1000:.1f} ms/article, one alias query each)"
        )

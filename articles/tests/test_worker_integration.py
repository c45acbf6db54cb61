"""Import → Redis → a real Celery worker process → PostgreSQL, across processes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings

from articles.importing import import_files_from_paths
from articles.models import Article, ExtractionState, ImportBatch
from articles.services import articles_import
from articles.tasks import extract_article
from entities.extraction import EXTRACTOR_VERSION
from entities.models import Alias, Figure, Mention

pytestmark = pytest.mark.integration

SEEDS = Path(settings.BASE_DIR) / "seeds"


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the worker")


def worker_log(process) -> str:
    return process.log_path.read_text(errors="replace")


def test_import_is_extracted_by_a_separate_worker_process(celery_worker_process):
    batch, results = articles_import(
        files=import_files_from_paths([SEEDS]), channel=ImportBatch.Channel.COMMAND
    )
    assert batch.imported_count == 3, [r.message for r in results]

    wait_for(lambda: Article.objects.filter(extraction_state=ExtractionState.DONE).count() == 3)
    languages = dict(Article.objects.values_list("original_filename", "language"))
    assert sorted(languages.values()) == ["kk", "kk", "ru"]
    assert set(Article.objects.values_list("extractor_version", flat=True)) == {EXTRACTOR_VERSION}
    assert celery_worker_process.poll() is None
    # The work was done by the worker process, not in this one. (A task reports success after
    # the coverage steps that follow "done": search index, coverage rows, story, conflicts.)
    wait_for(lambda: worker_log(celery_worker_process).count("succeeded in") == 3)
    # ... which placed the two reports of the visit to China in one story, 000 in another.
    story_of = {
        Path(name).name[:3]: story
        for name, story in Article.objects.values_list(
            "original_filename", "story_membership__story"
        )
    }
    assert set(story_of) == {"000", "003", "004"}, story_of
    assert story_of["003"] == story_of["004"]
    assert story_of["000"] not in {None, story_of["003"]}
    # ... and it linked: Tokayev in all three articles, one entity, written by the worker.
    tokayev = Alias.objects.get(key="токаев").entity
    assert Mention.objects.filter(entity=tokayev).values("article").distinct().count() == 3
    assert Figure.objects.filter(unit="USD", value=7_400_000_000).exists()


def test_worker_runs_a_task_twice_harmlessly(celery_worker_process):
    articles_import(
        files=import_files_from_paths([SEEDS / "003_03d0c59582605d6e.txt"]),
        channel=ImportBatch.Channel.COMMAND,
    )
    article = Article.objects.get()
    wait_for(lambda: Article.objects.get().extraction_state == ExtractionState.DONE)
    before = Article.objects.values().get(pk=article.pk)

    extract_article.delay(article.pk)
    extract_article.delay(article.pk)
    extract_article.delay(10**9)  # a deleted article: the task returns quietly
    wait_for(lambda: worker_log(celery_worker_process).count("succeeded in") == 4)

    assert Article.objects.values().get(pk=article.pk) == before
    assert "'missing'" in worker_log(celery_worker_process)
    assert worker_log(celery_worker_process).count("'current'") == 2
    assert celery_worker_process.poll() is None


def test_a_translation_is_extracted_by_the_worker(celery_worker_process, editor, translator):
    """A translator's save queues the translation's extraction; the worker process runs the
    same pipeline on it (in the target language) and stores its figures and mentions."""
    from articles.models import Translation
    from articles.translations.services import segment_save, translation_request

    articles_import(
        files=import_files_from_paths([SEEDS / "003_03d0c59582605d6e.txt"]),
        channel=ImportBatch.Channel.COMMAND,
    )
    wait_for(lambda: Article.objects.get().extraction_state == ExtractionState.DONE)
    article = Article.objects.get()
    translation = translation_request(
        article_id=article.pk, language="kk", user=editor, translator=translator
    )
    row = translation.segments.get(field="body", source_start=0)
    segment_save(
        segment_id=row.pk,
        expected_version=row.version,
        target_text="Мемлекет басшысы Қасым-Жомарт Тоқаев Пекинде 7,4 млрд доллар инвестиция туралы айтты.",
        user=translator,
    )
    wait_for(
        lambda: Translation.objects.get(pk=translation.pk).extraction_state == ExtractionState.DONE
    )
    assert Figure.objects.filter(translation=translation, unit="USD", value=7_400_000_000).exists()
    tokayev = Alias.objects.get(key="токаев").entity
    assert Mention.objects.filter(translation=translation, entity=tokayev).exists()
    assert "extract_translation" in worker_log(celery_worker_process)

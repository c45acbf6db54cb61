"""The extraction task: queued once per new article after commit (never for failures or
duplicates), idempotent, recoverable after a failure, and swept when stuck."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from unittest.mock import call, patch

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from articles.importing import ImportFile
from articles.models import Article, ExtractionState, ImportBatch, ImportOutcome
from articles.services import (
    article_create,
    article_extract,
    article_import_file,
    articles_extraction_requeue,
    articles_extraction_sweep,
    articles_import,
)
from articles.tasks import extract_article, sweep_stuck_extractions
from conftest import extraction_callbacks
from entities.extraction import EXTRACTOR_VERSION, DocumentExtraction, extract_document

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
DELAY = "articles.tasks.extract_article.delay"
EXTRACT = "entities.extraction.extract_document"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"


def seed_file(prefix: str) -> ImportFile:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return ImportFile(path.name, path.read_bytes())


def seed_title_body(prefix: str) -> tuple[str, str]:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[0], "\n".join(line for line in lines[1:] if not line.startswith("- "))


def import_files(*files: ImportFile):
    return articles_import(files=files, channel=ImportBatch.Channel.API)


# -- queued once, after commit ---------------------------------------------------------------


def test_extraction_is_queued_once_per_article_after_commit(
    django_capture_on_commit_callbacks,
) -> None:
    with patch(DELAY) as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            _batch, results = import_files(seed_file("000"), seed_file("003"), seed_file("004"))
        ids = [r.article.pk for r in results]

        assert [r.outcome for r in results] == [ImportOutcome.IMPORTED] * 3
        assert len(extraction_callbacks(callbacks)) == 3
        delay.assert_not_called()  # nothing is queued before the commit
        assert set(Article.objects.values_list("extraction_state", flat=True)) == {
            ExtractionState.PENDING
        }

        for callback in callbacks:
            callback()

    assert delay.call_args_list == [call(pk) for pk in ids]


def test_executed_callbacks_queue_each_article_exactly_once(
    django_capture_on_commit_callbacks,
) -> None:
    with (
        patch(DELAY) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _batch, results = import_files(seed_file("000"), seed_file("003"))
    assert delay.call_count == 2
    assert sorted(c.args[0] for c in delay.call_args_list) == sorted(r.article.pk for r in results)


def test_eager_task_runs_extraction_on_commit(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _batch, [result] = import_files(seed_file("003"))
        # Inside the transaction the extraction has not run yet.
        assert Article.objects.get().extraction_state == ExtractionState.PENDING
    article = Article.objects.get()
    assert article == result.article
    assert article.extraction_state == ExtractionState.DONE
    assert article.extractor_version == EXTRACTOR_VERSION
    assert article.extracted_content_hash == article.content_hash
    assert article.language == "ru"
    assert article.extracted_at is not None


def test_not_queued_for_failed_or_duplicate_files(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        import_files(seed_file("003"))
    assert Article.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _batch, results = import_files(
            ImportFile("empty.txt", b""),
            ImportFile("image.txt", PNG),
            ImportFile("too-big.txt", error="The file is too big."),
            seed_file("003"),  # duplicate
        )
    assert [r.outcome for r in results] == [ImportOutcome.FAILED] * 3 + [ImportOutcome.DUPLICATE]
    assert extraction_callbacks(callbacks) == []

    with patch(DELAY) as delay, django_capture_on_commit_callbacks(execute=True):
        import_files(ImportFile("empty.txt", b""), seed_file("003"))
    delay.assert_not_called()
    assert Article.objects.count() == 1


def test_broker_down_leaves_the_article_pending(django_capture_on_commit_callbacks) -> None:
    with (
        patch(DELAY, side_effect=ConnectionError("broker unreachable")) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = article_import_file(item=seed_file("003"))
    delay.assert_called_once_with(result.article.pk)
    assert result.outcome == ImportOutcome.IMPORTED
    result.article.refresh_from_db()
    assert result.article.extraction_state == ExtractionState.PENDING


# -- idempotence ---------------------------------------------------------------------------

FIELDS = (
    "language",
    "language_confidence",
    "extraction_state",
    "extraction_error",
    "extractor_version",
    "extracted_content_hash",
    "extraction_started_at",
    "extracted_at",
    "updated_at",
    "version",
    "title",
    "body",
    "content_hash",
)


def snapshot(article_id: int) -> dict:
    return Article.objects.filter(pk=article_id).values(*FIELDS).get()


def test_running_extraction_twice_is_harmless() -> None:
    title, body = seed_title_body("000")
    article = article_create(title=title, body=body)  # on_commit never fires in the test
    assert snapshot(article.pk)["extraction_state"] == ExtractionState.PENDING

    assert article_extract(article_id=article.pk) == "done"
    first = snapshot(article.pk)
    assert first["extraction_state"] == ExtractionState.DONE
    assert first["language"] == "kk"

    with patch(EXTRACT, wraps=extract_document) as extract:
        assert article_extract(article_id=article.pk) == "current"
        assert extract_article(article.pk) == "current"
    extract.assert_not_called()
    assert snapshot(article.pk) == first


def test_new_extractor_version_re_extracts() -> None:
    title, body = seed_title_body("003")
    article = article_create(title=title, body=body)
    assert article_extract(article_id=article.pk) == "done"
    Article.objects.filter(pk=article.pk).update(extractor_version="2000.1.1")
    assert article_extract(article_id=article.pk) == "done"
    assert snapshot(article.pk)["extractor_version"] == EXTRACTOR_VERSION


def test_text_changed_during_extraction_is_stale() -> None:
    title, body = seed_title_body("003")
    article = article_create(title=title, body=body)

    def edit_meanwhile(**kwargs) -> DocumentExtraction:
        Article.objects.filter(pk=article.pk).update(
            body=article.body + "\n\nНовый абзац.", content_hash="0" * 64
        )
        return DocumentExtraction(language="ru", language_confidence=0.9)

    with patch(EXTRACT, side_effect=edit_meanwhile):
        assert article_extract(article_id=article.pk) == "stale"
    after = snapshot(article.pk)
    assert after["extractor_version"] == ""
    assert after["language"] == ""
    assert after["extraction_state"] != ExtractionState.DONE


def test_missing_article() -> None:
    with patch(EXTRACT) as extract:
        assert article_extract(article_id=987654) == "missing"
        assert extract_article(987654) == "missing"
    extract.assert_not_called()


# -- failure and retry ---------------------------------------------------------------------


def test_failure_is_recorded_and_requeue_recovers(django_capture_on_commit_callbacks) -> None:
    with (
        patch(EXTRACT, side_effect=RuntimeError("tokenizer crashed on paragraph 3")) as extract,
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = article_import_file(item=seed_file("004"))
    extract.assert_called_once()
    article = Article.objects.get(pk=result.article.pk)
    assert article.extraction_state == ExtractionState.FAILED
    assert article.extraction_error == "RuntimeError: tokenizer crashed on paragraph 3"
    assert article.language == ""
    assert article.extractor_version == ""

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert articles_extraction_requeue(article_ids=[article.pk, 987654]) == 1
    article.refresh_from_db()
    assert article.extraction_state == ExtractionState.PENDING
    assert article.extraction_error == ""
    assert len(extraction_callbacks(callbacks)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        articles_extraction_requeue(article_ids=[article.pk])
    article.refresh_from_db()
    assert article.extraction_state == ExtractionState.DONE
    assert article.extraction_error == ""
    assert article.language == "kk"
    assert article.extracted_content_hash == article.content_hash


def test_requeue_re_extracts_a_done_article(django_capture_on_commit_callbacks) -> None:
    title, body = seed_title_body("003")
    article = article_create(title=title, body=body)
    assert article_extract(article_id=article.pk) == "done"
    with (
        patch(EXTRACT, wraps=extract_document) as extract,
        django_capture_on_commit_callbacks(execute=True),
    ):
        articles_extraction_requeue(article_ids=[article.pk])
    extract.assert_called_once()
    assert snapshot(article.pk)["extraction_state"] == ExtractionState.DONE


def test_time_limit_is_recorded_as_failure() -> None:
    title, body = seed_title_body("003")
    article = article_create(title=title, body=body)
    with patch(EXTRACT, side_effect=SoftTimeLimitExceeded()):
        assert article_extract(article_id=article.pk) == "failed"
    after = snapshot(article.pk)
    assert after["extraction_state"] == ExtractionState.FAILED
    assert after["extraction_error"] == "Extraction took longer than the time limit."


# -- the sweeper ---------------------------------------------------------------------------


def test_sweep_requeues_only_stale_pending_and_running_articles() -> None:
    long_ago = timezone.now() - timedelta(hours=1)
    just_now = timezone.now() - timedelta(minutes=1)
    articles = {
        name: article_create(title=f"Мақала {name}", body=f"Мәтін {name}.")
        for name in (
            "old_pending",
            "old_running",
            "new_pending",
            "new_running",
            "old_done",
            "old_failed",
        )
    }
    states = {
        "old_pending": (ExtractionState.PENDING, long_ago, None),
        "old_running": (ExtractionState.RUNNING, just_now, long_ago),
        "new_pending": (ExtractionState.PENDING, just_now, None),
        "new_running": (ExtractionState.RUNNING, long_ago, just_now),
        "old_done": (ExtractionState.DONE, long_ago, long_ago),
        "old_failed": (ExtractionState.FAILED, long_ago, long_ago),
    }
    for name, (state, updated_at, started_at) in states.items():
        Article.objects.filter(pk=articles[name].pk).update(
            extraction_state=state, updated_at=updated_at, extraction_started_at=started_at
        )

    with patch(DELAY) as delay:
        assert articles_extraction_sweep(stale_after=timedelta(minutes=10)) == 2
    assert sorted(c.args[0] for c in delay.call_args_list) == sorted(
        [articles["old_pending"].pk, articles["old_running"].pk]
    )

    with patch(DELAY) as delay:
        assert articles_extraction_sweep(stale_after=timedelta(seconds=1)) == 4
    assert delay.call_count == 4


def test_sweep_task_runs_the_stuck_extraction() -> None:
    title, body = seed_title_body("003")
    article = article_create(title=title, body=body)
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(hours=1))

    assert sweep_stuck_extractions() == 1  # eager: the extraction runs at once
    after = snapshot(article.pk)
    assert after["extraction_state"] == ExtractionState.DONE
    assert after["language"] == "ru"
    assert sweep_stuck_extractions() == 0


# -- languages -----------------------------------------------------------------------------


def test_manual_language_is_not_overridden(django_capture_on_commit_callbacks) -> None:
    title, body = seed_title_body("000")  # Kazakh text
    assert extract_document(title=title, body=body).language == "kk"

    with django_capture_on_commit_callbacks(execute=True):
        article = article_create(title=title, body=body, language="ru")

    after = snapshot(article.pk)
    assert after["extraction_state"] == ExtractionState.DONE
    assert after["language"] == "ru"
    assert after["language_confidence"] is None
    assert Article.objects.get(pk=article.pk).language_locked is True


def test_detection_result_does_not_replace_a_manual_language() -> None:
    title, body = seed_title_body("003")
    locked = article_create(title=title, body=body, language="en")
    unlocked = article_create(title="Другая статья", body="Другой текст.")
    detected = DocumentExtraction(language="kk", language_confidence=0.99)

    with patch(EXTRACT, return_value=detected) as extract:
        assert article_extract(article_id=locked.pk) == "done"
        assert article_extract(article_id=unlocked.pk) == "done"

    assert extract.call_args_list[0].kwargs["language"] == "en"  # detection skipped
    assert extract.call_args_list[1].kwargs["language"] is None
    assert (snapshot(locked.pk)["language"], snapshot(locked.pk)["language_confidence"]) == (
        "en",
        None,
    )
    assert (snapshot(unlocked.pk)["language"], snapshot(unlocked.pk)["language_confidence"]) == (
        "kk",
        0.99,
    )


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown language «de»"):
        article_create(title="Titel", body="Text.", language="de")
    assert not Article.objects.exists()


def test_broker_outage_saves_the_article_pending_and_the_sweeper_recovers_it(
    django_capture_on_commit_callbacks,
):
    """Redis down at import time: the article is kept (pending), nothing raises, and the sweeper
    queues it once the broker answers again."""
    from kombu.exceptions import OperationalError as BrokerError

    from articles.services import articles_extraction_sweep

    data = (SEEDS / "003_03d0c59582605d6e.txt").read_bytes()
    refused = BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with (
        patch("articles.tasks.extract_article.delay", side_effect=refused) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        batch, _ = articles_import(files=[ImportFile("003.txt", data)], channel="command")
    assert delay.call_count == 1
    assert batch.imported_count == 1
    article = Article.objects.get()
    assert article.extraction_state == ExtractionState.PENDING

    assert articles_extraction_sweep(stale_after=timedelta(0)) == 1
    article.refresh_from_db()
    assert article.extraction_state == ExtractionState.DONE

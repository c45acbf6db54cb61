"""Celery tasks: thin wrappers that take ids and call services."""

from celery import shared_task
from celery.signals import worker_process_init
from django.db import InterfaceError, OperationalError

from articles import services

# For tasks that are safe to redo (extraction, sweeps, webhook deliveries): acknowledge after
# the work, redeliver if the worker dies, retry database hiccups with backoff.
REDO_SAFE_TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 8,
}


@shared_task(**REDO_SAFE_TASK_OPTIONS)
def extract_article(article_id: int) -> str:
    """Extract one article. Safe to run twice: the service skips work already done."""
    return services.article_extract(article_id=article_id)


@shared_task(**REDO_SAFE_TASK_OPTIONS)
def extract_translation(translation_id: int) -> str:
    """Extract one translation (same pipeline as articles). Safe to run twice."""
    from articles.translations.services import translation_extract

    return translation_extract(translation_id=translation_id)


@shared_task
def sweep_stuck_extractions() -> int:
    """Re-queue articles and translations whose extraction was never queued (the broker was
    down) or whose worker died: pending or running for longer than
    KZEDITOR_EXTRACTION_STALE_AFTER_SECONDS. Beat runs it every KZEDITOR_SWEEP_INTERVAL_SECONDS.
    Returns how many were queued."""
    from articles.translations.services import translations_extraction_sweep

    return services.articles_extraction_sweep() + translations_extraction_sweep()


@worker_process_init.connect
def _load_models_once(**kwargs) -> None:
    """Each worker process loads the NLP models when it starts, not per article (and a broken
    model fails the worker's start loudly instead of every task)."""
    from entities.extraction import extractors_load

    extractors_load()


# The API's import jobs run in the default queue: reading files is quick; their articles'
# extraction is queued separately. Same delivery options: the job resumes when redelivered.
@shared_task(**REDO_SAFE_TASK_OPTIONS)
def run_import_job(batch_id: int) -> str:
    """Import an API import job's payloads. Safe to run twice: a finished job is left alone,
    an interrupted one resumes with the payloads that are left."""
    from articles.import_jobs import import_job_run

    batch = import_job_run(batch_id=batch_id)
    return batch.state if batch is not None else "missing"


@shared_task
def sweep_import_jobs() -> int:
    """Queue again API import jobs left queued or running by a broker outage or a dead worker."""
    from articles.import_jobs import import_jobs_sweep

    return import_jobs_sweep()

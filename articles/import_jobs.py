"""Import jobs of the integration API (``POST /api/v1/imports/``).

A request stores what it was given (files, or the fields of JSON articles) as a queued
``ImportBatch`` with one ``ImportPayload`` per file or article, in one transaction, and queues
``articles.tasks.run_import_job`` once that commits. The task imports the payloads with the same
code as the upload page and the command (``articles.services.import_batch_files``), records an
``ImportItem`` per file, and the client polls ``/api/v1/imports/<id>/``.

Each payload is imported, recorded and deleted in one transaction, so a job interrupted by a
dead worker resumes with the payloads that are left when the task is delivered again, and never
imports a file twice."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Count, Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from articles.importing import ZIP_SUFFIX, import_file_from_bytes
from articles.models import (
    Article,
    ExtractionState,
    ImportBatch,
    ImportItem,
    ImportOutcome,
    ImportPayload,
    Source,
)
from articles.services import (
    DuplicateArticleError,
    FileImportResult,
    article_create,
    article_text_check,
    import_batch_files,
    import_batch_finish,
    import_item_record,
    source_get_or_create,
)

logger = logging.getLogger(__name__)

# The fields a JSON article may carry (the API's create fields).
ARTICLE_FIELDS = (
    "title", "body", "language", "byline", "photo_credit", "source", "source_id", "source_url",
    "published_at",
)  # fmt: skip


class ImportJobError(ValueError):
    """An import refused before anything was stored; the message says why, for the user."""


class ImportJobTooLarge(ImportJobError):
    """Too many files or articles, or a file over the size limit."""


# -- limits -----------------------------------------------------------------------------------


def import_size_limit(name: str) -> int:
    """The largest file of this name an import takes: a zip archive may be as large as what it
    may unpack to; any other file, the per-file limit."""
    if PurePosixPath(name).suffix.lower() == ZIP_SUFFIX:
        return settings.KZEDITOR_IMPORT_MAX_ZIP_TOTAL_BYTES
    return settings.KZEDITOR_IMPORT_MAX_FILE_BYTES


def import_job_check(*, sizes: Sequence[tuple[str, int]]) -> None:
    """Refuse an import that could never succeed before anything is read or stored: nothing
    to import, too many files, an empty file or one over the size limit."""
    if not sizes:
        raise ImportJobError(_("Send at least one file or article to import."))
    limit = settings.KZEDITOR_IMPORT_MAX_FILES
    if len(sizes) > limit:
        raise ImportJobTooLarge(
            _("%(count)d files or articles were sent; one import takes at most %(limit)d.")
            % {"count": len(sizes), "limit": limit}
        )
    for name, size in sizes:
        if size <= 0:
            raise ImportJobError(_("«%(name)s» is empty.") % {"name": name})
        if size > (file_limit := import_size_limit(name)):
            raise ImportJobTooLarge(
                _(
                    "«%(name)s» is %(size)s; the limit is %(limit)s "
                    "(%(bytes)d > %(limit_bytes)d bytes)."
                )
                % {
                    "name": name,
                    "size": filesizeformat(size),
                    "limit": filesizeformat(file_limit),
                    "bytes": size,
                    "limit_bytes": file_limit,
                }
            )


# -- articles from fields (the API's JSON) -----------------------------------------------------


def _source_from_fields(fields: Mapping) -> Source | None:
    source_id = fields.get("source_id")
    if isinstance(source_id, Source):
        return source_id
    if source_id is not None:
        source = Source.objects.filter(pk=source_id).first()
        if source is None:
            raise ValueError(_("Source #%(pk)s does not exist.") % {"pk": source_id})
        return source
    given = fields.get("source")
    if given:
        name = " ".join(str(given.get("name", "")).split())
        domain = str(given.get("domain", "") or "").strip().lower()
        if not name:
            raise ValueError(_("A source needs a name."))
        return source_get_or_create(name=name, domain=domain)
    return None


def _published_at(value: datetime | str | None) -> datetime | None:
    if value in (None, ""):
        return None
    moment = value if isinstance(value, datetime) else parse_datetime(str(value))
    if moment is None:
        raise ValueError(_("«%(value)s» is not a date and time.") % {"value": value})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def article_create_from_fields(
    *, fields: Mapping, created_by: AbstractBaseUser | None = None
) -> Article:
    """Create an article from the API's fields: ``title``, ``body``, ``language``, ``byline``,
    ``photo_credit``, ``source`` ({name, domain}) or ``source_id``, ``source_url``,
    ``published_at`` (a datetime or an ISO 8601 string). Raises ``DuplicateArticleError`` for a
    text that exists, ``ValueError`` for a field that cannot be used."""
    title = " ".join(str(fields.get("title") or "").split())
    body = str(fields.get("body") or "")
    if not title:
        raise ValueError(_("The title cannot be empty."))
    if not body.strip():
        raise ValueError(_("The text cannot be empty."))
    with transaction.atomic():
        return article_create(
            title=title,
            body=body,
            language=fields.get("language") or "",
            byline=fields.get("byline") or "",
            photo_credit=fields.get("photo_credit") or "",
            source=_source_from_fields(fields),
            source_url=fields.get("source_url") or "",
            published_at=_published_at(fields.get("published_at")),
            created_by=created_by,
        )


def _stored_fields(fields: Mapping) -> dict:
    """The fields as JSON for an ``ImportPayload`` (datetimes as ISO 8601)."""
    stored = {}
    for name in ARTICLE_FIELDS:
        value = fields.get(name)
        if value is None or value == "":
            continue
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, Source):
            name, value = "source_id", value.pk
        elif name == "source":
            value = {"name": value.get("name", ""), "domain": value.get("domain", "")}
        stored[name] = value
    return stored


def _article_label(position: int, fields: Mapping) -> str:
    """How an article sent as JSON is named in the job's results: its place and title."""
    title = " ".join(str(fields.get("title") or "").split())
    return f"#{position + 1} {title}"[:500]


# -- jobs ---------------------------------------------------------------------------------------


def _enqueue(batch_id: int) -> bool:
    """Queue the job's task; False when the broker is down (the job stays queued and
    ``import_jobs_sweep`` queues it once the broker is back)."""
    from articles.services import task_dispatch
    from articles.tasks import run_import_job

    return task_dispatch(run_import_job, batch_id)


def import_job_create(
    *,
    files: Sequence[tuple[str, bytes]] | None = None,
    article: Mapping | None = None,
    articles: Sequence[Mapping] | None = None,
    user: AbstractBaseUser,
) -> ImportBatch:
    """Store an import job: files (name, bytes) or articles as fields (``article`` for one,
    ``articles`` for several), checked against the limits first. One transaction; the job's
    task is queued once it commits. Raises ``ImportJobTooLarge`` (too many, too big) or
    ``ImportJobError`` (nothing to import, an empty file, an article without title or text)."""
    entries = list(articles or ([article] if article is not None else []))
    files = list(files or [])
    if files and entries:
        raise ImportJobError(_("Send files or articles, not both in one import."))
    if entries:
        import_job_check(sizes=[(_article_label(i, e), 1) for i, e in enumerate(entries)])
        for position, fields in enumerate(entries):
            if not " ".join(str(fields.get("title") or "").split()):
                raise ImportJobError(_("Article #%(n)d has no title.") % {"n": position + 1})
            if not str(fields.get("body") or "").strip():
                raise ImportJobError(_("Article #%(n)d has no text.") % {"n": position + 1})
            try:
                article_text_check(title=str(fields["title"]), body=str(fields["body"]))
            except ValueError as exc:
                raise ImportJobError(
                    _("Article #%(n)d: %(error)s") % {"n": position + 1, "error": exc}
                ) from None
        payloads = [
            ImportPayload(
                position=position,
                filename=_article_label(position, fields),
                fields=_stored_fields(fields),
            )
            for position, fields in enumerate(entries)
        ]
    else:
        import_job_check(sizes=[(name, len(data)) for name, data in files])
        payloads = [
            ImportPayload(position=position, filename=name[:500], data=data)
            for position, (name, data) in enumerate(files)
        ]
    creator = user if user.is_authenticated else None
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            channel=ImportBatch.Channel.API, state=ImportBatch.State.QUEUED, created_by=creator
        )
        for payload in payloads:
            payload.batch = batch
        ImportPayload.objects.bulk_create(payloads)
        batch_id = batch.pk
        transaction.on_commit(lambda: _enqueue(batch_id))
    return batch


def _import_fields(payload: ImportPayload, user: AbstractBaseUser | None) -> FileImportResult:
    try:
        article = article_create_from_fields(fields=payload.fields, created_by=user)
    except DuplicateArticleError as exc:
        return FileImportResult(
            payload.filename, ImportOutcome.DUPLICATE, str(exc), article=exc.existing
        )
    except ValueError as exc:
        return FileImportResult(payload.filename, ImportOutcome.FAILED, str(exc))
    return FileImportResult(
        payload.filename,
        ImportOutcome.IMPORTED,
        _("Imported as #%(pk)d.") % {"pk": article.pk},
        article=article,
    )


def _payload_import(batch: ImportBatch, payload: ImportPayload) -> None:
    user = batch.created_by
    if payload.fields is not None:
        import_item_record(batch=batch, result=_import_fields(payload, user))
        return
    import_batch_files(
        batch=batch,
        files=import_file_from_bytes(payload.filename, bytes(payload.data)),
        created_by=user,
        # Relative dates in a file («Бүгін, 10:15») count from when the job was sent.
        now=batch.created_at,
    )


def _next_payload(batch_id: int) -> ImportPayload | None:
    # Another worker running the same job (a redelivered task) takes the other payloads.
    return (
        ImportPayload.objects.select_for_update(skip_locked=True)
        .filter(batch_id=batch_id)
        .order_by("position")
        .first()
    )


def import_job_run(*, batch_id: int) -> ImportBatch | None:
    """Import a job's payloads, each with its results in one transaction, then finish the job
    (counts, ``finished_at``, ``import_finished`` on commit). Safe to run twice: a finished or
    failed job is left alone; a running one (its worker died) resumes with what is left.

    An unexpected error fails the job: the payload being imported leaves nothing behind, it
    and those not reached are recorded as failed, and ``error`` says what happened. Database
    connection errors are raised instead, for the task to retry (and resume)."""
    batch = ImportBatch.objects.select_related("created_by").filter(pk=batch_id).first()
    if batch is None:
        return None
    if batch.state not in (ImportBatch.State.QUEUED, ImportBatch.State.RUNNING):
        return batch
    ImportBatch.objects.filter(pk=batch_id, state=ImportBatch.State.QUEUED).update(
        state=ImportBatch.State.RUNNING
    )
    try:
        while True:
            with transaction.atomic():
                payload = _next_payload(batch_id)
                if payload is None:
                    break
                _payload_import(batch, payload)
                payload.delete()
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:
        logger.exception("Import job %s failed", batch_id)
        return _job_fail(batch_id, f"{type(exc).__name__}: {exc}")
    return _job_finish(batch_id)


@transaction.atomic
def _job_finish(batch_id: int) -> ImportBatch | None:
    batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
    if batch is None or batch.state != ImportBatch.State.RUNNING:
        return batch  # finished by another run of the same job
    if ImportPayload.objects.filter(batch_id=batch_id).exists():
        return batch  # another run is importing the last payloads; it finishes the job
    return import_batch_finish(batch=batch)


@transaction.atomic
def _job_fail(batch_id: int, error: str) -> ImportBatch | None:
    batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
    if batch is None or batch.state not in (ImportBatch.State.QUEUED, ImportBatch.State.RUNNING):
        return batch
    left = ImportPayload.objects.filter(batch_id=batch_id).order_by("position")
    ImportItem.objects.bulk_create(
        ImportItem(
            batch=batch,
            filename=filename,
            outcome=ImportOutcome.FAILED,
            message=_("Not imported: the import stopped on an unexpected error."),
        )
        for filename in left.values_list("filename", flat=True)
    )
    left.delete()
    return import_batch_finish(batch=batch, state=ImportBatch.State.FAILED, error=error)


def import_jobs_sweep(*, stale_after: timedelta | None = None) -> int:
    """Queue again the jobs still queued or running this long (default
    ``KZEDITOR_IMPORT_JOB_STALE_AFTER_SECONDS``) after they were sent (the broker was down, or
    the task gave up retrying). Harmless for a job that is still running: runs share out its
    payloads. Returns how many were queued (it stops when the broker is down again)."""
    if stale_after is None:
        stale_after = timedelta(seconds=settings.KZEDITOR_IMPORT_JOB_STALE_AFTER_SECONDS)
    cutoff = timezone.now() - stale_after
    ids = list(
        ImportBatch.objects.filter(
            channel=ImportBatch.Channel.API,
            state__in=[ImportBatch.State.QUEUED, ImportBatch.State.RUNNING],
            created_at__lt=cutoff,
        ).values_list("pk", flat=True)
    )
    queued = 0
    for batch_id in ids:
        if not _enqueue(batch_id):
            break
        queued += 1
    return queued


# -- reads ---------------------------------------------------------------------------------------

_IMPORTED = Q(items__outcome=ImportOutcome.IMPORTED, items__article__isnull=False)


def import_jobs_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[ImportBatch]:
    """API import jobs: a user's own, every job for admins. Each carries the extraction
    progress of the articles it imported (``extraction_pending`` … ``extraction_total``) from
    the same query."""
    jobs = ImportBatch.objects.filter(channel=ImportBatch.Channel.API)
    if not user.is_authenticated:
        return jobs.none()
    if not user.is_superuser:
        jobs = jobs.filter(created_by=user)
    progress = {
        f"extraction_{state}": Count(
            "items", filter=_IMPORTED & Q(items__article__extraction_state=state)
        )
        for state in ExtractionState.values
    }
    return jobs.annotate(extraction_total=Count("items", filter=_IMPORTED), **progress)

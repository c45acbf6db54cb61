"""Writes to articles: creating, importing and extracting. Views, the admin, commands, tasks
and tests all call these functions; nothing else writes articles."""

from __future__ import annotations

import logging
import time
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Count, F, Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from articles.importing import ImportFile
from articles.models import (
    Article,
    ArticleStatus,
    ExtractionState,
    ImportBatch,
    ImportItem,
    ImportOutcome,
    Language,
    Source,
)
from articles.parsing import ArticleParseError, ParsedArticle, parse_article_text
from articles.text import TextDecodingError, content_hash, decode_bytes, normalize_body

if TYPE_CHECKING:
    from celery import Task

    from entities.extraction import DocumentExtraction

logger = logging.getLogger(__name__)


class DuplicateArticleError(Exception):
    def __init__(self, existing: Article) -> None:
        super().__init__(
            _("The same text is already article #%(pk)d «%(title)s».")
            % {"pk": existing.pk, "title": existing.title}
        )
        self.existing = existing


class ArticleVersionConflict(Exception):
    """Someone saved the article after the editor loaded it; nothing was written."""

    def __init__(self, current: Article, expected_version: int) -> None:
        super().__init__(
            _(
                "Article #%(pk)d was changed by someone else (you edited version %(yours)d, "
                "it is now version %(current)d); your changes were not saved."
            )
            % {"pk": current.pk, "yours": expected_version, "current": current.version}
        )
        self.current = current
        self.expected_version = expected_version


@dataclass
class FileImportResult:
    filename: str
    outcome: ImportOutcome
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    article: Article | None = None


# -- sources -------------------------------------------------------------------------------


def source_get_or_create(*, name: str, domain: str = "") -> Source:
    """The source with this domain (or, without one, this name), created on first sight."""
    domain = domain.strip().lower()
    lookup = Q(domain=domain) if domain else Q(name__iexact=name)
    existing = Source.objects.filter(lookup).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Source.objects.create(name=name, domain=domain)
    except IntegrityError:  # created concurrently, or the name is taken by another domain
        return Source.objects.filter(Q(domain=domain) | Q(name__iexact=name)).first()


# -- creating articles ---------------------------------------------------------------------


# -- queueing tasks when the broker may be down ----------------------------------------------
#
# The row is the record of the work to do (an article ``pending``, an API job ``queued``),
# written in the same transaction as the data; the task is queued after the commit. If the
# broker is down then, nothing is lost: the row stays as it is, and the beat sweepers
# (``sweep_stuck_extractions``, ``sweep_import_jobs``) queue it again once the broker is back.
# That is a transactional outbox whose outbox is the state column itself, so it needs no extra
# table, no relay process and no migration.

# After a failed publish, don't try again for this long in this process: an import of 200
# files during an outage would otherwise wait for the broker timeout 200 times.
BROKER_RETRY_AFTER_SECONDS = 15.0
_broker_down_until = 0.0
_not_queued: ContextVar[list[int] | None] = ContextVar("extraction_not_queued", default=None)

EXTRACTION_NOT_QUEUED_WARNING = gettext_lazy(
    "Extraction not queued yet: the task queue (broker) is unavailable. The article is saved "
    "and will be extracted automatically once the queue is back."
)


def task_dispatch(task: Task, *args) -> bool:
    """Queue ``task(*args)``; False (logged, no traceback) when the broker is unreachable, and
    at once, without waiting for the broker, for a while after it failed."""
    global _broker_down_until
    eager = task.app.conf.task_always_eager
    if not eager and time.monotonic() < _broker_down_until:
        logger.warning("Broker unavailable: %s%r not queued (the sweeper will)", task.name, args)
        return False
    try:
        task.delay(*args)
    except Exception as exc:
        if not eager:
            _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER_SECONDS
        logger.warning(
            "Broker unavailable: %s%r not queued (the sweeper will): %s", task.name, args, exc
        )
        return False
    return True


@contextmanager
def extraction_not_queued() -> Iterator[list[int]]:
    """Collect the ids of the articles whose extraction could not be queued in this block (the
    broker was down), so that an import can tell the importer."""
    ids: list[int] = []
    token = _not_queued.set(ids)
    try:
        yield ids
    finally:
        _not_queued.reset(token)


def _enqueue_extraction(article_id: int) -> None:
    from articles.tasks import extract_article

    if not task_dispatch(extract_article, article_id):
        collected = _not_queued.get()
        if collected is not None:
            collected.append(article_id)


def article_extraction_enqueue_on_commit(*, article_id: int) -> None:
    transaction.on_commit(lambda: _enqueue_extraction(article_id))


def article_find_duplicate(
    *, title: str, body: str, exclude_pk: int | None = None
) -> Article | None:
    """The article whose normalised title and body equal these, if any."""
    digest = content_hash(" ".join(title.split()), normalize_body(body))
    return Article.objects.filter(content_hash=digest).exclude(pk=exclude_pk).first()


_ALLOWED_CONTROLS = frozenset("\t\n\r\x0b\x0c")


def article_text_check(*, title: str = "", body: str = "") -> None:
    """Refuse a title or text with control characters (a NUL, a bell, terminal escapes): typed
    or sent text never holds them, so they are a broken client or a pasted binary. Raises
    ``ValueError`` naming the field and the character. (Imported files are cleaned instead:
    their decoding refuses binary files and drops stray controls.)"""
    for text, message in (
        (title, _("The title contains a control character (U+%(code)04X); remove it.")),
        (body, _("The text contains a control character (U+%(code)04X); remove it.")),
    ):
        for char in text:
            if unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS:
                raise ValueError(message % {"code": ord(char)})


def article_create(
    *,
    title: str,
    body: str,
    language: str = "",
    byline: str = "",
    photo_credit: str = "",
    source: Source | None = None,
    source_url: str = "",
    published_at: datetime | None = None,
    original_filename: str = "",
    import_warnings: Iterable[str] = (),
    created_by: AbstractBaseUser | None = None,
) -> Article:
    """Create an article and queue its extraction once the transaction commits.

    Raises ``DuplicateArticleError`` when the same normalised text already exists."""
    article_text_check(title=title, body=body)
    title = " ".join(title.split())
    body = normalize_body(body)
    if language and language not in Language.values:
        raise ValueError(
            _("Unknown language «%(language)s»; expected one of kk, ru, en.")
            % {"language": language}
        )
    digest = content_hash(title, body)
    existing = Article.objects.filter(content_hash=digest).first()
    if existing:
        raise DuplicateArticleError(existing)
    user = created_by if created_by and created_by.is_authenticated else None
    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=title,
                body=body,
                language=language,
                language_locked=bool(language),
                byline=byline,
                photo_credit=photo_credit,
                source=source,
                source_url=source_url,
                published_at=published_at,
                original_filename=original_filename[:500],
                content_hash=digest,
                import_warnings=list(import_warnings),
                created_by=user,
                updated_by=user,
            )
            article_extraction_enqueue_on_commit(article_id=article.pk)
    except IntegrityError:
        existing = Article.objects.filter(content_hash=digest).first()
        if existing:  # the same text was imported concurrently
            raise DuplicateArticleError(existing) from None
        raise
    return article


def article_create_from_parsed(
    *, parsed: ParsedArticle, original_filename: str = "", created_by=None
) -> Article:
    source = (
        source_get_or_create(name=parsed.source_name, domain=parsed.source_domain)
        if parsed.source_name
        else None
    )
    return article_create(
        title=parsed.title,
        body="\n".join(parsed.paragraphs),
        byline=parsed.byline,
        photo_credit=parsed.photo_credit,
        source=source,
        published_at=parsed.published_at,
        original_filename=original_filename,
        import_warnings=parsed.warnings,
        created_by=created_by,
    )


ARTICLE_EDITABLE_FIELDS = frozenset(
    {
        "title", "body", "language", "byline", "photo_credit", "source", "source_url",
        "published_at", "assignee", "due_at",
        "status",  # the admin's override; the browser workflow checks roles before calling
    }
)  # fmt: skip


def article_update(
    *,
    article_id: int,
    expected_version: int,
    updated_by: AbstractBaseUser | None = None,
    change_reason: str = "",
    **changes,
) -> Article:
    """Apply an editor's changes if nobody saved the article since they loaded
    ``expected_version`` (optimistic locking); otherwise raise ``ArticleVersionConflict`` and
    write nothing. A changed text gets a new content hash (duplicates refused) and is queued
    for extraction again. Every save is a version in the article's history, with who, when and
    ``change_reason``. Returns the saved article."""
    unknown = set(changes) - ARTICLE_EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"These article fields cannot be edited here: {sorted(unknown)}")
    article_text_check(title=changes.get("title") or "", body=changes.get("body") or "")
    if "title" in changes:
        changes["title"] = " ".join(changes["title"].split())
        if not changes["title"]:
            raise ValueError(_("The title cannot be empty."))
    if "body" in changes:
        changes["body"] = normalize_body(changes["body"])
    if changes.get("language") and changes["language"] not in Language.values:
        raise ValueError(
            _("Unknown language «%(language)s»; expected one of kk, ru, en.")
            % {"language": changes["language"]}
        )
    user = updated_by if updated_by and updated_by.is_authenticated else None
    try:
        with transaction.atomic():
            article = Article.objects.select_for_update().get(pk=article_id)
            if article.version != expected_version:
                raise ArticleVersionConflict(article, expected_version)
            changed = {k: v for k, v in changes.items() if getattr(article, k) != v}
            if "language" in changes and bool(changes["language"]) != article.language_locked:
                # Choosing the detected language by hand locks it; "detect" unlocks it.
                changed["language_locked"] = bool(changes["language"])
            if not changed:
                return article
            text_changed = bool({"title", "body"} & set(changed))
            if text_changed:
                title = changed.get("title", article.title)
                body = changed.get("body", article.body)
                duplicate = article_find_duplicate(title=title, body=body, exclude_pk=article_id)
                if duplicate:
                    raise DuplicateArticleError(duplicate)
                changed.update(
                    content_hash=content_hash(title, body),
                    extraction_state=ExtractionState.PENDING,
                    extraction_error="",
                )
            for name, value in changed.items():
                setattr(article, name, value)
            article.version = expected_version + 1
            article.updated_by = user
            article._history_user = user
            article._change_reason = change_reason[:100]
            article.save(update_fields=[*changed, "version", "updated_by", "updated_at"])
            _article_events_on_commit(article, sorted(changed))
            if text_changed:
                article_extraction_enqueue_on_commit(article_id=article_id)
                from articles.translations.services import translations_follow_source

                translations_follow_source(article=article)
            elif {"source", "published_at"} & set(changed) or changed.get("language"):
                # (Back to "detect automatically" re-queues extraction, which refreshes all.)
                from entities.pipeline import article_metadata_changed

                transaction.on_commit(lambda: article_metadata_changed(article=article))
    except IntegrityError:
        # The unique content hash: the same text was saved as another article concurrently.
        # ``article`` holds the new text (set just before the save that failed).
        duplicate = (
            article_find_duplicate(title=article.title, body=article.body, exclude_pk=article_id)
            if text_changed
            else None
        )
        if duplicate:
            raise DuplicateArticleError(duplicate) from None
        raise
    return article


_EVENT_HIDDEN_FIELDS = frozenset(
    {"content_hash", "extraction_state", "extraction_error", "language_locked"}
)


def _article_events_on_commit(article: Article, changed: list[str]) -> None:
    """``article_updated`` for every saved change, ``article_published`` when it went live."""
    from articles import signals

    published = "status" in changed and article.status == ArticleStatus.PUBLISHED
    # What a person changed; the bookkeeping that follows a text change is not news.
    changed = [name for name in changed if name not in _EVENT_HIDDEN_FIELDS]

    def send() -> None:
        signals.article_updated.send(sender=Article, article=article, changed=changed)
        if published:
            signals.article_published.send(sender=Article, article=article)

    transaction.on_commit(send)


# -- importing files -----------------------------------------------------------------------


def article_import_file(
    *, item: ImportFile, created_by: AbstractBaseUser | None = None, now: datetime | None = None
) -> FileImportResult:
    """Import one file. Atomic: a file that fails leaves nothing behind."""
    if item.error or item.data is None:
        return FileImportResult(item.name, ImportOutcome.FAILED, item.error or _("No data."))
    try:
        text, encoding = decode_bytes(item.data)
        parsed = parse_article_text(text, now=now)
        # Outside any other transaction the extraction is queued (or not) as this block ends.
        with extraction_not_queued() as not_queued, transaction.atomic():
            article = article_create_from_parsed(
                parsed=parsed, original_filename=item.name, created_by=created_by
            )
    except (TextDecodingError, ArticleParseError) as exc:
        return FileImportResult(item.name, ImportOutcome.FAILED, str(exc))
    except (ValueError, DatabaseError) as exc:
        # One unexpected file must not abort the rest of the batch; its transaction rolled back.
        logger.exception("Import of %s failed", item.name)
        return FileImportResult(
            item.name,
            ImportOutcome.FAILED,
            _("The article could not be saved: %(error)s") % {"error": exc},
        )
    except DuplicateArticleError as exc:
        return FileImportResult(item.name, ImportOutcome.DUPLICATE, str(exc), article=exc.existing)
    warnings = list(parsed.warnings)
    if encoding not in ("utf-8", "ascii"):
        warnings.append(_("Decoded from %(encoding)s.") % {"encoding": encoding})
    if article.pk in not_queued:
        warnings.append(str(EXTRACTION_NOT_QUEUED_WARNING))
    return FileImportResult(
        item.name,
        ImportOutcome.IMPORTED,
        _("Imported as #%(pk)d.") % {"pk": article.pk},
        warnings,
        article,
    )


def import_batch_files(
    *,
    batch: ImportBatch,
    files: Iterable[ImportFile],
    created_by: AbstractBaseUser | None = None,
    now: datetime | None = None,
    on_result=None,
) -> list[FileImportResult]:
    """Import files into a batch, each in its own transaction, recording one ``ImportItem``
    per file. Shared by ``articles_import`` and the API's import jobs
    (``articles.import_jobs``)."""
    user = created_by if created_by and created_by.is_authenticated else None
    results: list[FileImportResult] = []
    for item in files:
        result = article_import_file(item=item, created_by=user, now=now)
        import_item_record(batch=batch, result=result)
        results.append(result)
        if on_result:
            on_result(result)
    return results


def import_item_record(*, batch: ImportBatch, result: FileImportResult) -> ImportItem:
    return ImportItem.objects.create(
        batch=batch,
        filename=result.filename[:500],
        outcome=result.outcome,
        message=result.message,
        warnings=result.warnings,
        article=result.article,
    )


def import_batch_finish(
    *,
    batch: ImportBatch,
    counts: dict[str, int] | None = None,
    state: str = ImportBatch.State.FINISHED,
    error: str = "",
) -> ImportBatch:
    """Record a batch's counts (given, or counted from its items), its end and its final state
    (an API job can fail), and send ``import_finished`` once the transaction commits."""
    if counts is None:
        counted = dict(
            ImportItem.objects.filter(batch=batch)
            .order_by()
            .values("outcome")
            .annotate(n=Count("id"))
            .values_list("outcome", "n")
        )
        counts = {outcome: counted.get(outcome, 0) for outcome in ImportOutcome.values}
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=state,
        error=error[:5000],
        finished_at=timezone.now(),
        imported_count=counts.get(ImportOutcome.IMPORTED, 0),
        duplicate_count=counts.get(ImportOutcome.DUPLICATE, 0),
        failed_count=counts.get(ImportOutcome.FAILED, 0),
    )
    batch.refresh_from_db()
    from articles import signals

    transaction.on_commit(lambda: signals.import_finished.send(sender=ImportBatch, batch=batch))
    return batch


def articles_import(
    *,
    files: Iterable[ImportFile],
    channel: str,
    created_by: AbstractBaseUser | None = None,
    now: datetime | None = None,
    on_result=None,
) -> tuple[ImportBatch, list[FileImportResult]]:
    """Import many files, each in its own transaction, and record the batch and its results.

    ``on_result(result)`` is called after each file (progress bars)."""
    user = created_by if created_by and created_by.is_authenticated else None
    batch = ImportBatch.objects.create(channel=channel, created_by=user)
    results = import_batch_files(
        batch=batch, files=files, created_by=user, now=now, on_result=on_result
    )
    counts = {outcome: 0 for outcome in ImportOutcome.values}
    for result in results:
        counts[result.outcome] += 1
    batch = import_batch_finish(batch=batch, counts=counts)
    return batch, results


# -- extraction ----------------------------------------------------------------------------


def _extraction_is_current(article: Article, extractor_version: str) -> bool:
    return (
        article.extraction_state == ExtractionState.DONE
        and article.extractor_version == extractor_version
        and article.extracted_content_hash == article.content_hash
    )


def article_extract(*, article_id: int) -> str:
    """Run the extraction pipeline on one article and record its state.

    Idempotent: an article already extracted from the same text by the same extractor version
    is left alone. Returns what happened: ``missing``, ``current``, ``done``, ``stale`` (the
    text changed meanwhile; the edit queued its own extraction) or ``failed``."""
    from celery.exceptions import SoftTimeLimitExceeded

    from entities.extraction import EXTRACTOR_VERSION, extract_document

    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return "missing"
    if _extraction_is_current(article, EXTRACTOR_VERSION):
        return "current"
    Article.objects.filter(pk=article_id).update(
        extraction_state=ExtractionState.RUNNING,
        extraction_started_at=timezone.now(),
        extraction_error="",
    )
    try:
        body = normalize_body(article.body)
        result = extract_document(
            title=article.title,
            body=body,
            language=article.language if article.language_locked else None,
            # Relative dates («вчера») and years left out resolve against the publication
            # date; without one they are not guessed (the import time may be years later).
            reference=timezone.localtime(article.published_at) if article.published_at else None,
        )
        outcome = _extraction_commit(article, body, result)
    except SoftTimeLimitExceeded:
        _extraction_failed(article_id, "Extraction took longer than the time limit.")
        return "failed"
    except (OperationalError, InterfaceError):
        raise  # the database went away (a restart): the task retries, the article is not failed
    except Exception as exc:
        logger.exception("Extraction of article %s failed", article_id)
        _extraction_failed(article_id, f"{type(exc).__name__}: {exc}")
        return "failed"
    if outcome == "done":
        from entities.pipeline import text_extracted

        text_extracted(owner=Article.objects.select_related("source").get(pk=article_id))
    return outcome


@transaction.atomic
def _extraction_commit(article: Article, body: str, result: DocumentExtraction) -> str:
    """Store the results, unless the text changed while extraction ran (then the edit has
    queued its own run and these results are stale)."""
    from articles.history import LANGUAGE_DETECTED_REASON
    from entities.extraction import EXTRACTOR_VERSION
    from entities.services import extraction_store

    current = Article.objects.select_for_update().filter(pk=article.pk).first()
    if current is None:
        return "missing"
    if current.content_hash != article.content_hash or current.body != article.body:
        return "stale"
    updates: dict = {
        "extraction_state": ExtractionState.DONE,
        "extraction_error": "",
        "extractor_version": EXTRACTOR_VERSION,
        "extracted_content_hash": current.content_hash,
        "extracted_at": timezone.now(),
    }
    if not current.language_locked:
        updates["language"] = result.language
        updates["language_confidence"] = result.language_confidence
    if body != current.body:  # written by something that bypassed the services
        digest = content_hash(current.title, body)
        updates.update(body=body, content_hash=digest, extracted_content_hash=digest)
        updates["version"] = F("version") + 1
    Article.objects.filter(pk=article.pk).update(**updates)
    if updates.get("language", current.language) != current.language:
        # The detected language is part of the text's metadata: record it as a version (by
        # nobody), so the next person's version does not appear to have changed it.
        current.refresh_from_db()
        bulk_update_with_history(
            [current], Article, fields=[], default_change_reason=LANGUAGE_DETECTED_REASON
        )
    extraction_store(owner=current, result=result, texts={"title": current.title, "body": body})
    return "done"


def _extraction_failed(article_id: int, error: str) -> None:
    Article.objects.filter(pk=article_id).update(
        extraction_state=ExtractionState.FAILED, extraction_error=error[:5000]
    )


def articles_extraction_requeue(*, article_ids: Iterable[int]) -> int:
    """Mark articles pending and queue their extraction again (admin action, retry button)."""
    ids = list(article_ids)
    with transaction.atomic():
        Article.objects.filter(pk__in=ids).update(
            extraction_state=ExtractionState.PENDING,
            extraction_error="",
            extracted_content_hash="",
        )
        queued = list(Article.objects.filter(pk__in=ids).values_list("pk", flat=True))
        for article_id in queued:
            article_extraction_enqueue_on_commit(article_id=article_id)
    return len(queued)


def extraction_stuck(*, stale_after: timedelta) -> Q:
    """Texts (articles or translations) whose extraction was left pending (the broker was down)
    or running for longer than any task may run (its worker died)."""
    cutoff = timezone.now() - stale_after
    return Q(extraction_state=ExtractionState.PENDING, updated_at__lt=cutoff) | Q(
        extraction_state=ExtractionState.RUNNING, extraction_started_at__lt=cutoff
    )


def extraction_stale_after() -> timedelta:
    """How long extraction may stay pending or running before the sweeper queues it again."""
    from django.conf import settings

    return timedelta(seconds=settings.KZEDITOR_EXTRACTION_STALE_AFTER_SECONDS)


def extraction_queue_backlog() -> int:
    """How many tasks wait in the extraction queue (0 when tasks run in-process or the broker
    cannot tell)."""
    from kzeditor.celery import app

    if app.conf.task_always_eager:
        return 0
    try:
        with app.connection_for_read() as connection:
            declared = connection.default_channel.queue_declare(queue="extraction", passive=True)
    except Exception:  # no worker declared the queue yet, or the broker is down
        return 0
    return declared.message_count


def extraction_stuck_sweepable(*, stale_after: timedelta | None = None) -> Q:
    """What the sweepers re-queue: running too long (its worker died) always; pending too long
    (never queued: the broker was down; or the broker lost its queue) only while the extraction
    queue is empty. A pending text may simply wait behind a backlog, and re-queueing the whole
    backlog every sweep would grow the queue without end; once it drains, whatever is still
    pending has no task, and the next sweep queues it."""
    stale_after = extraction_stale_after() if stale_after is None else stale_after
    stuck = extraction_stuck(stale_after=stale_after)
    if extraction_queue_backlog():
        stuck &= Q(extraction_state=ExtractionState.RUNNING)
    return stuck


def articles_extraction_sweep(*, stale_after: timedelta | None = None) -> int:
    """Re-queue extraction of articles left pending (broker was down) or running for longer
    than any task may run (its worker died). Safe to run at any time: the task is idempotent.
    ``stale_after`` defaults to ``KZEDITOR_EXTRACTION_STALE_AFTER_SECONDS``. Returns how many
    were queued (it stops at the first failure: the broker is down again)."""
    from articles.tasks import extract_article

    return extraction_sweep(model=Article, task=extract_article, stale_after=stale_after)


def extraction_sweep(
    *,
    model: type[Model],
    task: Task,
    stale_after: timedelta | None = None,
    texts: QuerySet | None = None,
) -> int:
    """Queue ``task`` again for the stuck texts (``extraction_stuck_sweepable``) of ``model``
    (among ``texts``, a queryset, if given). Those left running are marked pending first, so
    that while the queue has a backlog the next sweeps leave them alone instead of queueing
    them again and again. Stops at the first failure (the broker is down again)."""
    stuck = (model.objects.all() if texts is None else texts).filter(
        extraction_stuck_sweepable(stale_after=stale_after)
    )
    ids = list(stuck.order_by("pk").values_list("pk", flat=True))
    model.objects.filter(pk__in=ids, extraction_state=ExtractionState.RUNNING).update(
        extraction_state=ExtractionState.PENDING
    )
    queued = 0
    for pk in ids:
        if not task_dispatch(task, pk):
            break
        queued += 1
    if queued:
        logger.info("Sweeper queued %s again for %d %s(s)", task.name, queued, model.__name__)
    return queued

"""Writes of the translation desk: requesting a translation, saving its segments, changing the
alignment, following the source when it changes, extracting the translation, and quality-check
overrides. Views, the API, commands, tasks and tests call these; workflow steps are in
``articles.translations.workflow``.

Locking: a segment save locks the translation row first, then checks the segment's own
``version`` (two people on two paragraphs never conflict; two on the same paragraph do, and the
second gets ``SegmentVersionConflict`` with what they typed, so nothing is lost). Every change of
the text raises the translation's ``version`` and is a version in its history."""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import (
    PARAGRAPH_SEPARATOR,
    Article,
    ExtractionState,
    Language,
    Notification,
    QAOverride,
    SegmentStatus,
    Translation,
    TranslationSegment,
    TranslationStatus,
)
from articles.roles import Role, has_role
from articles.text import content_hash

if TYPE_CHECKING:
    from articles.translations.quality import QAReport

logger = logging.getLogger(__name__)

EDITABLE_STATUSES = frozenset(
    {
        TranslationStatus.REQUESTED,
        TranslationStatus.IN_PROGRESS,
        TranslationStatus.CHANGES_REQUESTED,
    }
)
MAX_SEGMENT_CHARS = 20_000
TRANSLATION_EXTRACTION_DELAY_SECONDS = 15
_PARKING_POSITION = 1_000_000  # beyond any real position: rows wait here while others move


class TranslationError(ValueError):
    """A translation request or edit that cannot be done; the message says why, for the user."""


class TranslationPermissionDenied(TranslationError):
    """The user's role (or assignment) does not allow this."""


class TranslationVersionConflict(Exception):
    """Someone changed the translation since the page was loaded."""

    def __init__(self, translation: Translation, expected_version: int):
        self.translation = translation
        self.expected_version = expected_version
        super().__init__(
            f"Translation {translation.pk} is at version {translation.version}, "
            f"not {expected_version}."
        )


class SegmentVersionConflict(Exception):
    """Someone saved this paragraph since the page was loaded. Carries the saved segment and
    the text the user typed, so the page can show both and lose nothing."""

    def __init__(self, segment: TranslationSegment, expected_version: int, typed_text: str):
        self.segment = segment
        self.expected_version = expected_version
        self.typed_text = typed_text
        super().__init__(
            f"Segment {segment.pk} is at version {segment.version}, not {expected_version}."
        )


# -- who may do what -------------------------------------------------------------------------


def _is_admin(user: AbstractBaseUser) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def can_request_translation(user: AbstractBaseUser) -> bool:
    return _is_admin(user) or has_role(user, Role.EDITOR)


def can_view_translation(user: AbstractBaseUser, translation: Translation) -> bool:
    from articles.roles import sees_all_articles

    return sees_all_articles(user) or (
        user.is_authenticated and translation.translator_id == user.pk
    )


def can_edit_translation(user: AbstractBaseUser, translation: Translation) -> bool:
    """The assigned translator, and editors, while the translation is being worked on."""
    if translation.status not in EDITABLE_STATUSES:
        return False
    return (
        _is_admin(user)
        or has_role(user, Role.EDITOR)
        or (user.is_authenticated and translation.translator_id == user.pk)
    )


def can_override_findings(user: AbstractBaseUser, translation: Translation) -> bool:
    """Reviewers (the assigned one when there is one) judge quality-check findings."""
    if _is_admin(user):
        return True
    if not has_role(user, Role.REVIEWER):
        return False
    return translation.reviewer_id in (None, user.pk)


# -- the source as rows ------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    field: str
    source_start: int
    source_count: int
    text: str


def source_rows(article: Article) -> list[SourceRow]:
    """The rows a new translation of this article starts with: the title, then one per body
    paragraph."""
    rows = [SourceRow(TranslationSegment.Field.TITLE, 0, 1, article.title)]
    rows.extend(
        SourceRow(TranslationSegment.Field.BODY, index, 1, paragraph)
        for index, paragraph in enumerate(article.paragraphs)
    )
    return rows


def _check_assignees(translator: AbstractBaseUser | None, reviewer: AbstractBaseUser | None):
    if translator is not None and not (
        translator.is_superuser
        or has_role(translator, Role.TRANSLATOR)
        or has_role(translator, Role.EDITOR)
    ):
        raise TranslationError(
            _("%(user)s is not a translator.") % {"user": translator.get_username()}
        )
    if reviewer is not None and not (reviewer.is_superuser or has_role(reviewer, Role.REVIEWER)):
        raise TranslationError(_("%(user)s is not a reviewer.") % {"user": reviewer.get_username()})
    if translator is not None and reviewer is not None and translator.pk == reviewer.pk:
        raise TranslationError(_("The translator cannot also be the reviewer."))


def _notify_assigned(translation: Translation, user: AbstractBaseUser, ids: list[int]) -> None:
    from articles.collaboration import notify

    recipients = [pk for pk in dict.fromkeys(ids) if pk and pk != user.pk]
    if recipients:
        notify(
            recipient_ids=recipients,
            actor=user,
            article=translation.article,
            kind=Notification.Kind.ASSIGNED,
            message=_("%(language)s translation")
            % {"language": translation.get_language_display()},
        )


def translation_request_check(*, article: Article, language: str) -> None:
    """Why a translation of ``article`` into ``language`` cannot be requested, as a
    ``TranslationError``; nothing when it can (the admin's form asks this before saving)."""
    if language not in Language.values:
        raise TranslationError(
            _("Unknown language «%(language)s»; expected one of kk, ru, en.")
            % {"language": language}
        )
    if not article.language:
        raise TranslationError(
            _("The article's language is not known yet; set it before asking for a translation.")
        )
    if article.language == language:
        raise TranslationError(
            _("The article is already in %(language)s.")
            % {"language": article.get_language_display()}
        )
    if Translation.objects.filter(article=article, language=language).exists():
        raise TranslationError(
            _("A %(language)s translation of this article exists already.")
            % {"language": Language(language).label}
        )


def translation_request(
    *,
    article_id: int,
    language: str,
    user: AbstractBaseUser,
    translator: AbstractBaseUser | None = None,
    reviewer: AbstractBaseUser | None = None,
    due_at: datetime | None = None,
) -> Translation:
    """An editor asks for the article in another language, naming a translator and a reviewer
    (both told on their dashboards). The translation starts with one untranslated row per
    source paragraph, and is extracted like an article once it has text."""
    if not can_request_translation(user):
        raise TranslationPermissionDenied(_("Only editors request translations."))
    if language not in Language.values:
        raise TranslationError(
            _("Unknown language «%(language)s»; expected one of kk, ru, en.")
            % {"language": language}
        )
    _check_assignees(translator, reviewer)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        translation_request_check(article=article, language=language)
        translation = Translation(
            article=article,
            language=language,
            translator=translator,
            reviewer=reviewer,
            due_at=due_at,
            source_version=article.version,
            created_by=user,
            updated_by=user,
        )
        translation._history_user = user
        translation._change_reason = "request"
        translation.save()
        TranslationSegment.objects.bulk_create(
            TranslationSegment(
                translation=translation,
                position=position,
                field=row.field,
                source_start=row.source_start,
                source_count=row.source_count,
                source_text=row.text,
            )
            for position, row in enumerate(source_rows(article))
        )
        _notify_assigned(
            translation, user, [translator.pk if translator else 0, reviewer.pk if reviewer else 0]
        )
    return translation


def translation_assign(
    *,
    translation_id: int,
    expected_version: int,
    user: AbstractBaseUser,
    translator: AbstractBaseUser | None,
    reviewer: AbstractBaseUser | None,
    due_at: datetime | None,
) -> Translation:
    """Change who translates and reviews, and by when (editors). New assignees are told."""
    if not can_request_translation(user):
        raise TranslationPermissionDenied(_("Only editors assign translations."))
    _check_assignees(translator, reviewer)
    with transaction.atomic():
        translation = _locked(translation_id, expected_version)
        new_people = [
            person.pk
            for person, current in ((translator, translation.translator_id),
                                    (reviewer, translation.reviewer_id))
            if person is not None and person.pk != current
        ]  # fmt: skip
        translation.translator = translator
        translation.reviewer = reviewer
        translation.due_at = due_at
        _save(translation, user, "assign", ["translator", "reviewer", "due_at"])
        _notify_assigned(translation, user, new_people)
    return translation


# -- saving -------------------------------------------------------------------------------------


def _locked(translation_id: int, expected_version: int | None) -> Translation:
    translation = (
        Translation.objects.select_for_update().select_related("article").get(pk=translation_id)
    )
    if expected_version is not None and translation.version != expected_version:
        raise TranslationVersionConflict(translation, expected_version)
    return translation


def _save(translation: Translation, user: AbstractBaseUser | None, reason: str, fields: list[str]):
    """Save with a new version and a history record (who, why)."""
    translation.version += 1
    translation.updated_by = user if user and user.is_authenticated else None
    translation._history_user = translation.updated_by
    translation._change_reason = reason[:100]
    translation.save(
        update_fields=[*dict.fromkeys([*fields, "version", "updated_by", "updated_at"])]
    )


def _clean_target(text: str, *, is_title: bool) -> str:
    """One line for a title; for a body row, paragraphs (a split row has several) separated by
    exactly one blank line, trailing spaces gone. Nothing else is changed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if is_title:
        return " ".join(text.split())
    paragraphs = [" ".join(line.split()) for line in text.split("\n")]
    return PARAGRAPH_SEPARATOR.join(p for p in paragraphs if p)


def _rebuild_text(translation: Translation) -> list[str]:
    """Title and body from the segments, in order. Returns the fields that changed."""
    title, paragraphs = "", []
    for segment in translation.segments.order_by("position"):
        if segment.field == TranslationSegment.Field.TITLE:
            title = segment.target_text
        elif segment.target_text:
            paragraphs.append(segment.target_text)
    body = PARAGRAPH_SEPARATOR.join(paragraphs)
    changed = []
    if translation.title != title[:500]:
        translation.title = title[:500]
        changed.append("title")
    if translation.body != body:
        translation.body = body
        changed.append("body")
    return changed


@dataclass
class SegmentSave:
    segment: TranslationSegment
    translation: Translation
    text_changed: bool


def segment_save(
    *,
    segment_id: int,
    expected_version: int,
    target_text: str,
    user: AbstractBaseUser,
    status: str | None = None,
) -> SegmentSave:
    """Save one row of the side-by-side editor (autosave and the explicit save alike).

    ``status`` is ``draft`` or ``done``; left out, a row with text becomes a draft and an empty
    one untranslated. Marking a reopened row (its source changed) done clears the change. A
    stale ``expected_version`` raises ``SegmentVersionConflict`` and writes nothing."""
    if status is not None and status not in SegmentStatus.values:
        raise TranslationError(_("Unknown paragraph status «%(status)s».") % {"status": status})
    if len(target_text) > MAX_SEGMENT_CHARS:
        raise TranslationError(
            _("A paragraph can hold at most %(limit)s characters.") % {"limit": MAX_SEGMENT_CHARS}
        )
    with transaction.atomic():
        translation_id = (
            TranslationSegment.objects.filter(pk=segment_id)
            .values_list("translation_id", flat=True)
            .first()
        )
        if translation_id is None:
            raise TranslationSegment.DoesNotExist
        translation = _locked(translation_id, None)
        if not can_edit_translation(user, translation):
            raise TranslationPermissionDenied(_edit_refusal(user, translation))
        segment = TranslationSegment.objects.get(pk=segment_id)
        if segment.version != expected_version:
            raise SegmentVersionConflict(segment, expected_version, target_text)
        text = _clean_target(target_text, is_title=segment.field == TranslationSegment.Field.TITLE)
        if not text:
            new_status = SegmentStatus.UNTRANSLATED
        elif status is not None:
            new_status = status
        elif segment.status == SegmentStatus.UNTRANSLATED:
            new_status = SegmentStatus.DRAFT
        else:
            new_status = segment.status
        if text == segment.target_text and new_status == segment.status:
            return SegmentSave(segment, translation, text_changed=False)
        segment.target_text = text
        segment.status = new_status
        if new_status == SegmentStatus.DONE:
            segment.previous_source_text = ""
        segment.version += 1
        segment.updated_by = user
        segment.save()
        fields = _rebuild_text(translation)
        if translation.status in (TranslationStatus.REQUESTED, TranslationStatus.CHANGES_REQUESTED):
            translation.status = TranslationStatus.IN_PROGRESS
            fields.append("status")
        if (
            translation.outdated_since
            and not translation.segments.exclude(previous_source_text="").exists()
        ):
            translation.outdated_since = None
            fields.append("outdated_since")
        label = "title" if segment.field == TranslationSegment.Field.TITLE else segment.source_start
        _save(translation, user, f"segment {label}", fields)
        text_changed = bool({"title", "body"} & set(fields))
        if text_changed:
            translation_extraction_enqueue_on_commit(translation_id=translation.pk)
    return SegmentSave(segment, translation, text_changed=text_changed)


def _edit_refusal(user: AbstractBaseUser, translation: Translation) -> str:
    if translation.status not in EDITABLE_STATUSES:
        return _("The translation is «%(status)s»; it cannot be edited now.") % {
            "status": translation.get_status_display()
        }
    return _("Only the assigned translator or an editor edits this translation.")


def _body_segments(translation: Translation) -> list[TranslationSegment]:
    return list(
        translation.segments.filter(field=TranslationSegment.Field.BODY).order_by("position")
    )


def _renumber(translation: Translation, segments: list[TranslationSegment]) -> None:
    """Give the rows positions 0.. in the given order (two phases: positions are unique)."""
    for segment in segments:
        segment.position += _PARKING_POSITION
    TranslationSegment.objects.bulk_update(segments, ["position"])
    for position, segment in enumerate(segments):
        segment.position = position
    TranslationSegment.objects.bulk_update(segments, ["position"])


def _all_rows(translation: Translation) -> list[TranslationSegment]:
    return list(translation.segments.order_by("position"))


_STATUS_RANK = {SegmentStatus.UNTRANSLATED: 0, SegmentStatus.DRAFT: 1, SegmentStatus.DONE: 2}


def segment_merge_with_next(
    *, segment_id: int, expected_version: int, user: AbstractBaseUser
) -> Translation:
    """Align this row and the next source paragraph as one (the translator renders two source
    paragraphs as one). The texts of both rows are kept, joined."""
    with transaction.atomic():
        segment = TranslationSegment.objects.get(pk=segment_id)
        translation = _locked(segment.translation_id, expected_version)
        if not can_edit_translation(user, translation):
            raise TranslationPermissionDenied(_edit_refusal(user, translation))
        rows = _all_rows(translation)
        index = next(i for i, row in enumerate(rows) if row.pk == segment_id)
        if segment.field != TranslationSegment.Field.BODY or index + 1 >= len(rows):
            raise TranslationError(_("This row has no next paragraph to merge with."))
        following = rows[index + 1]
        segment = rows[index]
        segment.source_count += following.source_count
        segment.source_text = PARAGRAPH_SEPARATOR.join([segment.source_text, following.source_text])
        if segment.previous_source_text or following.previous_source_text:
            segment.previous_source_text = PARAGRAPH_SEPARATOR.join(
                [
                    segment.previous_source_text or segment.source_text,
                    following.previous_source_text or following.source_text,
                ]
            )
        texts = [t for t in (segment.target_text, following.target_text) if t]
        segment.target_text = " ".join(texts)
        segment.status = (
            SegmentStatus.DRAFT
            if segment.target_text
            and min(_STATUS_RANK[segment.status], _STATUS_RANK[following.status]) < 2
            else (SegmentStatus.DONE if segment.target_text else SegmentStatus.UNTRANSLATED)
        )
        segment.version += 1
        segment.updated_by = user
        segment.save()
        following.delete()
        _renumber(translation, [row for row in rows if row.pk != following.pk])
        fields = _rebuild_text(translation)
        _save(translation, user, f"merge {segment.source_start}", fields)
        if fields:
            translation_extraction_enqueue_on_commit(translation_id=translation.pk)
    return translation


def segment_split(*, segment_id: int, expected_version: int, user: AbstractBaseUser) -> Translation:
    """Undo a merge: one row per source paragraph again. When the translation has as many
    paragraphs as the source, each goes with its own; otherwise all of it stays on the first."""
    with transaction.atomic():
        segment = TranslationSegment.objects.get(pk=segment_id)
        translation = _locked(segment.translation_id, expected_version)
        if not can_edit_translation(user, translation):
            raise TranslationPermissionDenied(_edit_refusal(user, translation))
        if segment.source_count < 2:
            raise TranslationError(_("This row is a single source paragraph already."))
        sources = segment.source_text.split(PARAGRAPH_SEPARATOR)
        if len(sources) != segment.source_count:
            sources = [segment.source_text] + [""] * (segment.source_count - 1)
        targets = segment.target_paragraphs
        if len(targets) != len(sources):
            targets = [segment.target_text] + [""] * (len(sources) - 1)
        rows = _all_rows(translation)
        index = next(i for i, row in enumerate(rows) if row.pk == segment_id)
        segment = rows[index]
        new_rows = []
        for offset, (source, target) in enumerate(zip(sources, targets, strict=True)):
            if offset == 0:
                row = segment
                row.source_count = 1
                row.source_text = source
                row.target_text = target
                row.version += 1
            else:
                row = TranslationSegment(
                    translation=translation,
                    field=TranslationSegment.Field.BODY,
                    source_start=segment.source_start + offset,
                    source_count=1,
                    source_text=source,
                    target_text=target,
                    position=_PARKING_POSITION * 2 + offset,
                )
            row.previous_source_text = ""
            row.status = (
                segment.status
                if target and segment.status != SegmentStatus.UNTRANSLATED
                else (SegmentStatus.DRAFT if target else SegmentStatus.UNTRANSLATED)
            )
            row.updated_by = user
            row.save()
            new_rows.append(row)
        _renumber(translation, [*rows[:index], *new_rows, *rows[index + 1 :]])
        fields = _rebuild_text(translation)
        _save(translation, user, f"split {segment.source_start}", fields)
        if fields:
            translation_extraction_enqueue_on_commit(translation_id=translation.pk)
    return translation


# -- following the source ------------------------------------------------------------------


@dataclass
class SourceSync:
    changed_rows: list[int] = field(default_factory=list)  # segment ids reopened
    added_rows: int = 0
    removed_rows: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.changed_rows or self.added_rows or self.removed_rows)


def _reopened(segment: TranslationSegment, new_source: str) -> None:
    if not segment.previous_source_text:
        segment.previous_source_text = segment.source_text
    segment.source_text = new_source
    if segment.target_text:
        segment.status = SegmentStatus.DRAFT
    segment.version += 1


def translation_source_sync(*, translation: Translation, article: Article) -> SourceSync:
    """Realign a translation with its changed source (called by ``article_update`` inside its
    transaction, the article row locked).

    Paragraphs are matched old → new with difflib: unchanged ones keep their row and status
    (only their index moves); a changed paragraph reopens its row (status draft, the old
    source kept for the diff); a new paragraph gets an untranslated row; a removed one takes
    its row away (its text stays in the translation's history). Any change marks the
    translation outdated until every reopened row is done again."""
    result = SourceSync()
    rows = _all_rows(translation)
    title_rows = [r for r in rows if r.field == TranslationSegment.Field.TITLE]
    body_rows = [r for r in rows if r.field == TranslationSegment.Field.BODY]
    new_paragraphs = article.paragraphs
    changed_rows: dict[int, TranslationSegment] = {}

    for row in title_rows:
        if row.source_text != article.title:
            _reopened(row, article.title)
            changed_rows[row.pk] = row

    # The old source paragraphs, each with the row it belongs to.
    old_paragraphs: list[str] = []
    owner: list[TranslationSegment] = []
    for row in body_rows:
        parts = row.source_text.split(PARAGRAPH_SEPARATOR)
        if len(parts) != row.source_count:
            parts = [row.source_text]
        old_paragraphs.extend(parts)
        owner.extend([row] * len(parts))

    new_of_old: dict[int, int | None] = {}  # old paragraph index → new index (None: removed)
    changed_old: set[int] = set()
    added_new: list[int] = []
    matcher = difflib.SequenceMatcher(a=old_paragraphs, b=new_paragraphs, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                new_of_old[i1 + k] = j1 + k
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):
            new_of_old[i1 + k] = j1 + k
            changed_old.add(i1 + k)
        for i in range(i1 + paired, i2):
            new_of_old[i] = None
        added_new.extend(range(j1 + paired, j2))

    kept: list[TranslationSegment] = []
    removed: list[TranslationSegment] = []
    covered: set[int] = set()
    for row in dict.fromkeys(owner):
        olds = [i for i, o in enumerate(owner) if o is row]
        news = [new_of_old[i] for i in olds if new_of_old[i] is not None]
        if not news:
            removed.append(row)
            continue
        start, end = min(news), max(news) + 1
        row_changed = any(
            i in changed_old or new_of_old[i] is None for i in olds
        ) or end - start != len(olds)
        row.source_start, row.source_count = start, end - start
        covered.update(range(start, end))
        if row_changed:
            _reopened(row, PARAGRAPH_SEPARATOR.join(new_paragraphs[start:end]))
            changed_rows[row.pk] = row
        kept.append(row)

    added = [
        TranslationSegment(
            translation=translation,
            field=TranslationSegment.Field.BODY,
            source_start=index,
            source_count=1,
            source_text=new_paragraphs[index],
            position=_PARKING_POSITION * 2 + n,
        )
        for n, index in enumerate(i for i in added_new if i not in covered)
    ]

    if not (changed_rows or added or removed):
        if kept:
            TranslationSegment.objects.bulk_update(kept, ["source_start", "source_count"])
        if translation.source_version != article.version:
            Translation.objects.filter(pk=translation.pk).update(source_version=article.version)
        return result

    if removed:
        TranslationSegment.objects.filter(pk__in=[r.pk for r in removed]).delete()
    TranslationSegment.objects.bulk_update(
        [*title_rows, *kept],
        [
            "source_start",
            "source_count",
            "source_text",
            "previous_source_text",
            "status",
            "version",
        ],
    )
    if added:
        TranslationSegment.objects.bulk_create(added)
    ordered = [*title_rows, *sorted([*kept, *added], key=lambda r: r.source_start)]
    _renumber(translation, ordered)

    result.changed_rows = list(changed_rows)
    result.added_rows = len(added)
    result.removed_rows = len(removed)
    translation.source_version = article.version
    if translation.outdated_since is None:
        translation.outdated_since = timezone.now()
    fields = ["source_version", "outdated_since", *_rebuild_text(translation)]
    _save(translation, None, "source changed", fields)
    if {"title", "body"} & set(fields):
        translation_extraction_enqueue_on_commit(translation_id=translation.pk)
    return result


def translations_follow_source(*, article: Article) -> list[SourceSync]:
    """Every translation of the article follows its new text (``article_update`` calls this
    after a text change, in its transaction)."""
    results = []
    for translation in Translation.objects.select_for_update().filter(article=article):
        translation.article = article
        results.append(translation_source_sync(translation=translation, article=article))
    return results


# -- extraction -------------------------------------------------------------------------------


def translation_extraction_enqueue_on_commit(*, translation_id: int) -> None:
    Translation.objects.filter(pk=translation_id).update(
        extraction_state=ExtractionState.PENDING, extraction_error=""
    )

    def enqueue() -> None:
        from articles.tasks import extract_translation

        try:
            # Autosave writes every few seconds while someone types: the task waits a little,
            # so a burst of saves is extracted once (later copies find it current). In-process
            # (eager) tasks run at once.
            extract_translation.apply_async(
                (translation_id,), countdown=TRANSLATION_EXTRACTION_DELAY_SECONDS
            )
        except Exception:  # the broker is down: the sweeper queues it later
            logger.warning("Could not queue extraction of translation %s", translation_id)

    transaction.on_commit(enqueue)


def translation_extract(*, translation_id: int) -> str:
    """Run the same extraction as for articles on a translation (its language is known).
    Idempotent; returns ``missing``, ``current``, ``done``, ``stale`` or ``failed``."""
    from entities.extraction import EXTRACTOR_VERSION, extract_document

    translation = Translation.objects.select_related("article").filter(pk=translation_id).first()
    if translation is None:
        return "missing"
    digest = content_hash(translation.title, translation.body)
    if (
        translation.extraction_state == ExtractionState.DONE
        and translation.extractor_version == EXTRACTOR_VERSION
        and translation.extracted_content_hash == digest
    ):
        return "current"
    Translation.objects.filter(pk=translation_id).update(
        extraction_state=ExtractionState.RUNNING, extraction_started_at=timezone.now()
    )
    published = translation.article.published_at
    try:
        result = extract_document(
            title=translation.title,
            body=translation.body,
            language=translation.language,
            reference=timezone.localtime(published) if published else None,
        )
        outcome = _translation_extraction_commit(translation, digest, result)
    except (OperationalError, InterfaceError):
        raise  # the database went away (a restart): the task retries
    except Exception as exc:
        logger.exception("Extraction of translation %s failed", translation_id)
        Translation.objects.filter(pk=translation_id).update(
            extraction_state=ExtractionState.FAILED,
            extraction_error=f"{type(exc).__name__}: {exc}"[:5000],
        )
        return "failed"
    if outcome == "done":
        from entities.pipeline import text_extracted

        text_extracted(owner=Translation.objects.select_related("article").get(pk=translation_id))
    return outcome


@transaction.atomic
def _translation_extraction_commit(translation: Translation, digest: str, result) -> str:
    from entities.extraction import EXTRACTOR_VERSION
    from entities.services import extraction_store

    current = Translation.objects.select_for_update().filter(pk=translation.pk).first()
    if current is None:
        return "missing"
    if current.title != translation.title or current.body != translation.body:
        return "stale"
    extraction_store(
        owner=current, result=result, texts={"title": current.title, "body": current.body}
    )
    Translation.objects.filter(pk=current.pk).update(
        extraction_state=ExtractionState.DONE,
        extraction_error="",
        extractor_version=EXTRACTOR_VERSION,
        extracted_content_hash=digest,
        extracted_at=timezone.now(),
    )
    return "done"


def translations_extraction_sweep(*, stale_after: timedelta | None = None) -> int:
    """Queue translations whose extraction never ran or whose worker died (the same rules as
    ``articles_extraction_sweep``). Returns how many were queued."""
    from articles.services import extraction_sweep
    from articles.tasks import extract_translation

    return extraction_sweep(
        model=Translation,
        task=extract_translation,
        stale_after=stale_after,
        texts=Translation.objects.exclude(body="", title=""),
    )


# -- quality checks -----------------------------------------------------------------------------


def translation_qa_record(*, translation: Translation, errors: int, warnings: int) -> None:
    """Remember the counts of the last full run (the lists and the dashboard show them)."""
    Translation.objects.filter(pk=translation.pk).update(
        qa_errors=errors, qa_warnings=warnings, qa_checked_version=translation.version
    )
    translation.qa_errors, translation.qa_warnings = errors, warnings
    translation.qa_checked_version = translation.version


def translation_qa_report(*, translation: Translation) -> tuple[list[TranslationSegment], QAReport]:
    """The rows and the full report of the checks, as the editor, the report page and the API
    show them; the counts are recorded when the translation changed since the last full run."""
    from articles.translations.quality import translation_findings
    from articles.translations.selectors import translation_rows

    segments = translation_rows(translation=translation)
    report = translation_findings(translation=translation, segments=segments)
    if translation.qa_checked_version != translation.version:
        translation_qa_record(
            translation=translation, errors=report.errors, warnings=report.warnings
        )
    return segments, report


def qa_override_add(
    *, translation_id: int, fingerprint: str, reason: str, user: AbstractBaseUser
) -> QAOverride:
    """A reviewer accepts a finding (with a reason): it no longer blocks submit or approval."""
    from articles.translations.quality import translation_findings

    reason = reason.strip()
    translation = Translation.objects.select_related("article").get(pk=translation_id)
    if not can_override_findings(user, translation):
        raise TranslationPermissionDenied(_("Only the reviewer can accept a finding."))
    if not reason:
        raise TranslationError(_("Say why the finding is acceptable."))
    report = translation_findings(translation=translation)
    finding = next((f for f in report.findings if f.fingerprint == fingerprint), None)
    if finding is None:
        raise TranslationError(
            _("That finding is gone: the text changed since the page was loaded.")
        )
    override, _created = QAOverride.objects.update_or_create(
        translation=translation,
        fingerprint=fingerprint,
        defaults={
            "check_code": finding.check,
            "paragraph": finding.paragraph,
            "message": finding.message[:500],
            "reason": reason[:5000],
            "user": user,
        },
    )
    return override


def qa_override_remove(*, override_id: int, user: AbstractBaseUser) -> None:
    override = QAOverride.objects.select_related("translation").get(pk=override_id)
    if not can_override_findings(user, override.translation):
        raise TranslationPermissionDenied(_("Only the reviewer can withdraw an acceptance."))
    override.delete()


__all__ = [
    "EDITABLE_STATUSES",
    "SegmentVersionConflict",
    "TranslationError",
    "TranslationPermissionDenied",
    "TranslationVersionConflict",
    "can_edit_translation",
    "can_override_findings",
    "can_request_translation",
    "can_view_translation",
    "qa_override_add",
    "qa_override_remove",
    "segment_merge_with_next",
    "segment_save",
    "segment_split",
    "translation_assign",
    "translation_extract",
    "translation_request",
    "translation_source_sync",
    "translations_follow_source",
]

"""Articles, their sources and translations, and the record of every import.

Models hold data and constraints only; writes go through ``articles.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class Language(models.TextChoices):
    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")


PARAGRAPH_SEPARATOR = "\n\n"


class Tracked(models.Model):
    """Who created and last changed a record, and when."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Source(models.Model):
    """A publisher: Zakon.kz, BAQ.KZ, akorda.kz… Identified by its domain when it has one."""

    name = models.CharField(_("name"), max_length=200)
    domain = models.CharField(
        _("domain"), max_length=253, blank=True, help_text=_("Lower-case host, e.g. zakon.kz")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(
                fields=["domain"], condition=~Q(domain=""), name="source_unique_domain"
            ),
            models.UniqueConstraint(fields=["name"], name="source_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ExtractionState(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Extracted(models.Model):
    """Where the extraction pipeline is with a text (an article or a translation). Written with
    ``.update()`` by the extraction services, never part of the text's history."""

    extraction_state = models.CharField(
        _("extraction"),
        max_length=10,
        choices=ExtractionState.choices,
        default=ExtractionState.PENDING,
    )
    extraction_error = models.TextField(_("extraction error"), blank=True)
    extractor_version = models.CharField(_("extractor version"), max_length=40, blank=True)
    extracted_content_hash = models.CharField(max_length=64, blank=True, editable=False)
    extraction_started_at = models.DateTimeField(null=True, blank=True)
    extracted_at = models.DateTimeField(_("extracted at"), null=True, blank=True)

    # The fields above, for HistoricalRecords(excluded_fields=…).
    BOOKKEEPING = [
        "extraction_state", "extraction_error", "extractor_version", "extracted_content_hash",
        "extraction_started_at", "extracted_at",
    ]  # fmt: skip

    class Meta:
        abstract = True


class Article(Tracked, Extracted):
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=Language.choices,
        blank=True,
        help_text=_("Detected on import unless set by a person."),
    )
    language_confidence = models.FloatField(_("language confidence"), null=True, blank=True)
    language_locked = models.BooleanField(
        _("language set by a person"),
        default=False,
        help_text=_("When set, language detection does not change the language."),
    )
    title = models.CharField(_("title"), max_length=500)
    body = models.TextField(
        _("body"), help_text=_("Plain-text paragraphs separated by a blank line.")
    )
    byline = models.CharField(_("byline"), max_length=300, blank=True)
    photo_credit = models.CharField(_("photo credit"), max_length=300, blank=True)
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    source_url = models.URLField(_("source URL"), max_length=1000, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    original_filename = models.CharField(_("original file name"), max_length=500, blank=True)
    content_hash = models.CharField(
        _("content hash"),
        max_length=64,
        editable=False,
        help_text=_("SHA-256 of the normalised title and body; finds duplicates."),
    )
    import_warnings = models.JSONField(_("import warnings"), default=list, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_articles",
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised by every edit; guards concurrent saves.")
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [
            ("import_articles", _("Can import articles")),
            ("review_article", _("Can approve or return articles in review")),
            ("publish_article", _("Can publish articles")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["content_hash"], name="article_unique_content_hash"),
            models.CheckConstraint(condition=~Q(title=""), name="article_title_not_empty"),
            models.CheckConstraint(condition=Q(version__gte=1), name="article_version_positive"),
            models.CheckConstraint(
                condition=Q(language__in=["", *Language.values]), name="article_language_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ArticleStatus.values), name="article_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(extraction_state__in=ExtractionState.values),
                name="article_extraction_state_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["language", "status"]),
            models.Index(fields=["extraction_state"]),
            models.Index(fields=["published_at"]),
            models.Index(fields=["updated_at"]),
            models.Index(fields=["assignee", "status"]),
            # The article list's order (published_at DESC NULLS LAST, id DESC) has its index
            # on PostgreSQL only, from migration 0007 (SQLite cannot index NULLS LAST).
        ]

    # Every save through the services is a version a person can see, diff and revert to.
    # Extraction bookkeeping is written with .update() and is not part of the history.
    history = HistoricalRecords(
        excluded_fields=[
            "language_confidence", "content_hash", "import_warnings", *Extracted.BOOKKEEPING,
            "created_at", "created_by",
        ],
        verbose_name=_("article version"),
        verbose_name_plural=_("article versions"),
    )  # fmt: skip

    def __str__(self) -> str:
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split(PARAGRAPH_SEPARATOR) if p]


class TranslationStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class Translation(Tracked, Extracted):
    """An article translated into another language: an article-like record with its own
    mentions, history and optimistic lock. The text lives in its segments (one per aligned
    source paragraph); ``title`` and ``body`` are their target texts joined, kept in step by
    the services so extraction, search and export read a translation like an article."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(_("target language"), max_length=2, choices=Language.choices)
    title = models.CharField(_("title"), max_length=500, blank=True)
    body = models.TextField(_("body"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TranslationStatus.choices,
        default=TranslationStatus.REQUESTED,
    )
    translator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("translator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations_to_translate",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations_to_review",
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    source_version = models.PositiveIntegerField(
        _("source version"), help_text=_("The article version this translation was made from.")
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised by every edit; guards concurrent saves.")
    )
    outdated_since = models.DateTimeField(
        _("outdated since"),
        null=True,
        blank=True,
        help_text=_(
            "Set when the source text changed after the translation was made; cleared when "
            "every changed paragraph is done again."
        ),
    )
    qa_errors = models.PositiveIntegerField(_("QA errors"), default=0)
    qa_warnings = models.PositiveIntegerField(_("QA warnings"), default=0)
    qa_checked_version = models.PositiveIntegerField(
        _("QA checked version"), default=0, help_text=_("The version the counts are for.")
    )

    history = HistoricalRecords(
        excluded_fields=[
            "qa_errors", "qa_warnings", "qa_checked_version", *Extracted.BOOKKEEPING,
            "created_at", "created_by",
        ],
        verbose_name=_("translation version"),
        verbose_name_plural=_("translation versions"),
    )  # fmt: skip

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language"], name="translation_unique_article_language"
            ),
            models.CheckConstraint(
                condition=Q(language__in=Language.values), name="translation_language_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=TranslationStatus.values), name="translation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="translation_version_positive"
            ),
            models.CheckConstraint(
                condition=Q(extraction_state__in=ExtractionState.values),
                name="translation_extraction_state_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["translator", "status"]),
            models.Index(fields=["reviewer", "status"]),
            models.Index(fields=["outdated_since"]),
        ]

    def __str__(self) -> str:
        return f"{self.article} → {self.language}"

    @property
    def is_outdated(self) -> bool:
        return self.outdated_since is not None

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split(PARAGRAPH_SEPARATOR) if p]


class SegmentStatus(models.TextChoices):
    UNTRANSLATED = "untranslated", _("Untranslated")
    DRAFT = "draft", _("Draft")
    DONE = "done", _("Done")


class TranslationSegment(models.Model):
    """One row of the side-by-side editor: a run of source paragraphs (one, or several merged)
    and its translation (one paragraph, or several when the translator split it).

    ``source_text`` is the source as it was when the row was aligned; when the article's text
    changes, a row whose source changed keeps the old text in ``previous_source_text`` (for the
    diff) and is reopened, the others keep their status."""

    class Field(models.TextChoices):
        TITLE = "title", _("Title")
        BODY = "body", _("Body")

    translation = models.ForeignKey(Translation, on_delete=models.CASCADE, related_name="segments")
    position = models.PositiveIntegerField(_("position"))
    field = models.CharField(_("field"), max_length=5, choices=Field.choices, default=Field.BODY)
    source_start = models.PositiveIntegerField(
        _("first source paragraph"), default=0, help_text=_("Index among the body paragraphs.")
    )
    source_count = models.PositiveSmallIntegerField(_("source paragraphs"), default=1)
    source_text = models.TextField(pgettext_lazy("text translated from", "source"))
    previous_source_text = models.TextField(
        _("source before the change"),
        blank=True,
        help_text=_("Set when the source changed after this row was translated."),
    )
    target_text = models.TextField(_("translation"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SegmentStatus.choices,
        default=SegmentStatus.UNTRANSLATED,
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["translation_id", "position"]
        verbose_name = _("translation segment")
        verbose_name_plural = _("translation segments")
        constraints = [
            models.UniqueConstraint(
                fields=["translation", "position"], name="segment_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SegmentStatus.values), name="segment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(field__in=["title", "body"]), name="segment_field_valid"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="segment_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.translation_id}#{self.position}"

    @property
    def source_changed(self) -> bool:
        return bool(self.previous_source_text)

    @property
    def target_paragraphs(self) -> list[str]:
        return [p for p in self.target_text.split(PARAGRAPH_SEPARATOR) if p.strip()]


class MemoryUnit(models.TextChoices):
    PARAGRAPH = "paragraph", _("Paragraph")
    SENTENCE = "sentence", _("Sentence")


class TranslationMemoryEntry(models.Model):
    """A source text and its approved translation, offered again for similar sources."""

    source_language = models.CharField(_("source language"), max_length=2, choices=Language.choices)
    target_language = models.CharField(_("target language"), max_length=2, choices=Language.choices)
    unit = models.CharField(
        _("unit"), max_length=10, choices=MemoryUnit.choices, default=MemoryUnit.PARAGRAPH
    )
    source_text = models.TextField(pgettext_lazy("text translated from", "source"))
    target_text = models.TextField(_("translation"))
    source_hash = models.CharField(
        _("source hash"), max_length=64, help_text=_("Of the normalised source: exact matches.")
    )
    target_hash = models.CharField(max_length=64)
    translation = models.ForeignKey(
        Translation,
        verbose_name=_("from translation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("translation memory entry")
        verbose_name_plural = _("translation memory")
        constraints = [
            models.UniqueConstraint(
                fields=["source_language", "target_language", "source_hash", "target_hash"],
                name="memory_unique_pair",
            ),
            models.CheckConstraint(
                condition=Q(unit__in=MemoryUnit.values), name="memory_unit_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["source_language", "target_language", "source_hash"]),
        ]

    def __str__(self) -> str:
        return f"{self.source_language}→{self.target_language}: {self.source_text[:50]}"


class QAOverride(models.Model):
    """A reviewer's decision that a quality-check finding is not a mistake (a figure rounded
    on purpose, a name dropped by the editor's choice). Matched by the finding's fingerprint,
    so it holds while the text it judged is unchanged."""

    translation = models.ForeignKey(
        Translation, on_delete=models.CASCADE, related_name="qa_overrides"
    )
    check_code = models.CharField(_("check"), max_length=30)
    paragraph = models.IntegerField(_("paragraph"), null=True, blank=True)
    fingerprint = models.CharField(max_length=64)
    message = models.CharField(_("finding"), max_length=500, blank=True)
    reason = models.TextField(_("reason"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("QA override")
        verbose_name_plural = _("QA overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["translation", "fingerprint"], name="qa_override_unique_finding"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="qa_override_reason_given"),
        ]

    def __str__(self) -> str:
        return f"{self.check_code} #{self.paragraph}: {self.reason[:40]}"


class ImportBatch(models.Model):
    """One run of an import (command, upload page or API), with a result row per file."""

    class Channel(models.TextChoices):
        COMMAND = "command", _("Command line")
        UPLOAD = "upload", _("Upload page")
        API = "api", _("API")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # The command and the upload page import at once (finished when saved); an API import is a
    # job: queued with its payloads, run by a task, polled at /api/v1/imports/<id>/.
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.FINISHED
    )
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_batches",
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    imported_count = models.PositiveIntegerField(_("imported"), default=0)
    duplicate_count = models.PositiveIntegerField(_("duplicates"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_channel_display()} {self.created_at:%Y-%m-%d %H:%M}"


class ImportPayload(models.Model):
    """What an API import job was given, kept until its task has imported it: a file's bytes, or
    the fields of a JSON article. Deleted once the job finishes."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="payloads")
    position = models.PositiveIntegerField()
    filename = models.CharField(max_length=500)
    data = models.BinaryField(null=True, blank=True)
    fields = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["batch_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="import_payload_position"),
            models.CheckConstraint(
                condition=Q(data__isnull=False) | Q(fields__isnull=False),
                name="import_payload_has_content",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}#{self.position} {self.filename}"


class ImportOutcome(models.TextChoices):
    IMPORTED = "imported", _("Imported")
    DUPLICATE = "duplicate", _("Duplicate")
    FAILED = "failed", _("Failed")


class ImportItem(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="items")
    filename = models.CharField(_("file"), max_length=500)
    outcome = models.CharField(_("outcome"), max_length=10, choices=ImportOutcome.choices)
    message = models.TextField(_("message"), blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("imported file")
        verbose_name_plural = _("imported files")

    def __str__(self) -> str:
        return f"{self.filename}: {self.outcome}"


class Comment(models.Model):
    """A note on an article. One level of replies; ``@username`` notifies that user. Workflow
    comments (a return to draft must say why) are comments with the transition recorded."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="article_comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    body = models.TextField(_("comment"))
    transition = models.CharField(
        _("workflow step"),
        max_length=20,
        blank=True,
        help_text=_("Set when the comment was written with a workflow step."),
    )
    mentioned_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("mentioned")
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="comment_not_empty")]

    def __str__(self) -> str:
        return self.body[:60]


class Notification(models.Model):
    """Something a user should see on their dashboard: a mention in a comment, an assignment,
    an article returned to them."""

    class Kind(models.TextChoices):
        MENTIONED = "mentioned", _("Mentioned you")
        ASSIGNED = "assigned", _("Assigned to you")
        TRANSITION = "transition", _("Status change")
        REPLY = "reply", _("Replied to you")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True)
    step = models.CharField(
        _("workflow step"), max_length=20, blank=True, help_text=_("For status changes.")
    )
    message = models.CharField(
        _("message"),
        max_length=300,
        blank=True,
        help_text=_("The words of the comment or the workflow step, as the sender wrote them."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.get_kind_display()} · {self.article_id}"


class EditingPresence(models.Model):
    """Who has an article open for editing: a heartbeat from the edit page every few seconds.
    Rows older than the heartbeat window are ignored (and pruned by the next heartbeat)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="presence_unique_user")
        ]
        indexes = [models.Index(fields=["article", "last_seen"])]

    def __str__(self) -> str:
        return f"{self.user} on #{self.article_id}"


class UserPreference(models.Model):
    """A user's interface language, remembered across browsers and sessions."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference"
    )
    language = models.CharField(_("interface language"), max_length=2, choices=Language.choices)

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"

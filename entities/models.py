"""The knowledge base (entities and their aliases) and the mentions that link text to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from articles.models import Language


class EntityType(models.TextChoices):
    PERSON = "PER", _("Person")
    ORGANISATION = "ORG", _("Organisation")
    LOCATION = "LOC", _("Place")


class Gender(models.TextChoices):
    MALE = "m", _("Male")
    FEMALE = "f", _("Female")


class Entity(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        PROPOSED = "proposed", _("Proposed")

    type = models.CharField(_("type"), max_length=3, choices=EntityType.choices)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    wikidata_id = models.CharField(_("Wikidata id"), max_length=20, blank=True)
    gender = models.CharField(
        _("gender"),
        max_length=1,
        choices=Gender.choices,
        blank=True,
        help_text=_("For people: keeps «Токаева» from being linked to «Токаев»."),
    )
    kb_slug = models.SlugField(
        _("knowledge-base id"),
        max_length=100,
        blank=True,
        help_text=_("Identifies an entity of seeds/entities.json when the file is reloaded."),
    )
    proposal_key = models.CharField(
        _("proposal key"),
        max_length=300,
        blank=True,
        editable=False,
        help_text=_(
            "Lookup key of the name an unknown mention proposed; two workers proposing the "
            "same name at once get one entity."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_entities",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name_en", "name_ru", "name_kk", "id"]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_kk="") | ~Q(name_ru="") | ~Q(name_en=""),
                name="entity_has_a_name",
            ),
            models.CheckConstraint(
                condition=Q(type__in=EntityType.values), name="entity_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["confirmed", "proposed"]), name="entity_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="entity_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=Q(wikidata_id="") | Q(wikidata_id__regex=r"^Q[1-9][0-9]*$"),
                name="entity_wikidata_id_format",
            ),
            models.UniqueConstraint(
                fields=["wikidata_id"],
                condition=~Q(wikidata_id=""),
                name="entity_unique_wikidata_id",
            ),
            models.UniqueConstraint(
                fields=["kb_slug"], condition=~Q(kb_slug=""), name="entity_unique_kb_slug"
            ),
            models.UniqueConstraint(
                fields=["type", "proposal_key"],
                condition=~Q(proposal_key=""),
                name="entity_unique_proposal",
            ),
            models.CheckConstraint(
                condition=Q(gender__in=["", "m", "f"]), name="entity_gender_valid"
            ),
        ]
        indexes = [models.Index(fields=["type", "status"])]

    def __str__(self) -> str:
        return self.display_name()

    def name_in(self, language: str) -> str:
        return getattr(self, f"name_{language}", "") or self.display_name()

    def display_name(self) -> str:
        return self.name_en or self.name_ru or self.name_kk


class Alias(models.Model):
    class Kind(models.TextChoices):
        NAME = "name", _("Name")
        ABBREVIATION = "abbreviation", _("Abbreviation")
        INFLECTED = "inflected", _("Inflected form")
        TRANSLITERATION = "transliteration", _("Transliteration")

    class Origin(models.TextChoices):
        KNOWLEDGE_BASE = "kb", _("Seed knowledge base")
        EDITOR = "editor", _("Editor")
        EXTRACTION = "extraction", _("Extraction")

    entity = models.ForeignKey(
        Entity, verbose_name=_("entity"), on_delete=models.CASCADE, related_name="aliases"
    )
    text = models.CharField(_("text"), max_length=300)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, blank=True)
    key = models.CharField(
        _("lookup key"),
        max_length=300,
        help_text=_("Normalised form used for matching (case, script and spacing folded)."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NAME)
    translit_key = models.CharField(
        _("transliteration key"),
        max_length=300,
        blank=True,
        db_index=True,
        help_text=_("Script-independent key: Тоқаев, Токаев and Tokayev share it."),
    )
    origin = models.CharField(
        _("origin"), max_length=10, choices=Origin.choices, default=Origin.EDITOR
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entity_id", "language", "text"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(fields=["entity", "key"], name="alias_unique_key_per_entity"),
            models.CheckConstraint(condition=~Q(key=""), name="alias_key_not_empty"),
            models.CheckConstraint(condition=~Q(text=""), name="alias_text_not_empty"),
        ]
        indexes = [models.Index(fields=["key"])]

    def __str__(self) -> str:
        return self.text


class ReviewStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class SpanField(models.TextChoices):
    """Which text of an article or translation a span is in."""

    TITLE = "title", _("Title")
    BODY = "body", _("Body")


class ExtractedSpanQuerySet(models.QuerySet):
    def of(self, owner: models.Model) -> ExtractedSpanQuerySet:
        """The spans of an article or of a translation."""
        owner_field = "article" if owner._meta.model_name == "article" else "translation"
        return self.filter(**{owner_field: owner})

    def not_rejected(self) -> ExtractedSpanQuerySet:
        """What readers see: everything but the spans editors rejected."""
        return self.exclude(review_status=ReviewStatus.REJECTED)


class ExtractedSpan(models.Model):
    """A span of an article's (or a translation's) title or body that extraction found or an
    editor marked. Editors' decisions (confirmed, rejected) survive re-extraction."""

    Field = SpanField
    Review = ReviewStatus

    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="%(class)ss",
    )
    translation = models.ForeignKey(
        "articles.Translation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="%(class)ss",
    )
    field = models.CharField(_("field"), max_length=5, choices=SpanField.choices)
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    text = models.CharField(_("text"), max_length=500)
    review_status = models.CharField(
        _("review"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.SUGGESTED
    )
    extractor_version = models.CharField(_("extractor version"), max_length=40, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExtractedSpanQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["field", "start"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(article__isnull=False) & Q(translation__isnull=True))
                | (Q(article__isnull=True) & Q(translation__isnull=False)),
                name="%(class)s_in_article_xor_translation",
            ),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="%(class)s_span_valid"),
            models.CheckConstraint(
                condition=Q(field__in=["title", "body"]), name="%(class)s_field_valid"
            ),
            models.CheckConstraint(
                condition=Q(review_status__in=ReviewStatus.values),
                name="%(class)s_review_status_valid",
            ),
            models.UniqueConstraint(
                fields=["article", "field", "start", "end"],
                condition=Q(article__isnull=False),
                name="%(class)s_unique_span_per_article",
            ),
            models.UniqueConstraint(
                fields=["translation", "field", "start", "end"],
                condition=Q(translation__isnull=False),
                name="%(class)s_unique_span_per_translation",
            ),
        ]

    @property
    def is_decided(self) -> bool:
        """An editor's decision, kept when the text is extracted again."""
        return self.review_status != ReviewStatus.SUGGESTED


class Mention(ExtractedSpan):
    """A span that names a person, organisation or place, linked to an entity."""

    class Method(models.TextChoices):
        EXACT = "exact", _("Exact alias")
        INFLECTION = "inflection", _("Inflected form")
        TRANSLITERATION = "transliteration", _("Transliteration")
        LEMMA = "lemma", _("Lemma")
        FUZZY = "fuzzy", _("Fuzzy match")
        MANUAL = "manual", _("Manual")
        NONE = "", _("Not linked")

    type = models.CharField(_("type"), max_length=3, choices=EntityType.choices)
    entity = models.ForeignKey(
        Entity,
        verbose_name=_("entity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentions",
    )
    suggested_entity = models.ForeignKey(
        Entity,
        verbose_name=_("suggested entity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggested_mentions",
        help_text=_("A lemma or fuzzy match is only offered for review, never linked silently."),
    )
    confidence = models.FloatField(_("confidence"), default=1.0)
    method = models.CharField(
        _("link method"), max_length=20, choices=Method.choices, blank=True, default=""
    )

    class Meta(ExtractedSpan.Meta):
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            *ExtractedSpan.Meta.constraints,
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                name="mention_confidence_in_unit_range",
            ),
            models.CheckConstraint(
                condition=Q(type__in=EntityType.values), name="mention_type_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["entity", "review_status"]),
        ]

    def __str__(self) -> str:
        return f"{self.text} [{self.type}]"


class FigureKind(models.TextChoices):
    MONEY = "money", _("Money")
    PERCENT = "percent", _("Percentage")
    QUANTITY = "quantity", _("Quantity")


class Figure(ExtractedSpan):
    """Money, a percentage or a quantity with its normalised value («7,4 млрд долларов» →
    7400000000 USD)."""

    Kind = FigureKind

    kind = models.CharField(_("kind"), max_length=10, choices=FigureKind.choices)
    value = models.DecimalField(_("value"), max_digits=30, decimal_places=6)
    unit = models.CharField(
        _("unit"),
        max_length=20,
        help_text=_("ISO 4217 code for money, the percent sign or a unit symbol."),
    )

    class Meta(ExtractedSpan.Meta):
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            *ExtractedSpan.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=FigureKind.values), name="figure_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["kind", "unit"])]

    def __str__(self) -> str:
        return f"{self.text} = {self.value.normalize():f} {self.unit}"


class DateMention(ExtractedSpan):
    """An absolute or relative date resolved to a day, or a range of days."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, null=True, blank=True, related_name="dates"
    )
    translation = models.ForeignKey(
        "articles.Translation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dates",
    )
    value = models.DateField(_("date"))
    value_end = models.DateField(_("until"), null=True, blank=True)
    time = models.CharField(_("time"), max_length=5, blank=True)
    relative = models.BooleanField(
        _("relative"), default=False, help_text=_("«Бүгін», «вчера»: resolved against the date.")
    )

    class Meta(ExtractedSpan.Meta):
        verbose_name = _("date")
        verbose_name_plural = _("dates")
        constraints = [
            *ExtractedSpan.Meta.constraints,
            models.CheckConstraint(
                condition=Q(value_end__isnull=True) | Q(value_end__gte=F("value")),
                name="datemention_range_ordered",
            ),
        ]
        indexes = [models.Index(fields=["value"])]

    def __str__(self) -> str:
        end = f"…{self.value_end.isoformat()}" if self.value_end else ""
        return f"{self.text} = {self.value.isoformat()}{end}"


class Quote(ExtractedSpan):
    """Quoted words and who said them; the speaker is linked to an entity when known."""

    text = models.TextField(_("text"))
    speaker_text = models.CharField(_("speaker as written"), max_length=300, blank=True)
    speaker_start = models.PositiveIntegerField(null=True, blank=True)
    speaker_end = models.PositiveIntegerField(null=True, blank=True)
    speaker = models.ForeignKey(
        Entity,
        verbose_name=_("speaker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotes",
    )

    class Meta(ExtractedSpan.Meta):
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")

    def __str__(self) -> str:
        return self.text[:80]


class SpanDecision(models.Model):
    """The audit trail of editors' decisions on extracted spans: who confirmed, rejected,
    retyped, relinked or added what, and when. Written by the span services only.

    A log rather than django-simple-history on the span tables: re-extraction replaces machine
    spans in bulk, and history on those tables would record every machine delete."""

    class Action(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")
        REOPENED = "suggested", _("Reopened")
        RETYPED = "retyped", _("Changed type")
        LINKED = "linked", _("Linked")
        ADDED = "added", _("Added")

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    translation = models.ForeignKey(
        "articles.Translation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    span_kind = models.CharField(_("kind"), max_length=12)
    span_id = models.PositiveBigIntegerField()
    field = models.CharField(_("field"), max_length=5, choices=SpanField.choices)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField(_("text"), max_length=500)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("span decision")
        verbose_name_plural = _("span decisions")
        indexes = [models.Index(fields=["article", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} «{self.text}»"


# Models of the coverage features live with their code; imported here so Django registers them.
from entities.conflicts.models import FigureConflict  # noqa: E402
from entities.coverage.models import EntityCoverage  # noqa: E402
from entities.curation.models import EntityCuration  # noqa: E402
from entities.search.models import SearchDocument  # noqa: E402
from entities.stories.models import (  # noqa: E402
    Story,
    StoryArticle,
    StoryDecision,
    StorySeparation,
)

__all__ = [
    "Alias", "DateMention", "Entity", "EntityCoverage", "EntityCuration", "EntityType",
    "Figure", "FigureConflict", "FigureKind", "Gender", "Mention", "Quote", "ReviewStatus",
    "SearchDocument", "SpanDecision", "SpanField", "Story", "StoryArticle", "StoryDecision",
    "StorySeparation",
]  # fmt: skip

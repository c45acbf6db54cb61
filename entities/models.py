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


class Mention(models.Model):
    """A span of an article's (or a translation's) title or body that names an entity."""

    class Field(models.TextChoices):
        TITLE = "title", _("Title")
        BODY = "body", _("Body")

    class Method(models.TextChoices):
        EXACT = "exact", _("Exact alias")
        INFLECTION = "inflection", _("Inflected form")
        TRANSLITERATION = "transliteration", _("Transliteration")
        LEMMA = "lemma", _("Lemma")
        FUZZY = "fuzzy", _("Fuzzy match")
        MANUAL = "manual", _("Manual")
        NONE = "", _("Not linked")

    class Review(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mentions",
    )
    translation = models.ForeignKey(
        "articles.Translation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mentions",
    )
    field = models.CharField(_("field"), max_length=5, choices=Field.choices)
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    text = models.CharField(_("text"), max_length=500)
    type = models.CharField(_("type"), max_length=3, choices=EntityType.choices)
    entity = models.ForeignKey(
        Entity,
        verbose_name=_("entity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentions",
    )
    confidence = models.FloatField(_("confidence"), default=1.0)
    method = models.CharField(
        _("link method"), max_length=20, choices=Method.choices, blank=True, default=""
    )
    review_status = models.CharField(
        _("review"), max_length=10, choices=Review.choices, default=Review.SUGGESTED
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

    class Meta:
        ordering = ["field", "start"]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(article__isnull=False) & Q(translation__isnull=True))
                | (Q(article__isnull=True) & Q(translation__isnull=False)),
                name="mention_in_article_xor_translation",
            ),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="mention_span_valid"),
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                name="mention_confidence_in_unit_range",
            ),
            models.CheckConstraint(
                condition=Q(field__in=["title", "body"]), name="mention_field_valid"
            ),
            models.CheckConstraint(
                condition=Q(type__in=EntityType.values), name="mention_type_valid"
            ),
            models.UniqueConstraint(
                fields=["article", "field", "start", "end"],
                condition=Q(article__isnull=False),
                name="mention_unique_span_per_article",
            ),
            models.UniqueConstraint(
                fields=["translation", "field", "start", "end"],
                condition=Q(translation__isnull=False),
                name="mention_unique_span_per_translation",
            ),
        ]
        indexes = [
            models.Index(fields=["entity", "review_status"]),
        ]

    def __str__(self) -> str:
        return f"{self.text} [{self.type}]"

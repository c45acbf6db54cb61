"""Figures that should agree but differ between two articles of a story, or about one entity."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from entities.models import Entity, FigureKind


@dataclass(frozen=True)
class ConflictSide:
    """One article's side of a conflict, its sentence cut around the figure for highlighting."""

    article: models.Model
    value: Decimal
    text: str
    before: str
    after: str
    in_context: bool  # False: the figure is not in the stored sentence (shown after it)


class FigureConflict(models.Model):
    """Two figures of the same kind and unit, in two articles, about the same thing, with
    different values («27 млрд долларов» against «$25 billion»). Identified by a fingerprint of
    the two articles and the two values, so an editor's explanation survives re-extraction."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        EXPLAINED = "explained", _("Explained")
        GONE = "gone", _("No longer in the texts")

    fingerprint = models.CharField(max_length=64, unique=True, editable=False)
    # Not CASCADE: merging stories deletes one of them, and its conflicts (with their
    # explanations) must survive until the merged story's detection claims them again.
    story = models.ForeignKey(
        "entities.Story",
        verbose_name=_("story"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="figure_conflicts",
    )
    entity = models.ForeignKey(
        Entity,
        verbose_name=_("entity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="figure_conflicts",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FigureKind.choices)
    unit = models.CharField(_("unit"), max_length=20)
    article_a = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    article_b = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    value_a = models.DecimalField(max_digits=30, decimal_places=6)
    value_b = models.DecimalField(max_digits=30, decimal_places=6)
    text_a = models.CharField(max_length=500)
    text_b = models.CharField(max_length=500)
    context_a = models.TextField(blank=True, help_text=_("The sentence around the figure."))
    context_b = models.TextField(blank=True)
    field_a = models.CharField(max_length=5, blank=True)
    start_a = models.PositiveIntegerField(null=True, blank=True)
    end_a = models.PositiveIntegerField(null=True, blank=True)
    field_b = models.CharField(max_length=5, blank=True)
    start_b = models.PositiveIntegerField(null=True, blank=True)
    end_b = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(
        _("why compared"),
        max_length=300,
        blank=True,
        help_text=_("What ties the two figures together (the entity, the words around them)."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    explanation = models.TextField(_("explanation"), blank=True)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    explained_at = models.DateTimeField(null=True, blank=True)
    detected_at = models.DateTimeField(_("detected at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen at"), auto_now=True)

    class Meta:
        ordering = ["status", "-detected_at", "-id"]
        verbose_name = _("conflicting figure")
        verbose_name_plural = _("conflicting figures")
        constraints = [
            models.CheckConstraint(
                condition=Q(article_a__lt=F("article_b")), name="figure_conflict_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "explained", "gone"]),
                name="figure_conflict_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "story"]), models.Index(fields=["entity"])]

    def __str__(self) -> str:
        return f"{self.text_a} ≠ {self.text_b}"

    def _side(self, letter: str) -> ConflictSide:
        text, context = getattr(self, f"text_{letter}"), getattr(self, f"context_{letter}")
        at = context.find(text) if text else -1
        before, after = (context[:at], context[at + len(text) :]) if at >= 0 else (context, "")
        return ConflictSide(
            article=getattr(self, f"article_{letter}"),
            value=getattr(self, f"value_{letter}"),
            text=text,
            before=before,
            after=after,
            in_context=at >= 0,
        )

    @property
    def sides(self) -> tuple[ConflictSide, ConflictSide]:
        return self._side("a"), self._side("b")

    @property
    def difference_percent(self) -> Decimal | None:
        """How far apart the two values are, as a share of the larger («27 bn» and «25 bn»:
        7.4 %)."""
        larger = max(abs(self.value_a), abs(self.value_b))
        if not larger:
            return None
        return abs(self.value_a - self.value_b) * 100 / larger

"""What coverage is computed from: one row per text (article or translation) and entity it
mentions, with the text's language, source and day. Rebuilt by the coverage services whenever
a text's mentions or metadata change; the matrices group these rows instead of 2M mentions."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from articles.models import Language
from entities.models import Entity


class EntityCoverage(models.Model):
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="entity_coverage"
    )
    translation = models.ForeignKey(
        "articles.Translation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="entity_coverage",
        help_text=_("Set when the row counts a translation (in its own language)."),
    )
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="coverage")
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    source = models.ForeignKey(
        "articles.Source", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_on = models.DateField(_("day"), null=True, blank=True)
    mentions = models.PositiveIntegerField(_("mentions"), default=0)

    class Meta:
        verbose_name = _("entity coverage")
        verbose_name_plural = _("entity coverage")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "entity"],
                condition=Q(translation__isnull=True),
                name="entity_coverage_unique_article",
            ),
            models.UniqueConstraint(
                fields=["translation", "entity"],
                condition=Q(translation__isnull=False),
                name="entity_coverage_unique_translation",
            ),
        ]
        # Wide keys so that PostgreSQL answers the matrices with index-only scans: a period's
        # rows by day (the top entities, the by-language and by-source counts), and an
        # entity's rows (the cells of the top rows, the entity page's timeline). Key columns
        # rather than INCLUDE, which SQLite lacks (Django would warn on every check there).
        indexes = [
            models.Index(
                fields=[
                    "published_on", "entity", "language", "source", "mentions", "article",
                    "translation",
                ],
                name="entity_coverage_by_day",
            ),
            models.Index(
                fields=["entity", "published_on", "language", "source", "mentions"],
                name="entity_coverage_by_entity",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.entity_id} in {self.article_id}/{self.translation_id or '-'}"

"""The search index: one document per article and per translation, its words reduced to stems
by the language's own stemmer, so «Тоқаевтың» and «Тоқаев», «Токаевым» and «Токаев» meet."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from articles.models import Language


class SearchDocument(models.Model):
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="search_documents"
    )
    translation = models.OneToOneField(
        "articles.Translation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="search_document",
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, blank=True)
    stems = models.TextField(_("stems"), help_text=_("Stems of the title and body, in order."))
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(translation__isnull=True),
                name="search_document_unique_article",
            ),
        ]
        indexes = [models.Index(fields=["published_at"])]

    def __str__(self) -> str:
        return f"{self.article_id}/{self.translation_id or '-'} [{self.language}]"

"""The search index: one document per article and per translation, its words reduced to stems
by the language's own stemmer, so «Тоқаевтың» and «Тоқаев», «Токаевым» and «Токаев» meet.

``stems`` holds three lines, each a run of space-separated tokens with a space at both ends:
the title's stems, the body's stems, and one ``xent<id>`` token per (not rejected) mention of an
entity, at most ``ENTITY_TOKEN_REPEAT`` per entity. Entities in the same index as words make the
entity-aware search one index lookup: «Токаев» finds «Тоқаевтың» through ``xent<Tokayev>``.

PostgreSQL: migration 0008 adds a generated ``search_vector`` column (title weight A, entities
B, body D, ``simple`` configuration over the pre-stemmed tokens, since PostgreSQL has no Kazakh
configuration) with a GIN index; the column is not a model field (other databases have no
tsvector) and is read by ``entities.search.selectors`` only. Other databases match
``" token "`` with LIKE over ``stems`` (a laptop desk of a few thousand texts)."""

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
    stems = models.TextField(
        _("stems"),
        help_text=_("Stems of the title and body, in order, then the entities mentioned."),
    )
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

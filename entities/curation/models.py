"""The record of editors' changes to the knowledge base: merges, splits, aliases. Each record
holds what it moved, so merges and splits can be undone."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from entities.models import Entity


class EntityCuration(models.Model):
    class Action(models.TextChoices):
        MERGED = "merged", _("Merged")
        SPLIT = "split", _("Split")
        ALIAS_ADDED = "alias_added", _("Alias added")
        ALIAS_REMOVED = "alias_removed", _("Alias removed")
        CONFIRMED = "confirmed", _("Confirmed")
        EDITED = "edited", _("Edited")
        REVERTED = "reverted", _("Undone")

    action = models.CharField(_("action"), max_length=15, choices=Action.choices)
    entity = models.ForeignKey(
        Entity,
        verbose_name=_("entity"),
        on_delete=models.CASCADE,
        related_name="curations",
        help_text=_("Merge: the entity merged away. Split: the entity split."),
    )
    other = models.ForeignKey(
        Entity,
        verbose_name=_("other entity"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Merge: the entity kept. Split: the new entity."),
    )
    reason = models.TextField(_("reason"), blank=True)
    payload = models.JSONField(
        _("what moved"),
        default=dict,
        blank=True,
        help_text=_("Ids of the mentions, quotes and aliases moved, to undo the change."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    reverted_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("knowledge-base change")
        verbose_name_plural = _("knowledge-base changes")
        indexes = [models.Index(fields=["entity", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.entity}"

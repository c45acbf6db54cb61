"""Stories: articles in any language and from any source about the same event."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Story(models.Model):
    """A group of articles (and, through them, their translations) about one event. Built by
    clustering after extraction; editors confirm, rename, split, merge and move articles, and
    their decisions stick."""

    title = models.CharField(_("title"), max_length=500)
    title_edited = models.BooleanField(
        _("title set by an editor"),
        default=False,
        help_text=_("When set, clustering does not retitle the story."),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # Denormalised from the members, kept by the story services: lists sort and filter on them.
    article_count = models.PositiveIntegerField(_("articles"), default=0)
    first_published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    last_published_at = models.DateTimeField(_("last published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = [F("last_published_at").desc(nulls_last=True), "-id"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        indexes = [
            models.Index(fields=["last_published_at"]),
            models.Index(fields=["first_published_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class StoryArticle(models.Model):
    """An article's place in a story: one story per article."""

    article = models.OneToOneField(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="story_membership",
    )
    story = models.ForeignKey(
        Story, verbose_name=_("story"), on_delete=models.CASCADE, related_name="memberships"
    )
    score = models.FloatField(
        _("similarity"),
        null=True,
        blank=True,
        help_text=_("How similar the article was to the story when clustering placed it."),
    )
    pinned = models.BooleanField(
        _("placed by an editor"),
        default=False,
        help_text=_("Clustering never moves an article an editor placed."),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["story_id", "article_id"]
        verbose_name = _("story membership")
        verbose_name_plural = _("story memberships")

    def __str__(self) -> str:
        return f"{self.article_id} → {self.story_id}"


class StorySeparation(models.Model):
    """Two articles an editor said are about different events: clustering never puts them in
    one story again."""

    article_a = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    article_b = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("story separation")
        verbose_name_plural = _("story separations")
        constraints = [
            models.UniqueConstraint(
                fields=["article_a", "article_b"], name="story_separation_unique"
            ),
            models.CheckConstraint(
                condition=Q(article_a__lt=F("article_b")), name="story_separation_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_a_id} ≠ {self.article_b_id}"


class StoryDecision(models.Model):
    """The record of editors' decisions on stories (who, when, what)."""

    class Action(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        RENAMED = "renamed", _("Renamed")
        SPLIT = "split", _("Split")
        MERGED = "merged", _("Merged")
        MOVED = "moved", _("Moved an article")

    story = models.ForeignKey(
        Story, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("story decision")
        verbose_name_plural = _("story decisions")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.story_id}"

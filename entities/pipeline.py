"""What happens to the coverage features after a text is extracted or its metadata changes.

Called by the articles services (``article_extract``, ``translation_extract``,
``article_update``) after their transaction committed. Each step is idempotent; a step that
fails is logged and left for the periodic re-clustering sweep, never failing the extraction
that already succeeded."""

from __future__ import annotations

import logging

from django.db import models

logger = logging.getLogger(__name__)


def _run(step: str, function, *args, **kwargs) -> None:
    try:
        function(*args, **kwargs)
    except Exception:
        logger.exception("After-extraction step %s failed for %s", step, args or kwargs)


def text_extracted(*, owner: models.Model) -> None:
    """An article or a translation has new mentions: index it for search, count its coverage,
    and (an article) place it in a story and look for figures that disagree."""
    from entities.conflicts.services import (
        figure_conflicts_detect,
        figure_conflicts_detect_for_article,
    )
    from entities.coverage.services import coverage_refresh
    from entities.search.services import search_document_update
    from entities.stories.services import story_assign

    _run("search", search_document_update, owner=owner)
    _run("coverage", coverage_refresh, owner=owner)
    if owner._meta.model_name != "article":
        return  # a translation belongs to its article's story; its figures are QA's business
    _run("story", story_assign, article=owner)
    story_id = (
        type(owner)
        .objects.filter(pk=owner.pk)
        .values_list("story_membership__story_id", flat=True)
        .first()
    )
    if story_id:
        _run("conflicts", figure_conflicts_detect, story_id=story_id)
    _run("conflicts-entities", figure_conflicts_detect_for_article, article_id=owner.pk)


def article_metadata_changed(*, article: models.Model) -> None:
    """Source, publication time or language changed without a new text (no re-extraction)."""
    from entities.coverage.services import coverage_refresh
    from entities.search.services import search_document_update
    from entities.stories.services import story_assign

    _run("search", search_document_update, owner=article)
    _run("coverage", coverage_refresh, owner=article)
    _run("story", story_assign, article=article)  # a new publication time may move it


def span_decided(*, kind: str, article_id: int | None, translation_id: int | None) -> None:
    """An editor confirmed, rejected, relinked, retyped or added a span: a mention changes the
    coverage counts; a figure may start or end a conflict of the article's story."""
    from articles.models import Article, Translation
    from entities.conflicts.services import figure_conflicts_detect
    from entities.coverage.services import coverage_refresh
    from entities.search.services import search_document_update

    if kind == "mention":
        owner = (
            Article.objects.filter(pk=article_id).first()
            if article_id
            else Translation.objects.filter(pk=translation_id).first()
        )
        if owner is not None:
            _run("coverage", coverage_refresh, owner=owner)
            _run("search", search_document_update, owner=owner)  # its entity tokens
    elif kind == "figure" and article_id:
        story_id = (
            Article.objects.filter(pk=article_id)
            .values_list("story_membership__story_id", flat=True)
            .first()
        )
        if story_id:
            _run("conflicts", figure_conflicts_detect, story_id=story_id)

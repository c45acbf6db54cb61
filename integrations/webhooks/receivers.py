"""Connects the domain's events (``articles.signals``) to webhook deliveries.

The signals are sent after the change committed; a failure here is logged and never reaches
the editor who made the change."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.dispatch import receiver

from articles import signals
from integrations.models import WebhookEvent
from integrations.webhooks import (
    services,
    tasks,  # noqa: F401  (registers the tasks in every worker)
)

logger = logging.getLogger(__name__)


def _emit(event: str, build: Callable[[], dict[str, Any]]) -> None:
    try:
        services.webhook_event_emit(event=event, data=build())
    except Exception:
        logger.exception("Could not create the %s webhook deliveries", event)


@receiver(signals.article_published, dispatch_uid="webhooks.article_published")
def article_published(sender, article, **kwargs) -> None:
    _emit(WebhookEvent.ARTICLE_PUBLISHED, lambda: services.webhook_article_data(article=article))


@receiver(signals.article_updated, dispatch_uid="webhooks.article_updated")
def article_updated(sender, article, changed=(), **kwargs) -> None:
    _emit(
        WebhookEvent.ARTICLE_UPDATED,
        lambda: services.webhook_article_data(article=article, changed=list(changed)),
    )


@receiver(signals.translation_approved, dispatch_uid="webhooks.translation_approved")
def translation_approved(sender, translation, **kwargs) -> None:
    _emit(
        WebhookEvent.TRANSLATION_APPROVED,
        lambda: services.webhook_translation_data(translation=translation),
    )


@receiver(signals.import_finished, dispatch_uid="webhooks.import_finished")
def import_finished(sender, batch, **kwargs) -> None:
    _emit(WebhookEvent.IMPORT_FINISHED, lambda: services.webhook_import_data(batch=batch))

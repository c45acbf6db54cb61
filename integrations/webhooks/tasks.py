"""Celery tasks of the webhooks: thin wrappers that take ids and call services."""

from celery import shared_task

from articles.tasks import REDO_SAFE_TASK_OPTIONS
from integrations.webhooks import services

# Sending is safe to redo (a delivery is claimed before it is sent; receivers de-duplicate on
# the event id). Failed HTTP attempts are not Celery retries: the delivery records them and
# schedules its own next attempt.


@shared_task(bind=True, **REDO_SAFE_TASK_OPTIONS)
def deliver_webhook(self, delivery_id: int) -> str:
    """Make one attempt of a webhook delivery; after a failure, queue the next one if it is
    near. In eager mode (no broker) nothing is queued from here, so a failing receiver never
    makes the caller sleep or loop: ``webhooks_retry_due`` picks the retry up when it is due."""
    delivery = services.webhook_deliver(delivery_id=delivery_id)
    if delivery is None:
        return "missing"
    if delivery.attempt_made is None:
        return "skipped"
    eager = self.request.is_eager or self.app.conf.task_always_eager
    if not eager:
        services.webhook_retry_enqueue(delivery=delivery)
    return delivery.status


@shared_task
def webhooks_retry_due() -> int:
    """Queue the webhook deliveries that are due again (beat, every minute)."""
    return services.webhooks_retry_due()

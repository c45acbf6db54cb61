"""python manage.py deliver_webhooks — send the webhook deliveries that are due (retries whose
backoff has passed, deliveries whose worker died). Beat does this every minute in production;
without a broker (the embedded default) there is no beat, so run this from cron."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from integrations.webhooks.services import webhooks_retry_due


class Command(BaseCommand):
    help = "Send the webhook deliveries that are due (retries, lost deliveries)."

    def handle(self, *args, **options):
        count = webhooks_retry_due()
        self.stdout.write(f"{count} deliveries queued.")

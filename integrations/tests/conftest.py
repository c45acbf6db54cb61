"""Fixtures of the webhook tests: a real local HTTP receiver and subscriptions pointing at it."""

from __future__ import annotations

import pytest

from integrations.models import WebhookSubscription
from integrations.webhooks.services import webhook_secret_generate


@pytest.fixture(scope="session")
def httpserver_listen_address():
    """pytest-httpserver's receiver on 127.0.0.1 (not "localhost", which may resolve to ::1
    first), on a free port."""
    return ("127.0.0.1", 0)


@pytest.fixture
def subscribe():
    """``subscribe(url, events=[...], is_active=True)`` → a WebhookSubscription with a fresh
    secret."""

    def make(url: str, events=("article.updated",), *, is_active: bool = True, name: str = ""):
        return WebhookSubscription.objects.create(
            name=name or f"hook {WebhookSubscription.objects.count() + 1}",
            url=url,
            events=list(events),
            secret=webhook_secret_generate(),
            is_active=is_active,
        )

    return make

"""Publish → on commit → Redis → a real Celery worker process (queue "webhooks") → a signed POST
to a local receiver, across processes."""

from __future__ import annotations

import json
import time

import pytest

from articles.tests.factories import ArticleFactory
from articles.workflow import article_transition
from integrations.models import DeliveryStatus, WebhookDelivery
from integrations.webhooks.signing import webhook_verify

pytestmark = pytest.mark.integration


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the worker")


def test_a_worker_delivers_a_signed_webhook_after_a_publish(
    celery_worker_process, httpserver, subscribe, editor, reviewer
):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    subscription = subscribe(httpserver.url_for("/hook"), ["article.published"])
    article = ArticleFactory()
    for step, user in (("submit", editor), ("approve", reviewer), ("publish", editor)):
        article = article_transition(
            article_id=article.pk, step_name=step, user=user, expected_version=article.version
        )

    wait_for(lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).exists())
    delivery = WebhookDelivery.objects.get()  # only the publish: the subscription's one event
    assert (delivery.event, delivery.attempts, delivery.last_status_code) == (
        "article.published", 1, 200,
    )  # fmt: skip
    [(request, _)] = httpserver.log
    body = request.get_data()
    assert webhook_verify(subscription.secret, request.headers["X-Kzeditor-Signature"], body)
    payload = json.loads(body)
    assert payload["event_id"] == request.headers["X-Kzeditor-Delivery"] == str(delivery.event_id)
    assert payload["data"]["id"] == article.pk
    assert payload["data"]["status"] == "published"
    # The worker process sent it, from the "webhooks" queue.
    log = celery_worker_process.log_path.read_text(errors="replace")
    assert "integrations.webhooks.tasks.deliver_webhook" in log
    assert celery_worker_process.poll() is None

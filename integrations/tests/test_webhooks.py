"""Signed webhooks against a real local receiver (pytest-httpserver): each event through the
real services, the signature and headers, the delivery log, retries, failures, redelivery, the
admin, and the verification helper receivers use."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.importing import ImportFile
from articles.models import ArticleStatus, ImportBatch, TranslationStatus
from articles.services import article_update, articles_import
from articles.tests.factories import ArticleFactory, TranslationFactory
from articles.translations.workflow import translation_transition
from articles.workflow import article_transition
from integrations.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from integrations.webhooks import services, tasks
from integrations.webhooks.services import (
    webhook_body,
    webhook_deliver,
    webhook_event_emit,
    webhook_redeliver,
    webhooks_retry_due,
)
from integrations.webhooks.signing import webhook_signature, webhook_verify

pytestmark = pytest.mark.django_db

SEED = Path(settings.BASE_DIR) / "seeds" / "003_03d0c59582605d6e.txt"
ARTICLE_KEYS = {"id", "url", "title", "language", "status", "version", "published_at", "source"}


@pytest.fixture
def hook(httpserver):
    """The receiver's URL; it answers 200 unless a test says otherwise."""
    httpserver.expect_request("/hook", method="POST").respond_with_data("thanks")
    return httpserver.url_for("/hook")


def requests_to(httpserver, path: str = "/hook") -> list:
    return [request for request, _ in httpserver.log if request.path == path]


def signed_payload(request, subscription: WebhookSubscription) -> dict:
    """Check one received request the way a receiver would, and return its JSON."""
    body = request.get_data()
    headers = request.headers
    assert request.method == "POST"
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "kzeditor-webhooks/1"
    timestamp = headers["X-Kzeditor-Timestamp"]
    digest = hmac.new(
        subscription.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    # Computed here independently of the code under test, then with the receivers' helper.
    assert headers["X-Kzeditor-Signature"] == f"t={timestamp},v1={digest}"
    assert webhook_verify(subscription.secret, headers["X-Kzeditor-Signature"], body)
    assert not webhook_verify("another secret", headers["X-Kzeditor-Signature"], body)
    payload = json.loads(body)
    # Deterministic bytes: sorted keys, no whitespace, UTF-8.
    assert body == json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    assert set(payload) == {"event", "event_id", "occurred_at", "data"}
    assert headers["X-Kzeditor-Event"] == payload["event"]
    assert headers["X-Kzeditor-Delivery"] == payload["event_id"]
    assert payload["occurred_at"].endswith("Z")
    return payload


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the four events through the real services ----------------------------------------------


def test_article_update_sends_a_signed_article_updated(
    hook, httpserver, subscribe, editor, django_capture_on_commit_callbacks
):
    subscription = subscribe(hook, ["article.updated"])
    article = ArticleFactory(title="Тоқаев Пекинде")
    with django_capture_on_commit_callbacks(execute=True):
        article_update(
            article_id=article.pk, expected_version=article.version, byline="Ә. Сейтқали",
            updated_by=editor,
        )  # fmt: skip

    [request] = requests_to(httpserver)
    payload = signed_payload(request, subscription)
    delivery = WebhookDelivery.objects.get()
    assert payload["event"] == "article.updated"
    assert payload["event_id"] == str(delivery.event_id)
    assert payload["data"] == {
        "id": article.pk,
        "url": f"/api/v1/articles/{article.pk}/",
        "title": "Тоқаев Пекинде",
        "language": "kk",
        "status": "draft",
        "version": article.version + 1,
        "published_at": article.published_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "source": {"id": article.source_id, "name": article.source.name},
        "changed": ["byline"],
    }
    assert payload == delivery.payload
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.SUCCEEDED, 1, 200,
    )  # fmt: skip
    assert delivery.delivered_at is not None
    assert delivery.next_attempt_at is None
    [attempt] = delivery.log.all()
    assert (attempt.number, attempt.status_code, attempt.error, attempt.response_excerpt) == (
        1, 200, "", "thanks",
    )  # fmt: skip


def test_article_urls_are_absolute_under_the_public_url(
    hook, httpserver, subscribe, editor, settings, django_capture_on_commit_callbacks
):
    settings.KZEDITOR_PUBLIC_URL = "https://desk.example.kz/"
    subscription = subscribe(hook, ["article.updated"])
    article = ArticleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        article_update(article_id=article.pk, expected_version=article.version, byline="X")
    [request] = requests_to(httpserver)
    payload = signed_payload(request, subscription)
    assert payload["data"]["url"] == f"https://desk.example.kz/api/v1/articles/{article.pk}/"


def test_publishing_sends_article_published_and_article_updated(
    hook, httpserver, subscribe, editor, reviewer, django_capture_on_commit_callbacks
):
    both = subscribe(hook, ["article.published", "article.updated"])
    only_published = subscribe(hook, ["article.published"])
    article = ArticleFactory()
    # The earlier steps commit nothing here (the test's transaction is never committed).
    article = article_transition(
        article_id=article.pk, step_name="submit", user=editor, expected_version=article.version
    )
    article = article_transition(
        article_id=article.pk, step_name="approve", user=reviewer, expected_version=article.version
    )
    with django_capture_on_commit_callbacks(execute=True):
        article = article_transition(
            article_id=article.pk, step_name="publish", user=editor,
            expected_version=article.version,
        )  # fmt: skip

    received = requests_to(httpserver)
    assert len(received) == 3
    by_secret = {both.secret: both, only_published.secret: only_published}
    seen = []
    for request in received:
        subscription = next(
            s for secret, s in by_secret.items()
            if webhook_verify(secret, request.headers["X-Kzeditor-Signature"], request.get_data())
        )  # fmt: skip
        payload = signed_payload(request, subscription)
        seen.append((subscription.pk, payload["event"]))
        assert payload["data"]["id"] == article.pk
        assert payload["data"]["status"] == ArticleStatus.PUBLISHED
        assert payload["data"]["version"] == article.version
        if payload["event"] == "article.updated":
            assert "status" in payload["data"]["changed"]
            assert set(payload["data"]) == ARTICLE_KEYS | {"changed"}
        else:
            assert set(payload["data"]) == ARTICLE_KEYS
    assert sorted(seen) == sorted(
        [
            (both.pk, "article.updated"),
            (both.pk, "article.published"),
            (only_published.pk, "article.published"),
        ]
    )
    # One event, one id, whichever subscriptions receive it.
    published = WebhookDelivery.objects.filter(event="article.published")
    assert published.count() == 2
    assert len({d.event_id for d in published}) == 1
    assert {d.status for d in WebhookDelivery.objects.all()} == {DeliveryStatus.SUCCEEDED}


def test_translation_approval_sends_translation_approved(
    hook, httpserver, subscribe, translator, reviewer, django_capture_on_commit_callbacks
):
    subscription = subscribe(hook, ["translation.approved"])
    translation = TranslationFactory(
        status=TranslationStatus.SUBMITTED, translator=translator, reviewer=reviewer
    )
    with django_capture_on_commit_callbacks(execute=True):
        translation = translation_transition(
            translation_id=translation.pk, step_name="approve", user=reviewer,
            expected_version=translation.version, override_reason="Accepted for the test",
        )  # fmt: skip

    [request] = requests_to(httpserver)
    payload = signed_payload(request, subscription)
    assert payload["event"] == "translation.approved"
    assert payload["data"] == {
        "id": translation.pk,
        "article_id": translation.article_id,
        "language": "ru",
        "status": "approved",
        "version": translation.version,
        "url": f"/api/v1/translations/{translation.pk}/",
    }


def test_import_sends_import_finished(
    hook, httpserver, subscribe, django_capture_on_commit_callbacks
):
    subscription = subscribe(hook, ["import.finished"])
    data = SEED.read_bytes()
    files = [
        ImportFile(name="a.txt", data=data),
        ImportFile(name="again.txt", data=data),
        ImportFile(name="big.txt", error="Too big."),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        batch, _ = articles_import(files=files, channel=ImportBatch.Channel.API)

    [request] = requests_to(httpserver)
    payload = signed_payload(request, subscription)
    assert payload["event"] == "import.finished"
    assert payload["data"] == {
        "id": batch.pk,
        "channel": "api",
        "imported": 1,
        "duplicates": 1,
        "failed": 1,
        "url": f"/api/v1/imports/{batch.pk}/",
    }


# -- who receives what ---------------------------------------------------------------------


def test_inactive_subscriptions_and_unsubscribed_events_get_nothing(
    hook, httpserver, subscribe, django_capture_on_commit_callbacks
):
    subscribe(hook, ["article.updated"], is_active=False)
    subscribe(hook, [])
    subscribe(hook, ["import.finished", "article.published"])
    article = ArticleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        article_update(article_id=article.pk, expected_version=article.version, byline="X")
    assert WebhookDelivery.objects.count() == 0
    assert requests_to(httpserver) == []

    # The control: a subscription to the event does receive it.
    subscribe(hook, ["article.updated"])
    article.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        article_update(article_id=article.pk, expected_version=article.version, byline="Y")
    assert WebhookDelivery.objects.count() == 1
    assert len(requests_to(httpserver)) == 1


def test_a_rolled_back_change_emits_nothing(
    hook, httpserver, subscribe, django_capture_on_commit_callbacks
):
    subscribe(hook, ["article.updated"])
    article = ArticleFactory()

    def failing_request() -> None:
        with transaction.atomic():
            article_update(article_id=article.pk, expected_version=article.version, byline="X")
            raise RuntimeError("the rest of the request failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        failing_request()
    assert callbacks == []
    assert WebhookDelivery.objects.count() == 0
    assert requests_to(httpserver) == []


def test_a_subscription_deactivated_before_sending_is_not_called(
    hook, httpserver, subscribe, django_capture_on_commit_callbacks
):
    subscription = subscribe(hook, ["import.finished"])
    [delivery] = webhook_event_emit(event="import.finished", data={"id": 1})
    WebhookSubscription.objects.filter(pk=subscription.pk).update(is_active=False)
    webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "The subscription is inactive."
    assert delivery.log.get().status_code is None
    assert requests_to(httpserver) == []


def test_emit_refuses_unknown_events(subscribe):
    with pytest.raises(ValueError, match="Unknown webhook event"):
        webhook_event_emit(event="article.deleted", data={})


def test_emit_runs_a_constant_number_of_queries(
    subscribe, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    def queries_for(count: int) -> int:
        WebhookSubscription.objects.all().delete()
        for _ in range(count):
            subscribe("http://127.0.0.1:9/hook", ["import.finished"])
        with (
            django_capture_on_commit_callbacks(execute=False) as callbacks,
            # subscriptions, savepoint, one INSERT for all, release
            django_assert_max_num_queries(4) as queries,
        ):
            deliveries = webhook_event_emit(event="import.finished", data={"id": 1})
        assert len(deliveries) == count
        assert len(callbacks) == 1  # one on-commit callback queues them all
        return len(queries)

    assert queries_for(1) == queries_for(12)


# -- failures, retries, redelivery ---------------------------------------------------------


def test_a_failed_attempt_is_retried_and_logged(
    httpserver, subscribe, django_capture_on_commit_callbacks
):
    httpserver.expect_oneshot_request("/hook").respond_with_data("boom", status=500)
    httpserver.expect_request("/hook").respond_with_data("ok")
    subscription = subscribe(httpserver.url_for("/hook"), ["import.finished"])
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhook_event_emit(event="import.finished", data={"id": 7})

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING
    assert (delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        1, 500, "HTTP 500",
    )  # fmt: skip
    # The first retry waits 10 s plus at most 10 % jitter.
    assert delivery.next_attempt_at - timezone.now() <= timedelta(seconds=11)
    assert delivery.next_attempt_at > timezone.now()
    # Eager mode made one attempt and did not wait for the next.
    assert len(requests_to(httpserver)) == 1
    assert webhooks_retry_due() == 0

    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert webhooks_retry_due() == 1

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.last_status_code == 200
    assert delivery.last_error == ""
    assert list(delivery.log.values_list("number", "status_code", "error", "response_excerpt")) == [
        (1, 500, "HTTP 500", "boom"),
        (2, 200, "", "ok"),
    ]
    first, second = requests_to(httpserver)
    assert first.get_data() == second.get_data()
    assert first.headers["X-Kzeditor-Delivery"] == second.headers["X-Kzeditor-Delivery"]
    signed_payload(second, subscription)


def test_attempts_run_out_and_the_delivery_fails(
    httpserver, subscribe, settings, django_capture_on_commit_callbacks
):
    settings.KZEDITOR_WEBHOOK_RETRY_DELAYS = [0, 0]
    httpserver.expect_request("/hook").respond_with_data("down", status=503)
    subscribe(httpserver.url_for("/hook"), ["import.finished"])
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhook_event_emit(event="import.finished", data={"id": 7})
    assert webhooks_retry_due() == 1
    assert webhooks_retry_due() == 1
    assert webhooks_retry_due() == 0

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        DeliveryStatus.FAILED, 3, None,
    )  # fmt: skip
    assert list(delivery.log.values_list("number", "status_code")) == [
        (1, 503), (2, 503), (3, 503),
    ]  # fmt: skip
    assert len(requests_to(httpserver)) == 3


def test_a_timeout_is_recorded(subscribe, settings, django_capture_on_commit_callbacks):
    settings.KZEDITOR_WEBHOOK_TIMEOUT = 0.3
    # A server that accepts the connection (the kernel does) and never answers.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        subscribe(f"http://127.0.0.1:{port}/hook", ["import.finished"])
        with django_capture_on_commit_callbacks(execute=True):
            [delivery] = webhook_event_emit(event="import.finished", data={"id": 7})

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.last_status_code is None
    assert delivery.last_error == "Timed out after 0.3 s."
    attempt = delivery.log.get()
    assert (attempt.status_code, attempt.error) == (None, "Timed out after 0.3 s.")


def test_a_refused_connection_is_recorded(subscribe, django_capture_on_commit_callbacks):
    subscribe(f"http://127.0.0.1:{free_port()}/hook", ["import.finished"])
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhook_event_emit(event="import.finished", data={"id": 7})

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.last_status_code is None
    assert delivery.last_error.startswith("ConnectionError: ")
    assert "refused" in delivery.last_error.lower()
    assert delivery.log.get().error == delivery.last_error


def test_redirects_are_not_followed(httpserver, subscribe, django_capture_on_commit_callbacks):
    httpserver.expect_request("/hook").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/elsewhere")}
    )
    httpserver.expect_request("/elsewhere").respond_with_data("ok")
    subscribe(httpserver.url_for("/hook"), ["import.finished"])
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhook_event_emit(event="import.finished", data={"id": 7})

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.last_status_code == 302
    assert delivery.last_error.startswith("HTTP 302")
    assert requests_to(httpserver, "/elsewhere") == []


def test_a_delivery_is_sent_once_when_its_task_runs_twice(
    hook, httpserver, subscribe, django_capture_on_commit_callbacks
):
    subscribe(hook, ["import.finished"])
    [delivery] = webhook_event_emit(event="import.finished", data={"id": 7})
    assert tasks.deliver_webhook.delay(delivery.pk).get() == DeliveryStatus.SUCCEEDED
    assert tasks.deliver_webhook.delay(delivery.pk).get() == "skipped"
    assert tasks.deliver_webhook.delay(10**9).get() == "missing"
    assert len(requests_to(httpserver)) == 1
    # A delivery another worker is sending (its lease not over) is left alone, too.
    other = webhook_event_emit(event="import.finished", data={"id": 8})[0]
    WebhookDelivery.objects.filter(pk=other.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=3)
    )
    assert webhook_deliver(delivery_id=other.pk).attempt_made is None
    assert len(requests_to(httpserver)) == 1


def test_a_delivery_whose_workers_kept_dying_gives_up(hook, httpserver, subscribe, settings):
    """Claims that never recorded a result (the worker died mid-request each time) still
    count, so the sweep cannot resend a delivery forever."""
    settings.KZEDITOR_WEBHOOK_RETRY_DELAYS = [10, 60]
    subscribe(hook, ["import.finished"])
    [delivery] = webhook_event_emit(event="import.finished", data={"id": 7})
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=3, status=DeliveryStatus.RETRYING, next_attempt_at=timezone.now()
    )
    webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error.startswith("Gave up")
    assert requests_to(httpserver) == []


def test_the_sweep_queues_deliveries_whose_task_was_lost(hook, httpserver, subscribe):
    subscribe(hook, ["import.finished"])
    [delivery] = webhook_event_emit(event="import.finished", data={"id": 7})  # never queued
    assert webhooks_retry_due() == 0  # young: its task may still be on the way
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    assert webhooks_retry_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert len(requests_to(httpserver)) == 1


def test_the_task_schedules_only_near_retries_on_a_real_broker(
    httpserver, subscribe, monkeypatch, settings
):
    """Outside eager mode a failed attempt queues the next one for its time when that is
    within half the broker's visibility timeout; later ones are the sweep's."""
    from kzeditor.celery import app

    httpserver.expect_request("/hook").respond_with_data("down", status=503)
    subscribe(httpserver.url_for("/hook"), ["import.finished"])
    queued = []
    monkeypatch.setattr(
        tasks.deliver_webhook, "apply_async", lambda args, **kw: queued.append((args, kw))
    )
    # The settings are read with the CELERY_ namespace: the namespaced key is what counts.
    monkeypatch.setitem(app.conf, "CELERY_TASK_ALWAYS_EAGER", False)
    assert not app.conf.task_always_eager
    [delivery] = webhook_event_emit(event="import.finished", data={"id": 7})

    assert tasks.deliver_webhook.run(delivery.pk) == DeliveryStatus.RETRYING
    delivery.refresh_from_db()
    assert queued == [((delivery.pk,), {"eta": delivery.next_attempt_at})]

    settings.KZEDITOR_WEBHOOK_RETRY_DELAYS = [10, 3600]
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
    assert tasks.deliver_webhook.run(delivery.pk) == DeliveryStatus.RETRYING
    assert len(queued) == 1  # an hour away: left to webhooks_retry_due


def test_redelivery_sends_the_same_event_with_a_fresh_signature(
    hook, httpserver, subscribe, monkeypatch, django_capture_on_commit_callbacks
):
    subscription = subscribe(hook, ["import.finished"])
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhook_event_emit(event="import.finished", data={"id": 7})
    sent_at = int(requests_to(httpserver)[0].headers["X-Kzeditor-Timestamp"])
    monkeypatch.setattr(services, "_unix_now", lambda: sent_at + 3600)

    with django_capture_on_commit_callbacks(execute=True):
        redelivered = webhook_redeliver(delivery_id=delivery.pk)
    assert redelivered.pk == delivery.pk

    first, second = requests_to(httpserver)
    assert second.get_data() == first.get_data()
    assert second.headers["X-Kzeditor-Delivery"] == first.headers["X-Kzeditor-Delivery"]
    assert second.headers["X-Kzeditor-Timestamp"] == str(sent_at + 3600)
    assert second.headers["X-Kzeditor-Signature"] != first.headers["X-Kzeditor-Signature"]
    payload = json.loads(second.get_data())
    assert webhook_verify(
        subscription.secret, second.headers["X-Kzeditor-Signature"], second.get_data(),
        now=sent_at + 3600,
    )  # fmt: skip
    assert payload["event_id"] == str(delivery.event_id)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert list(delivery.log.values_list("number", flat=True)) == [1, 2]


def test_a_failed_delivery_redelivered_gets_its_retries_again(
    httpserver, subscribe, settings, django_capture_on_commit_callbacks
):
    settings.KZEDITOR_WEBHOOK_RETRY_DELAYS = []
    httpserver.expect_oneshot_request("/hook").respond_with_data("down", status=503)
    httpserver.expect_request("/hook").respond_with_data("ok")
    subscribe(httpserver.url_for("/hook"), ["import.finished"])
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhook_event_emit(event="import.finished", data={"id": 7})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        webhook_redeliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 1)
    assert list(delivery.log.values_list("number", "status_code")) == [(1, 503), (2, 200)]


def test_redeliver_refuses_a_missing_delivery():
    with pytest.raises(WebhookDelivery.DoesNotExist):
        webhook_redeliver(delivery_id=10**9)


# -- the admin -------------------------------------------------------------------------------


def test_admin_redeliver_action(
    hook, httpserver, subscribe, client, admin_user_, django_capture_on_commit_callbacks
):
    subscribe(hook, ["import.finished"])
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhook_event_emit(event="import.finished", data={"id": 7})
    client.force_login(admin_user_)
    changelist = reverse("admin:integrations_webhookdelivery_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist, {"action": "redeliver", "_selected_action": [delivery.pk]}, follow=True
        )
    assert response.status_code == 200
    assert "1 delivery queued again." in response.content.decode()
    first, second = requests_to(httpserver)
    assert second.get_data() == first.get_data()
    assert second.headers["X-Kzeditor-Delivery"] == str(delivery.event_id)
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 2


def test_admin_delivery_pages_are_read_only_and_show_the_log(
    httpserver, subscribe, client, admin_user_, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/hook").respond_with_data("Service Unavailable", status=503)
    subscribe(httpserver.url_for("/hook"), ["import.finished"])
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhook_event_emit(event="import.finished", data={"id": 7, "note": "<b>"})
    client.force_login(admin_user_)

    page = client.get(reverse("admin:integrations_webhookdelivery_change", args=[delivery.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Service Unavailable" in html  # the attempt log inline
    assert str(delivery.event_id) in html
    assert "&quot;note&quot;: &quot;&lt;b&gt;&quot;" in html  # the payload, escaped
    assert client.get(reverse("admin:integrations_webhookdelivery_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:integrations_webhookdelivery_change", args=[delivery.pk]),
            {"status": "succeeded"},
        ).status_code
        == 403
    )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING
    listing = client.get(
        reverse("admin:integrations_webhookdelivery_changelist"), {"q": str(delivery.event_id)}
    )
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 1
    bad_search = client.get(
        reverse("admin:integrations_webhookdelivery_changelist"), {"q": "not-a-uuid"}
    )
    assert bad_search.status_code == 200


def test_admin_delivery_changelist_queries_do_not_grow(
    subscribe, client, admin_user_, django_assert_max_num_queries
):
    client.force_login(admin_user_)
    url = reverse("admin:integrations_webhookdelivery_changelist")
    assert client.get(url).status_code == 200  # the session and user, loaded once

    def render_with(count: int) -> int:
        for _ in range(count):
            subscribe("http://127.0.0.1:9/hook", ["import.finished"])
        webhook_event_emit(event="import.finished", data={"id": 1})
        with django_assert_max_num_queries(10) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert render_with(1) == render_with(15)


def test_admin_creates_a_subscription_with_a_generated_secret(client, admin_user_):
    client.force_login(admin_user_)
    response = client.post(
        reverse("admin:integrations_webhooksubscription_add"),
        {
            "name": "CMS",
            "url": "https://cms.example.kz/hooks/kzeditor",
            "events": ["import.finished", "article.published"],
            "secret": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    subscription = WebhookSubscription.objects.get()
    assert len(subscription.secret) >= 40
    assert subscription.events == ["article.published", "import.finished"]
    assert subscription.created_by == admin_user_

    # The secret is shown, read-only, and a change keeps it.
    change = reverse("admin:integrations_webhooksubscription_change", args=[subscription.pk])
    assert subscription.secret in client.get(change).content.decode()
    secret = subscription.secret
    response = client.post(
        change,
        {
            "name": "CMS",
            "url": "https://cms.example.kz/hooks/v2",
            "events": ["article.updated"],
            "secret": "attacker-chosen",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.secret == secret
    assert (subscription.url, subscription.events) == (
        "https://cms.example.kz/hooks/v2", ["article.updated"],
    )  # fmt: skip
    assert (
        "CMS"
        in client.get(reverse("admin:integrations_webhooksubscription_changelist")).content.decode()
    )


@pytest.mark.parametrize(
    "url", ["ftp://files.example.kz/hook", "javascript:alert(1)", "file:///etc/passwd", "//x"]
)
def test_admin_refuses_non_http_urls(client, admin_user_, url):
    client.force_login(admin_user_)
    response = client.post(
        reverse("admin:integrations_webhooksubscription_add"),
        {"name": "bad", "url": url, "events": ["article.updated"], "is_active": "on"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["url"]
    assert not WebhookSubscription.objects.exists()


def test_admin_refuses_unknown_events(client, admin_user_):
    client.force_login(admin_user_)
    response = client.post(
        reverse("admin:integrations_webhooksubscription_add"),
        {"name": "x", "url": "https://x.example.kz/", "events": ["article.deleted"]},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["events"]


def test_a_subscription_with_a_bad_url_is_not_called(subscribe):
    subscription = subscribe("ftp://files.example.kz/hook", ["import.finished"])
    [delivery] = webhook_event_emit(event="import.finished", data={"id": 7})
    webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "http" in delivery.last_error
    assert subscription.deliveries.get().log.count() == 1


# -- the receivers' helper -----------------------------------------------------------------


def test_verify_accepts_only_an_untampered_recent_signature():
    secret, body, t = "s3cret", b'{"event":"article.published"}', 1_760_000_000
    header = webhook_signature(secret, t, body)
    assert header.startswith(f"t={t},v1=")
    assert webhook_verify(secret, header, body, now=t)
    assert webhook_verify(secret, header, body.decode(), now=t + 299)
    assert not webhook_verify(secret, header, body + b" ", now=t)
    assert not webhook_verify(secret, header, b'{"event":"article.updated"}', now=t)
    assert not webhook_verify("other", header, body, now=t)
    assert not webhook_verify(secret, header, body, now=t + 301)  # replayed later
    assert not webhook_verify(secret, header, body, now=t - 301)  # from the future
    assert webhook_verify(secret, header, body, tolerance=3600, now=t + 301)
    # A re-stamped replay: the timestamp is signed, so changing it breaks the signature.
    digest = header.split("v1=")[1]
    assert not webhook_verify(secret, f"t={t + 500},v1={digest}", body, now=t + 500)
    # Secret rotation: any of several v1 signatures may match.
    assert webhook_verify(secret, f"t={t},v1={'0' * 64},v1={digest}", body, now=t)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "t=abc,v1=00",
        "v1=00",
        "t=1760000000",
        "t=1760000000,v1=",
        "t=1760000000,v1=ж",
        "garbage",
    ],
)
def test_verify_rejects_malformed_headers_without_raising(header):
    assert not webhook_verify("s3cret", header, b"{}", now=1_760_000_000)


def test_body_bytes_are_deterministic():
    payload = {"event": "x", "data": {"b": 1, "a": "Қазақстан"}}
    assert webhook_body(payload) == '{"data":{"a":"Қазақстан","b":1},"event":"x"}'.encode()
    assert WebhookEvent.values == [
        "article.published", "article.updated", "translation.approved", "import.finished",
    ]  # fmt: skip

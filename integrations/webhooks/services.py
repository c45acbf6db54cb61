"""Webhooks: build an event's payload, queue one delivery per subscription, send it signed, log
every attempt, retry with backoff, redeliver on request.

The request (see ``docs/api.md``)::

    POST <subscription URL>
    Content-Type: application/json
    User-Agent: kzeditor-webhooks/1
    X-Kzeditor-Event: article.published
    X-Kzeditor-Delivery: <event id, a UUID; the same on every redelivery>
    X-Kzeditor-Timestamp: <unix seconds of this attempt>
    X-Kzeditor-Signature: t=<the same seconds>,v1=<hex HMAC-SHA256(secret, f"{t}." + body)>

    {"data":{…},"event":"article.published","event_id":"<uuid>","occurred_at":"<ISO 8601 Z>"}

The body is UTF-8 JSON with sorted keys and no whitespace, made from the payload stored with the
delivery, so every attempt and every redelivery sends the same bytes (only the timestamp and
the signature change). Delivery is at least once: receivers de-duplicate on the event id.

A 2xx answer is success. Anything else (another status, a redirect, which is not followed, a
timeout, a refused connection) is logged as a ``WebhookAttempt`` and retried after
``KZEDITOR_WEBHOOK_RETRY_DELAYS`` (seconds, with up to 10 % jitter); when they are used up the
delivery is ``failed``. Near retries are scheduled by the task itself; later ones, and every
retry in eager mode, are re-queued by ``webhooks_retry_due`` (beat, every minute).
"""

from __future__ import annotations

import codecs
import json
import logging
import random
import secrets
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from integrations.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from integrations.webhooks.signing import webhook_signature, webhook_verify

if TYPE_CHECKING:
    from articles.models import Article, ImportBatch, Translation

__all__ = [
    "WebhookUrlUnresolved",
    "webhook_article_data",
    "webhook_body",
    "webhook_deliver",
    "webhook_event_emit",
    "webhook_headers",
    "webhook_import_data",
    "webhook_redeliver",
    "webhook_retry_enqueue",
    "webhook_secret_generate",
    "webhook_signature",
    "webhook_translation_data",
    "webhook_url_check",
    "webhook_verify",
    "webhooks_retry_due",
]

logger = logging.getLogger(__name__)

USER_AGENT = "kzeditor-webhooks/1"
ALLOWED_SCHEMES = frozenset({"http", "https"})
RESPONSE_EXCERPT_CHARS = 500
# Only the start of a receiver's answer is read: the log keeps an excerpt, not the body.
RESPONSE_READ_BYTES = 4096
ERROR_CHARS = 1000
OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
# A delivery still pending this long after it was made lost its task (the broker was down):
# the sweep queues it again.
LOST_AFTER = timedelta(minutes=5)
SWEEP_BATCH = 500


# -- subscriptions ---------------------------------------------------------------------------


def webhook_secret_generate() -> str:
    """A new signing secret (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


class WebhookUrlUnresolved(ValueError):
    """The URL's host name did not resolve (now): worth trying again later."""


def _address_is_public(address: IPv4Address | IPv6Address) -> bool:
    # An IPv4 address inside IPv6 (::ffff:a.b.c.d, 6to4, Teredo) is judged as that IPv4 address.
    if isinstance(address, IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if embedded is not None:
            return _address_is_public(embedded)
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def _host_addresses(host: str, port: int) -> list[IPv4Address | IPv6Address]:
    """Every address ``host`` resolves to now (an IP literal is itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise WebhookUrlUnresolved(
            _("The webhook host %(host)s could not be resolved: %(error)s")
            % {"host": host, "error": exc}
        ) from None
    # An IPv6 socket address may carry a zone ("fe80::1%eth0").
    return [ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def webhook_url_check(url: str) -> None:
    """Raise ``ValueError`` unless ``url`` is an absolute http(s) URL with a host.

    Unless ``KZEDITOR_WEBHOOK_ALLOW_PRIVATE`` (True in development and tests, False by default
    in production), the host must also resolve only to public addresses: no loopback, private,
    shared, link-local, multicast, reserved or unspecified address, IPv4 or IPv6 (an IPv4
    address inside IPv6 counts as that address), so a subscription cannot make the server post
    to itself or its internal network (SSRF). Checked when a subscription is saved and again
    before every attempt, because DNS can change; ``WebhookUrlUnresolved`` (a ``ValueError``)
    when the name does not resolve at all."""
    parts = urlsplit(url or "")
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.hostname:
        raise ValueError(_("A webhook URL must be an absolute http:// or https:// URL."))
    if getattr(settings, "KZEDITOR_WEBHOOK_ALLOW_PRIVATE", False):
        return
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise ValueError(_("The webhook URL has an invalid port.")) from None
    host = parts.hostname
    for address in _host_addresses(host, port):
        if not _address_is_public(address):
            raise ValueError(
                _(
                    "Refused: the webhook host %(host)s is (or resolves to) %(address)s, a "
                    "loopback, private or otherwise non-public address. Webhooks go to public "
                    "addresses only (setting KZEDITOR_WEBHOOK_ALLOW_PRIVATE)."
                )
                % {"host": host, "address": address}
            )


# -- payloads --------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _api_url(path: str) -> str:
    """``path`` under ``KZEDITOR_PUBLIC_URL`` (e.g. https://desk.example.kz) when that is set,
    else the bare path."""
    base = getattr(settings, "KZEDITOR_PUBLIC_URL", "") or ""
    return f"{base.rstrip('/')}{path}"


def webhook_article_data(*, article: Article, changed: list[str] | None = None) -> dict[str, Any]:
    """``data`` of ``article.published`` and ``article.updated`` (with ``changed``: the names of
    the fields the save changed)."""
    source = article.source if article.source_id else None
    data: dict[str, Any] = {
        "id": article.pk,
        "url": _api_url(f"/api/v1/articles/{article.pk}/"),
        "title": article.title,
        "language": article.language,
        "status": article.status,
        "version": article.version,
        "published_at": _iso(article.published_at),
        "source": {"id": source.pk, "name": source.name} if source else None,
    }
    if changed is not None:
        data["changed"] = sorted(changed)
    return data


def webhook_translation_data(*, translation: Translation) -> dict[str, Any]:
    """``data`` of ``translation.approved``."""
    return {
        "id": translation.pk,
        "article_id": translation.article_id,
        "language": translation.language,
        "status": translation.status,
        "version": translation.version,
        "url": _api_url(f"/api/v1/translations/{translation.pk}/"),
    }


def webhook_import_data(*, batch: ImportBatch) -> dict[str, Any]:
    """``data`` of ``import.finished``."""
    return {
        "id": batch.pk,
        "channel": batch.channel,
        "imported": batch.imported_count,
        "duplicates": batch.duplicate_count,
        "failed": batch.failed_count,
        "url": _api_url(f"/api/v1/imports/{batch.pk}/"),
    }


def webhook_body(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent for ``payload``: deterministic, so a redelivery signs the same."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# -- emitting --------------------------------------------------------------------------------


def webhook_event_emit(*, event: str, data: dict[str, Any]) -> list[WebhookDelivery]:
    """One delivery of ``event`` per active subscription that lists it (a subscription listing
    no events receives none), all under one event id; each is queued once this commits."""
    event = str(event)
    if event not in WebhookEvent.values:
        raise ValueError(f"Unknown webhook event {event!r}.")
    subscriptions = [
        subscription
        for subscription in WebhookSubscription.objects.filter(is_active=True).only("id", "events")
        if isinstance(subscription.events, list) and event in subscription.events
    ]
    if not subscriptions:
        return []
    event_id = uuid.uuid4()
    payload = {
        "event": event,
        "event_id": str(event_id),
        "occurred_at": _iso(timezone.now()),
        "data": data,
    }
    webhook_body(payload)  # not serialisable → fail here, in the caller, not in every attempt
    with transaction.atomic():
        deliveries = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(subscription=s, event_id=event_id, event=event, payload=payload)
            for s in subscriptions
        )
        ids = [delivery.pk for delivery in deliveries]
        transaction.on_commit(lambda: _enqueue_all(ids))
    return deliveries


def _enqueue_all(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        _enqueue(delivery_id)


def _enqueue(delivery_id: int, *, eta: datetime | None = None) -> None:
    from integrations.webhooks.tasks import deliver_webhook

    try:
        if eta is None:
            deliver_webhook.delay(delivery_id)
        else:
            deliver_webhook.apply_async((delivery_id,), eta=eta)
    except Exception:  # broker down: the delivery stays open and webhooks_retry_due queues it
        logger.exception("Could not queue webhook delivery %s; the sweep will", delivery_id)


# -- delivering ------------------------------------------------------------------------------


@dataclass
class _Outcome:
    status_code: int | None = None
    error: str = ""
    excerpt: str = ""
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def webhook_headers(*, delivery: WebhookDelivery, body: bytes, timestamp: int) -> dict[str, str]:
    """The headers of one attempt: the signature covers ``timestamp`` and ``body``."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Kzeditor-Event": delivery.event,
        "X-Kzeditor-Delivery": str(delivery.event_id),
        "X-Kzeditor-Timestamp": str(timestamp),
        "X-Kzeditor-Signature": webhook_signature(delivery.subscription.secret, timestamp, body),
    }


def _clean(text: str, limit: int) -> str:
    # PostgreSQL text cannot hold NUL.
    return text.replace("\x00", "")[:limit]


def _decode(data: bytes, encoding: str | None) -> str:
    try:
        codecs.lookup(encoding or "utf-8")
    except LookupError:
        encoding = "utf-8"
    return data.decode(encoding or "utf-8", errors="replace")


def _post(url: str, body: bytes, headers: dict[str, str]) -> _Outcome:
    timeout = settings.KZEDITOR_WEBHOOK_TIMEOUT
    outcome = _Outcome()
    started = time.monotonic()
    try:
        with requests.post(
            url, data=body, headers=headers, timeout=timeout, allow_redirects=False, stream=True
        ) as response:
            outcome.status_code = response.status_code
            start = b""
            for chunk in response.iter_content(chunk_size=1024):
                start += chunk
                if len(start) >= RESPONSE_READ_BYTES:
                    break
            outcome.excerpt = _clean(_decode(start, response.encoding), RESPONSE_EXCERPT_CHARS)
            if not outcome.ok:
                outcome.error = f"HTTP {response.status_code}"
                if response.is_redirect:
                    outcome.error += " " + _("(redirects are not followed)")
    except requests.Timeout:
        outcome.error = _("Timed out after %(seconds)s s.") % {"seconds": f"{timeout:g}"}
    except (requests.RequestException, ValueError) as exc:
        outcome.error = f"{type(exc).__name__}: {exc}"
    outcome.error = _clean(outcome.error, ERROR_CHARS)
    outcome.duration_ms = max(0, round((time.monotonic() - started) * 1000))
    return outcome


def _unix_now() -> int:
    return int(time.time())


def _retry_delay(attempt: int) -> timedelta | None:
    """How long after failed attempt number ``attempt`` (1-based) to try again; None: give up."""
    delays = list(settings.KZEDITOR_WEBHOOK_RETRY_DELAYS)
    if attempt > len(delays):
        return None
    base = float(delays[attempt - 1])
    return timedelta(seconds=base + base * 0.1 * random.random())  # noqa: S311 - jitter


def _lease() -> timedelta:
    """How long a claimed delivery is left to its worker: longer than any task may run, so a
    worker that died mid-request is retried by the sweep afterwards, never concurrently."""
    return timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 180) + 60)


def webhook_deliver(*, delivery_id: int) -> WebhookDelivery | None:
    """Make one attempt of an open (pending or retrying) delivery that is due, and record it.

    Returns the delivery (``None`` when it was deleted) with ``attempt_made``: the
    ``WebhookAttempt`` this call logged, or ``None`` when there was nothing to do (delivered,
    failed, not due yet, or another worker is sending it). Safe to call twice: the attempt is
    claimed with one conditional UPDATE first."""
    now = timezone.now()
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id, status__in=OPEN_STATUSES)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(attempts=F("attempts") + 1, next_attempt_at=now + _lease())
    )
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None:
        return None
    delivery.attempt_made = None
    if not claimed:
        return delivery

    subscription = delivery.subscription
    number = (delivery.log.aggregate(last=Max("number"))["last"] or 0) + 1
    outcome = _Outcome()
    final = False
    if delivery.attempts > len(settings.KZEDITOR_WEBHOOK_RETRY_DELAYS) + 1:
        # Earlier claims ended without a result (their worker died every time): stop here.
        outcome.error, final = _("Gave up: earlier attempts ended without a result."), True
    elif not subscription.is_active:
        outcome.error, final = _("The subscription is inactive."), True
    else:
        try:
            webhook_url_check(subscription.url)
        except WebhookUrlUnresolved as exc:  # DNS may answer later: retried
            outcome.error = str(exc)
        except ValueError as exc:  # not http(s), or a refused (non-public) address: no retry
            outcome.error, final = str(exc), True
    if not outcome.error:
        body = webhook_body(delivery.payload)
        timestamp = _unix_now()
        headers = webhook_headers(delivery=delivery, body=body, timestamp=timestamp)
        outcome = _post(subscription.url, body, headers)

    attempt = WebhookAttempt.objects.create(
        delivery=delivery,
        number=number,
        status_code=outcome.status_code,
        error=outcome.error,
        response_excerpt=outcome.excerpt,
        duration_ms=outcome.duration_ms,
    )
    done = timezone.now()
    changes: dict[str, Any] = {
        "last_status_code": outcome.status_code,
        "last_error": outcome.error,
        "next_attempt_at": None,
    }
    if outcome.ok:
        changes.update(status=DeliveryStatus.SUCCEEDED, delivered_at=done)
    else:
        delay = None if final else _retry_delay(delivery.attempts)
        if delay is None:
            changes["status"] = DeliveryStatus.FAILED
        else:
            changes.update(status=DeliveryStatus.RETRYING, next_attempt_at=done + delay)
    # A newer claim (our lease ran out) owns the delivery's state now; our attempt stays logged.
    WebhookDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(**changes)
    for name, value in changes.items():
        setattr(delivery, name, value)
    delivery.attempt_made = attempt
    if not outcome.ok:
        logger.info(
            "Webhook delivery %s attempt %s to %s failed: %s",
            delivery.pk,
            number,
            subscription.url,
            outcome.error,
        )
    return delivery


def webhook_retry_enqueue(*, delivery: WebhookDelivery) -> bool:
    """Queue the next attempt of a retrying delivery for its ``next_attempt_at``, if that is
    near. A later one is left to ``webhooks_retry_due``: a Redis broker hands an unacknowledged
    message out again after its visibility timeout, so long ETAs would multiply."""
    if delivery.status != DeliveryStatus.RETRYING or delivery.next_attempt_at is None:
        return False
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    horizon = timedelta(seconds=options.get("visibility_timeout", 3600) / 2)
    if delivery.next_attempt_at - timezone.now() >= horizon:
        return False
    _enqueue(delivery.pk, eta=delivery.next_attempt_at)
    return True


def webhook_redeliver(*, delivery_id: int) -> WebhookDelivery:
    """Send a delivery again, whatever its state: the same event id and body, a fresh
    timestamp and signature, and a fresh set of retries (its earlier attempts stay in the log).
    Raises ``WebhookDelivery.DoesNotExist``."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = None
        delivery.delivered_at = None
        delivery.save(update_fields=["status", "attempts", "next_attempt_at", "delivered_at"])
        transaction.on_commit(lambda: _enqueue(delivery_id))
    return delivery


def webhooks_retry_due(*, limit: int = SWEEP_BATCH) -> int:
    """Queue open deliveries that are due: retries whose time has come, attempts whose worker
    died (lease over), and deliveries whose task was never queued. Safe at any time: a
    delivery is sent by whoever claims it first. Returns how many were queued."""
    now = timezone.now()
    due = (
        WebhookDelivery.objects.filter(status__in=OPEN_STATUSES)
        .filter(
            Q(next_attempt_at__lte=now)
            | Q(next_attempt_at__isnull=True, created_at__lte=now - LOST_AFTER)
        )
        .order_by(F("next_attempt_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(due)
    for delivery_id in ids:
        _enqueue(delivery_id)
    return len(ids)

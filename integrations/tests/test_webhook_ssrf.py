"""Webhooks go to public addresses only unless KZEDITOR_WEBHOOK_ALLOW_PRIVATE (SSRF guard): the
admin refuses such a URL when the subscription is saved, and a delivery refuses it again before
each attempt (DNS can change), recording why and sending nothing. Host names are resolved
through a patched ``socket.getaddrinfo``, so no test depends on real DNS."""

from __future__ import annotations

import socket

import pytest
from django.test import override_settings
from django.urls import reverse

from integrations.models import DeliveryStatus, WebhookSubscription
from integrations.webhooks.services import (
    WebhookUrlUnresolved,
    webhook_deliver,
    webhook_event_emit,
    webhook_url_check,
)

pytestmark = pytest.mark.django_db

PUBLIC = "93.184.216.34"
REFUSED_ADDRESSES = [
    "127.0.0.1",  # loopback
    "127.8.9.10",
    "10.1.2.3",  # private
    "172.16.0.5",
    "192.168.1.1",
    "100.64.0.1",  # shared (carrier-grade NAT)
    "169.254.169.254",  # link-local: cloud metadata
    "0.0.0.0",  # unspecified
    "224.0.0.1",  # multicast
    "240.0.0.1",  # reserved
    "::1",  # IPv6 loopback
    "::",  # IPv6 unspecified
    "fc00::1",  # unique local
    "fe80::1",  # link-local
    "ff02::1",  # multicast
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "2002:a00:1::",  # 6to4 around 10.0.0.1
]


def _fake_dns(monkeypatch, answers: dict[str, list[str]]) -> list[str]:
    """Host names resolve to ``answers``; IP literals to themselves. Returns the names asked."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        asked.append(host)
        if host not in answers:
            return real(host, port, *args, **kwargs)
        if not answers[host]:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (address, port, 0, 0) if ":" in address else (address, port),
            )
            for address in answers[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


@override_settings(KZEDITOR_WEBHOOK_ALLOW_PRIVATE=False)
@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_non_public_ip_literals_are_refused(address):
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(ValueError, match="non-public address"):
        webhook_url_check(f"https://{host}/hook")


@override_settings(KZEDITOR_WEBHOOK_ALLOW_PRIVATE=False)
def test_a_public_address_and_a_name_resolving_to_one_are_accepted(monkeypatch):
    asked = _fake_dns(monkeypatch, {"cms.example.kz": [PUBLIC, "2606:2800:220:1::1"]})
    webhook_url_check(f"http://{PUBLIC}:8080/hook")
    webhook_url_check("https://cms.example.kz/hooks/kzeditor")
    assert "cms.example.kz" in asked


@override_settings(KZEDITOR_WEBHOOK_ALLOW_PRIVATE=False)
@pytest.mark.parametrize(
    ("name", "addresses"),
    [
        ("localhost", ["127.0.0.1"]),
        ("metadata.internal.example", ["169.254.169.254"]),
        # One private answer among public ones is enough to refuse.
        ("mixed.example.kz", [PUBLIC, "10.0.0.7"]),
        ("v6.example.kz", ["::ffff:192.168.0.1"]),
    ],
)
def test_names_resolving_to_non_public_addresses_are_refused(monkeypatch, name, addresses):
    _fake_dns(monkeypatch, {name: addresses})
    with pytest.raises(ValueError, match="non-public address") as refused:
        webhook_url_check(f"https://{name}/hook")
    assert not isinstance(refused.value, WebhookUrlUnresolved)
    assert name in str(refused.value)


@override_settings(KZEDITOR_WEBHOOK_ALLOW_PRIVATE=False)
def test_a_name_that_does_not_resolve_is_refused_as_unresolved(monkeypatch):
    _fake_dns(monkeypatch, {"gone.example.kz": []})
    with pytest.raises(WebhookUrlUnresolved, match="could not be resolved"):
        webhook_url_check("https://gone.example.kz/hook")


@override_settings(KZEDITOR_WEBHOOK_ALLOW_PRIVATE=True)
def test_allowing_private_addresses_skips_the_address_check(monkeypatch):
    asked = _fake_dns(monkeypatch, {})
    webhook_url_check("http://127.0.0.1:8001/hook")
    webhook_url_check("http://localhost/hook")
    assert asked == []  # nothing is resolved
    with pytest.raises(ValueError, match="absolute http"):
        webhook_url_check("ftp://127.0.0.1/hook")  # the scheme is still checked


def test_the_setting_is_on_in_tests():
    # Tests post to 127.0.0.1; production's default (False) is checked in test_deploy_check.py.
    from django.conf import settings

    assert settings.KZEDITOR_WEBHOOK_ALLOW_PRIVATE is True


# -- when a subscription is saved (the admin) --------------------------------------------------


@override_settings(KZEDITOR_WEBHOOK_ALLOW_PRIVATE=False)
@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8001/hook", "http://[::1]/hook", "https://intranet.example.kz/hook"],
)
def test_the_admin_refuses_a_non_public_url(client, admin_user_, monkeypatch, url):
    _fake_dns(monkeypatch, {"intranet.example.kz": ["192.168.10.20"]})
    client.force_login(admin_user_)
    response = client.post(
        reverse("admin:integrations_webhooksubscription_add"),
        {"name": "internal", "url": url, "events": ["article.updated"], "is_active": "on"},
    )
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["url"]
    assert "non-public address" in error
    assert not WebhookSubscription.objects.exists()


@override_settings(KZEDITOR_WEBHOOK_ALLOW_PRIVATE=False)
def test_the_admin_saves_a_public_url(client, admin_user_, monkeypatch):
    _fake_dns(monkeypatch, {"cms.example.kz": [PUBLIC]})
    client.force_login(admin_user_)
    response = client.post(
        reverse("admin:integrations_webhooksubscription_add"),
        {
            "name": "CMS",
            "url": "https://cms.example.kz/hooks",
            "events": ["article.updated"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert WebhookSubscription.objects.get().url == "https://cms.example.kz/hooks"


# -- when a delivery is sent -------------------------------------------------------------------


@pytest.fixture
def receiver(httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_data("thanks")
    return httpserver


def _deliver_once(subscribe, url: str):
    subscribe(url, ["import.finished"])
    [delivery] = webhook_event_emit(event="import.finished", data={"id": 7})
    return webhook_deliver(delivery_id=delivery.pk)


def test_a_delivery_to_a_private_address_is_refused_and_nothing_is_sent(
    receiver, subscribe, settings
):
    # Saved while private addresses were allowed (or before DNS changed); refused at send time.
    url = receiver.url_for("/hook")  # http://localhost:<port>/hook
    settings.KZEDITOR_WEBHOOK_ALLOW_PRIVATE = False
    delivery = _deliver_once(subscribe, url)

    assert receiver.log == []  # no request was made
    assert delivery.status == DeliveryStatus.FAILED  # refused for good: no retries
    attempt = delivery.attempt_made
    assert attempt.status_code is None
    assert "non-public address" in attempt.error
    delivery.refresh_from_db()
    assert "non-public address" in delivery.last_error


def test_a_name_rebound_to_a_private_address_is_refused_at_send_time(
    receiver, subscribe, settings, monkeypatch
):
    settings.KZEDITOR_WEBHOOK_ALLOW_PRIVATE = False
    answers = {"cms.example.kz": [PUBLIC]}
    _fake_dns(monkeypatch, answers)
    subscribe("http://cms.example.kz/hook", ["import.finished"])
    answers["cms.example.kz"] = ["127.0.0.1"]  # the name now points inside
    [delivery] = webhook_event_emit(event="import.finished", data={"id": 7})
    delivery = webhook_deliver(delivery_id=delivery.pk)

    assert receiver.log == []
    assert delivery.status == DeliveryStatus.FAILED
    assert "127.0.0.1" in delivery.attempt_made.error


def test_an_unresolvable_host_at_send_time_is_retried_not_failed(subscribe, settings, monkeypatch):
    settings.KZEDITOR_WEBHOOK_ALLOW_PRIVATE = False
    _fake_dns(monkeypatch, {"cms.example.kz": []})
    delivery = _deliver_once(subscribe, "https://cms.example.kz/hook")

    assert delivery.status == DeliveryStatus.RETRYING
    assert "could not be resolved" in delivery.attempt_made.error


def test_with_private_addresses_allowed_the_delivery_is_sent(receiver, subscribe, settings):
    settings.KZEDITOR_WEBHOOK_ALLOW_PRIVATE = True
    delivery = _deliver_once(subscribe, receiver.url_for("/hook"))

    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert len(receiver.log) == 1

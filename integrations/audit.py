"""The integration records the audit log follows (see ``articles.audit``): API keys (issued,
renamed, scopes, revoked) and webhook subscriptions. Never the key's hash or the webhook's
signing secret; the last use of a key is bookkeeping."""

from __future__ import annotations

from auditlog.registry import auditlog

from articles.audit import MASK_CALLABLE


def audit_register_integrations() -> None:
    from integrations.models import ApiKey, WebhookSubscription

    # ``id`` is "prefix.hash": the prefix (``prefix``) is enough to name the key.
    auditlog.register(ApiKey, exclude_fields=["id", "hashed_key", "last_used_at", "created"])
    auditlog.register(
        WebhookSubscription,
        exclude_fields=["created_at"],
        mask_fields=["secret"],
        mask_callable=MASK_CALLABLE,
    )

"""API keys: issue, revoke, and record use. Called by the admin, ``create_api_token`` and the
authentication class alike."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.audit import audit_log_change
from integrations.models import ApiKey

# A key used again within this window is not written again: one UPDATE a minute per key, not
# one per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyError(ValueError):
    pass


def api_key_create(
    *,
    user: AbstractBaseUser,
    name: str,
    read: bool = True,
    write: bool = False,
    import_: bool = False,
    expires_at: datetime | None = None,
    created_by: AbstractBaseUser | None = None,
) -> tuple[ApiKey, str]:
    """A new key for ``user`` with these scopes. Returns the key record and the key itself,
    which is not stored and cannot be shown again."""
    if not user.is_active:
        raise ApiKeyError(_("%(user)s is not an active user.") % {"user": user.get_username()})
    if not (read or write or import_):
        raise ApiKeyError(_("A key needs at least one scope: read, write or import."))
    name = " ".join(name.split())
    if not name:
        raise ApiKeyError(_("Name the key after the integration that will use it."))
    return ApiKey.objects.create_key(
        user=user,
        name=name[:50],
        scope_read=read,
        scope_write=write,
        scope_import=import_,
        expiry_date=expires_at,
        created_by=created_by,
    )


def api_key_revoke(*, api_key: ApiKey) -> None:
    """Revoke a key for good (a revoked key cannot be un-revoked; issue a new one)."""
    ApiKey.objects.filter(pk=api_key.pk).update(revoked=True)
    # Audit (an update() sends no model signal): the revocation is in the audit log.
    if not api_key.revoked:
        audit_log_change(instance=api_key, changes={"revoked": [False, True]})


def api_key_touch(*, api_key: ApiKey, now: datetime | None = None) -> None:
    now = now or timezone.now()
    if api_key.last_used_at and now - api_key.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now

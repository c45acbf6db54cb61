"""``Authorization: Bearer <key>`` for integrations. The request acts as the key's user."""

from __future__ import annotations

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.throttling import SimpleRateThrottle

from articles.audit import audit_actor_set
from integrations.keys import api_key_touch
from integrations.models import ApiKey


class FailedKeyThrottle(SimpleRateThrottle):
    """Guessing keys: an address that sent too many invalid keys is refused (429) for a while,
    before its next key is even looked up."""

    scope = "failed_keys"

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def blocked(self, request) -> bool:
        self.key = self.get_cache_key(request)
        self.history = cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return len(self.history) >= self.num_requests

    def record_failure(self) -> None:
        self.history.insert(0, self.now)
        cache.set(self.key, self.history, self.duration)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # not ours: the session may authenticate the request
        throttle = FailedKeyThrottle()
        if throttle.blocked(request):
            raise exceptions.Throttled(throttle.wait())
        try:
            return self._authenticate(header)
        except exceptions.AuthenticationFailed:
            throttle.record_failure()
            raise

    def _authenticate(self, header: list[bytes]):
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the key as «Authorization: Bearer <key>», with no spaces in the key.")
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The API key is not valid.")) from None
        try:
            api_key = ApiKey.objects.get_from_key(key)
        except ApiKey.DoesNotExist:
            raise exceptions.AuthenticationFailed(
                _("The API key is not valid, or has been revoked.")
            ) from None
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed(_("The API key has expired."))
        if not api_key.user.is_active:
            raise exceptions.AuthenticationFailed(_("The key's user is deactivated."))
        api_key_touch(api_key=api_key)
        # The audit middleware ran before this (DRF authenticates inside the view), when the
        # request had no user yet: the key's user is the actor of what the request changes.
        audit_actor_set(api_key.user)
        return api_key.user, api_key

    def authenticate_header(self, request) -> str:
        # A 401 (not 403) for a missing or bad key, with the scheme to use.
        return f'{self.keyword} realm="api"'

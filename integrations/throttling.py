"""Throttling per API key and per user (so two keys of one integration are counted apart, and
a browser session has its own budget). Invalid keys are throttled per address in
``integrations.authentication``."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from integrations.permissions import api_key_of


class ClientRateThrottle(SimpleRateThrottle):
    scope = "client"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        api_key = api_key_of(request)
        ident = f"key:{api_key.prefix}" if api_key else f"user:{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ImportRateThrottle(ClientRateThrottle):
    """Imports are heavier than reads: their own, smaller budget."""

    scope = "imports"

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        return super().allow_request(request, view)

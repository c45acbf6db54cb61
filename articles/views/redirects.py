"""Where a form sends the browser back to: the page it came from, never another site."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request: HttpRequest, candidate: str | None = None) -> str:
    """``candidate`` (by default the POSTed ``next``) when it is a URL on this site, else ""."""
    if candidate is None:
        candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""

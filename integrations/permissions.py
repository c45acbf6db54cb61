"""What a request may do: the user's role and object rules (checked by each view through the
same functions the browser uses), narrowed by the API key's scopes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from integrations.models import ApiKey


def key_scope_needed(request, view) -> str:
    """``read`` for safe methods, ``write`` otherwise; a view may name another scope for some
    methods (``scope_by_method = {"POST": "import"}``)."""
    by_method = getattr(view, "scope_by_method", {})
    if request.method in by_method:
        return by_method[request.method]
    return "read" if request.method in SAFE_METHODS else "write"


class KeyScopes(BasePermission):
    """A session (the browser) has every scope its user's role allows; a key only those it was
    given. The role and object checks come after, in the view."""

    def has_permission(self, request, view) -> bool:
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return True
        needed = key_scope_needed(request, view)
        if needed in api_key.scopes:
            return True
        # A read-only key reads what an import-only key pushed: the import scope includes
        # reading its jobs (the view says so by allowing "import" for GET).
        also = getattr(view, "scope_also_allows", {}).get(request.method, ())
        if any(scope in api_key.scopes for scope in also):
            return True
        self.message = _("This API key lacks the «%(scope)s» scope.") % {"scope": needed}
        return False


def api_key_of(request) -> ApiKey | None:
    return request.auth if isinstance(request.auth, ApiKey) else None

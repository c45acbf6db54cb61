"""Conditional requests: an ``ETag`` on every detail response, and ``If-Match`` required on
every change (412 when the resource moved on, 428 when the header is missing). The ETag carries
the record's version, so this is the same optimistic lock the browser's edit forms use:

    GET  /api/v1/articles/7/        → ETag: "article-7-v3"
    PATCH /api/v1/articles/7/  If-Match: "article-7-v3"   → 200, ETag: "article-7-v4"
    PATCH /api/v1/articles/7/  If-Match: "article-7-v3"   → 412 (someone saved v4 meanwhile)
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from rest_framework.response import Response

from integrations.exceptions import PreconditionFailed, PreconditionRequired

_TAG = re.compile(r'^(W/)?"([^"]*)"$')


def etag(kind: str, pk: int, token: str | int) -> str:
    return f'"{kind}-{pk}-v{token}"'


def with_etag(response: Response, kind: str, pk: int, token: str | int) -> Response:
    response["ETag"] = etag(kind, pk, token)
    return response


def if_match_token(request, *, kind: str, pk: int) -> str | None:
    """The version token the client says it changed, from ``If-Match``.

    Missing → 428. ``*`` → None (any current version: the caller uses the current one).
    A tag for another resource, a weak tag or garbage → 412 (it cannot match)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired(
            _("Send If-Match with the ETag from your last GET of this resource.")
        )
    if header == "*":
        return None
    prefix = f"{kind}-{pk}-v"
    for candidate in (part.strip() for part in header.split(",")):
        match = _TAG.match(candidate)
        if not match or match.group(1):  # If-Match uses strong comparison: W/ never matches
            continue
        value = match.group(2)
        if value.startswith(prefix) and value[len(prefix) :]:
            return value[len(prefix) :]
    raise PreconditionFailed(
        _("If-Match %(header)s does not match this resource; fetch it again.")
        % {"header": header[:100]}
    )


def if_match_version(request, *, kind: str, pk: int, current: int) -> int:
    """``if_match_token`` for records with an integer version: the version to expect."""
    token = if_match_token(request, kind=kind, pk=pk)
    if token is None:
        return current
    if not token.isdigit():
        raise PreconditionFailed(_("The resource changed since you read it; fetch it again."))
    return int(token)

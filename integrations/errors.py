"""One error format for the whole API: RFC 9457 problem details (``application/problem+json``).

    {"type": "urn:kzeditor:problem:validation", "title": "Invalid input", "status": 400,
     "detail": "…", "instance": "/api/v1/articles/", "code": "validation",
     "errors": [{"field": "title", "message": "This field is required.", "code": "required"}]}

The services' own errors (a stale version, a duplicate text, a step the role cannot take) map
to their HTTP meaning here, so views stay thin. Written here rather than with drf-problems
(unmaintained since 2022, RFC 7807) or drf-standardized-errors (its own, non-RFC shape)."""

from __future__ import annotations

import logging
import sys

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFilesSent
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import set_rollback

from integrations.exceptions import Conflict, PayloadTooLarge, PreconditionFailed

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


TITLES = {
    400: "Invalid input",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    413: "Payload too large",
    415: "Unsupported media type",
    428: "Precondition required",
    429: "Too many requests",
    500: "Server error",
    503: "Service unavailable",
}


def problem(
    *,
    status_code: int,
    code: str,
    detail: str,
    instance: str = "",
    errors: list[dict] | None = None,
    **extra,
) -> dict:
    body = {
        "type": f"urn:kzeditor:problem:{code}",
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
        "instance": instance,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return body


class ProblemResponse(Response):
    """Always JSON, whatever renderer the view negotiated (the schema view's YAML, the docs
    pages' HTML): a problem is application/problem+json everywhere."""

    @property
    def rendered_content(self):
        self.accepted_renderer = JSONRenderer()
        self.accepted_media_type = PROBLEM_CONTENT_TYPE
        self.renderer_context = getattr(self, "renderer_context", None) or {}
        return super().rendered_content


def problem_response(status_code: int, body: dict, headers: dict | None = None) -> Response:
    return ProblemResponse(
        body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE
    )


def field_errors(detail, prefix: str = "") -> list[dict]:
    """DRF's nested validation detail as a flat list of {field, message, code}."""
    out: list[dict] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            out.extend(
                field_errors(value, f"{prefix}.{name}" if prefix and name else prefix or name)
            )
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            for item in detail:
                out.append(
                    {
                        "field": prefix,
                        "message": force_str(item),
                        "code": getattr(item, "code", "invalid"),
                    }
                )
        else:
            for index, item in enumerate(detail):
                out.extend(field_errors(item, f"{prefix}[{index}]"))
    else:
        out.append(
            {
                "field": prefix,
                "message": force_str(detail),
                "code": getattr(detail, "code", "invalid"),
            }
        )
    return out


def _service_exception(exc: Exception) -> exceptions.APIException | None:
    """The domain's errors as API exceptions (imported lazily: the apps import this module)."""
    from articles.services import ArticleVersionConflict, DuplicateArticleError
    from articles.translations.services import (
        SegmentVersionConflict,
        TranslationPermissionDenied,
        TranslationVersionConflict,
    )
    from articles.workflow import StepNotAllowed, WorkflowError

    if isinstance(
        exc, ArticleVersionConflict | TranslationVersionConflict | SegmentVersionConflict
    ):
        return PreconditionFailed(str(exc) or PreconditionFailed.default_detail)
    if isinstance(exc, DuplicateArticleError):
        conflict = Conflict(str(exc))
        existing = getattr(exc, "existing", None)
        conflict.extra = {"existing_id": existing.pk} if existing is not None else {}
        return conflict
    if isinstance(exc, StepNotAllowed | TranslationPermissionDenied):
        return exceptions.PermissionDenied(str(exc))
    if isinstance(exc, WorkflowError):
        return Conflict(str(exc))
    if isinstance(exc, ValueError):
        # The services' validation errors (an empty title, an unknown language, a curation
        # refusal) are ValueErrors whose message is written for the user.
        return exceptions.ValidationError({"non_field_errors": [str(exc)]})
    if isinstance(exc, IntegrityError):
        return Conflict(_("The change conflicts with existing data."))
    return None


def _as_api_exception(exc: Exception) -> exceptions.APIException | None:
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, RequestDataTooBig | TooManyFilesSent):
        return PayloadTooLarge(str(exc) or PayloadTooLarge.default_detail)
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError(str(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound(_("Not found."))
    mapped = _service_exception(exc)
    if mapped is not None:
        return mapped
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    return None


def problem_exception_handler(exc: Exception, context: dict) -> Response | None:
    request = context.get("request")
    instance = request.path if request is not None else ""
    exc = _as_api_exception(exc)
    if exc is None:
        return None  # a real server error: ApiProblemMiddleware logs it and answers 500

    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()

    if isinstance(exc, exceptions.ValidationError):
        errors = field_errors(exc.detail)
        detail = (
            errors[0]["message"]
            if len(errors) == 1
            else _("%(count)d fields are invalid.") % {"count": len(errors)}
        )
        if len(errors) > 1 and all(e["field"] == "" for e in errors):
            detail = "; ".join(e["message"] for e in errors)
        body = problem(
            status_code=400, code="validation", detail=detail, instance=instance, errors=errors
        )
        return problem_response(400, body, headers)

    detail = exc.detail
    if isinstance(detail, dict | list):
        errors = field_errors(detail)
        message = "; ".join(e["message"] for e in errors)
    else:
        errors = None
        message = force_str(detail)
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    body = problem(
        status_code=exc.status_code,
        code=str(code),
        detail=message,
        instance=instance,
        errors=errors,
        **getattr(exc, "extra", {}),
    )
    return problem_response(exc.status_code, body, headers)


def json_problem(request, status_code: int, code: str, detail: str) -> JsonResponse:
    """A problem response outside DRF (unknown API URLs, server errors)."""
    return JsonResponse(
        problem(status_code=status_code, code=code, detail=detail, instance=request.path),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def server_error_problem(request) -> JsonResponse:
    return json_problem(
        request, 500, "server_error", _("Something went wrong on our side; it has been logged.")
    )


class ApiProblemMiddleware:
    """Under /api/, an unhandled error is a JSON problem (500), never Django's HTML page. A
    view that loses the database answers 503 (HTML or problem), as ``server_error`` does for
    errors raised outside views."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return database_unavailable_response(request)
        if not request.path.startswith("/api/"):
            return None
        logger.exception("API error on %s %s", request.method, request.path)
        return server_error_problem(request)


# -- the database is unreachable (a PostgreSQL restart or failover) -----------------------------

# What a client is told to wait: a restart usually takes a few seconds; connections are opened
# per request (CONN_HEALTH_CHECKS), so the first request after it succeeds with no action.
DATABASE_RETRY_AFTER_SECONDS = 5


def is_database_unavailable(exc: BaseException | None) -> bool:
    """A lost or refused database connection; not a bad query (those are real 500s)."""
    return isinstance(exc, OperationalError | InterfaceError)


def database_unavailable_response(request) -> HttpResponse:
    """503 with Retry-After: problem+json under /api/, a plain page (which queries nothing)
    elsewhere."""
    logger.warning("Database unavailable on %s %s", request.method, request.path, exc_info=True)
    retry_after = DATABASE_RETRY_AFTER_SECONDS
    if request.path.startswith("/api/"):
        response = json_problem(
            request,
            503,
            "database_unavailable",
            _("The database is unavailable for a moment; nothing was saved. Try again in %(s)d s.")
            % {"s": retry_after},
        )
    else:
        response = HttpResponse(
            render_to_string("503.html", {"retry_after": retry_after}), status=503
        )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request) -> HttpResponse:
    """``handler500``: a database outage is a 503 (raised anywhere: a view, a middleware that
    loads the user or the session); any other error is the usual 500, as a problem under /api/."""
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response(request)
    if request.path.startswith("/api/"):
        return server_error_problem(request)
    return defaults.server_error(request)

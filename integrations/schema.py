"""OpenAPI (drf-spectacular): the Bearer key scheme, and the problem responses every operation
can give, documented once here instead of on each view."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from integrations.errors import PROBLEM_CONTENT_TYPE


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "integrations.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "An API key from an admin (Django admin → API keys) or from "
                "`python manage.py create_api_token USERNAME`: `Authorization: Bearer <key>`."
            ),
        }


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "example": "urn:kzeditor:problem:validation"},
        "title": {"type": "string", "example": "Invalid input"},
        "status": {"type": "integer", "example": 400},
        "detail": {"type": "string", "example": "This field is required."},
        "instance": {"type": "string", "example": "/api/v1/articles/"},
        "code": {"type": "string", "example": "validation"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "example": "title"},
                    "message": {"type": "string"},
                    "code": {"type": "string", "example": "required"},
                },
                "required": ["field", "message", "code"],
            },
        },
        "existing_id": {
            "type": "integer",
            "description": "With 409 for a duplicate text: the article that has it.",
        },
    },
    "required": ["type", "title", "status", "detail", "code"],
}

DESCRIPTIONS = {
    "400": "Invalid input: `errors` lists each field and what is wrong with it.",
    "401": "No credentials, or an invalid, revoked or expired API key.",
    "403": "The user's role, the object rules or the key's scopes do not allow this.",
    "404": "No such resource, or not one this user may see.",
    "405": "The method is not allowed here.",
    "406": "Only JSON responses are available.",
    "409": "Conflicts with the current state (a duplicate text, a step not possible now).",
    "412": "If-Match does not match: the resource changed since you read it.",
    "413": "The body or an uploaded file is too large.",
    "415": "Send JSON (or multipart for file imports).",
    "428": "If-Match is required to change this resource.",
    "429": "Too many requests: wait for the number of seconds in Retry-After.",
}


def _problem(code: str) -> dict:
    return {
        "description": DESCRIPTIONS[code],
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def problem_responses_hook(result, generator, request, public):
    """Add the problem responses to each operation (keeping any a view documented itself)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, operations in result.get("paths", {}).items():
        has_parameters = "{" in path
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            codes = ["400", "401", "403", "405", "406", "429"]
            if has_parameters:
                codes.append("404")
            if method in {"post", "put", "patch", "delete"}:
                codes += ["409", "413", "415"]
            if method in {"put", "patch"} or (method == "post" and has_parameters):
                codes += ["412", "428"]
            if method == "delete":
                codes += ["412", "428"]
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, _problem(code))
    return result

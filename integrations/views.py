from __future__ import annotations

from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from integrations.errors import json_problem
from integrations.health import health_report

_CHECK = inline_serializer(
    "HealthCheck",
    {
        "ok": serializers.BooleanField(),
        "detail": serializers.CharField(),
        "ms": serializers.IntegerField(),
    },
)


@extend_schema(
    tags=["health"],
    summary="Database, broker and worker heartbeat",
    responses={
        200: inline_serializer(
            "Health",
            {
                "status": serializers.ChoiceField(choices=["ok", "unavailable"]),
                "checks": inline_serializer(
                    "HealthChecks", {"database": _CHECK, "broker": _CHECK, "workers": _CHECK}
                ),
            },
        ),
        503: inline_serializer(
            "HealthUnavailable",
            {
                "status": serializers.ChoiceField(choices=["ok", "unavailable"]),
                "checks": inline_serializer(
                    "HealthChecksUnavailable",
                    {"database": _CHECK, "broker": _CHECK, "workers": _CHECK},
                ),
            },
        ),
    },
)
@api_view(["GET"])
def health(request):
    report = health_report()
    return Response(report, status=200 if report["status"] == "ok" else 503)


@csrf_exempt  # an unknown URL answers 404 whatever the method; nothing is changed
def not_found(request, *args, **kwargs):
    """Any other URL under /api/: a JSON problem, not Django's HTML 404 page."""
    return json_problem(request, 404, "not_found", "No API endpoint at this URL.")

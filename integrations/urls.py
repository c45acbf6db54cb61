"""/api/: version 1 of the integration API, its OpenAPI schema and interactive docs."""

from csp.constants import NONCE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from integrations import views

app_name = "api"

REDOC_CSP = {
    "style-src": [
        NONCE,
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
        "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
    ],
    "worker-src": ["blob:"],
}

v1 = [
    path("", include("articles.api.urls")),
    path("", include("entities.api.urls")),
    path("health/", views.health, name="health"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Both docs pages run under the site's Content-Security-Policy (no inline script or style):
    # the split view serves Swagger UI's start-up script as a file (?script), and both templates
    # drop drf-spectacular's inline <style> (integrations/templates/integrations/).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="integrations/swagger_ui.html"
        ),
        name="docs",
    ),
    # Redoc's styled-components insert <style> elements: this page alone allows those carrying
    # the request's nonce (static/js/redoc-init.js hands it to Redoc), the two its bundle adds
    # as it loads (by hash: an empty one and its base CSS), and its search index's worker.
    path(
        "redoc/",
        csp_update(REDOC_CSP)(
            SpectacularRedocView.as_view(
                url_name="api:schema", template_name="integrations/redoc.html"
            )
        ),
        name="redoc",
    ),
    re_path(r"^[\s\S]*$", views.not_found, name="not_found"),
]

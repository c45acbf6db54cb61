"""/api/v1/ endpoints for entities, mentions, stories and coverage (see integrations.urls)."""

from django.urls import include, path

urlpatterns = [
    path("", include("entities.api.entity_urls")),
    path("", include("entities.api.mention_urls")),
]

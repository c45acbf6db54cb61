"""/api/v1/ URLs of mentions, stories and coverage (included by entities.api.urls)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from entities.api.coverage_views import CoverageKindsView, CoverageMatrixView
from entities.api.mention_views import MentionViewSet
from entities.api.story_views import StoryViewSet

router = SimpleRouter()
router.register("mentions", MentionViewSet, basename="mention")
router.register("stories", StoryViewSet, basename="story")

urlpatterns = [
    *router.urls,
    path("coverage/", CoverageKindsView.as_view(), name="coverage-list"),
    path("coverage/<str:matrix>/", CoverageMatrixView.as_view(), name="coverage-matrix"),
]

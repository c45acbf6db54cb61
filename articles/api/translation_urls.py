"""/api/v1/translations/…: the translation desk (views in ``translation_views``)."""

from django.urls import path

from articles.api import translation_views as views
from articles.api.translation_serializers import step_slug

urlpatterns = [
    path("translations/", views.TranslationListView.as_view(), name="translation-list"),
    path(
        "translations/<int:pk>/", views.TranslationDetailView.as_view(), name="translation-detail"
    ),
    path(
        "translations/<int:pk>/segments/",
        views.SegmentListView.as_view(),
        name="translation-segment-list",
    ),
    path(
        "translations/<int:pk>/segments/<int:segment_id>/",
        views.SegmentDetailView.as_view(),
        name="translation-segment-detail",
    ),
    path("translations/<int:pk>/qa/", views.QAReportView.as_view(), name="translation-qa"),
    path(
        "translations/<int:pk>/qa/overrides/",
        views.QAOverrideListView.as_view(),
        name="translation-qa-override-list",
    ),
    path(
        "translations/<int:pk>/qa/overrides/<int:override_id>/",
        views.QAOverrideDetailView.as_view(),
        name="translation-qa-override-detail",
    ),
    *(
        path(
            f"translations/<int:pk>/{step_slug(name)}/",
            view.as_view(),
            name=f"translation-{step_slug(name)}",
        )
        for name, view in views.STEP_VIEWS.items()
    ),
]

"""/api/v1/ endpoints for articles, translations and imports (included by integrations.urls)."""

from django.urls import include, path

urlpatterns = [
    path("", include("articles.api.article_urls")),
    path("", include("articles.api.translation_urls")),
]

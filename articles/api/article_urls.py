"""/api/v1/articles/… and /api/v1/imports/… (included by articles.api.urls)."""

from django.urls import path

from articles.api import article_views as views

urlpatterns = [
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path("articles/<int:pk>/", views.ArticleDetailView.as_view(), name="article-detail"),
    *(
        path(f"articles/<int:pk>/{name}/", view.as_view(), name=f"article-{name}")
        for name, view in views.STEP_VIEWS.items()
    ),
    path("articles/<int:pk>/assign/", views.ArticleAssignView.as_view(), name="article-assign"),
    path("imports/", views.ImportListView.as_view(), name="import-list"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import-detail"),
]

from django.urls import path

from articles.views import (
    comments,
    dashboard,
    detail,
    editing,
    importing,
    listing,
    preferences,
    steps,
    versions,
)

app_name = "articles"
urlpatterns = [
    path("", listing.home, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("notifications/read/", dashboard.notifications_read, name="notifications_read"),
    path("preferences/language/", preferences.language_set, name="language"),
    path("articles/", listing.article_list, name="list"),
    path("articles/<int:pk>/", detail.article_detail, name="detail"),
    path(
        "articles/<int:pk>/extraction/retry/", dashboard.extraction_retry, name="extraction_retry"
    ),
    path("articles/<int:pk>/edit/", editing.article_edit, name="edit"),
    path("articles/<int:pk>/presence/", editing.presence, name="presence"),
    path("articles/<int:pk>/steps/<slug:step>/", steps.transition, name="transition"),
    path("articles/<int:pk>/assign/", steps.assign, name="assign"),
    path("articles/<int:pk>/comments/", comments.comment_add, name="comment_add"),
    path("articles/<int:pk>/history/", versions.history, name="history"),
    path("articles/<int:pk>/history/diff/", versions.diff, name="diff"),
    path("articles/<int:pk>/history/<int:history_id>/revert/", versions.revert, name="revert"),
    path("import/", importing.import_upload, name="import"),
]

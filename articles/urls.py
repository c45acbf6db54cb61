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
    translations,
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
    # The translation desk
    path("articles/<int:pk>/export.txt", translations.article_export, name="article_export"),
    path(
        "articles/<int:pk>/translations/request/",
        translations.translation_request,
        name="translation_request",
    ),
    path("translations/", translations.translation_list, name="translation_list"),
    path("translations/<int:pk>/", translations.translation_editor, name="translation"),
    path(
        "translations/<int:pk>/export.txt",
        translations.translation_export,
        name="translation_export",
    ),
    path(
        "translations/<int:pk>/segments/<int:segment_pk>/",
        translations.segment_save,
        name="segment_save",
    ),
    path(
        "translations/<int:pk>/segments/<int:segment_pk>/merge/",
        translations.segment_merge,
        name="segment_merge",
    ),
    path(
        "translations/<int:pk>/segments/<int:segment_pk>/split/",
        translations.segment_split,
        name="segment_split",
    ),
    path(
        "translations/<int:pk>/segments/<int:segment_pk>/memory/",
        translations.segment_memory,
        name="segment_memory",
    ),
    path(
        "translations/<int:pk>/segments/<int:segment_pk>/machine/",
        translations.segment_machine,
        name="segment_machine",
    ),
    path(
        "translations/<int:pk>/steps/<slug:step>/",
        translations.translation_transition,
        name="translation_transition",
    ),
    path(
        "translations/<int:pk>/assign/", translations.translation_assign, name="translation_assign"
    ),
    path("translations/<int:pk>/qa/", translations.translation_qa, name="translation_qa"),
    path(
        "translations/<int:pk>/qa/accept/",
        translations.qa_override_add,
        name="translation_qa_accept",
    ),
    path(
        "translations/<int:pk>/qa/accept/<int:override_pk>/withdraw/",
        translations.qa_override_remove,
        name="translation_qa_withdraw",
    ),
    path(
        "translations/<int:pk>/history/",
        translations.translation_history,
        name="translation_history",
    ),
]

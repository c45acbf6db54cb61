from django.urls import path

from articles.views import dashboard, detail, importing, listing

app_name = "articles"
urlpatterns = [
    path("", listing.home, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("articles/", listing.article_list, name="list"),
    path("articles/<int:pk>/", detail.article_detail, name="detail"),
    path("import/", importing.import_upload, name="import"),
]

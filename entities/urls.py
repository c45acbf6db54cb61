from django.urls import path

from entities import views

app_name = "entities"
urlpatterns = [
    path(
        "spans/<str:kind>/<int:pk>/",
        views.span_panel,
        name="span_panel",
    ),
    path("spans/<str:kind>/<int:pk>/review/", views.span_review, name="span_review"),
    path("mentions/<int:pk>/retype/", views.mention_retype, name="mention_retype"),
    path("mentions/<int:pk>/link/", views.mention_link, name="mention_link"),
    path("mentions/<int:pk>/entities/", views.mention_entity_search, name="entity_search"),
    path(
        "mentions/<int:pk>/entities/new/",
        views.mention_entity_create,
        name="mention_entity_create",
    ),
    path("articles/<int:pk>/mentions/add/", views.mention_add, name="mention_add"),
    path("entities/options/", views.entity_options, name="entity_options"),
]

from django.urls import path

from entities import views
from entities.conflicts import views as conflicts
from entities.coverage import views as coverage
from entities.curation import views as curation
from entities.search import views as search
from entities.stories import views as stories

app_name = "entities"
urlpatterns = [
    # The mention review panel of the article page
    path("spans/<str:kind>/<int:pk>/", views.span_panel, name="span_panel"),
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
    # Entity pages and curation
    path("entities/", curation.entity_list, name="entity_list"),
    path("entities/review/", curation.entity_review_queue, name="entity_review"),
    path("entities/<int:pk>/", curation.entity_detail, name="entity"),
    path("entities/<int:pk>/edit/", curation.entity_edit, name="entity_edit"),
    path("entities/<int:pk>/confirm/", curation.entity_confirm, name="entity_confirm"),
    path("entities/<int:pk>/merge/", curation.entity_merge, name="entity_merge"),
    path("entities/<int:pk>/split/", curation.entity_split, name="entity_split"),
    path("entities/<int:pk>/aliases/", curation.alias_add, name="alias_add"),
    path(
        "entities/<int:pk>/aliases/<int:alias_pk>/remove/",
        curation.alias_remove,
        name="alias_remove",
    ),
    path("entities/changes/<int:pk>/revert/", curation.curation_revert, name="curation_revert"),
    # Stories
    path("stories/", stories.story_list, name="story_list"),
    path("stories/<int:pk>/", stories.story_detail, name="story"),
    path("stories/<int:pk>/confirm/", stories.story_confirm, name="story_confirm"),
    path("stories/<int:pk>/rename/", stories.story_rename, name="story_rename"),
    path("stories/<int:pk>/split/", stories.story_split, name="story_split"),
    path("stories/<int:pk>/merge/", stories.story_merge, name="story_merge"),
    path(
        "stories/articles/<int:article_pk>/move/",
        stories.story_article_move,
        name="story_article_move",
    ),
    # Coverage
    path("coverage/", coverage.coverage, name="coverage"),
    path("coverage/export.<str:fmt>", coverage.coverage_export, name="coverage_export"),
    path("coverage/charts/", coverage.coverage_charts, name="coverage_charts"),
    path("coverage/gaps/", coverage.gap_queue, name="gaps"),
    # Conflicting figures
    path("conflicts/", conflicts.conflict_list, name="conflict_list"),
    path("conflicts/<int:pk>/explain/", conflicts.conflict_explain, name="conflict_explain"),
    path("conflicts/<int:pk>/reopen/", conflicts.conflict_reopen, name="conflict_reopen"),
    # Search
    path("search/", search.search, name="search"),
]

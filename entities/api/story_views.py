"""/api/v1/stories/: the stories list (the browser story list's filters) and one story, for the
desk (``can_view_coverage``: editors, reviewers, admins; translators 403). Reads only, with
``entities.stories.selectors``: a constant number of queries per page and per story."""

from __future__ import annotations

import hashlib
import json

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from articles.models import Article, Language
from entities.api.mention_views import (
    ID_PARAMETER,
    ID_SEGMENT,
    CheckedCursorPagination,
    TiebreakOrderingFilter,
    id_from_path,
)
from entities.api.story_serializers import (
    StoryDetailSerializer,
    StoryFilterSerializer,
    StoryListItemSerializer,
)
from entities.permissions import can_view_coverage
from entities.stories import selectors
from entities.stories.forms import StoryFilterForm
from entities.stories.models import Story
from integrations.conditional import with_etag

TAGS = ["stories"]
LANGUAGES = tuple(Language.values)


def api_url(request: Request, name: str, pk: int, path: str) -> str:
    """The absolute API URL of a resource; ``path`` when its route is not installed."""
    try:
        location = reverse(f"api:{name}", args=[pk])
    except NoReverseMatch:
        location = path
    return request.build_absolute_uri(location)


def _story_fields(request: Request, story: Story) -> dict:
    return {
        "id": story.pk,
        "url": request.build_absolute_uri(reverse("api:story-detail", args=[story.pk])),
        "web_url": request.build_absolute_uri(reverse("entities:story", args=[story.pk])),
        "title": story.title,
        "confirmed": story.confirmed_at is not None,
        "confirmed_at": story.confirmed_at,
        "confirmed_by": story.confirmed_by.get_username() if story.confirmed_by else None,
        "article_count": story.article_count,
        "first_published_at": story.first_published_at,
        "last_published_at": story.last_published_at,
        "created_at": story.created_at,
        "updated_at": story.updated_at,
    }


def _article(request: Request, article: Article) -> dict:
    membership = article.story_membership
    return {
        "id": article.pk,
        "url": api_url(request, "article-detail", article.pk, f"/api/v1/articles/{article.pk}/"),
        "web_url": request.build_absolute_uri(reverse("articles:detail", args=[article.pk])),
        "title": article.title,
        "language": article.language,
        "source": (
            {"id": article.source.pk, "name": article.source.name} if article.source else None
        ),
        "published_at": article.published_at,
        "status": article.status,
        "pinned": membership.pinned,
        "score": membership.score,
    }


def story_detail_data(request: Request, story: Story) -> dict:
    """One story as the API shows it: four queries (the story, its articles with their
    sources and places, their translations, the entities)."""
    articles = selectors.story_articles(story=story, user=request.user)
    translations = [t for article in articles for t in article.translations.all()]
    languages = {a.language for a in articles if a.language}
    reached = {t.language for t in translations}
    return {
        **_story_fields(request, story),
        "languages": [code for code in LANGUAGES if code in languages],
        "translated": [code for code in LANGUAGES if code in reached - languages],
        "missing": [code for code in LANGUAGES if code not in languages | reached],
        "articles": [_article(request, article) for article in articles],
        "translations": [
            {
                "id": t.pk,
                "url": api_url(
                    request, "translation-detail", t.pk, f"/api/v1/translations/{t.pk}/"
                ),
                "article": t.article_id,
                "language": t.language,
                "status": t.status,
                "title": t.title,
            }
            for t in translations
        ],
        "entities": [
            {
                "id": entity.pk,
                "type": entity.type,
                "name": entity.display_name(),
                "name_kk": entity.name_kk,
                "name_ru": entity.name_ru,
                "name_en": entity.name_en,
                "article_count": entity.article_count,
                "mention_count": entity.mention_count,
            }
            for entity in selectors.story_entities(story=story)
        ],
        "timeline": [
            {
                "article": point.article.pk,
                "published_at": point.article.published_at,
                "position": point.x,
            }
            for point in selectors.story_timeline(articles)
        ],
    }


def _representation_token(data: dict) -> str:
    encoded = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()[:20]


@extend_schema_view(
    list=extend_schema(
        summary="List stories",
        description=(
            "Stories (articles in any language and from any source about one event), newest "
            "first, cursor-paginated, with the browser story list's filters. Each row has the "
            "languages of its articles, those reached only through translations, and its "
            "sources. Editors, reviewers and admins; translators get 403."
        ),
        tags=TAGS,
        parameters=[StoryFilterSerializer],
    ),
    retrieve=extend_schema(
        summary="One story",
        description=(
            "The story with its articles (those the caller may see, oldest first), the "
            "languages it is told in, missing languages, the translations of its articles, "
            "the entities named in most of its articles, and where each dated article falls "
            "on its timeline. 404 for a story merged into another one. Editors, reviewers "
            "and admins; translators get 403."
        ),
        tags=TAGS,
        parameters=[ID_PARAMETER],
    ),
)
class StoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = StoryListItemSerializer
    pagination_class = CheckedCursorPagination
    filter_backends = [TiebreakOrderingFilter]
    ordering = ["-id"]
    ordering_fields = ["id", "created_at"]
    lookup_value_regex = ID_SEGMENT

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if not can_view_coverage(request.user):
            raise PermissionDenied(_("Stories are for the desk's editors and reviewers."))

    def get_serializer_class(self):
        return StoryDetailSerializer if self.action == "retrieve" else StoryListItemSerializer

    def get_queryset(self):
        if self.action != "list":
            return Story.objects.none()
        query = StoryFilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        # The browser's filter form turns the checked values into the selector's arguments
        # (the same cross-field rules too: a period ending before it starts…).
        form = StoryFilterForm(
            {name: self.request.query_params[name] for name in query.validated_data}
        )
        if not form.is_valid():
            raise ValidationError(
                {
                    ("non_field_errors" if name == "__all__" else name): [str(e) for e in errors]
                    for name, errors in form.errors.items()
                }
            )
        return selectors.stories_list(**form.filters())

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = [
            {
                **_story_fields(request, row.story),
                "languages": row.languages,
                "translated": row.translated,
                "sources": row.sources,
            }
            for row in selectors.story_rows(page)
        ]
        return self.get_paginated_response(StoryListItemSerializer(rows, many=True).data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        story = selectors.story_get(pk=id_from_path(kwargs["pk"]))
        if story is None:
            raise NotFound(_("No such story (it may have been merged into another one)."))
        data = StoryDetailSerializer(story_detail_data(request, story)).data
        return with_etag(Response(data), "story", story.pk, _representation_token(data))

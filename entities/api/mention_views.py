"""/api/v1/mentions/: the mentions of the texts a user may see, and the reviewer's decisions on
them (confirm, reject, reopen, retype, relink, add), each one call of the same span service
the article page's review panel calls. The services log the decision (``SpanDecision``) and,
after commit, refresh coverage and the search index (``entities.pipeline.span_decided``)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from articles.roles import sees_all_articles
from articles.selectors import articles_visible_to
from articles.translations.selectors import translations_visible_to
from articles.workflow import can_create_entities, can_review_spans
from entities import services
from entities.api.mention_serializers import (
    MentionCreateSerializer,
    MentionRelinkSerializer,
    MentionRetypeSerializer,
    MentionSerializer,
)
from entities.models import EntityType, Mention, ReviewStatus, SpanField
from integrations.conditional import if_match_token, with_etag
from integrations.exceptions import PreconditionFailed
from integrations.fields import IdFilter
from integrations.pagination import StableCursorPagination, TiebreakOrderingFilter

TAGS = ["mentions"]
ETAG_KIND = "mention"
# The detail routes take any segment, so that a malformed id is this API's 404 problem (not
# a route miss); only digits that fit a bigint are looked up. An integer in the schema.
ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
ID_SEGMENT = r"[^/]+"


def id_from_path(value: str) -> int:
    """The id of a detail URL, or 404 (not a number, or one no row can have)."""
    if not (value.isascii() and value.isdigit() and len(value) <= 18 and int(value) > 0):
        raise NotFound(_("Not found."))
    return int(value)


def mentions_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Mention]:
    """Mentions of the articles and translations the user may see (the same rules as the
    article and translation pages), with what the representation reads joined."""
    mentions = Mention.objects.select_related("entity", "reviewed_by")
    if sees_all_articles(user):
        return mentions
    if not user.is_authenticated:
        return mentions.none()
    return mentions.filter(
        Q(article__in=articles_visible_to(user).values("pk"))
        | Q(translation__in=translations_visible_to(user).values("pk"))
    )


# Kept under their names for story_views: the API's own pagination and ordering.
CheckedCursorPagination = StableCursorPagination


class MentionFilter(filters.FilterSet):
    article = IdFilter(field_name="article_id", help_text="Mentions in this article.")
    translation = IdFilter(field_name="translation_id", help_text="Mentions in this translation.")
    entity = IdFilter(field_name="entity_id", help_text="Mentions linked to this entity.")
    review_status = filters.ChoiceFilter(choices=ReviewStatus.choices)
    type = filters.ChoiceFilter(choices=EntityType.choices)
    field = filters.ChoiceFilter(choices=SpanField.choices)

    class Meta:
        model = Mention
        fields = ["article", "translation", "entity", "review_status", "type", "field"]


def etag_version(mention: Mention) -> str:
    """The mention's state as an ETag token: its last change, to the microsecond."""
    return str(int(mention.updated_at.timestamp() * 1_000_000))


def _respond(mention: Mention, *, status_code: int = status.HTTP_200_OK) -> Response:
    response = Response(MentionSerializer(mention).data, status=status_code)
    return with_etag(response, ETAG_KIND, mention.pk, etag_version(mention))


REVIEW_DESCRIPTION = (
    "Editors, reviewers and admins (the article page's review panel); translators get 403. "
    "A mention in a text the caller may not see is 404. With `If-Match` (the ETag of the "
    "mention), a mention changed meanwhile is 412. Coverage and the search index are "
    "refreshed after the decision, as for a decision in the browser."
)


def _decision_schema(summary: str, description: str = "", request=None, examples=None):
    return extend_schema(
        summary=summary,
        description=f"{description} {REVIEW_DESCRIPTION}".strip(),
        tags=TAGS,
        parameters=[ID_PARAMETER],
        request=request,
        responses={200: MentionSerializer},
        examples=examples or [],
    )


@extend_schema_view(
    list=extend_schema(
        summary="List mentions",
        description=(
            "Mentions in the articles and translations the caller may see (translators: their "
            "assignments), filtered by article, translation, entity, review status, type or "
            "field; cursor-paginated, oldest first by default."
        ),
        tags=TAGS,
    ),
    retrieve=extend_schema(
        summary="One mention",
        description=(
            "404 when the mention is in a text the caller may not see. The ETag is the "
            "mention's state, for `If-Match` on the decisions."
        ),
        tags=TAGS,
        parameters=[ID_PARAMETER],
    ),
    create=extend_schema(
        summary="Add a mention",
        description=(
            "Mark a span the extractor missed in an article or a translation (or take over "
            "the machine's mention of exactly that span): it is confirmed and logged. "
            "Editors, reviewers and admins; translators get 403."
        ),
        tags=TAGS,
        request=MentionCreateSerializer,
        responses={201: MentionSerializer},
    ),
)
class MentionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MentionSerializer
    pagination_class = CheckedCursorPagination
    lookup_value_regex = ID_SEGMENT
    filterset_class = MentionFilter
    filter_backends = [filters.DjangoFilterBackend, TiebreakOrderingFilter]
    ordering = ["id"]
    ordering_fields = ["id", "created_at"]

    def get_queryset(self) -> QuerySet[Mention]:
        return mentions_visible_to(self.request.user)

    def get_object(self) -> Mention:
        mention = self.get_queryset().filter(pk=id_from_path(self.kwargs["pk"])).first()
        if mention is None:
            raise NotFound(_("No such mention in a text you can see."))
        return mention

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return _respond(self.get_object())

    # -- writes ---------------------------------------------------------------------------

    def _require_reviewer(self) -> None:
        if not can_review_spans(self.request.user):
            raise PermissionDenied(_("Your role may not review extracted spans."))

    def _mention_to_decide(self) -> Mention:
        """The mention (404 if not visible), for a reviewer (403), unchanged since the
        caller's If-Match when one is sent (412)."""
        mention = self.get_object()
        self._require_reviewer()
        if self.request.headers.get("If-Match", "").strip():
            token = if_match_token(self.request, kind=ETAG_KIND, pk=mention.pk)
            if token is not None and token != etag_version(mention):
                raise PreconditionFailed(
                    _("The mention changed since you read it; fetch it again.")
                )
        return mention

    def _fresh(self, mention: Mention) -> Response:
        return _respond(self.get_queryset().get(pk=mention.pk))

    def _review(self, status_value: str) -> Response:
        mention = self._mention_to_decide()
        services.span_review(span=mention, status=status_value, user=self.request.user)
        return self._fresh(mention)

    @_decision_schema("Confirm a mention", "The mention is right as it is.")
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        return self._review(ReviewStatus.CONFIRMED)

    @_decision_schema(
        "Reject a mention",
        "Not a name (or not this one): left out of coverage, search and exports, and kept "
        "out when the text is extracted again.",
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._review(ReviewStatus.REJECTED)

    @_decision_schema("Reopen a mention", "Back to suggested, for another look.")
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        return self._review(ReviewStatus.SUGGESTED)

    @_decision_schema(
        "Change a mention's type",
        "A place read as an organisation…: a link to an entity of another type is dropped; "
        "the mention is confirmed.",
        request=MentionRetypeSerializer,
        examples=[OpenApiExample("A place", value={"type": "LOC"}, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    def retype(self, request: Request, pk: str | None = None) -> Response:
        mention = self._mention_to_decide()
        body = MentionRetypeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.mention_retype(
            mention=mention, entity_type=body.validated_data["type"], user=request.user
        )
        return self._fresh(mention)

    @_decision_schema(
        "Link a mention to an entity",
        "To an existing entity (`entity`), or to a new one added to the knowledge base "
        "(`new_entity`: editors and admins only, as in the browser). The mention is "
        "confirmed, its type becomes the entity's.",
        request=MentionRelinkSerializer,
    )
    @action(detail=True, methods=["post"])
    def relink(self, request: Request, pk: str | None = None) -> Response:
        mention = self._mention_to_decide()
        body = MentionRelinkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if "entity" in data:
            services.mention_link_to(mention=mention, entity=data["entity"], user=request.user)
        else:
            if not can_create_entities(request.user):
                raise PermissionDenied(_("Only editors add entities to the knowledge base."))
            services.mention_link_to_new_entity(
                mention=mention,
                entity_type=data["new_entity"]["type"],
                names=data["new_entity"]["names"],
                user=request.user,
            )
        return self._fresh(mention)

    def create(self, request: Request, *args, **kwargs) -> Response:
        self._require_reviewer()
        body = MentionCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        entity = data.get("entity")
        mention = services.mention_add(
            owner=data["owner"],
            field=data["field"],
            start=data["start"],
            end=data["end"],
            entity_type=entity.type if entity else data["type"],
            entity=entity,
            user=request.user,
            expected_text=data.get("expected_text"),
        )
        response = self._fresh(mention)
        response.status_code = status.HTTP_201_CREATED
        response["Location"] = request.build_absolute_uri(
            reverse("api:mention-detail", args=[mention.pk])
        )
        return response

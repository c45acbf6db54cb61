"""/api/v1/entities/: the knowledge base for integrations.

Who may do what is the browser's rule, checked with the same functions: reading the entity
list and pages is the desk's (``can_view_coverage``: editors, reviewers, admins; translators
get 403, as the entity pages refuse them); adding an entity needs ``can_create_entities``;
changing, merging, confirming and aliases need ``can_curate`` (editors, admins). Every change
is one call of a curation service, which writes the entity's history.

Entities have no version column: their ETag carries ``updated_at`` in microseconds, which
every change of the entity or of its aliases moves. A change compares it with the row locked
(``SELECT … FOR UPDATE``), so of two clients changing the same entity one gets 412.

A refused change: 400 when the request asks for something impossible (an entity merged into
itself, or into one of another type; a name without letters, a Wikidata id another entity
has), 409 when the entity's state forbids it (merged into another entity, so it is changed
through that one; already confirmed)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from articles.workflow import can_create_entities
from entities.api.entity_filters import (
    EntityAliasFilter,
    EntityCursorPagination,
    EntityFilter,
    EntityOrderingFilter,
    RankedPagination,
)
from entities.api.entity_serializers import (
    EntityAliasCreateSerializer,
    EntityAliasSerializer,
    EntityCreateSerializer,
    EntityMergeSerializer,
    EntityReasonSerializer,
    EntitySerializer,
    EntityUpdateSerializer,
)
from entities.curation import services as curation
from entities.curation.selectors import EntityPage, coverage_counts, entity_list
from entities.linking.keys import lookup_key
from entities.models import Alias, Entity
from entities.permissions import can_curate, can_view_coverage
from entities.services import entity_create
from integrations.conditional import if_match_token, with_etag
from integrations.exceptions import Conflict, PreconditionFailed

TAGS = ["entities"]
ETAG_KIND = "entity"
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# Ids in URLs: at most 18 digits, so a number past the database's integer range never reaches
# a query (a foreign-key lookup does not guard against overflow the way a primary key does).
ID_PATTERN = "[0-9]{1,18}"


def _id_parameter(name: str, description: str) -> OpenApiParameter:
    # Documented as the integer it is (the URL pattern alone would make it a string).
    return OpenApiParameter(
        name,
        {"type": "integer", "minimum": 0, "maximum": 10**18 - 1},
        OpenApiParameter.PATH,
        required=True,
        description=description,
    )


ENTITY_ID = _id_parameter("id", "The entity's id.")
ALIAS_ENTITY_ID = _id_parameter("entity_pk", "The entity's id.")
ALIAS_ID = _id_parameter("id", "The alias's id.")

ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=True,
    description='The entity\'s version, e.g. "entity-12-v1757087531204113": send it as '
    "If-Match to change the entity.",
)
IF_MATCH_REQUIRED = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of your last GET of the entity (428 without it, 412 when the "
    "entity changed since).",
)
IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Optional: the entity's ETag; when sent and the entity changed since, 412.",
)
LOCATION_HEADER = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    response=[201],
    description="The URL of what was created.",
)
CONTENT_LOCATION_HEADER = OpenApiParameter(
    "Content-Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    response=True,
    description="The URL of the entity that was kept (the one in the body).",
)


def _ordering_parameter(fields: tuple[str, ...]) -> OpenApiParameter:
    return OpenApiParameter(
        "ordering",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        enum=[order for name in fields for order in (name, f"-{name}")],
        description="Sort by this field (- for descending); equal values by id. Default: id.",
    )


ENTITY_ORDERING = ("id", "name_kk", "name_ru", "name_en", "created_at", "updated_at")
ALIAS_ORDERING = ("id", "text")


def entity_version(entity: Entity) -> int:
    """The ETag token of an entity: its ``updated_at`` in microseconds since 1970."""
    return (entity.updated_at - _EPOCH) // datetime.timedelta(microseconds=1)


def _require_view(request) -> None:
    if not can_view_coverage(request.user):
        raise PermissionDenied(_("Your role may not see the knowledge base pages."))


def _require_curate(request) -> None:
    if not can_curate(request.user):
        raise PermissionDenied(_("Your role may not change the knowledge base."))


def _entity_or_404(pk) -> Entity:
    return get_object_or_404(Entity.objects.only("pk"), pk=pk)


def _locked(*pks: int) -> dict[int, Entity]:
    """Lock the entities in id order (as the curation services do, so no deadlock); 404 when
    one was deleted meanwhile."""
    found = {
        e.pk: e for e in Entity.objects.select_for_update().filter(pk__in=set(pks)).order_by("pk")
    }
    if len(found) != len(set(pks)):
        raise Http404
    return found


def _check_if_match(request, entity: Entity, *, required: bool) -> None:
    """412 unless ``If-Match`` names the entity's current version (428 when required and
    missing; not checked when optional and missing)."""
    if not required and not request.headers.get("If-Match", "").strip():
        return
    token = if_match_token(request, kind=ETAG_KIND, pk=entity.pk)
    if token is not None and token != str(entity_version(entity)):
        raise PreconditionFailed(_("The entity changed since you read it; fetch it again."))


def _refuse_if_merged(entity: Entity) -> None:
    if entity.merged_into_id:
        raise Conflict(
            _("Entity #%(pk)s was merged into entity #%(target)s; change that entity instead.")
            % {"pk": entity.pk, "target": entity.merged_into_id}
        )


def _entities() -> QuerySet[Entity]:
    """Entities with their aliases (names first by language, then the rest): two queries."""
    return Entity.objects.prefetch_related(
        Prefetch("aliases", queryset=Alias.objects.order_by("language", "text", "id"))
    )


@extend_schema_view(
    list=extend_schema(
        summary="List or search entities",
        description=(
            "Entities of the knowledge base, those merged into others left out "
            "(`include_merged=true` lists them too). Without `q`: by `ordering` "
            "(id by default), cursor-paged. With `q`: ranked by relevance, paged in the same "
            "shape. Desk roles only (editors, reviewers, admins)."
        ),
        tags=TAGS,
        parameters=[_ordering_parameter(ENTITY_ORDERING)],
    ),
    retrieve=extend_schema(
        summary="An entity",
        description=(
            "One entity with its aliases and counts. An entity merged into another is "
            "still answered (200) with `merged_into` set: follow it."
        ),
        tags=TAGS,
        responses={200: EntitySerializer},
        parameters=[ENTITY_ID, ETAG_HEADER],
    ),
    create=extend_schema(
        summary="Add an entity",
        description=("A confirmed entity, each name an alias in its language. Editors and admins."),
        tags=TAGS,
        request=EntityCreateSerializer,
        responses={201: EntitySerializer},
        parameters=[ETAG_HEADER, LOCATION_HEADER],
    ),
    partial_update=extend_schema(
        summary="Change an entity's names, description, Wikidata id or gender",
        description=(
            "Fields left out stay as they are. Requires If-Match. 409 for an entity merged "
            "into another. Editors and admins."
        ),
        tags=TAGS,
        request=EntityUpdateSerializer,
        responses={200: EntitySerializer},
        parameters=[ENTITY_ID, IF_MATCH_REQUIRED, ETAG_HEADER],
    ),
)
class EntityViewSet(viewsets.GenericViewSet):
    serializer_class = EntitySerializer
    filter_backends = [DjangoFilterBackend, EntityOrderingFilter]
    filterset_class = EntityFilter
    ordering = ("id",)
    ordering_fields = ENTITY_ORDERING
    pagination_class = EntityCursorPagination
    lookup_value_regex = ID_PATTERN
    queryset = Entity.objects.none()  # for the schema; reads go through _entities()

    def get_queryset(self) -> QuerySet[Entity]:
        return _entities()

    # -- reading ----------------------------------------------------------------------------

    def list(self, request) -> Response:
        _require_view(request)
        filterset = DjangoFilterBackend().get_filterset(request, self.get_queryset(), self)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        if filterset.search:
            return self._search(request, filterset)
        return self._page(self.paginate_queryset(filterset.qs))

    def _search(self, request, filterset: EntityFilter) -> Response:
        data = filterset.form.cleaned_data
        found = entity_list(
            q=filterset.search, entity_type=data.get("type") or "", status=data.get("status") or ""
        )
        # A query without a letter or digit matches nothing (the selector would list all).
        ids = found.ids if isinstance(found, EntityPage) else []
        if ids and filterset.narrows_search:
            kept = set(filterset.qs.filter(pk__in=ids).values_list("pk", flat=True))
            ids = [pk for pk in ids if pk in kept]
        paginator = RankedPagination()
        page_ids = paginator.paginate_ids(ids, request)
        by_id = self.get_queryset().in_bulk(page_ids)
        entities = [by_id[pk] for pk in page_ids if pk in by_id]
        return paginator.get_paginated_response(self._serialize(entities, many=True).data)

    def _page(self, entities: list[Entity]) -> Response:
        return self.get_paginated_response(self._serialize(entities, many=True).data)

    def _serialize(self, entities, *, many: bool = False) -> EntitySerializer:
        ids = [e.pk for e in entities] if many else [entities.pk]
        context = {**self.get_serializer_context(), "counts": coverage_counts(entity_ids=ids)}
        return EntitySerializer(entities, many=many, context=context)

    def _entity_response(self, pk: int, *, status_code: int = 200, etag: bool = True) -> Response:
        entity = get_object_or_404(self.get_queryset(), pk=pk)
        response = Response(self._serialize(entity).data, status=status_code)
        if etag:
            with_etag(response, ETAG_KIND, entity.pk, entity_version(entity))
        return response

    def retrieve(self, request, pk=None) -> Response:
        _require_view(request)
        return self._entity_response(pk)

    # -- changing ---------------------------------------------------------------------------

    def create(self, request) -> Response:
        if not can_create_entities(request.user):
            raise PermissionDenied(_("Only editors add entities to the knowledge base."))
        body = EntityCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        entity = entity_create(
            entity_type=data["type"],
            names=data["names"],
            user=request.user,
            description=data["description"],
        )
        response = self._entity_response(entity.pk, status_code=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(
            reverse("api:entity-detail", args=[entity.pk])
        )
        return response

    def partial_update(self, request, pk=None) -> Response:
        _require_curate(request)
        entity = _entity_or_404(pk)
        if_match_token(request, kind=ETAG_KIND, pk=entity.pk)  # 428 before reading the body
        body = EntityUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            entity = _locked(entity.pk)[entity.pk]
            _check_if_match(request, entity, required=True)
            _refuse_if_merged(entity)
            curation.entity_update(
                entity=entity,
                user=request.user,
                reason=body.validated_data["reason"],
                **body.service_fields(),
            )
        return self._entity_response(entity.pk)

    @extend_schema(
        summary="Merge this entity into another",
        description=(
            "Its mentions, quotes and the aliases the other lacks move to the entity in "
            "`into`, which is returned (200, with `Content-Location`). This entity stays, with "
            "`merged_into` set; the entity page's history can undo the merge. 400 for an "
            "entity merged into itself or into one of another type; 409 when this entity was "
            "merged already. Editors and admins."
        ),
        tags=TAGS,
        request=EntityMergeSerializer,
        responses={200: EntitySerializer},
        parameters=[ENTITY_ID, IF_MATCH_OPTIONAL, CONTENT_LOCATION_HEADER],
    )
    @action(detail=True, methods=["post"], url_path="merge", url_name="merge")
    def merge(self, request, pk=None) -> Response:
        _require_curate(request)
        source = _entity_or_404(pk)
        body = EntityMergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        target = body.validated_data["into"]
        with transaction.atomic():
            locked = _locked(source.pk, target.pk)
            source = locked[source.pk]
            _check_if_match(request, source, required=False)
            if source.merged_into_id:
                raise Conflict(
                    _("Entity #%(pk)s is already merged into entity #%(target)s.")
                    % {"pk": source.pk, "target": source.merged_into_id}
                )
            record = curation.entity_merge(
                source=source,
                target=locked.get(target.pk, target),
                user=request.user,
                reason=body.validated_data["reason"],
            )
        response = self._entity_response(record.other_id, etag=False)
        response["Content-Location"] = request.build_absolute_uri(
            reverse("api:entity-detail", args=[record.other_id])
        )
        return response

    @extend_schema(
        summary="Confirm a proposed entity",
        description=(
            "Accept an entity extraction proposed into the knowledge base. 409 when it is "
            "confirmed already or merged into another. Editors and admins."
        ),
        tags=TAGS,
        request=EntityReasonSerializer,
        responses={200: EntitySerializer},
        parameters=[ENTITY_ID, IF_MATCH_OPTIONAL, ETAG_HEADER],
    )
    @action(detail=True, methods=["post"], url_path="confirm", url_name="confirm")
    def confirm(self, request, pk=None) -> Response:
        _require_curate(request)
        entity = _entity_or_404(pk)
        body = EntityReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            entity = _locked(entity.pk)[entity.pk]
            _check_if_match(request, entity, required=False)
            _refuse_if_merged(entity)
            if entity.status == Entity.Status.CONFIRMED:
                raise Conflict(_("Entity #%(pk)s is already confirmed.") % {"pk": entity.pk})
            curation.entity_confirm(
                entity=entity, user=request.user, reason=body.validated_data["reason"]
            )
        return self._entity_response(entity.pk)


REASON_QUERY = OpenApiParameter(
    "reason",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description="Why (at most 1000 characters): kept in the entity's history.",
)


@extend_schema_view(
    list=extend_schema(
        summary="An entity's aliases",
        description=(
            "The ways the entity is written (its names included), which extraction links "
            "mentions by. Desk roles only."
        ),
        tags=TAGS,
        parameters=[ALIAS_ENTITY_ID, _ordering_parameter(ALIAS_ORDERING)],
    ),
    retrieve=extend_schema(
        summary="One alias of an entity", tags=TAGS, parameters=[ALIAS_ENTITY_ID, ALIAS_ID]
    ),
    create=extend_schema(
        summary="Add an alias",
        description=(
            "409 when the entity has that alias already (compared as extraction does: case, "
            "spacing and punctuation folded), or is merged into another. Editors and admins."
        ),
        tags=TAGS,
        request=EntityAliasCreateSerializer,
        responses={201: EntityAliasSerializer},
        parameters=[ALIAS_ENTITY_ID, IF_MATCH_OPTIONAL, LOCATION_HEADER],
    ),
    destroy=extend_schema(
        summary="Remove an alias",
        description=(
            "Mentions already linked stay linked; new ones no longer match it. 409 for an "
            "entity merged into another. Editors and admins."
        ),
        tags=TAGS,
        responses={204: None},
        parameters=[ALIAS_ENTITY_ID, ALIAS_ID, IF_MATCH_OPTIONAL, REASON_QUERY],
    ),
)
class EntityAliasViewSet(viewsets.GenericViewSet):
    serializer_class = EntityAliasSerializer
    filter_backends = [DjangoFilterBackend, EntityOrderingFilter]
    filterset_class = EntityAliasFilter
    ordering = ("id",)
    ordering_fields = ALIAS_ORDERING
    pagination_class = EntityCursorPagination
    lookup_value_regex = ID_PATTERN
    queryset = Alias.objects.none()  # for the schema

    def get_queryset(self) -> QuerySet[Alias]:
        return Alias.objects.filter(entity_id=self.kwargs["entity_pk"])

    def list(self, request, entity_pk=None) -> Response:
        _require_view(request)
        _entity_or_404(entity_pk)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, entity_pk=None, pk=None) -> Response:
        _require_view(request)
        alias = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(self.get_serializer(alias).data)

    def create(self, request, entity_pk=None) -> Response:
        _require_curate(request)
        entity = _entity_or_404(entity_pk)
        body = EntityAliasCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with transaction.atomic():
            entity = _locked(entity.pk)[entity.pk]
            _check_if_match(request, entity, required=False)
            _refuse_if_merged(entity)
            existing = Alias.objects.filter(entity=entity, key=lookup_key(data["text"])).first()
            if existing is not None:
                raise Conflict(
                    _("The entity already has the alias «%(alias)s» (#%(id)s).")
                    % {"alias": existing.text, "id": existing.pk}
                )
            alias = curation.entity_alias_add(
                entity=entity,
                text=data["text"],
                language=data["language"],
                kind=data["kind"],
                user=request.user,
                reason=data["reason"],
            )
        response = Response(self.get_serializer(alias).data, status=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(
            reverse("api:entity-alias-detail", args=[entity.pk, alias.pk])
        )
        return response

    def destroy(self, request, entity_pk=None, pk=None) -> Response:
        _require_curate(request)
        query = EntityReasonSerializer(data={"reason": request.query_params.get("reason", "")})
        query.is_valid(raise_exception=True)
        with transaction.atomic():
            # The alias before its entity, in the order entity_alias_remove locks them.
            alias = get_object_or_404(self.get_queryset().select_for_update(), pk=pk)
            entity = _locked(alias.entity_id)[alias.entity_id]
            _check_if_match(request, entity, required=False)
            _refuse_if_merged(entity)
            curation.entity_alias_remove(
                alias=alias, user=request.user, reason=query.validated_data["reason"]
            )
        return Response(status=status.HTTP_204_NO_CONTENT)

"""/api/v1/entities/… (URL names prefixed «entity-»; included under the «api» namespace)."""

from django.urls import re_path
from rest_framework.routers import SimpleRouter

from entities.api.entity_views import ID_PATTERN, EntityAliasViewSet, EntityViewSet

router = SimpleRouter()
router.register("entities", EntityViewSet, basename="entity")

aliases = EntityAliasViewSet.as_view({"get": "list", "post": "create"})
alias = EntityAliasViewSet.as_view({"get": "retrieve", "delete": "destroy"})

urlpatterns = [
    *router.urls,
    re_path(rf"^entities/(?P<entity_pk>{ID_PATTERN})/aliases/$", aliases, name="entity-alias-list"),
    re_path(
        rf"^entities/(?P<entity_pk>{ID_PATTERN})/aliases/(?P<pk>{ID_PATTERN})/$",
        alias,
        name="entity-alias-detail",
    ),
]

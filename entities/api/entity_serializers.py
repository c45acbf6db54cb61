"""Shapes of the knowledge base in the API: an entity with its names and aliases, and the
bodies that create, change and merge entities and add aliases. Serializers check types,
lengths and choices; the curation services decide (and refuse with a ``CurationError``)."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from articles.models import Language
from entities.linking.keys import lookup_key
from entities.models import Alias, Entity, EntityType, Gender
from integrations.fields import MAX_ID

MAX_NAME_LENGTH = 300
MAX_DESCRIPTION_LENGTH = 10_000
MAX_REASON_LENGTH = 1000  # as the browser's reason fields
LANGUAGES = ("kk", "ru", "en")
_WIKIDATA_ID = re.compile(r"Q[1-9][0-9]*")

ENTITY_EXAMPLE = {
    "id": 12,
    "url": "https://desk.example.kz/api/v1/entities/12/",
    "type": "PER",
    "names": {
        "kk": "Қасым-Жомарт Тоқаев",
        "ru": "Касым-Жомарт Токаев",
        "en": "Kassym-Jomart Tokayev",
    },
    "description": "President of Kazakhstan",
    "wikidata_id": "Q1061106",
    "gender": "m",
    "status": "confirmed",
    "aliases": [
        {"id": 40, "text": "Тоқаев", "language": "kk", "kind": "name", "origin": "kb"},
        {"id": 41, "text": "Tokayev", "language": "en", "kind": "name", "origin": "kb"},
    ],
    "merged_into": None,
    "mention_count": 418,
    "text_count": 203,
    "created_at": "2025-09-01T08:00:00Z",
    "updated_at": "2025-09-05T15:52:11.204113Z",
}


# -- what the API returns --------------------------------------------------------------------


class EntityNamesSerializer(serializers.Serializer):
    """The entity's name in each language ("" when it has none in that language)."""

    kk = serializers.CharField(source="name_kk", read_only=True)
    ru = serializers.CharField(source="name_ru", read_only=True)
    en = serializers.CharField(source="name_en", read_only=True)


class EntityAliasSerializer(serializers.ModelSerializer):
    """A way the entity is written (names included): what extraction links mentions by."""

    # Declared: a read-only model field loses ``allow_blank``, and "" must stay in the schema.
    language = serializers.ChoiceField(
        choices=Language.choices,
        allow_blank=True,
        read_only=True,
        help_text=_('kk, ru, en, or "" when the alias is written so in every language.'),
    )

    class Meta:
        model = Alias
        fields = ("id", "text", "language", "kind", "origin")
        read_only_fields = fields


@extend_schema_serializer(
    examples=[OpenApiExample("A person", value=ENTITY_EXAMPLE, response_only=True)]
)
class EntitySerializer(serializers.ModelSerializer):
    """An entity of the knowledge base. ``merged_into`` is set when an editor merged it into
    another entity: follow it (the entity it names may itself be merged further)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:entity-detail")
    names = EntityNamesSerializer(source="*", read_only=True)
    aliases = EntityAliasSerializer(many=True, read_only=True)
    gender = serializers.ChoiceField(
        choices=Gender.choices,
        allow_blank=True,
        read_only=True,
        help_text=_('For people: m, f, or "" when unknown.'),
    )
    merged_into = serializers.IntegerField(
        source="merged_into_id",
        read_only=True,
        allow_null=True,
        help_text=_("The entity this one was merged into, or null."),
    )
    mention_count = serializers.SerializerMethodField(
        help_text=_("Mentions of the entity in articles and translations (rejected ones left out).")
    )
    text_count = serializers.SerializerMethodField(
        help_text=_("Articles and translations that mention the entity.")
    )

    class Meta:
        model = Entity
        fields = (
            "id",
            "url",
            "type",
            "names",
            "description",
            "wikidata_id",
            "gender",
            "status",
            "aliases",
            "merged_into",
            "mention_count",
            "text_count",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    def _counts(self, entity: Entity) -> tuple[int, int]:
        # Read for the whole page at once by the view (curation.selectors.coverage_counts).
        return self.context.get("counts", {}).get(entity.pk, (0, 0))

    @extend_schema_field(OpenApiTypes.INT)
    def get_mention_count(self, entity: Entity) -> int:
        return self._counts(entity)[1]

    @extend_schema_field(OpenApiTypes.INT)
    def get_text_count(self, entity: Entity) -> int:
        return self._counts(entity)[0]


# -- what clients send -----------------------------------------------------------------------


def _name_field() -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_NAME_LENGTH, trim_whitespace=True
    )


def _reason_field() -> serializers.CharField:
    return serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_REASON_LENGTH,
        default="",
        help_text=_("Why: kept in the entity's history."),
    )


def _check_name(value: str) -> str:
    if value and not lookup_key(value):
        raise serializers.ValidationError(_("A name needs at least one letter or digit."))
    return value


class EntityNamesInputSerializer(serializers.Serializer):
    """Names by language; a language left out is left as it is, "" removes the name."""

    kk = _name_field()
    ru = _name_field()
    en = _name_field()

    def validate_kk(self, value: str) -> str:
        return _check_name(value)

    def validate_ru(self, value: str) -> str:
        return _check_name(value)

    def validate_en(self, value: str) -> str:
        return _check_name(value)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A new organisation",
            value={
                "type": "ORG",
                "names": {"kk": "Ұлттық банк", "ru": "Национальный банк"},
                "description": "The central bank of Kazakhstan",
            },
            request_only=True,
        )
    ]
)
class EntityCreateSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=EntityType.choices)
    names = EntityNamesInputSerializer(
        help_text=_("At least one name; each becomes an alias in its language.")
    )
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_DESCRIPTION_LENGTH, default=""
    )

    def validate_names(self, names: dict[str, str]) -> dict[str, str]:
        if not any(names.get(language) for language in LANGUAGES):
            raise serializers.ValidationError(_("Give a name in at least one language."))
        return names


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Add the English name and the Wikidata id",
            value={
                "names": {"en": "National Bank of Kazakhstan"},
                "wikidata_id": "Q1432396",
                "reason": "From the bank's site",
            },
            request_only=True,
        )
    ]
)
class EntityUpdateSerializer(serializers.Serializer):
    """The fields to change; a field left out stays as it is. A new name also becomes an
    alias, so mentions of it link."""

    names = EntityNamesInputSerializer(required=False)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_DESCRIPTION_LENGTH
    )
    wikidata_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text=_('Like Q42; "" removes it.'),
    )
    gender = serializers.ChoiceField(
        choices=[("", _("Unknown")), *Gender.choices],
        required=False,
        allow_blank=True,
        help_text=_('For people: m, f, or "" for unknown.'),
    )
    reason = _reason_field()

    def validate_wikidata_id(self, value: str) -> str:
        value = value.strip().upper()
        if value and not _WIKIDATA_ID.fullmatch(value):
            raise serializers.ValidationError(_("A Wikidata id looks like Q42 (Q and a number)."))
        return value

    def service_fields(self) -> dict[str, str]:
        """The keyword arguments of ``entity_update`` (only what the client sent)."""
        data = self.validated_data
        fields = {f"name_{language}": value for language, value in data.get("names", {}).items()}
        for name in ("description", "wikidata_id", "gender"):
            if name in data:
                fields[name] = data[name]
        return fields


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Merge a duplicate",
            value={"into": 12, "reason": "Same person, proposed by extraction"},
            request_only=True,
        )
    ]
)
class EntityMergeSerializer(serializers.Serializer):
    into = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text=_(
            "The entity to keep. Mentions, quotes and the aliases it lacks move to it; if it "
            "was merged itself, the entity it became is kept."
        ),
    )
    reason = _reason_field()

    def validate_into(self, value: int) -> Entity:
        target = Entity.objects.filter(pk=value).first()
        if target is None:
            raise serializers.ValidationError(
                _("There is no entity number %(pk)s.") % {"pk": value}
            )
        return target


class EntityReasonSerializer(serializers.Serializer):
    reason = _reason_field()


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A Russian inflected form",
            value={"text": "Токаева", "language": "ru", "kind": "inflected"},
            request_only=True,
        )
    ]
)
class EntityAliasCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_NAME_LENGTH)
    language = serializers.ChoiceField(
        choices=Language.choices,
        required=False,
        allow_blank=True,
        default="",
    )
    kind = serializers.ChoiceField(
        choices=Alias.Kind.choices, required=False, default=Alias.Kind.NAME
    )
    reason = _reason_field()

    def validate_text(self, value: str) -> str:
        if not lookup_key(value):
            raise serializers.ValidationError(_("An alias needs at least one letter or digit."))
        return value

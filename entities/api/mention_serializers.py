"""Mentions in the API: what a mention looks like, and the bodies of the reviewer's actions
(relink, retype, add). Serializers validate and resolve references; the views call the span
services (``entities.services``) with the result."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from articles.selectors import articles_visible_to
from articles.translations.selectors import translations_visible_to
from entities.models import Entity, EntityType, Mention, ReviewStatus, SpanField
from integrations.fields import MAX_ID

# Ids are bigints; anything larger is refused by validation, before a database sees it.
# Offsets are PositiveIntegerFields (a 32-bit integer on PostgreSQL).
MAX_OFFSET = 2**31 - 1
LANGUAGES = ("kk", "ru", "en")


def id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def entity_resolve(pk: int) -> Entity:
    """The entity with this id, followed to the entity it was merged into (links never point
    at a merged-away entity); a validation error when there is none."""
    entity = Entity.objects.select_related("merged_into").filter(pk=pk).first()
    if entity is None:
        raise serializers.ValidationError(_("There is no entity with id %(id)s.") % {"id": pk})
    seen = {entity.pk}
    while entity.merged_into_id and entity.merged_into_id not in seen:
        entity = entity.merged_into
        seen.add(entity.pk)
    return entity


# -- reading --------------------------------------------------------------------------------


class MentionEntitySerializer(serializers.ModelSerializer):
    """The entity a mention is linked to, with its names in each language."""

    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = Entity
        fields = ["id", "type", "status", "name", "name_kk", "name_ru", "name_en"]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A confirmed mention",
            value={
                "id": 812,
                "article": 41,
                "translation": None,
                "field": "body",
                "start": 120,
                "end": 135,
                "text": "Тоқаевтың",
                "type": "PER",
                "entity": {
                    "id": 3,
                    "type": "PER",
                    "status": "confirmed",
                    "name": "Kassym-Jomart Tokayev",
                    "name_kk": "Қасым-Жомарт Тоқаев",
                    "name_ru": "Касым-Жомарт Токаев",
                    "name_en": "Kassym-Jomart Tokayev",
                },
                "suggested_entity": None,
                "method": "inflection",
                "confidence": 0.95,
                "review_status": "confirmed",
                "reviewed_by": "aigerim",
                "reviewed_at": "2025-09-05T16:12:03Z",
                "created_at": "2025-09-05T15:59:40Z",
                "updated_at": "2025-09-05T16:12:03Z",
            },
            response_only=True,
        )
    ]
)
class MentionSerializer(serializers.ModelSerializer):
    """A span of an article's or a translation's title or body naming a person, an
    organisation or a place, and the entity it is linked to (``null`` when not linked).
    ``suggested_entity`` is a loose match (lemma, fuzzy) offered to a reviewer, never linked
    silently."""

    article = serializers.IntegerField(
        source="article_id", read_only=True, allow_null=True, help_text="The article's id."
    )
    translation = serializers.IntegerField(
        source="translation_id",
        read_only=True,
        allow_null=True,
        help_text="The translation's id (mentions are in an article or in a translation).",
    )
    entity = MentionEntitySerializer(read_only=True, allow_null=True)
    suggested_entity = serializers.IntegerField(
        source="suggested_entity_id", read_only=True, allow_null=True
    )
    reviewed_by = serializers.CharField(
        source="reviewed_by.username",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Username of who made the last decision.",
    )

    class Meta:
        model = Mention
        fields = [
            "id",
            "article",
            "translation",
            "field",
            "start",
            "end",
            "text",
            "type",
            "entity",
            "suggested_entity",
            "method",
            "confidence",
            "review_status",
            "reviewed_by",
            "reviewed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


# -- actions --------------------------------------------------------------------------------


class NewEntityNamesSerializer(serializers.Serializer):
    kk = serializers.CharField(max_length=300, required=False, allow_blank=True)
    ru = serializers.CharField(max_length=300, required=False, allow_blank=True)
    en = serializers.CharField(max_length=300, required=False, allow_blank=True)


class NewEntitySerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=EntityType.choices)
    names = NewEntityNamesSerializer(help_text="The entity's name in at least one language.")

    def validate_names(self, names: dict) -> dict:
        cleaned = {lang: (names.get(lang) or "").strip() for lang in LANGUAGES}
        if not any(cleaned.values()):
            raise serializers.ValidationError(
                _("Give the new entity a name in at least one language.")
            )
        return cleaned


@extend_schema_serializer(
    examples=[
        OpenApiExample("Link to an entity", value={"entity": 3}, request_only=True),
        OpenApiExample(
            "Link to a new entity",
            value={"new_entity": {"type": "ORG", "names": {"kk": "Самұрық-Қазына", "ru": ""}}},
            request_only=True,
        ),
    ]
)
class MentionRelinkSerializer(serializers.Serializer):
    """Either ``entity`` (an existing entity's id; a merged entity is followed to the one it
    was merged into) or ``new_entity`` (added to the knowledge base and linked: editors only)."""

    entity = id_field(required=False)
    new_entity = NewEntitySerializer(required=False)

    def validate_entity(self, pk: int) -> Entity:
        return entity_resolve(pk)

    def validate(self, attrs: dict) -> dict:
        if ("entity" in attrs) == ("new_entity" in attrs):
            raise serializers.ValidationError(
                _("Send either «entity» (an id) or «new_entity» (a type and names), not both.")
            )
        return attrs


class MentionRetypeSerializer(serializers.Serializer):
    """The mention's corrected type. A link to an entity of another type is dropped."""

    type = serializers.ChoiceField(choices=EntityType.choices)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Mark a name the extractor missed",
            value={
                "article": 41,
                "field": "body",
                "start": 210,
                "end": 223,
                "type": "ORG",
                "expected_text": "Самұрық-Қазына",
            },
            request_only=True,
        )
    ]
)
class MentionCreateSerializer(serializers.Serializer):
    """A mention the extractor missed (or the machine's mention of exactly that span, taken
    over): confirmed, by the caller. ``expected_text`` guards against a text that changed
    since the offsets were computed."""

    article = id_field(required=False, help_text="The article (or give a translation).")
    translation = id_field(required=False, help_text="The translation (or give an article).")
    field = serializers.ChoiceField(choices=SpanField.choices)
    start = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET)
    end = serializers.IntegerField(min_value=1, max_value=MAX_OFFSET)
    type = serializers.ChoiceField(
        choices=EntityType.choices,
        required=False,
        help_text="Required unless an entity is given (its type is used).",
    )
    entity = id_field(required=False, allow_null=True)
    expected_text = serializers.CharField(
        max_length=500, required=False, trim_whitespace=False, allow_blank=False
    )

    def validate_entity(self, pk: int | None) -> Entity | None:
        return None if pk is None else entity_resolve(pk)

    def _owner(self, attrs: dict):
        user = self.context["request"].user
        if "article" in attrs:
            owner = articles_visible_to(user).filter(pk=attrs["article"]).first()
            if owner is None:
                raise serializers.ValidationError(
                    {"article": _("There is no article with id %(id)s.") % {"id": attrs["article"]}}
                )
            return owner
        owner = translations_visible_to(user).filter(pk=attrs["translation"]).first()
        if owner is None:
            raise serializers.ValidationError(
                {
                    "translation": _("There is no translation with id %(id)s.")
                    % {"id": attrs["translation"]}
                }
            )
        return owner

    def validate(self, attrs: dict) -> dict:
        if ("article" in attrs) == ("translation" in attrs):
            raise serializers.ValidationError(
                _("Send either «article» or «translation» (the text the mention is in).")
            )
        entity = attrs.get("entity")
        if entity is None and "type" not in attrs:
            raise serializers.ValidationError({"type": _("Give a type, or an entity to link.")})
        if entity is not None and attrs.get("type", entity.type) != entity.type:
            raise serializers.ValidationError(
                {"type": _("The entity is of type %(type)s.") % {"type": entity.type}}
            )
        if attrs["start"] >= attrs["end"]:
            raise serializers.ValidationError({"end": _("The end must be after the start.")})
        owner = self._owner(attrs)
        text = getattr(owner, attrs["field"])
        if attrs["end"] > len(text):
            raise serializers.ValidationError(
                {
                    "end": _("The %(field)s is only %(length)d characters long.")
                    % {"field": attrs["field"], "length": len(text)}
                }
            )
        if (
            "expected_text" in attrs
            and text[attrs["start"] : attrs["end"]] != attrs["expected_text"]
        ):
            raise serializers.ValidationError(
                {
                    "expected_text": _(
                        "The text changed since you selected it: the span now reads «%(text)s»."
                    )
                    % {"text": text[attrs["start"] : attrs["end"]][:100]}
                }
            )
        attrs["owner"] = owner
        return attrs


# Values the review actions set (for the schema's descriptions).
DECISIONS = {
    "confirm": ReviewStatus.CONFIRMED,
    "reject": ReviewStatus.REJECTED,
    "reopen": ReviewStatus.SUGGESTED,
}

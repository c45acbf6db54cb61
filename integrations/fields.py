"""Small input pieces every API area uses: ids in the database's range, and choice fields
documented as their own named enum components."""

from __future__ import annotations

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# Ids are BigAutoFields: a larger number names nothing (and PostgreSQL refuses to compare it).
MAX_ID = 2**63 - 1


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An id filter: a positive whole number in the database's range (django-filter's
    NumberFilter would accept 1.5 and 1e30; bad values are a 400, never a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def enum_field(component_name: str, choices: list[str], description: str):
    """A ChoiceField documented as its own named enum component: field names such as
    ``status`` or ``state`` mean different choice sets across the API, where drf-spectacular's
    automatic enum naming collides."""
    schema = {"type": "string", "enum": list(choices), "description": description}

    @extend_schema_field(schema, component_name=component_name)
    class EnumField(serializers.ChoiceField):
        def __init__(self, **kwargs) -> None:
            super().__init__(choices=list(choices), **kwargs)

    EnumField.__name__ = EnumField.__qualname__ = f"{component_name}Field"
    return EnumField

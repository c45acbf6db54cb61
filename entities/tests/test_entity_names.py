"""Entity names follow the interface language."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from entities.models import Entity

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected"),
    [("kk", "Тоқаев"), ("ru", "Токаев"), ("en", "Tokayev"), ("de", "Tokayev")],
)
def test_localized_name_uses_the_interface_language(language, expected):
    entity = Entity.objects.create(
        type="PER", name_kk="Тоқаев", name_ru="Токаев", name_en="Tokayev", status="confirmed"
    )
    template = Template("{% load entity_names %}{{ entity|localized_name }}")
    with translation.override(language):
        assert template.render(Context({"entity": entity})) == expected


def test_localized_name_falls_back_to_another_name():
    entity = Entity.objects.create(type="LOC", name_ru="Алматы", status="confirmed")
    template = Template("{% load entity_names %}{{ entity|localized_name }}")
    with translation.override("kk"):
        assert template.render(Context({"entity": entity})) == "Алматы"

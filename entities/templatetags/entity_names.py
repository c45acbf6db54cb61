"""``{{ entity|localized_name }}``: an entity's name in the interface language (falling back
to its other names), so a Kazakh desk reads «Тоқаев», a Russian one «Токаев»."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def localized_name(entity) -> str:
    if entity is None:
        return ""
    return entity.name_in((get_language() or "en")[:2])

"""Template filter showing Kazakh text in the official 2021 Latin alphabet.

``{% load kazakh_script %}``, then ``{{ article.body|kazakh_latin:article.language }}``: Kazakh
text comes out in Latin, text in another language is left alone (so the same template serves the
"view in Latin" toggle for every article). Without the argument the text is always transliterated.

The filter is deliberately not ``is_safe``: its input is plain text and its result is a plain
string, so autoescaping still applies to it (``<`` stays ``&lt;``)."""

from __future__ import annotations

from typing import Any

from django import template

from articles.kazakh_latin import kazakh_to_latin
from articles.models import Language

register = template.Library()


@register.filter
def kazakh_latin(value: Any, language: str | None = None) -> Any:
    """``value`` in Latin if it is Kazakh (``language`` is "kk" or not given)."""
    if value is None:
        return ""
    if language and language != Language.KAZAKH:
        return value
    return kazakh_to_latin(str(value))

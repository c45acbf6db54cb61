"""Template filters for the collaboration parts of the article page."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from articles.collaboration import comment_body_html

register = template.Library()


@register.filter(is_safe=True)
def comment_html(body: str) -> SafeString:
    """``{{ comment.body|comment_html|linebreaksbr }}``: escaped, with @mentions marked."""
    return comment_body_html(body or "")


@register.filter
def step_label(name: str) -> str:
    """The translated label of a workflow step, from its name (``return`` → "Return to draft")."""
    from articles.translations.workflow import TRANSLATION_STEPS
    from articles.workflow import STEPS

    step = TRANSLATION_STEPS.get(name[3:]) if name.startswith("tr_") else STEPS.get(name)
    return str(step.label) if step else name

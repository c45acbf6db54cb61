"""The coverage entries of the top bar: stories, coverage, entities and conflicts for the desk
(editors, reviewers, admins); search for everyone signed in."""

from __future__ import annotations

from django import template

from entities.permissions import can_view_coverage

register = template.Library()


@register.inclusion_tag("entities/_coverage_nav.html", takes_context=True)
def coverage_nav(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "request": request,
        "show_coverage": user is not None and can_view_coverage(user),
    }

"""What base.html needs on every page: the unread-notification badge and the language names."""

from __future__ import annotations

from django import template

from articles import selectors

register = template.Library()

# Each language named in itself, as a speaker looks for it in a menu; never translated.
INTERFACE_LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    """One COUNT query per page for a signed-in user (none when the view already counted)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    cached = getattr(request, "kzeditor_unread_count", None)
    if cached is None:
        cached = selectors.notifications_unread_count(user=request.user)
        request.kzeditor_unread_count = cached
    return cached


@register.simple_tag
def interface_languages() -> list[tuple[str, str]]:
    return INTERFACE_LANGUAGES

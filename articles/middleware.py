"""The interface language a user chose is theirs: it follows them to any browser."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

SESSION_LANGUAGE_KEY = "kzeditor_language"


class UserLanguageMiddleware:
    """After ``LocaleMiddleware`` and authentication: a signed-in user's saved language wins
    over the browser's, and the language cookie is brought in line with it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        preferred = _preferred_language(request)
        if preferred and preferred != request.LANGUAGE_CODE:
            translation.activate(preferred)
            request.LANGUAGE_CODE = preferred
        response = self.get_response(request)
        if preferred and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != preferred:
            language_cookie_set(response, preferred)
        return response


def language_cookie_set(response: HttpResponse, language: str) -> None:
    """Django's language cookie, with every LANGUAGE_COOKIE_* setting applied."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _preferred_language(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    cached = request.session.get(SESSION_LANGUAGE_KEY) if hasattr(request, "session") else None
    if cached is not None:
        return cached
    from articles.models import UserPreference

    language = (
        UserPreference.objects.filter(user=user).values_list("language", flat=True).first() or ""
    )
    request.session[SESSION_LANGUAGE_KEY] = language
    return language

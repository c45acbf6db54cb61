"""The interface language: the switcher in the top bar (and on the login page) posts here."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from articles.collaboration import user_language_set

# Where articles.middleware.UserLanguageMiddleware caches a signed-in user's saved language.
from articles.middleware import SESSION_LANGUAGE_KEY, language_cookie_set
from articles.models import Language
from articles.views.redirects import safe_next_url


def _safe_next(request: HttpRequest) -> str:
    for candidate in (request.POST.get("next"), request.headers.get("referer")):
        if safe := safe_next_url(request, candidate):
            return safe
    return settings.LOGIN_URL if not request.user.is_authenticated else "articles:dashboard"


# Not @login_required on purpose: the login page has a switcher too. Anonymous visitors only
# get the language cookie; nothing is stored for them.
@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch the interface language. Signed-in users keep it in their preferences, so it
    follows them to any browser; everyone gets Django's language cookie."""
    language = request.POST.get("language", "")
    if language not in Language.values:
        return HttpResponseBadRequest(
            _("Unknown interface language «%(language)s»; choose one of %(choices)s.")
            % {"language": language[:20], "choices": ", ".join(Language.values)},
            content_type="text/plain; charset=utf-8",
        )
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
        request.session[SESSION_LANGUAGE_KEY] = language
    response = redirect(_safe_next(request))
    language_cookie_set(response, language)
    return response

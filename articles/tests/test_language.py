"""The interface-language switcher: saved per user, remembered in new sessions, cookie for all."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from articles.models import UserPreference
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

LANGUAGE = reverse("articles:language")
SESSION_KEY = "kzeditor_language"


def test_signed_in_switch_saves_preference_session_and_cookie(client, editor):
    client.force_login(editor)
    response = client.post(LANGUAGE, {"language": "kk", "next": reverse("articles:list")})
    assert response.status_code == 302
    assert response["Location"] == reverse("articles:list")
    assert UserPreference.objects.get(user=editor).language == "kk"
    assert client.session[SESSION_KEY] == "kk"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "kk"

    page = client.get(reverse("articles:list"))
    assert page.wsgi_request.LANGUAGE_CODE == "kk"
    assert '<html lang="kk">' in page.content.decode()


def test_switching_again_replaces_the_preference(client, editor):
    client.force_login(editor)
    client.post(LANGUAGE, {"language": "kk"})
    client.post(LANGUAGE, {"language": "ru"})
    assert list(UserPreference.objects.values_list("language", flat=True)) == ["ru"]
    assert client.get(reverse("articles:dashboard")).wsgi_request.LANGUAGE_CODE == "ru"


def test_saved_language_follows_the_user_to_a_new_session(client, editor):
    client.force_login(editor)
    client.post(LANGUAGE, {"language": "kk"})

    other_browser = Client()  # no cookie, no session, an English-speaking browser
    other_browser.post(reverse("login"), {"username": "editor", "password": PASSWORD})
    response = other_browser.get(reverse("articles:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.wsgi_request.LANGUAGE_CODE == "kk"
    assert '<html lang="kk">' in response.content.decode()
    # The middleware brings the browser's cookie in line with the saved choice.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "kk"


def test_a_users_choice_does_not_leak_to_other_users(client, editor, reviewer):
    client.force_login(editor)
    client.post(LANGUAGE, {"language": "kk"})
    other = Client()
    other.force_login(reviewer)
    response = other.get(reverse("articles:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.wsgi_request.LANGUAGE_CODE == "en"


@pytest.mark.parametrize("language", ["de", "", "KK", "kk-kz", "x" * 500])
def test_unknown_language_is_400_and_nothing_changes(client, editor, language):
    client.force_login(editor)
    response = client.post(LANGUAGE, {"language": language})
    assert response.status_code == 400
    assert "Unknown interface language" in response.content.decode()
    assert response["Content-Type"].startswith("text/plain")  # the echoed value is not HTML
    assert not UserPreference.objects.exists()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert client.session.get(SESSION_KEY, "") == ""  # the middleware caches "no preference"


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_unsafe_next_is_ignored(client, editor, unsafe):
    client.force_login(editor)
    response = client.post(LANGUAGE, {"language": "ru", "next": unsafe})
    assert response.status_code == 302
    assert response["Location"] == reverse("articles:dashboard")
    assert UserPreference.objects.get(user=editor).language == "ru"


def test_anonymous_switch_sets_only_the_cookie(client):
    login_url = reverse("login")
    response = client.post(LANGUAGE, {"language": "ru", "next": login_url})
    assert response.status_code == 302
    assert response["Location"] == login_url
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert not UserPreference.objects.exists()
    page = client.get(login_url)
    assert '<html lang="ru">' in page.content.decode()


def test_anonymous_without_next_goes_to_the_login_page(client):
    response = client.post(LANGUAGE, {"language": "en"})
    assert response["Location"] == reverse("login")


def test_get_is_not_allowed(client, editor):
    assert client.get(LANGUAGE).status_code == 405
    client.force_login(editor)
    assert client.get(LANGUAGE, {"language": "kk"}).status_code == 405
    assert not UserPreference.objects.exists()


def test_switcher_names_languages_in_their_own_language_on_every_page(client, editor):
    html = client.get(reverse("login")).content.decode()
    for name in ("Қазақша", "Русский", "English"):
        assert name in html
    assert f'action="{LANGUAGE}"' in html
    client.force_login(editor)
    html = client.get(reverse("articles:list")).content.decode()
    assert f'action="{LANGUAGE}"' in html
    assert '<option value="en" lang="en" selected>English</option>' in html


def test_the_switch_needs_csrf(editor):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    response = strict.post(LANGUAGE, {"language": "kk"})
    assert response.status_code == 403
    assert not UserPreference.objects.exists()

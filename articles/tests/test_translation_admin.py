"""The admin side of the translation desk: requests go through the service (rows created),
text is read-only, and the memory and overrides have their own pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.models import QAOverride, Translation, TranslationMemoryEntry
from articles.tests.factories import ArticleFactory
from articles.translations.services import translation_request

pytestmark = pytest.mark.django_db


def test_admin_requests_a_translation_through_the_service(admin_client, translator):
    article = ArticleFactory(language="kk", body="Бірінші.\n\nЕкінші.")
    response = admin_client.post(
        reverse("admin:articles_translation_add"),
        {
            "article": article.pk,
            "language": "ru",
            "translator": translator.pk,
            "reviewer": "",
            "due_at_0": "",
            "due_at_1": "",
            "segments-TOTAL_FORMS": "0",
            "segments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    translation = Translation.objects.get()
    assert translation.translator == translator
    assert translation.segments.count() == 3  # the title and two paragraphs


def test_admin_request_refusal_is_a_form_error_not_a_500(admin_client, admin_user):
    article = ArticleFactory(language="kk")
    translation_request(article_id=article.pk, language="ru", user=admin_user)
    response = admin_client.post(
        reverse("admin:articles_translation_add"),
        {
            "article": article.pk,
            "language": "kk",
            "translator": "",
            "reviewer": "",
            "segments-TOTAL_FORMS": "0",
            "segments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "already in" in response.content.decode()
    assert Translation.objects.count() == 1


def test_admin_translation_text_is_read_only(admin_client, admin_user):
    article = ArticleFactory(language="kk")
    translation = translation_request(article_id=article.pk, language="ru", user=admin_user)
    response = admin_client.get(reverse("admin:articles_translation_change", args=[translation.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "body" not in form.fields
    assert "title" not in form.fields
    assert "status" in form.fields


@pytest.mark.parametrize(
    "url_name",
    ["admin:articles_translationmemoryentry_changelist", "admin:articles_qaoverride_changelist"],
)
def test_memory_and_override_pages(admin_client, url_name):
    TranslationMemoryEntry.objects.create(
        source_language="kk",
        target_language="ru",
        source_text="Сәлем",
        target_text="Привет",
        source_hash="a",
        target_hash="b",
    )
    response = admin_client.get(reverse(url_name))
    assert response.status_code == 200
    assert QAOverride.objects.count() == 0

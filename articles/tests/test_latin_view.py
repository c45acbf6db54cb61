"""Kazakh articles can be read and downloaded in the 2021 Latin alphabet."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_article_page_shows_kazakh_in_latin_on_request(client, editor):
    article = ArticleFactory(language="kk", title="Тоқаев Шымкентте", body="Үкімет <b>шешімі</b>.")
    client.force_login(editor)
    url = reverse("articles:detail", args=[article.pk])
    cyrillic = client.get(url).content.decode()
    assert 'id="script-latin"' in cyrillic
    assert 'id="article-latin"' not in cyrillic
    latin = client.get(url, {"script": "latn"}).content.decode()
    assert "Toqaev Şymkentte" in latin
    assert "Ükımet &lt;b&gt;şeşımı&lt;/b&gt;." in latin  # escaped, never markup
    assert "Тоқаев Шымкентте</h2>" not in latin


def test_no_latin_switch_for_russian(client, editor):
    article = ArticleFactory(language="ru", title="Токаев в Шымкенте", body="Правительство.")
    client.force_login(editor)
    html = client.get(reverse("articles:detail", args=[article.pk]), {"script": "latn"})
    assert 'id="script-latin"' not in html.content.decode()
    assert 'id="article-latin"' not in html.content.decode()

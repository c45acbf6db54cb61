"""The article page shows what extraction found, in a constant number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import PASSWORD
from entities.models import Mention

pytestmark = pytest.mark.django_db


def test_article_page_lists_linked_entities_figures_dates_and_quotes(
    client, editor, seed_articles, django_assert_max_num_queries
) -> None:
    client.login(username=editor.username, password=PASSWORD)
    url = reverse("articles:detail", args=[seed_articles["003"].pk])
    client.get(url)  # warm up: session and permissions
    with django_assert_max_num_queries(12):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kassym-Jomart Tokayev" in html
    assert "Xi Jinping" in html
    assert "7400000000" in html
    assert 'datetime="2025-09-02"' in html
    assert "Договорились о том" in html


def test_rejected_mentions_are_not_listed_and_text_is_escaped(
    client, editor, seed_articles
) -> None:
    article = seed_articles["003"]
    Mention.objects.filter(article=article, text="SANY").update(review_status="rejected")
    Mention.objects.filter(article=article, text="CNNC").update(
        entity=None, text="<script>alert(1)</script>"
    )
    client.login(username=editor.username, password=PASSWORD)
    html = client.get(reverse("articles:detail", args=[article.pk])).content.decode()
    assert ">SANY<" not in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

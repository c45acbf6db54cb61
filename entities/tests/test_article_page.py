"""The article page shows what extraction found, in a constant number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.tests.factories import ArticleFactory
from conftest import PASSWORD
from entities.models import Mention

pytestmark = pytest.mark.django_db

# Session, user, roles, article, four span kinds, comments, assignable users, presence, the
# article's translations (the translation panel), the story badge, and what base.html and the
# header add (unread notifications, import permission).
PAGE_QUERIES = 18


def _sidebar(html: str) -> str:
    match = re.search(r'<section id="entity-sidebar".*?</section>', html, re.S)
    assert match, "the page has no side list"
    return match.group(0)


def test_article_page_lists_linked_entities_figures_dates_and_quotes(
    client, editor, seed_articles, django_assert_max_num_queries
) -> None:
    client.login(username=editor.username, password=PASSWORD)
    url = reverse("articles:detail", args=[seed_articles["003"].pk])
    client.get(url)  # warm up: session and permissions
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    sidebar = _sidebar(html)
    assert "Kassym-Jomart Tokayev" in sidebar
    assert "Xi Jinping" in sidebar
    assert '<data value="7400000000">' in sidebar
    assert 'datetime="2025-09-02"' in sidebar
    assert "Договорились о том" in sidebar
    # The text: marks for every kind, a quote holding mentions.
    assert re.search(r'<mark class="span span-quote[^"]*"[^>]*>"?Договорились', html)
    assert 'data-kind="figure"' in html
    assert 'data-kind="date"' in html
    assert 'id="mention-panel"' in html
    assert 'data-mention-add-url="' in html  # editors may add mentions from a selection


def test_article_page_queries_do_not_grow_with_mentions(client, editor) -> None:
    body = " ".join(f"Word{n}" for n in range(30))
    few, many = ArticleFactory(body=body), ArticleFactory(body=body)
    for article, count in ((few, 1), (many, 30)):
        Mention.objects.bulk_create(
            Mention(
                article=article,
                field="body",
                start=body.index(f"Word{n} ") if n < 29 else body.index("Word29"),
                end=(body.index(f"Word{n} ") if n < 29 else body.index("Word29")) + len(f"Word{n}"),
                text=f"Word{n}",
                type="PER",
            )
            for n in range(count)
        )
    client.login(username=editor.username, password=PASSWORD)
    client.get(reverse("articles:detail", args=[few.pk]))  # warm up
    counts = []
    for article in (few, many):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("articles:detail", args=[article.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert response.content.decode().count('data-kind="mention"') == 30
    assert counts[0] == counts[1] <= PAGE_QUERIES


def test_rejected_mentions_are_struck_in_the_text_not_listed_and_escaped(
    client, editor, seed_articles
) -> None:
    article = seed_articles["003"]
    Mention.objects.filter(article=article, text="SANY").update(review_status="rejected")
    Mention.objects.filter(article=article, text="CNNC").update(
        entity=None, text="<script>alert(1)</script>"
    )
    client.login(username=editor.username, password=PASSWORD)
    html = client.get(reverse("articles:detail", args=[article.pk])).content.decode()
    sidebar = _sidebar(html)
    assert "SANY" not in sidebar
    assert re.search(r'<mark class="span span-mention is-rejected span-org"[^>]*>SANY</mark>', html)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in sidebar


def test_translator_sees_the_text_without_the_selection_tool(
    client, translator, seed_articles
) -> None:
    from articles.tests.factories import TranslationFactory

    article = seed_articles["003"]
    TranslationFactory(article=article, translator=translator)
    client.login(username=translator.username, password=PASSWORD)
    html = client.get(reverse("articles:detail", args=[article.pk])).content.decode()
    assert 'data-kind="mention"' in html
    assert "data-mention-add-url" not in html
    assert 'id="mention-toolbar"' not in html

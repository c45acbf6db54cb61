"""Real browser: an editor reviews mentions on a seed article without reloading the page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import login
from entities.models import Mention, SpanDecision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_confirms_relinks_and_adds_mentions_in_place(page, editor, seed_articles):
    article = seed_articles["003"]
    zakon = Mention.objects.get(article=article, text="Zakon.kz")
    council = Mention.objects.get(article=article, text="Делового совета")
    assert zakon.review_status == "suggested"
    assert council.entity.name_en != "Kazakhstan–China Business Council"

    login(page, "editor")
    expect(page.locator("form.logout")).to_be_visible()  # logged in
    page.goto(f"/articles/{article.pk}/")
    page.evaluate("window.__samePage = true")  # gone if anything reloads the page
    panel = page.locator("#mention-panel")

    # 1. Click a mention, confirm it.
    zakon_mark = page.locator(f'mark[data-kind="mention"][data-id="{zakon.pk}"]')
    zakon_mark.click()
    expect(panel.locator(".panel-text")).to_have_text("Zakon.kz")
    expect(zakon_mark).to_have_class(re.compile(r"\bis-active\b"))
    panel.get_by_role("button", name="Confirm").click()
    expect(panel.locator(".status-badge")).to_have_text("Confirmed")
    expect(zakon_mark).to_have_class(re.compile(r"\bis-confirmed\b"))
    zakon.refresh_from_db()
    assert zakon.review_status == "confirmed"

    # 2. Open another with the keyboard, relink it through the search box.
    council_mark = page.locator(f'mark[data-kind="mention"][data-id="{council.pk}"]')
    council_mark.focus()
    page.keyboard.press("Enter")
    expect(panel.locator(".panel-text")).to_have_text("Делового совета")
    panel.locator("#entity-search-q").fill("business council")
    result = panel.locator(".entity-result", has_text="Kazakhstan–China Business Council")
    expect(result).to_be_visible()
    result.get_by_role("button", name="Link").click()
    expect(panel.locator(".linked-entity")).to_contain_text("Kazakhstan–China Business Council")
    council.refresh_from_db()
    assert council.entity.name_en == "Kazakhstan–China Business Council"
    assert (council.method, council.review_status) == ("manual", "confirmed")
    expect(council_mark).to_have_attribute("title", re.compile("Kazakhstan–China Business Council"))

    # 3. Select a word in the text, add it as a person.
    word = "Президент"
    offset = article.body.index(word)
    page.evaluate(
        """([word]) => {
            for (const p of document.querySelectorAll('#article-text p[data-field="body"]')) {
                const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    const at = node.data.indexOf(word);
                    if (at === -1) continue;
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + word.length);
                    getSelection().removeAllRanges();
                    getSelection().addRange(range);
                    return;
                }
            }
        }""",
        [word],
    )
    toolbar = page.locator("#mention-toolbar")
    expect(toolbar).to_be_visible()
    toolbar.get_by_role("button", name="Person").click()
    expect(panel.locator(".panel-text")).to_have_text(word)
    added = Mention.objects.get(article=article, field="body", start=offset)
    assert (added.end, added.text, added.type, added.method) == (
        offset + len(word),
        word,
        "PER",
        "manual",
    )
    new_mark = page.locator(f'mark[data-kind="mention"][data-id="{added.pk}"]')
    expect(new_mark).to_have_text(word)
    expect(new_mark).to_have_class(re.compile(r"\bspan-per\b"))
    expect(new_mark).to_have_class(re.compile(r"\bis-confirmed\b"))
    expect(page.locator("#entity-sidebar")).to_contain_text(word)

    assert list(
        SpanDecision.objects.filter(article=article).order_by("id").values_list("action", flat=True)
    ) == ["confirmed", "linked", "added"]
    assert page.evaluate("window.__samePage") is True

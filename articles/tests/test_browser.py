"""Real browser: Debian Chromium through Playwright against a live server."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_logs_in_and_sees_the_seed_articles(page, editor, tmp_path):
    call_command(
        "import_articles",
        str(Path(settings.BASE_DIR) / "seeds"),
        "--no-progress",
        "--now=2025-09-05T12:00:00+05:00",
    )

    page.goto("/articles/")
    assert "/accounts/login/" in page.url  # anonymous users are sent to the login page
    login(page, "editor")
    page.wait_for_url("**/dashboard/")  # the dashboard is the home page after login
    page.goto("/articles/")

    rows = page.locator("table.articles tbody tr")
    assert rows.count() == 3
    text = page.locator("table.articles").inner_text()
    assert "Что подробно обсудили Касым-Жомарт Токаев" in text
    assert "Zakon.kz" in text
    assert "BAQ.KZ" in text
    # Dates are localized; the machine-readable value is on the <time> element. 000 says
    # «Бүгін, 19:52» (resolved against --now) and 004 is dated 05.09.2025; 003 has no date.
    expect(page.locator('table.articles time[datetime^="2025-09-05"]')).to_have_count(2)
    assert sorted(page.locator("td.lang").all_inner_texts()) == ["kk", "kk", "ru"]

    page.click("text=Что подробно обсудили")
    page.wait_for_url("**/articles/*/")
    expect(page.locator("h1")).to_contain_text("Что подробно обсудили")
    assert "akorda.kz" in page.locator("dl.meta").inner_text()
    page.screenshot(path=tmp_path / "article.png")


def test_wrong_password_is_refused(page, editor):
    login(page, "editor", "not-the-password")
    # The refused login re-renders the same URL, so wait for the message, not a navigation.
    expect(page.locator("[role=alert]")).to_be_visible()
    assert "/accounts/login/" in page.url
    expect(page.locator("table.articles")).to_have_count(0)

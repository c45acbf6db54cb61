"""Real browser: an editor's dashboard, filtering the list, switching the interface language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from articles.collaboration import comment_add, notify
from articles.models import Article, Notification, UserPreference
from articles.tests.factories import ArticleFactory
from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_dashboard_list_filters_and_language_switch(page, editor, reviewer, tmp_path):
    budget = ArticleFactory(language="ru", title="Бюджет принят", status="in_review")
    comment_add(article=budget, author=reviewer, body="@editor check the numbers")
    notify(recipient_ids=[editor.pk], actor=reviewer, article=budget, kind="assigned")
    ArticleFactory(language="ru", title="Погода в Астане", status="draft")
    ArticleFactory(language="kk", title="Бюджет қабылданды", status="draft")
    ArticleFactory(
        language="kk", title="Сәтсіз талдау", extraction_state="failed", extraction_error="boom"
    )

    login(page, "editor")
    page.wait_for_url("**/dashboard/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".stat-tile.total .stat-number")).to_have_text("4")
    expect(page.locator(".tile-draft .stat-number")).to_have_text("3")
    expect(page.locator(".tile-in_review .stat-number")).to_have_text("1")
    expect(page.locator("#extraction")).to_contain_text("Сәтсіз талдау")
    expect(page.locator("#extraction")).to_contain_text("boom")
    page.screenshot(path=tmp_path / "dashboard.png", full_page=True)

    # Marking one notification read swaps the section and the nav badge in place (htmx).
    expect(page.locator("#nav-unread")).to_contain_text("2")
    page.locator("#notifications li.notification").first.locator("button").click()
    expect(page.locator("#notifications li.notification")).to_have_count(1)
    expect(page.locator("#nav-unread")).to_contain_text("1")
    assert Notification.objects.filter(recipient=editor, read_at__isnull=True).count() == 1
    page.click("text=Mark all read")
    expect(page.locator("#notifications")).to_contain_text("No unread notifications.")
    expect(page.locator("#nav-unread")).to_be_hidden()

    # Retry puts the failed extraction back in the queue (eager here: it runs at once).
    page.click("#extraction >> text=Retry")
    expect(page.locator(".messages")).to_contain_text("queued again")
    assert not Article.objects.filter(extraction_state="failed").exists()

    page.click("nav.mainnav >> text=Articles")
    page.wait_for_url("**/articles/")
    expect(page.locator("table.articles tbody tr")).to_have_count(4)
    page.select_option("#id_language", "ru")
    page.fill("#id_q", "бюджет")  # lower case: the title says «Бюджет»
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r".*language=ru.*"))
    expect(page.locator("table.articles tbody tr")).to_have_count(1)
    expect(page.locator("table.articles tbody")).to_contain_text("Бюджет принят")
    expect(page.locator(".result-count")).to_have_text("1 article")
    # Sorting by a column header keeps the filters.
    page.click("th >> a.sort >> text=Title")
    page.wait_for_url(re.compile(r".*sort=title.*"))
    assert "language=ru" in page.url
    expect(page.locator("table.articles tbody tr")).to_have_count(1)

    page.select_option("#lang-select", "kk")
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    assert "language=ru" in page.url  # back on the same filtered list
    expect(page.locator("#lang-select")).to_have_value("kk")
    assert UserPreference.objects.get(user=editor).language == "kk"
    page.screenshot(path=tmp_path / "list-kk.png", full_page=True)


def test_login_page_switcher_sets_the_language_before_signing_in(page, editor):
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.select_option("#lang-select", "ru")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert "/accounts/login/" in page.url
    assert not UserPreference.objects.exists()  # anonymous: cookie only

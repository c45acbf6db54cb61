"""Acceptance in a real browser (Debian Chromium through Playwright) on the seed articles: the
desk's day end to end, one scenario per test. Waits are ``expect()``; nothing sleeps."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from articles.models import Article, UserPreference
from articles.roles import Role
from conftest import login
from entities.models import Mention, SpanDecision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RUSSIAN_SEED_TITLE = "Что подробно обсудили"
BADGE = ".article-header .status-badge"


@pytest.fixture
def desk(make_user):
    return make_user("editor", Role.EDITOR), make_user("reviewer", Role.REVIEWER)


@pytest.fixture
def seeds(desk) -> Article:
    """The seed articles imported (extraction runs in-process); returns the Russian one, 003."""
    call_command(
        "import_articles",
        str(settings.BASE_DIR / "seeds"),
        "--no-progress",
        "--now=2025-09-05T12:00:00+05:00",
    )
    assert Article.objects.count() == 3
    return Article.objects.get(title__startswith=RUSSIAN_SEED_TITLE)


@pytest.fixture
def second_page(chromium, live_server):
    """Another browser context: its own cookies, so its own session."""
    context = chromium.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _login(page, username: str) -> None:
    login(page, username)
    expect(page.locator(".topbar .who")).to_have_text(username)


def test_editor_confirms_and_relinks_mentions_on_the_russian_seed(page, seeds):
    article = seeds
    zakon = Mention.objects.get(article=article, text="Zakon.kz")
    council = Mention.objects.get(article=article, text="Делового совета")
    assert zakon.review_status == "suggested"
    assert council.entity_id is None or council.entity.name_en != (
        "Kazakhstan–China Business Council"
    )

    _login(page, "editor")
    page.locator("nav.mainnav").get_by_role("link", name="Articles", exact=True).click()
    page.get_by_role("link", name=re.compile(RUSSIAN_SEED_TITLE)).click()
    expect(page.locator(".article-header h1")).to_contain_text(RUSSIAN_SEED_TITLE)
    assert page.url.endswith(f"/articles/{article.pk}/")
    panel = page.locator("#mention-panel")

    zakon_mark = page.locator(f'mark[data-kind="mention"][data-id="{zakon.pk}"]')
    zakon_mark.click()
    expect(panel.locator(".panel-text")).to_have_text("Zakon.kz")
    panel.get_by_role("button", name="Confirm").click()
    expect(panel.locator(".status-badge")).to_have_text("Confirmed")
    expect(zakon_mark).to_have_class(re.compile(r"\bis-confirmed\b"))

    council_mark = page.locator(f'mark[data-kind="mention"][data-id="{council.pk}"]')
    council_mark.click()
    expect(panel.locator(".panel-text")).to_have_text("Делового совета")
    panel.locator("#entity-search-q").press_sequentially("business coun")
    result = panel.locator(".entity-result", has_text="Kazakhstan–China Business Council")
    expect(result).to_be_visible()
    result.get_by_role("button", name="Link").click()
    expect(panel.locator(".linked-entity")).to_contain_text("Kazakhstan–China Business Council")

    zakon.refresh_from_db()
    council.refresh_from_db()
    assert (zakon.review_status, zakon.reviewed_by.username) == ("confirmed", "editor")
    assert council.entity.name_en == "Kazakhstan–China Business Council"
    assert (council.method, council.review_status) == ("manual", "confirmed")
    decisions = SpanDecision.objects.filter(article=article).order_by("id")
    assert [(d.action, d.text, d.user.username) for d in decisions] == [
        ("confirmed", "Zakon.kz", "editor"),
        ("linked", "Делового совета", "editor"),
    ]


def test_submit_approve_publish_by_two_people(page, second_page, seeds):
    article = seeds
    url = f"/articles/{article.pk}/"

    _login(page, "editor")
    page.goto(url)
    expect(page.locator(BADGE)).to_have_text("Draft")
    expect(page.get_by_role("button", name="Approve", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(BADGE)).to_have_text("In review")

    _login(second_page, "reviewer")
    second_page.goto(url)
    expect(second_page.locator(BADGE)).to_have_text("In review")
    second_page.get_by_role("button", name="Approve", exact=True).click()
    expect(second_page.locator(BADGE)).to_have_text("Approved")
    # Approved is when an editor publishes; the reviewer has no such button.
    expect(second_page.get_by_role("button", name="Publish")).to_have_count(0)

    page.reload()
    expect(page.locator(BADGE)).to_have_text("Approved")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(BADGE)).to_have_text("Published")

    article.refresh_from_db()
    assert (article.status, article.version) == ("published", 4)

    page.get_by_role("link", name="History").click()
    page.wait_for_url(f"**/articles/{article.pk}/history/")
    steps = page.locator("tr.history-version[class*='step-']")
    expect(steps).to_have_count(3)
    # Newest first: who took each step, and what it was.
    expect(steps.nth(0)).to_have_class(re.compile(r"\bstep-publish\b"))
    expect(steps.nth(0)).to_contain_text("editor")
    expect(steps.nth(0)).to_contain_text("Publish")
    expect(steps.nth(1)).to_have_class(re.compile(r"\bstep-approve\b"))
    expect(steps.nth(1)).to_contain_text("reviewer")
    expect(steps.nth(2)).to_have_class(re.compile(r"\bstep-submit\b"))
    expect(steps.nth(2)).to_contain_text("Submit for review")


def test_two_sessions_edit_the_same_seed_article_and_merge(page, second_page, seeds):
    article = seeds
    edit_url = f"/articles/{article.pk}/edit/"
    original = article.body
    first_paragraph, rest = original.split("\n\n", 1)
    reviewer_text = f"{first_paragraph} (уточнено)\n\n{rest}"
    editor_text = f"{original}\n\nРедакция дополнила материал."

    _login(page, "editor")
    page.goto(edit_url)
    _login(second_page, "reviewer")
    second_page.goto(edit_url)

    second_page.fill("#id_body", reviewer_text)
    second_page.get_by_role("button", name="Save").click()
    expect(second_page.locator(".messages")).to_contain_text("Saved")

    page.fill("#id_body", editor_text)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_contain_text("Someone saved this article")
    expect(page.locator("#conflict-body .conflict-theirs")).to_contain_text(
        "Редакция дополнила материал."
    )
    expect(page.locator("#conflict-body .conflict-current")).to_contain_text("(уточнено)")
    expect(page.locator("#conflict-body .conflict-current")).not_to_contain_text(
        "Редакция дополнила материал."
    )
    expect(page.locator(".conflict-notice")).to_contain_text("Saved by reviewer")
    article.refresh_from_db()
    assert article.body == reviewer_text  # the second save wrote nothing

    merged = f"{reviewer_text}\n\nРедакция дополнила материал."
    page.fill("#id_body", merged)
    page.get_by_role("button", name="Save merged version").click()
    expect(page.locator(".messages")).to_contain_text("Saved")
    expect(page.locator(".article-text")).to_contain_text("Редакция дополнила материал.")
    expect(page.locator(".article-text")).to_contain_text("(уточнено)")
    article.refresh_from_db()
    assert (article.body, article.version, article.updated_by.username) == (merged, 3, "editor")


def _translated(text: str, language: str) -> str:
    with translation.override(language):
        return gettext(text)


def test_switching_the_interface_to_kazakh_and_russian(page, chromium, live_server, seeds):
    dashboard_kk = _translated("Dashboard", "kk")
    articles_kk = _translated("Articles", "kk")
    dashboard_ru = _translated("Dashboard", "ru")
    assert dashboard_kk != "Dashboard", "no Kazakh catalogue: run `make install`"
    assert dashboard_ru not in ("Dashboard", dashboard_kk)
    nav = page.locator("nav.mainnav")

    _login(page, "editor")
    page.wait_for_url("**/dashboard/")
    expect(nav.get_by_role("link", name="Dashboard")).to_be_visible()

    page.select_option("#lang-select", "kk")
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    assert page.url.endswith("/dashboard/")  # back where the switch was made
    expect(nav.locator('a[href="/dashboard/"]')).to_contain_text(dashboard_kk)
    expect(nav.locator('a[href="/articles/"]')).to_have_text(articles_kk)
    expect(nav).not_to_contain_text("Dashboard")

    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(nav.locator('a[href="/dashboard/"]')).to_contain_text(dashboard_kk)
    assert UserPreference.objects.get(user__username="editor").language == "kk"

    # Remembered for the person, not the browser: a fresh English browser gets Kazakh too.
    context = chromium.new_context(base_url=live_server.url, locale="en-US")
    try:
        other = context.new_page()
        _login(other, "editor")
        expect(other.locator("html")).to_have_attribute("lang", "kk")
        expect(other.locator("nav.mainnav")).to_contain_text(dashboard_kk)
    finally:
        context.close()

    page.select_option("#lang-select", "ru")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(nav.locator('a[href="/dashboard/"]')).to_contain_text(dashboard_ru)
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(nav.locator('a[href="/dashboard/"]')).to_contain_text(dashboard_ru)
    assert UserPreference.objects.get(user__username="editor").language == "ru"

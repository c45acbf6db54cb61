"""In a real browser (Debian Chromium through Playwright): the workflow through its buttons,
and two people editing the same article at once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, EditingPresence
from articles.roles import Role
from articles.tests.factories import ArticleFactory
from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(make_user):
    return make_user("editor", Role.EDITOR), make_user("reviewer", Role.REVIEWER)


@pytest.fixture
def second_page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _login(page, username: str) -> None:
    login(page, username)
    expect(page.locator(".topbar .who")).to_have_text(username)


def test_submit_approve_publish_through_the_buttons(page, second_page, desk, tmp_path):
    article = ArticleFactory(title="Жаңа мақала", status="draft")
    url = f"/articles/{article.pk}/"
    badge = ".article-header .status-badge"

    _login(page, "editor")
    page.goto(url)
    expect(page.locator(badge)).to_have_text("Draft")
    # An editor cannot approve: the button is not there.
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(badge)).to_have_text("In review")
    expect(page.locator(".messages")).to_contain_text("Submit for review")

    _login(second_page, "reviewer")
    second_page.goto(url)
    expect(second_page.get_by_role("button", name="Publish")).to_have_count(0)
    second_page.get_by_role("button", name="Approve", exact=True).click()
    expect(second_page.locator(badge)).to_have_text("Approved")

    # The editor's page still shows version 2: publishing from it is refused, in the header.
    page.get_by_role("button", name="Archive").click()
    expect(page.locator("#workflow-message")).to_contain_text("reload")
    page.reload()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(badge)).to_have_text("Published")
    page.screenshot(path=tmp_path / "header.png", full_page=True)
    article.refresh_from_db()
    assert (article.status, article.version) == ("published", 4)

    # Unpublishing needs a reason: the inline form asks for it and posts it as a comment.
    page.locator("summary", has_text="Unpublish").click()
    page.locator("#step-comment-unpublish").fill("The minister's name is misspelt.")
    page.locator(".step-comment-form").get_by_role("button", name="Unpublish").click()
    expect(page.locator(badge)).to_have_text("Draft")
    expect(page.locator("#comments")).to_contain_text("The minister's name is misspelt.")
    expect(page.locator("#comments .comment-step")).to_have_text("Unpublish")


def test_two_editors_conflict_and_merge(page, second_page, desk, tmp_path):
    article = ArticleFactory(title="Кездесу", body="Бірінші абзац.\n\nЕкінші абзац.")
    edit_url = f"/articles/{article.pk}/edit/"

    _login(page, "editor")
    page.goto(edit_url)
    _login(second_page, "reviewer")
    second_page.goto(edit_url)
    expect(second_page.locator("#presence")).to_contain_text("Also editing: editor")

    # The reviewer saves first.
    second_page.fill("#id_body", "Бірінші абзац, рецензент түзеткен.\n\nЕкінші абзац.")
    second_page.get_by_role("button", name="Save").click()
    expect(second_page.locator(".messages")).to_contain_text("Saved; extraction runs again")

    # The editor, still on version 1, saves: the conflict page shows both texts.
    page.fill("#id_body", "Бірінші абзац.\n\nЕкінші абзац, редактор толықтырған.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_contain_text("Someone saved this article")
    expect(page.locator("#conflict-body .conflict-theirs")).to_contain_text(
        "Екінші абзац, редактор толықтырған."
    )
    expect(page.locator("#conflict-body .conflict-current")).to_contain_text(
        "Бірінші абзац, рецензент түзеткен."
    )
    expect(page.locator(".conflict-notice")).to_contain_text("Saved by reviewer")
    diff = page.locator("#conflict-body .diff")
    expect(diff.locator("ins").filter(has_text="толықтырған")).to_have_count(1)
    expect(diff.locator("del").filter(has_text="түзеткен")).to_have_count(1)
    page.screenshot(path=tmp_path / "conflict.png", full_page=True)
    # Nothing typed is lost: the merge form holds the editor's text.
    expect(page.locator("#id_body")).to_have_value(
        re.compile("Екінші абзац, редактор толықтырған.")
    )

    merged = "Бірінші абзац, рецензент түзеткен.\n\nЕкінші абзац, редактор толықтырған."
    page.fill("#id_body", merged)
    page.get_by_role("button", name="Save merged version").click()
    expect(page.locator(".messages")).to_contain_text("Saved; extraction runs again")
    expect(page.locator(".article-text")).to_contain_text("редактор толықтырған")
    article.refresh_from_db()
    assert (article.body, article.version) == (merged, 3)
    assert Article.history.filter(id=article.pk).count() == 3


def test_leaving_the_edit_page_ends_presence(page, desk):
    article = ArticleFactory()
    _login(page, "editor")
    page.goto(f"/articles/{article.pk}/edit/")
    editing = EditingPresence.objects.filter(article=article, user__username="editor")
    assert editing.exists()
    page.get_by_role("link", name="Cancel").click()
    expect(page.locator(".article-header")).to_be_visible()
    # The beacon is sent as the page goes away; wait (bounded) for the server to get it.
    for _attempt in range(100):
        if not editing.exists():
            break
        page.wait_for_timeout(100)
    assert not editing.exists()

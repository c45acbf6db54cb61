"""The screens of the desk, as the editor sees them on the seed articles with a little realistic
state: a real browser test that checks each screen rendered its key element, and, when
``KZEDITOR_SCREENSHOTS_DIR`` is set (``make screenshots``), saves full-page screenshots there
(``01-login.png``, ``02-dashboard.png``, …) for docs/."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from articles.collaboration import comment_add
from articles.models import Article
from articles.roles import Role
from articles.services import article_update
from articles.workflow import article_assign, article_transition
from conftest import login
from entities.models import Mention
from entities.services import span_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORT = {"width": 1366, "height": 900}
ALMATY = ZoneInfo("Asia/Almaty")


def _screenshots_dir() -> Path | None:
    configured = os.environ.get("KZEDITOR_SCREENSHOTS_DIR", "")
    if not configured:
        return None
    path = Path(configured)
    if not path.is_absolute():
        path = Path(settings.BASE_DIR) / path
    path.mkdir(parents=True, exist_ok=True)
    return path


class Shots:
    """Numbered full-page screenshots, written only when a directory is configured."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.taken: list[str] = []

    def take(self, page, name: str) -> None:
        filename = f"{len(self.taken) + 1:02d}-{name}.png"
        self.taken.append(filename)
        if self.directory is not None:
            page.screenshot(path=self.directory / filename, full_page=True)


@pytest.fixture
def desk(make_user):
    editor = make_user("editor", Role.EDITOR)
    editor.first_name, editor.last_name = "Айгерим", "Сейтқали"
    editor.save(update_fields=["first_name", "last_name"])
    reviewer = make_user("reviewer", Role.REVIEWER)
    reviewer.first_name, reviewer.last_name = "Марат", "Жұмабаев"
    reviewer.save(update_fields=["first_name", "last_name"])
    chief = make_user("chief", Role.EDITOR)
    chief.first_name, chief.last_name = "Бақыт", "Омарова"
    chief.save(update_fields=["first_name", "last_name"])
    return editor, reviewer, chief


@pytest.fixture
def newsroom(desk) -> dict[str, Article]:
    """Seeds imported, then a morning at the desk: 003 assigned to the editor with a due date
    by the chief editor, then edited by the reviewer, one mention confirmed and an @mention in a comment; 000 in review."""
    editor, reviewer, chief = desk
    call_command(
        "import_articles",
        str(settings.BASE_DIR / "seeds"),
        "--no-progress",
        "--now=2025-09-05T12:00:00+05:00",
    )
    by_prefix = {
        "000": Article.objects.get(title__startswith="Қасым-Жомарт Тоқаев Chevron"),
        "003": Article.objects.get(title__startswith="Что подробно обсудили"),
        "004": Article.objects.exclude(title__startswith="Қасым-Жомарт Тоқаев Chevron")
        .exclude(title__startswith="Что подробно обсудили")
        .get(),
    }
    russian = by_prefix["003"]
    russian = article_assign(
        article_id=russian.pk,
        expected_version=russian.version,
        assignee=editor,
        # Due the day after tomorrow at six, so the screens do not say "overdue".
        due_at=(timezone.localtime(timezone.now(), ALMATY) + timedelta(days=2)).replace(
            hour=18, minute=0, second=0, microsecond=0
        ),
        user=chief,
    )
    russian = article_update(
        article_id=russian.pk,
        expected_version=russian.version,
        updated_by=reviewer,
        change_reason="edit",
        body=russian.body.replace(
            "глава государства Касым-Жомарт Токаев",
            "Президент Казахстана Касым-Жомарт Токаев",
            1,
        ),
    )
    span_review(
        span=Mention.objects.get(article=russian, text="Zakon.kz"),
        status="confirmed",
        user=reviewer,
    )
    comment_add(
        article=russian,
        author=reviewer,
        body="@editor проверьте, пожалуйста, сумму инвестиций во втором абзаце.",
    )
    kazakh = by_prefix["000"]
    article_transition(
        article_id=kazakh.pk, step_name="submit", user=editor, expected_version=kazakh.version
    )
    return {prefix: Article.objects.get(pk=a.pk) for prefix, a in by_prefix.items()}


def _translated(text: str, language: str) -> str:
    with translation.override(language):
        return gettext(text)


def test_screens_of_the_desk(chromium, live_server, newsroom, desk, tmp_path):
    shots = Shots(_screenshots_dir())
    russian, kazakh, other = newsroom["003"], newsroom["000"], newsroom["004"]
    context = chromium.new_context(
        base_url=live_server.url, locale="en-US", viewport=VIEWPORT, timezone_id="Asia/Almaty"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/accounts/login/")
        expect(page.locator("#id_username")).to_be_visible()
        expect(page.locator("h1")).to_have_text("Log in to kzeditor")
        shots.take(page, "login")

        login(page, "editor")
        page.wait_for_url("**/dashboard/")
        expect(page.locator(".topbar .who")).to_have_text("Айгерим Сейтқали")
        expect(page.locator("#assigned")).to_contain_text(russian.title[:40])
        expect(page.locator("#notifications")).to_contain_text("reviewer")
        expect(page.locator(".tile-in_review .stat-number")).to_have_text("1")
        shots.take(page, "dashboard")

        page.locator("nav.mainnav").get_by_role("link", name="Articles", exact=True).click()
        expect(page.locator("table.articles tbody tr")).to_have_count(3)
        shots.take(page, "article-list")

        page.goto(f"/articles/{russian.pk}/")
        council = Mention.objects.get(article=russian, text="Делового совета")
        page.locator(f'mark[data-kind="mention"][data-id="{council.pk}"]').click()
        panel = page.locator("#mention-panel")
        expect(panel.locator(".panel-text")).to_have_text("Делового совета")
        panel.locator("#entity-search-q").press_sequentially("business coun")
        expect(panel.locator(".entity-result").first).to_be_visible()
        expect(page.locator("#comments")).to_contain_text("@editor")
        zakon = Mention.objects.get(article=russian, text="Zakon.kz")
        expect(page.locator(f'mark[data-kind="mention"][data-id="{zakon.pk}"]')).to_have_class(
            re.compile(r"\bis-confirmed\b")
        )
        shots.take(page, "article-review")

        # The edit page; meanwhile the reviewer saves the same article, so saving conflicts.
        page.goto(f"/articles/{other.pk}/edit/")
        expect(page.locator("#id_body")).to_be_visible()
        shots.take(page, "edit")
        other.refresh_from_db()
        first, rest = other.body.split("\n\n", 1)
        article_update(
            article_id=other.pk,
            expected_version=other.version,
            updated_by=desk[1],
            change_reason="edit",
            body=f"{first} Бұл маңызды қадам.\n\n{rest}",
        )
        page.fill("#id_body", f"{other.body}\n\nРедакция материалды толықтырды.")
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".conflict-notice")).to_contain_text("Saved by reviewer")
        expect(page.locator("#conflict-body .diff ins").first).to_be_visible()
        shots.take(page, "conflict")

        page.goto(f"/articles/{russian.pk}/history/")
        # created, language detected by extraction, assigned, edited by the reviewer
        expect(page.locator("tr.history-version")).to_have_count(4)
        expect(page.locator("tr.history-decision")).to_contain_text("Zakon.kz")
        shots.take(page, "history")

        page.get_by_role("button", name="Compare selected versions").click()
        page.wait_for_url("**/history/diff/**")
        expect(page.locator("#diff-body ins")).to_contain_text("Президент Казахстана")
        shots.take(page, "diff")

        page.goto("/import/")
        upload = tmp_path / "senat.txt"
        upload.write_text(
            "Сенат республикалық бюджетті мақұлдады\n- author Ақпарат қызметі\n- Бүгін, 11:30\n"
            "- 0\n\nСенат депутаттары 2026–2028 жылдарға арналған республикалық бюджетті "
            "мақұлдады. Құжат Мәжіліске қайтарылмады.\n",
            encoding="utf-8",
        )
        page.set_input_files("#id_files", str(upload))
        page.get_by_role("button", name="Import", exact=True).click()
        imported = page.locator("section.results tr.outcome-imported")
        expect(imported).to_contain_text("senat.txt")
        expect(imported.locator(".warning")).to_have_count(0)
        shots.take(page, "import")

        page.goto(f"/articles/{kazakh.pk}/")
        page.select_option("#lang-select", "kk")
        expect(page.locator("html")).to_have_attribute("lang", "kk")
        source_kk = _translated("Source", "kk")
        assert source_kk != "Source", "no Kazakh catalogue: run `make install`"
        expect(page.locator(".article-header dl.meta")).to_contain_text(source_kk)
        expect(page.locator(".article-header h1")).to_contain_text("Chevron")
        shots.take(page, "article-kk")
    finally:
        context.close()

    assert shots.taken == [
        "01-login.png",
        "02-dashboard.png",
        "03-article-list.png",
        "04-article-review.png",
        "05-edit.png",
        "06-conflict.png",
        "07-history.png",
        "08-diff.png",
        "09-import.png",
        "10-article-kk.png",
    ]
    if shots.directory is not None:
        for filename in shots.taken:
            assert (shots.directory / filename).stat().st_size > 10_000, filename

"""Issue 6 (coverage) in a real browser (Debian Chromium through Playwright), on the seed
articles as `make run` imports them: 003 (ru) and 004 (kk) are one story and 000 (kk) another;
the coverage tables, charts and gap queue, the page of Kassym-Jomart Tokayev and the search
that finds the Kazakh «Тоқаев» from the Russian «Токаев» work as the desk uses them. Waits are
``expect()``; nothing sleeps.

When ``KZEDITOR_SCREENSHOTS_DIR`` is set (``make screenshots``), the tests save full-page
screenshots there: coverage-story.png, coverage-matrix.png, coverage-charts.png,
coverage-entity.png, coverage-review.png, coverage-gaps.png, coverage-gaps-requested.png and
coverage-search.png."""

from __future__ import annotations

import csv
import io
import os
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Sum
from playwright.sync_api import expect

from articles.models import Article, Translation, TranslationStatus
from articles.roles import Role
from conftest import login
from entities.conflicts.models import FigureConflict
from entities.coverage.models import EntityCoverage
from entities.models import Entity, Quote
from entities.stories.models import StoryArticle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORT = {"width": 1366, "height": 900}
IMPORTED_ON = date(2025, 9, 5)  # the --now of the import: 000 says «Бүгін, 19:52»
TOKAYEV = "Kassym-Jomart Tokayev"  # his name in the English interface


def _screenshots_dir() -> Path | None:
    configured = os.environ.get("KZEDITOR_SCREENSHOTS_DIR", "")
    if not configured:
        return None
    path = Path(configured)
    if not path.is_absolute():
        path = Path(settings.BASE_DIR) / path
    path.mkdir(parents=True, exist_ok=True)
    return path


def _shot(page, name: str) -> None:
    """A full-page screenshot ``coverage-<name>.png``, only when a directory is configured."""
    directory = _screenshots_dir()
    if directory is None:
        return
    path = directory / f"coverage-{name}.png"
    # The top bar is sticky: scrolled down, it would be drawn across the middle of the page.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=path, full_page=True)
    assert path.stat().st_size > 10_000, path


@pytest.fixture
def desk(make_user):
    return make_user("editor", Role.EDITOR), make_user("translator", Role.TRANSLATOR)


@pytest.fixture
def seeds(desk) -> dict[str, Article]:
    """The seeds imported as `make screenshots` does (extraction, coverage and stories run
    in-process), by file prefix."""
    call_command(
        "import_articles",
        str(settings.BASE_DIR / "seeds"),
        "--no-progress",
        "--now=2025-09-05T12:00:00+05:00",
    )
    articles = {
        "000": Article.objects.get(title__startswith="Қасым-Жомарт Тоқаев Chevron"),
        "003": Article.objects.get(title__startswith="Что подробно обсудили"),
        "004": Article.objects.get(title__startswith="31 тамыз – 3 қыркүйек"),
    }
    assert {key: a.language for key, a in articles.items()} == {
        "000": "kk",
        "003": "ru",
        "004": "kk",
    }
    return articles


@pytest.fixture
def stories(seeds) -> dict[str, int]:
    """Story id by seed prefix."""
    return {
        key: StoryArticle.objects.get(article=article).story_id for key, article in seeds.items()
    }


@pytest.fixture
def tokayev(seeds) -> Entity:
    return Entity.objects.get(kb_slug="kassym-jomart-tokayev")


@pytest.fixture
def page(chromium, live_server, desk):
    """The editor, signed in, in an English interface on a laptop-sized window."""
    context = chromium.new_context(
        base_url=live_server.url, locale="en-US", viewport=VIEWPORT, timezone_id="Asia/Almaty"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, "editor")
    expect(page.locator(".topbar .who")).to_have_text("editor")
    yield page
    context.close()


def _nav(page, name: str) -> None:
    page.locator("nav.mainnav").get_by_role("link", name=name, exact=True).click()


def _filter(page, **choices: str) -> None:
    """Choose options in the filter form by label, then show."""
    form = page.locator("form.filters")
    for label, value in choices.items():
        form.get_by_label(label.replace("_", " "), exact=True).select_option(value)
    form.get_by_role("button", name="Show").click()


def _matrix_row(page, label: str):
    return page.locator("table.matrix tbody tr").filter(
        has=page.get_by_role("rowheader", name=re.compile(f"^{re.escape(label)}"))
    )


def _cells(row) -> list[str]:
    return [text.strip() for text in row.locator("td").all_inner_texts()]


# -- 1. stories ------------------------------------------------------------------------------


def test_003_and_004_are_one_story_and_000_another(page, seeds, stories):
    assert stories["003"] == stories["004"] != stories["000"]
    china, chevron = stories["003"], stories["000"]

    # The article page of 003 says which story it is in, with the story's languages.
    page.goto(f"/articles/{seeds['003'].pk}/")
    badge = page.locator(".article-header .story-badge")
    expect(badge).to_have_attribute("data-story-id", str(china))
    expect(badge).to_contain_text("2 articles")
    expect(badge.locator(".story-lang")).to_have_text(["kk", "ru"])

    # Following it: the story lists 003 under Russian and 004 under Kazakh, and not 000.
    badge.get_by_role("link").click()
    page.wait_for_url(f"**/stories/{china}/")
    expect(page.locator(".story-page")).to_have_attribute("data-story", str(china))
    russian = page.locator('table[aria-labelledby="story-lang-ru"] tbody tr')
    kazakh = page.locator('table[aria-labelledby="story-lang-kk"] tbody tr')
    expect(russian).to_have_attribute("data-article-id", str(seeds["003"].pk))
    expect(kazakh).to_have_attribute("data-article-id", str(seeds["004"].pk))
    expect(page.locator(".story-articles tbody tr")).to_have_count(2)
    expect(page.locator(f'tr[data-article-id="{seeds["000"].pk}"]')).to_have_count(0)
    expect(page.locator(".story-sources")).to_contain_text("BAQ.KZ")
    expect(page.locator(".story-sources")).to_contain_text("Zakon.kz")
    expect(page.locator(".story-entities")).to_contain_text(TOKAYEV)
    _shot(page, "story")

    # The story list: two stories, 000 on its own.
    page.locator(".breadcrumbs").get_by_role("link", name="Stories").click()
    page.wait_for_url("**/stories/")
    expect(page.locator("table.stories tbody tr")).to_have_count(2)
    expect(page.locator(".result-count")).to_have_text("2 stories")
    china_row = page.locator(f'table.stories tr[data-story-id="{china}"]')
    chevron_row = page.locator(f'table.stories tr[data-story-id="{chevron}"]')
    expect(china_row.locator(".story-languages .story-lang")).to_have_text(["kk", "ru"])
    expect(china_row.locator("td.number")).to_have_text("2")
    expect(chevron_row.locator(".story-languages .story-lang")).to_have_text(["kk"])
    expect(chevron_row.locator("td.number")).to_have_text("1")
    expect(chevron_row).to_contain_text("Chevron")


# -- 2. coverage tables and their exports ------------------------------------------------------


def test_coverage_matrix_links_to_the_articles_and_exports(page, seeds, stories, tokayev):
    _nav(page, "Coverage")
    page.wait_for_url("**/coverage/")
    # The default period is the last 30 days: the 2025 seeds are not in it.
    expect(page.locator("table.matrix tbody td.empty")).to_be_visible()

    _filter(page, Period="all")
    expect(page.locator(".coverage-period")).to_have_text("All time")
    expect(page.locator("table.matrix caption")).to_contain_text("Entities × languages")
    expect(page.locator("table.matrix thead th")).to_have_text(
        ["Entity", "Kazakh", "Russian", "English", "Total"]
    )
    row = _matrix_row(page, TOKAYEV)
    expect(row).to_have_count(1)
    assert _cells(row) == ["2", "1", "0", "3"]  # kk: 000 and 004; ru: 003
    # The most covered entity comes first.
    expect(page.locator("table.matrix tbody tr").first).to_contain_text(TOKAYEV)
    _shot(page, "matrix")

    # Exports of the table shown, through the signed-in browser.
    json_link = page.locator(".export-links").get_by_role("link", name="JSON")
    response = page.request.get(json_link.get_attribute("href"))
    assert response.ok, response.status
    assert response.headers["content-type"].startswith("application/json")
    exported = response.json()
    assert exported["matrix"] == "entity-language"
    assert exported["filters"]["start"] is None  # all time, as on the page
    [row_json] = [r for r in exported["rows"] if r["key"] == str(tokayev.pk)]
    assert [c["count"] for c in row_json["cells"]] == [2, 1, 0]
    assert row_json["cells"][0]["url"].endswith(f"/articles/?entity={tokayev.pk}&language=kk")
    csv_link = page.locator(".export-links").get_by_role("link", name="CSV")
    response = page.request.get(csv_link.get_attribute("href"))
    assert response.ok, response.status
    table = list(csv.reader(io.StringIO(response.text().lstrip("\ufeff"))))
    assert any(TOKAYEV in line and "2" in line and "1" in line for line in table), table[:3]

    # A count opens the article list filtered like the cell: Tokayev in Kazakh.
    row.locator("td").nth(0).get_by_role("link", name="2").click()
    page.wait_for_url(re.compile(rf"/articles/\?entity={tokayev.pk}&language=kk$"))
    listed = page.locator("table.articles tbody tr")
    expect(listed).to_have_count(2)
    for key in ("000", "004"):
        expect(page.locator(f'table.articles tr[data-article-id="{seeds[key].pk}"]')).to_have_count(
            1
        )
    expect(page.locator(f'table.articles tr[data-article-id="{seeds["003"].pk}"]')).to_have_count(0)

    # Stories × languages, for the same period.
    page.go_back()
    page.locator("nav.matrix-tabs").get_by_role("link", name="Stories × languages").click()
    page.wait_for_url(re.compile(r"matrix=story-language"))
    expect(page.locator(".coverage-period")).to_have_text("All time")
    expect(page.locator("table.matrix caption")).to_contain_text("Stories × languages")
    expect(page.locator("table.matrix tbody tr")).to_have_count(2)
    china = _matrix_row(page, seeds["004"].title[:40])
    chevron = _matrix_row(page, seeds["000"].title[:40])
    assert _cells(china) == ["1", "1", "0", "2"]
    assert _cells(chevron) == ["1", "0", "0", "1"]
    china.get_by_role("rowheader").get_by_role("link").click()
    page.wait_for_url(f"**/stories/{stories['004']}/")


def test_coverage_charts_draw_svg_with_their_numbers(page, seeds, tokayev):
    page.goto("/coverage/charts/")
    _filter(page, Period="all")
    charts = page.locator(".chart-grid-page figure.chart")
    expect(charts).to_have_count(3)
    expect(charts.locator("svg.chart-svg")).to_have_count(3)
    top = charts.nth(0)
    expect(top.locator(".chart-legend")).to_contain_text(TOKAYEV)
    expect(top.locator("svg.chart-svg polyline.chart-line")).to_have_count(5)  # five entities
    # The numbers behind the drawing, folded under each chart.
    top.locator("details.chart-numbers summary").click()
    numbers = top.locator("details.chart-numbers table.chart-table")
    expect(numbers).to_be_visible()
    expect(numbers.locator("thead th").nth(1)).to_have_text(TOKAYEV)
    week = numbers.locator("tbody tr").filter(has_text="2025-W36")
    expect(week.locator("td").first).to_have_text("2")  # his texts with a date: 000 and 004
    bars = charts.nth(2)
    bars.locator("details.chart-numbers summary").click()
    by_source = bars.locator("details.chart-numbers table.chart-table tbody tr")
    expect(by_source.filter(has_text="Zakon.kz").locator("td")).to_have_text(["0", "1", "0", "1"])
    expect(by_source.filter(has_text="BAQ.KZ").locator("td")).to_have_text(["1", "0", "0", "1"])
    _shot(page, "charts")

    # Following one entity: his texts by language, and a link to his page.
    _filter(page, Entity=str(tokayev.pk))
    expect(page.locator(".chart-panel h2").first).to_have_text(f"{TOKAYEV} by language")
    page.get_by_role("link", name="The entity's page").click()
    page.wait_for_url(f"**/entities/{tokayev.pk}/")


# -- 3. the entity page, the review queue, conflicts --------------------------------------------


def test_the_page_of_tokayev(page, seeds, tokayev, monkeypatch):
    # The page charts the last 26 weeks; the desk's calendar is put on the day the seeds were
    # imported, so their weeks are in it (the seeds of 2025 are long out of it otherwise).
    monkeypatch.setattr("entities.coverage.selectors.today", lambda: IMPORTED_ON)

    # The proposals waiting for an editor, and the conflicting figures of the seeds.
    page.goto("/entities/review/")
    proposed = Entity.objects.filter(status=Entity.Status.PROPOSED, merged_into=None).count()
    expect(page.locator(".review-queue .proposal")).to_have_count(min(proposed, 10))
    _shot(page, "review")
    _nav(page, "Figures")
    page.wait_for_url("**/conflicts/")
    conflicts = FigureConflict.objects.count()
    expect(page.locator(".result-count")).to_have_text(
        f"{conflicts} conflict" if conflicts == 1 else f"{conflicts} conflicts"
    )
    expect(page.locator("ol.conflicts li.conflict")).to_have_count(min(conflicts, 25))

    # His page, from his row of the coverage table.

    page.goto("/coverage/?period=all")
    _matrix_row(page, TOKAYEV).get_by_role("link", name=TOKAYEV).click()
    page.wait_for_url(f"**/entities/{tokayev.pk}/")
    expect(page.locator("h1")).to_have_text(TOKAYEV)

    facts = page.locator(".entity-facts")
    expect(facts.locator('dd[lang="kk"]')).to_have_text("Қасым-Жомарт Тоқаев")
    expect(facts.locator('dd[lang="ru"]')).to_have_text("Касым-Жомарт Токаев")
    expect(facts.locator('dd[lang="en"]')).to_have_text(TOKAYEV)
    aliases = page.locator(".entity-aliases")
    for language, alias in (("kk", "Тоқаев"), ("ru", "Токаев"), ("en", "Tokayev")):
        expect(
            aliases.locator(f'.alias-text[lang="{language}"]', has_text=re.compile(f"^{alias}$"))
        ).to_have_count(1)

    # Mentions over time: an SVG line per language and the table of its numbers.
    timeline = page.locator(".entity-timeline")
    expect(timeline.locator("svg.chart-svg")).to_be_visible()
    lines = timeline.locator("svg.chart-svg polyline.chart-line")
    expect(lines).to_have_count(3)
    # Drawn as a chart, not with the browser's defaults (coverage.css): a line is not a filled
    # black shape, and the copy of the numbers meant for print is not on the screen.
    assert lines.first.evaluate("el => getComputedStyle(el).fill") == "none", (
        "the chart's stylesheet (css/coverage.css) is not loaded on the entity page"
    )
    expect(timeline.locator(".chart-numbers.print-only")).to_be_hidden()
    numbers = timeline.locator("details.chart-numbers")
    numbers.locator("summary").click()
    table = numbers.locator("table.chart-table")
    expect(table.locator("thead th")).to_have_text(
        ["Week", "Kazakh", "Russian", "English", "Total"]
    )
    dated = EntityCoverage.objects.filter(entity=tokayev, published_on__isnull=False)
    kk = dated.filter(language="kk").aggregate(n=Sum("mentions"))["n"]
    ru = dated.filter(language="ru").aggregate(n=Sum("mentions"))["n"] or 0
    assert kk >= 2  # 000 and 004, both dated 2025-09-05 (003 is undated)
    week = table.locator("tbody tr").filter(has_text="2025-W36")
    expect(week.locator("td")).to_have_text([str(kk), str(ru), "0", str(kk + ru)])
    numbers.locator("summary").click()  # folded again for the screenshot
    expect(table).to_be_hidden()

    # The articles naming him: the three seeds.
    articles = page.locator(".entity-articles tbody tr")
    expect(articles).to_have_count(3)
    for article in seeds.values():
        expect(
            page.locator(".entity-articles").get_by_role("link", name=article.title)
        ).to_have_count(1)

    # His quotes: 003's, attributed to him.
    quotes = page.locator(".entity-quotes figure.quote")
    shown = Quote.objects.not_rejected().filter(speaker=tokayev, article=seeds["003"]).count()
    assert shown >= 1
    expect(quotes).to_have_count(min(shown, 10))
    expect(quotes.first.locator("figcaption")).to_contain_text(seeds["003"].title)
    expect(quotes.first.locator("figcaption")).to_contain_text("Касым-Жомарт Токаев")
    _shot(page, "entity")


# -- 4. the gap queue ------------------------------------------------------------------------


def test_gap_queue_requests_the_missing_russian_version(page, seeds, stories, desk):
    china, chevron = stories["003"], stories["000"]
    _nav(page, "Coverage")
    page.locator(".coverage-links").get_by_role("link", name="Gaps").click()
    page.wait_for_url("**/coverage/gaps/")

    # Kazakh: every story has an article in it.
    _filter(page, Period="all", Missing_language="kk")
    expect(page.locator("#gaps-missing")).to_have_text("0 stories without a version in Kazakh")
    expect(page.locator("table.gaps tr[data-story-id]")).to_have_count(0)

    # Russian: 003 is the Russian of the China story; the Chevron story (000, Kazakh) has none.
    _filter(page, Missing_language="ru")
    expect(page.locator(".coverage-period")).to_have_text("All time")
    expect(page.locator("#gaps-missing")).to_have_text("1 story without a version in Russian")
    missing = page.locator('section[aria-labelledby="gaps-missing"]')
    expect(missing.locator(f'tr[data-story-id="{china}"]')).to_have_count(0)
    gap = missing.locator(f'tr[data-story-id="{chevron}"]')
    expect(gap.locator("td.lang").first).to_have_text("kk")
    expect(gap.get_by_role("link", name=seeds["000"].title).last).to_have_attribute(
        "href", f"/articles/{seeds['000'].pk}/"
    )
    _shot(page, "gaps")

    # The editor asks for it from the queue and is back on the queue.
    gap.get_by_label("Translator").select_option(label="translator")
    gap.get_by_role("button", name="Request Russian translation").click()
    page.wait_for_url(re.compile(r"/coverage/gaps/\?.*language=ru"))
    expect(page.locator(".messages")).to_contain_text("Russian translation requested.")
    translation = Translation.objects.get(article=seeds["000"], language="ru")
    assert translation.status == TranslationStatus.REQUESTED
    assert translation.translator == desk[1]

    # The story is no longer a gap: its translation is in progress.
    expect(page.locator("#gaps-missing")).to_have_text("0 stories without a version in Russian")
    in_progress = page.locator('section[aria-labelledby="gaps-in-progress"]')
    expect(in_progress.locator("h2")).to_have_text(
        "1 story with a translation into Russian in progress"
    )
    row = in_progress.locator(f'tr[data-story-id="{chevron}"]')
    expect(row.locator(".badge")).to_have_text("Requested")
    expect(row).to_contain_text("translator")
    expect(row.locator("ul.plain").get_by_role("link")).to_have_attribute(
        "href", f"/translations/{translation.pk}/"
    )
    _shot(page, "gaps-requested")

    # The stories table counts it apart, as in progress.
    page.goto("/coverage/?matrix=story-language&period=all")
    chevron_row = _matrix_row(page, seeds["000"].title[:40])
    expect(chevron_row.locator("td").nth(1).locator(".pending")).to_contain_text("+1")


# -- 5. search across languages ----------------------------------------------------------------


def test_search_for_tokayev_in_russian_finds_the_kazakh_004_and_says_why(page, seeds):
    kazakh = seeds["004"]
    # 004 never spells him the Russian way: only the knowledge base connects the two.
    assert "Токаев" not in kazakh.title + kazakh.body
    assert "Тоқаевтың" in kazakh.body

    _nav(page, "Search")
    page.wait_for_url("**/search/")
    form = page.locator("form.search-form")
    box = form.get_by_label("Search", exact=True)
    box.fill("Токаев")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))

    expect(page.locator(".search-entities")).to_contain_text(TOKAYEV)
    result = page.locator("li.search-result").filter(
        has=page.locator(f'h2 a[href="/articles/{kazakh.pk}/"]')
    )
    expect(result).to_have_count(1)
    expect(result.locator(".search-result-meta abbr.lang")).to_have_text("kk")
    # Why: it mentions the entity, in its Kazakh forms…
    reason = result.locator(".search-reasons .reason-entity")
    expect(reason).to_contain_text(f"Mentions {TOKAYEV} as")
    expect(reason.locator('q[lang="kk"]', has_text=re.compile("^Тоқаев$"))).to_have_count(1)
    expect(reason.locator('q[lang="kk"]', has_text=re.compile("^Тоқаевтың$"))).to_have_count(1)
    # …and the snippets mark them.
    marks = result.locator(".search-snippet mark")
    expect(marks.first).to_be_visible()
    assert set(marks.all_inner_texts()) <= {"Тоқаев", "Тоқаевтың", "Қасым-Жомарт Тоқаев"}
    assert "Тоқаевтың" in marks.all_inner_texts()
    # The other seeds name him too: all three are found.
    for article in seeds.values():
        expect(
            page.locator(f'li.search-result h2 a[href="/articles/{article.pk}/"]')
        ).to_have_count(1)
    _shot(page, "search")

"""The translation desk in a real browser (Debian Chromium through Playwright) on the Kazakh seed
article 004: the acceptance flow of issue 5 end to end, and autosave's promises (a conflict
shows both texts, text typed offline survives the tab). Waits are ``expect()``; nothing sleeps.

When ``KZEDITOR_SCREENSHOTS_DIR`` is set (``make screenshots``), the flow saves
translation-editor.png, translation-findings.png, translation-outdated.png and
translation-list.png there."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article, Translation, TranslationMemoryEntry
from articles.roles import Role
from articles.translations.memory import memory_hash
from articles.translations.services import translation_request
from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORT = {"width": 1366, "height": 900}
KAZAKH_SEED_TITLE = "31 тамыз – 3 қыркүйек"

# A faithful Russian translation of seed 004 (the checks find nothing in it): the title, then
# one text per source paragraph.
RU_TITLE = (
    "Визит в Китай с 31 августа по 3 сентября стал для Казахстана началом новых политических и "
    "экономических возможностей."
)
RU = [
    "Визит в Китай с 31 августа по 3 сентября стал для Казахстана началом новых политических и "
    "экономических возможностей. Соглашения, подписанные в ходе визита, охватывают сферы от "
    "транзитных коридоров до искусственного интеллекта, сообщает корреспондент BAQ.KZ.",
    "Как отметила директор Центра изучения Китая Гульнар Шаймергенова, накануне визита, "
    "30 августа, Глава государства встретился с Председателем КНР Си Цзиньпином, и было "
    "подписано более 20 документов в сферах энергетики, транспорта и логистики, образования и "
    "экологии. Кроме того, договорились открыть в Казахстане ещё две мастерские «Лу Бань» и "
    "реализовать совместные проекты в рамках Года культуры.",
    "1 сентября Токаев выступил на саммите ШОС и представил позицию Казахстана по укреплению "
    "многостороннего сотрудничества. А 2 сентября в Пекине он открыл Культурный центр "
    "Казахстана и подчеркнул значение гуманитарных связей для укрепления стратегического "
    "партнёрства. 3 сентября Президент принял участие в военном параде в Китае, посвящённом "
    "80-летию Победы.",
    "По словам директора Центра изучения Китая Гульнар Шаймергеновой, этот визит наполнил "
    "конкретными делами «всепогодное всеобъемлющее стратегическое партнёрство» между "
    "Казахстаном и Китаем.",
    "Китай — для Казахстана соседний по судьбе и надёжный партнёр. Визит Токаева был отмечен "
    "не только декларациями, но и конкретными инвестиционными и гуманитарными соглашениями, — "
    "говорит эксперт.",
    "По её мнению, визит определил несколько важных направлений:",
    "- Транспорт и логистика. Поставлена задача увеличить пропускную способность коридоров "
    "«Китай — Европа», проходящих через Казахстан. Это придаст новый импульс развитию "
    "Транскаспийского маршрута.",
    "- Энергетика и производство. Обсуждены совместные проекты в нефтегазовой отрасли, "
    "«зелёной» энергетике и металлургии. С участием китайских компаний планируется открыть "
    "новые производства.",
    "- Агросектор и цифровые технологии. Кооперация в органическом сельском хозяйстве и "
    "искусственном интеллекте откроет Казахстану путь к новым рынкам и технологиям.",
    "- Гуманитарные связи. Культурный центр и мастерские «Лу Бань» станут кадровым и "
    "технологическим мостом.",
    "По словам Гульнар Шаймергеновой, китайские инвестиции в экономику Казахстана превысили "
    "$27 млрд, работают более 6 тысяч совместных предприятий. Следующая цель — переход к "
    "«качественной глубине».",
    "Главные приоритеты для Казахстана — ускорение Транскаспийского коридора, запуск новых "
    "проектов в энергетике, вывод агропродукции на китайский рынок как органического бренда и "
    "развитие цифровой индустрии. Эти направления превратят нашу географию в реальное "
    "экономическое преимущество, — говорит эксперт.",
    "Визит Токаева в Китай не только укрепил политическое доверие, но и усилил экономические и "
    "культурные связи. Теперь главная цель — претворить подписанные соглашения в конкретные "
    "дела. Это откроет Казахстану путь к росту торговли, привлечению инвестиций и развитию "
    "человеческого капитала.",
]
GLOSSARY_ROW, MEMORY_ROW, DROPPED_PERSON_ROW, FIGURE_ROW, EDITED_ROW = 2, 3, 4, 10, 8
PLANTED = {
    DROPPED_PERSON_ROW: RU[DROPPED_PERSON_ROW].replace("Визит Токаева", "Визит"),
    FIGURE_ROW: RU[FIGURE_ROW].replace("$27 млрд", "$72 млрд"),
}


def _screenshots_dir() -> Path | None:
    configured = os.environ.get("KZEDITOR_SCREENSHOTS_DIR", "")
    if not configured:
        return None
    path = Path(configured)
    if not path.is_absolute():
        path = Path(settings.BASE_DIR) / path
    path.mkdir(parents=True, exist_ok=True)
    return path


def _shot(page, name: str, row=None) -> None:
    """A screenshot of the window (the sticky header stays where a reader sees it), with
    ``row`` scrolled to the middle when given."""
    directory = _screenshots_dir()
    if directory is None:
        return
    if row is not None:
        row.evaluate("el => el.scrollIntoView({block: 'center'})")
    page.screenshot(path=directory / name)


@pytest.fixture
def desk(make_user):
    return (
        make_user("editor", Role.EDITOR),
        make_user("translator", Role.TRANSLATOR),
        make_user("reviewer", Role.REVIEWER),
    )


@pytest.fixture
def kazakh_seed(desk) -> Article:
    """The seeds imported (extraction runs in-process); returns the Kazakh one, 004."""
    call_command(
        "import_articles",
        str(settings.BASE_DIR / "seeds"),
        "--no-progress",
        "--now=2025-09-05T12:00:00+05:00",
    )
    return Article.objects.get(language="kk", title__startswith=KAZAKH_SEED_TITLE)


@pytest.fixture
def remembered(kazakh_seed) -> TranslationMemoryEntry:
    """An approved translation of a paragraph close to ¶ 4 of the seed (one word differs)."""
    source = kazakh_seed.paragraphs[MEMORY_ROW].replace("нақты істермен", "айқын істермен")
    return TranslationMemoryEntry.objects.create(
        source_language="kk",
        target_language="ru",
        source_text=source,
        target_text=RU[MEMORY_ROW],
        source_hash=memory_hash(source),
        target_hash=memory_hash(RU[MEMORY_ROW]),
    )


@pytest.fixture
def new_page(chromium, live_server):
    """Pages in their own browser contexts (own cookies, own localStorage), one per person."""
    contexts = []

    def make():
        context = chromium.new_context(base_url=live_server.url, locale="en-US", viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    yield make
    for context in contexts:
        context.close()


def _login(page, username: str) -> None:
    login(page, username)
    expect(page.locator(".topbar .who")).to_have_text(username)


def _rows(translation: Translation) -> dict[int | None, int]:
    """Segment id by source paragraph (None: the title)."""
    return {
        (None if s.field == "title" else s.source_start): s.pk
        for s in translation.segments.order_by("position")
    }


def _row(page, segment_id: int):
    return page.locator(f"#row-{segment_id}")


def _type_row(page, segment_id: int, text: str, *, done: bool = True) -> None:
    area = _row(page, segment_id).locator("textarea")
    area.fill(text)
    if done:
        area.press("Control+Enter")  # done, and on to the next row
    else:
        area.press("Tab")  # leaving the box saves


def _all_saved(page) -> None:
    expect(page.locator('.tr-save-status[data-state="saving"]')).to_have_count(0)
    expect(page.locator('.tr-save-status[data-state="pending"]')).to_have_count(0)


def test_acceptance_request_translate_check_review_approve_then_source_changes(
    new_page, desk, kazakh_seed, remembered
):
    article = kazakh_seed

    # The editor asks for a Russian translation on the article page.
    editor = new_page()
    _login(editor, "editor")
    editor.goto(f"/articles/{article.pk}/")
    panel = editor.locator("#translations")
    panel.get_by_label("Into").select_option("ru")
    panel.get_by_label("Translator").select_option(label="translator")
    panel.get_by_label("Reviewer").select_option(label="reviewer")
    panel.get_by_label("Due").fill("2025-09-10T18:00")
    panel.get_by_role("button", name="Request translation").click()
    editor.wait_for_url(re.compile(r"/translations/\d+/$"))
    expect(editor.locator(".tr-header .tr-status")).to_have_text("Requested")
    translation = Translation.objects.get(article=article, language="ru")
    assert (translation.translator.username, translation.reviewer.username) == (
        "translator", "reviewer",
    )  # fmt: skip
    rows = _rows(translation)

    # The translator finds it in their list and opens the side-by-side editor.
    translator = new_page()
    _login(translator, "translator")
    translator.goto("/translations/")
    translator.get_by_role("link", name=re.compile(KAZAKH_SEED_TITLE)).click()
    translator.wait_for_url(f"**/translations/{translation.pk}/")
    expect(translator.locator(".tr-row")).to_have_count(len(RU) + 1)
    expect(translator.locator(".tr-pair")).to_contain_text("kk")

    # The glossary suggests «Токаев» for «Тоқаев»; a click puts it at the cursor.
    glossary_row = _row(translator, rows[GLOSSARY_ROW])
    term = glossary_row.locator(".tr-glossary-term", has_text="Тоқаев")
    expect(term.locator(".tr-term-source")).to_have_text("Тоқаев")
    expect(term.locator(".tr-term-target")).to_have_text("Касым-Жомарт Токаев")
    area = glossary_row.locator("textarea")
    area.fill("1 сентября")
    term.locator('button[data-insert="Токаев"]').click()
    expect(area).to_have_value("1 сентября Токаев")
    area.press("End")
    translator.keyboard.insert_text(RU[GLOSSARY_ROW].removeprefix("1 сентября Токаев"))
    expect(area).to_have_value(RU[GLOSSARY_ROW])
    area.press("Control+Enter")

    # Memory: focusing ¶ 4 offers the remembered translation with its score and the diff.
    memory_row = _row(translator, rows[MEMORY_ROW])
    memory_row.locator("textarea").focus()
    match = memory_row.locator(".tr-match")
    expect(match).to_have_count(1)
    expect(match.locator(".tr-score")).to_have_text(re.compile(r"^9\d%$"))
    expect(match.locator(".tr-match-diff del")).to_have_text("айқын")
    expect(match.locator(".tr-match-diff ins")).to_have_text("нақты")
    _shot(translator, "translation-editor.png", memory_row)
    match.get_by_role("button", name="Use").click()
    expect(memory_row.locator("textarea")).to_have_value(RU[MEMORY_ROW])
    memory_row.locator("textarea").press("Control+Enter")

    # The other rows, typed in, with two planted mistakes: a person dropped, a figure changed.
    _type_row(translator, rows[None], RU_TITLE)
    for index, text in enumerate(RU):
        if index not in (GLOSSARY_ROW, MEMORY_ROW):
            _type_row(translator, rows[index], PLANTED.get(index, text))
    _all_saved(translator)
    expect(translator.locator('.tr-row[data-status="done"]')).to_have_count(len(RU) + 1)
    expect(translator.locator(".tr-header .tr-status")).to_have_text("In progress")
    expect(translator.locator(".tr-progress")).to_contain_text(f"{len(RU) + 1}/{len(RU) + 1} done")

    # The checks flag exactly the planted mistakes, on their rows.
    figure_row = _row(translator, rows[FIGURE_ROW])
    person_row = _row(translator, rows[DROPPED_PERSON_ROW])
    expect(figure_row.locator('.tr-finding[data-check="figures"]')).to_contain_text("$72 млрд")
    expect(person_row.locator('.tr-finding[data-check="entities"]')).to_contain_text("Токаев")
    expect(translator.locator(".tr-finding")).to_have_count(2)
    _shot(translator, "translation-findings.png", person_row)

    # Autosave: a reload shows what was typed.
    translator.reload()
    expect(_row(translator, rows[FIGURE_ROW]).locator("textarea")).to_have_value(
        PLANTED[FIGURE_ROW]
    )
    expect(_row(translator, rows[GLOSSARY_ROW]).locator("textarea")).to_have_value(RU[GLOSSARY_ROW])
    expect(translator.locator(".tr-count-errors")).to_have_text("2 errors")

    # Submitting is refused while errors stand; the refusal names them.
    translator.get_by_role("button", name="Submit for review").click()
    expect(translator.locator("#workflow-message")).to_contain_text("must be fixed or accepted")
    expect(translator.locator('#workflow-message [data-check="figures"]')).to_have_count(1)

    # The translator fixes the figure: its finding goes as the row saves.
    _type_row(translator, rows[FIGURE_ROW], RU[FIGURE_ROW], done=False)
    expect(figure_row.locator(".tr-finding")).to_have_count(0)

    # The reviewer accepts the dropped name (the paragraph before names him).
    reviewer = new_page()
    _login(reviewer, "reviewer")
    reviewer.goto(f"/translations/{translation.pk}/")
    expect(reviewer.locator("textarea.tr-textarea")).to_have_count(0)  # read-only for them
    finding = _row(reviewer, rows[DROPPED_PERSON_ROW]).locator('.tr-finding[data-check="entities"]')
    finding.locator("summary").click()
    finding.get_by_label("Why is it acceptable? (required)").fill(
        "The president is named in the previous sentence; repeating him reads badly in Russian."
    )
    finding.get_by_role("button", name="Accept finding").click()
    finding = _row(reviewer, rows[DROPPED_PERSON_ROW]).locator('.tr-finding[data-check="entities"]')
    expect(finding).to_contain_text("Accepted by reviewer")

    # Now the translator submits, and the reviewer approves.
    translator.reload()
    translator.get_by_role("button", name="Submit for review").click()
    expect(translator.locator(".tr-header .tr-status")).to_have_text("Submitted")
    reviewer.reload()
    reviewer.get_by_role("button", name="Approve translation").click()
    expect(reviewer.locator(".tr-header .tr-status")).to_have_text("Approved")
    assert Translation.objects.get(pk=translation.pk).status == "approved"

    # The editor changes one source paragraph afterwards.
    editor.goto(f"/articles/{article.pk}/edit/")
    body = editor.locator("#id_body")
    old = article.paragraphs[EDITED_ROW]
    new = old.replace("жаңа нарықтар", "Азия нарықтары")
    assert new != old
    body.fill(body.input_value().replace(old, new))
    editor.get_by_role("button", name="Save", exact=True).click()
    editor.wait_for_url(f"**/articles/{article.pk}/")

    # The translator's editor says the source changed and highlights exactly that paragraph.
    translator.reload()
    expect(translator.locator(".tr-outdated")).to_contain_text("The source article changed")
    changed = translator.locator(".tr-row.is-changed")
    expect(changed).to_have_count(1)
    expect(changed).to_have_id(f"row-{rows[EDITED_ROW]}")
    expect(changed.locator(".tr-changed-label")).to_contain_text("Changed in the source")
    expect(changed.locator(".tr-source-diff del")).to_have_text("жаңа нарықтар")
    expect(changed.locator(".tr-source-diff ins")).to_have_text("Азия нарықтары")
    expect(changed).to_have_attribute("data-status", "draft")
    expect(translator.locator('.tr-row[data-status="done"]')).to_have_count(len(RU))
    expect(translator.get_by_role("button", name="Reopen for translation")).to_be_visible()
    _shot(translator, "translation-outdated.png", changed)

    # The desk's list shows it outdated.
    editor.goto("/translations/?status=outdated")
    listed = editor.locator(f'tr[data-translation-id="{translation.pk}"]')
    expect(listed.locator(".tr-outdated-badge")).to_have_text("Outdated")
    expect(listed).to_contain_text("Approved")
    editor.goto("/translations/")
    _shot(editor, "translation-list.png")


def test_autosave_conflict_shows_both_texts_and_loses_nothing(new_page, desk, kazakh_seed):
    editor_user, translator_user, _reviewer = desk
    translation = translation_request(
        article_id=kazakh_seed.pk, language="ru", user=editor_user, translator=translator_user
    )
    row_id = _rows(translation)[GLOSSARY_ROW]
    translator, editor = new_page(), new_page()
    _login(translator, "translator")
    _login(editor, "editor")
    for page in (translator, editor):
        page.goto(f"/translations/{translation.pk}/")
        expect(_row(page, row_id)).to_have_attribute("data-version", "1")

    # The translator saves first…
    _type_row(translator, row_id, "Текст переводчика.", done=False)
    expect(_row(translator, row_id).locator(".tr-save-status")).to_have_text("Saved")

    # …then the editor, on a page still showing version 1: both texts are shown.
    _type_row(editor, row_id, "Текст редактора.", done=False)
    conflict = _row(editor, row_id).locator(".tr-conflict")
    expect(conflict).to_be_visible()
    expect(conflict.locator(".tr-conflict-theirs")).to_contain_text("Текст переводчика.")
    expect(conflict.locator(".tr-conflict-mine")).to_contain_text("Текст редактора.")
    expect(_row(editor, row_id).locator(".tr-save-status")).to_have_attribute(
        "data-state", "conflict"
    )
    expect(_row(editor, row_id).locator("textarea")).to_have_value("Текст редактора.")
    segment = translation.segments.get(pk=row_id)
    assert segment.target_text == "Текст переводчика."  # nothing overwritten meanwhile

    # Keep mine: saved over the newer version, deliberately.
    conflict.get_by_role("button", name="Keep mine").click()
    expect(conflict).to_be_hidden()
    expect(_row(editor, row_id).locator(".tr-save-status")).to_have_text("Saved")
    segment.refresh_from_db()
    assert (segment.target_text, segment.version) == ("Текст редактора.", 3)

    # The translator types on an old version now: conflict again; they take the saved text.
    _type_row(translator, row_id, "Ещё вариант.", done=False)
    conflict = _row(translator, row_id).locator(".tr-conflict")
    expect(conflict.locator(".tr-conflict-theirs")).to_contain_text("Текст редактора.")
    conflict.get_by_role("button", name="Take theirs").click()
    expect(_row(translator, row_id).locator("textarea")).to_have_value("Текст редактора.")
    stored = translator.evaluate(
        "id => Object.keys(localStorage).filter(k => k.startsWith('kzeditor:tr:' + id + ':'))",
        row_id,
    )
    assert stored == []  # resolved: nothing left waiting in the browser
    segment.refresh_from_db()
    assert segment.target_text == "Текст редактора."


def test_text_typed_offline_survives_the_tab_and_is_saved_later(
    chromium, live_server, desk, kazakh_seed
):
    editor_user, translator_user, _reviewer = desk
    translation = translation_request(
        article_id=kazakh_seed.pk, language="ru", user=editor_user, translator=translator_user
    )
    row_id = _rows(translation)[MEMORY_ROW]
    context = chromium.new_context(base_url=live_server.url, locale="en-US", viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        _login(page, "translator")
        page.goto(f"/translations/{translation.pk}/")
        context.set_offline(True)
        _type_row(page, row_id, RU[MEMORY_ROW], done=False)
        status = _row(page, row_id).locator(".tr-save-status")
        expect(status).to_have_attribute("data-state", "offline")
        expect(status).to_have_text("Offline — kept in this browser")
        page.close()  # the tab is gone with the text unsent
        assert translation.segments.get(pk=row_id).target_text == ""

        context.set_offline(False)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"/translations/{translation.pk}/")
        expect(page.locator("#tr-restore-notice")).to_contain_text("not saved yet was restored")
        expect(_row(page, row_id).locator("textarea")).to_have_value(RU[MEMORY_ROW])
        expect(_row(page, row_id).locator(".tr-save-status")).to_have_text("Saved")
        assert translation.segments.get(pk=row_id).target_text == RU[MEMORY_ROW]
    finally:
        context.close()

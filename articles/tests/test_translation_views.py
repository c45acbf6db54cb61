"""The translation desk's views: each one's success path, who is refused (403 with the service's
words), what is invisible (404), bad input (400 with a precise message), version conflicts (409),
query counts that do not grow with the number of rows, and no 500 on garbage."""

from __future__ import annotations

import html as html_lib
import json
from types import SimpleNamespace

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import (
    QAOverride,
    SegmentStatus,
    Translation,
    TranslationMemoryEntry,
    TranslationSegment,
    TranslationStatus,
)
from articles.roles import Role
from articles.services import article_update
from articles.tests.factories import ArticleFactory
from articles.translations.machine import MachineTranslationError
from articles.translations.memory import memory_hash
from articles.translations.quality import translation_findings
from articles.translations.services import segment_merge_with_next, segment_save
from articles.translations.services import translation_request as request_translation
from articles.translations.workflow import translation_transition

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
TITLE_KK, TITLE_RU = "Мектеп жаңалықтары", "Новости школы"


def _body(paragraphs: int, salt: str = "") -> str:
    return "\n\n".join(f"Мектепке {i + 2} млрд теңге бөлінді{salt}." for i in range(paragraphs))


def _russian(index: int) -> str:
    return f"Школе выделено {index + 2} млрд тенге."


@pytest.fixture
def desk(make_user, editor, reviewer, translator, admin_user_):
    return SimpleNamespace(
        editor=editor,
        reviewer=reviewer,
        translator=translator,
        other=make_user("other_translator", Role.TRANSLATOR),
        admin=admin_user_,
    )


def _translation(desk, paragraphs: int = 2, salt: str = "") -> Translation:
    article = ArticleFactory(language="kk", title=TITLE_KK + salt, body=_body(paragraphs, salt))
    return request_translation(
        article_id=article.pk,
        language="ru",
        user=desk.editor,
        translator=desk.translator,
        reviewer=desk.reviewer,
    )


@pytest.fixture
def translation(desk) -> Translation:
    return _translation(desk)


def _rows(translation: Translation) -> list[TranslationSegment]:
    return list(translation.segments.order_by("position"))


def _translate_all(translation: Translation, user, status: str | None = None) -> None:
    """A faithful translation of every row (the checks find nothing in it)."""
    for row in _rows(translation):
        text = TITLE_RU if row.field == "title" else _russian(row.source_start)
        segment_save(
            segment_id=row.pk, expected_version=row.version, target_text=text, user=user,
            status=status,
        )  # fmt: skip


def _fresh(translation: Translation) -> Translation:
    return Translation.objects.get(pk=translation.pk)


def _login(client, user):
    if user is not None:
        client.force_login(user)
    return client


def _user(desk, role: str):
    return None if role == "anonymous" else getattr(desk, role)


def _text(response) -> str:
    """The response as text, HTML entities decoded (messages are escaped in pages)."""
    return html_lib.unescape(response.content.decode())


def _assert_login_redirect(response) -> None:
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


class FakeEngine:
    """A machine translation engine for the tests: «[ru] source»."""

    name = "fake"

    def translate(self, texts, *, source_language, target_language):
        return [f"[{target_language}] {text}" for text in texts]


class BrokenEngine:
    name = "broken"

    def translate(self, texts, *, source_language, target_language):
        raise MachineTranslationError("The engine is asleep.")


# -- requesting a translation (the article page) --------------------------------------------


def _request_data(desk, **overrides) -> dict:
    return {
        "language": "ru",
        "translator": desk.translator.pk,
        "reviewer": desk.reviewer.pk,
        "due_at": "2025-09-10T12:00",
    } | overrides


def test_editor_requests_a_translation_and_lands_in_the_editor(client, desk):
    article = ArticleFactory(language="kk", title=TITLE_KK, body=_body(3))
    response = _login(client, desk.editor).post(
        reverse("articles:translation_request", args=[article.pk]), _request_data(desk)
    )
    translation = Translation.objects.get(article=article)
    assert response.status_code == 302
    assert response.url == reverse("articles:translation", args=[translation.pk])
    assert (translation.language, translation.translator, translation.reviewer) == (
        "ru", desk.translator, desk.reviewer,
    )  # fmt: skip
    assert translation.due_at is not None
    assert translation.segments.count() == 4  # the title and three paragraphs


def test_request_through_htmx_redirects_the_browser(client, desk):
    article = ArticleFactory(language="kk", title=TITLE_KK, body=_body(1))
    response = _login(client, desk.editor).post(
        reverse("articles:translation_request", args=[article.pk]),
        _request_data(desk),
        HTTP_HX_REQUEST="true",
    )
    translation = Translation.objects.get(article=article)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("articles:translation", args=[translation.pk])


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [("/coverage/gaps/?language=kk", "/coverage/gaps/?language=kk"), ("https://evil.example/", "")],
)
def test_request_from_the_gap_queue_goes_back_there_and_never_off_site(
    client, desk, next_url, lands_on
):
    article = ArticleFactory(language="kk", title=TITLE_KK, body=_body(1))
    response = _login(client, desk.editor).post(
        reverse("articles:translation_request", args=[article.pk]),
        _request_data(desk, next=next_url),
    )
    translation = Translation.objects.get(article=article)
    assert response.status_code == 302
    assert response.url == (lands_on or reverse("articles:translation", args=[translation.pk]))


@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 302), ("translator", 403), ("reviewer", 403)]
)
def test_only_editors_request_translations(client, desk, translation, role, expected):
    article = translation.article  # the translator sees it: they translate it into ru
    response = _login(client, _user(desk, role)).post(
        reverse("articles:translation_request", args=[article.pk]),
        _request_data(desk, language="en"),
    )
    assert response.status_code == expected
    if expected == 403:
        assert "Only editors request translations." in _text(response)
    assert article.translations.count() == 1


def test_request_on_an_invisible_article_is_404(client, desk):
    article = ArticleFactory(language="kk", title=TITLE_KK, body=_body(1))
    response = _login(client, desk.other).post(
        reverse("articles:translation_request", args=[article.pk]), _request_data(desk)
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"language": "xx"}, "Unknown language «xx»; expected one of kk, ru, en."),
        ({"language": ""}, "Choose the language to translate into."),
        ({"language": "kk"}, "The article is already in Kazakh."),
        ({"translator": "999999"}, "That translator is not on the desk's list."),
        ({"reviewer": "abc"}, "That reviewer is not on the desk's list."),
        ({"due_at": "tomorrow-ish"}, "Due: "),
    ],
)
def test_bad_request_input_is_400_with_the_reason(client, desk, overrides, message):
    article = ArticleFactory(language="kk", title=TITLE_KK, body=_body(1))
    response = _login(client, desk.editor).post(
        reverse("articles:translation_request", args=[article.pk]),
        _request_data(desk, **overrides),
    )
    assert response.status_code == 400
    assert message in _text(response)
    assert not Translation.objects.filter(article=article).exists()


def test_a_second_translation_into_the_same_language_is_refused(client, desk, translation):
    response = _login(client, desk.editor).post(
        reverse("articles:translation_request", args=[translation.article_id]),
        _request_data(desk),
    )
    assert response.status_code == 400
    assert "A Russian translation of this article exists already." in _text(response)


def test_a_reviewer_cannot_be_named_translator(client, desk):
    article = ArticleFactory(language="kk", title=TITLE_KK, body=_body(1))
    response = _login(client, desk.editor).post(
        reverse("articles:translation_request", args=[article.pk]),
        _request_data(desk, translator=desk.reviewer.pk),
    )
    assert response.status_code == 400
    assert "That translator is not on the desk's list." in _text(response)


# -- the article-page panel ----------------------------------------------------------------------


def _panel(article, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load translation_tags %}{% translation_panel article %}")
    return template.render(Context({"article": article, "request": request, "csrf_token": "t"}))


def test_panel_lists_translations_and_offers_the_request_form_to_editors(desk, translation):
    html = _panel(translation.article, desk.editor)
    assert reverse("articles:translation", args=[translation.pk]) in html
    assert "translation-requested" in html  # the status badge
    assert "translator" in html
    assert "reviewer" in html
    assert 'name="language"' in html
    # Kazakh (the article) and Russian (translated) are not offered again: English only.
    assert '<option value="en"' in html
    assert '<option value="ru"' not in html
    assert '<option value="kk"' not in html
    assert "script=latn" in html  # a Kazakh article can be downloaded in Latin


def test_panel_for_a_translator_shows_their_translation_and_no_form(desk, translation):
    html = _panel(translation.article, desk.translator)
    assert reverse("articles:translation", args=[translation.pk]) in html
    assert 'name="language"' not in html


def test_panel_shows_outdated_and_qa_counts(desk, translation):
    Translation.objects.filter(pk=translation.pk).update(
        qa_errors=3, qa_warnings=1, qa_checked_version=1, outdated_since="2025-09-05T12:00Z"
    )
    html = _panel(translation.article, desk.reviewer)
    assert "Outdated" in html
    assert "3 errors" in html
    assert "1 warning" in html
    assert 'name="language"' not in html


def test_panel_queries_do_not_grow_with_translations(desk):
    article = ArticleFactory(language="kk", title=TITLE_KK, body=_body(1))
    request_translation(article_id=article.pk, language="ru", user=desk.editor)
    _panel(article, desk.reviewer)  # the reviewer's roles are read once, then cached
    with CaptureQueriesContext(connection) as one:
        _panel(article, desk.reviewer)
    request_translation(
        article_id=article.pk, language="en", user=desk.editor,
        translator=desk.translator, reviewer=desk.reviewer,
    )  # fmt: skip
    with CaptureQueriesContext(connection) as two:
        html = _panel(article, desk.reviewer)
    assert html.count("data-translation-id=") == 2
    assert len(one) == len(two) == 1


# -- the list ----------------------------------------------------------------------------------


def test_list_shows_what_each_role_may_see(client, desk, translation):
    mine_not = _translation(desk, salt=" б")
    Translation.objects.filter(pk=mine_not.pk).update(translator=desk.other)
    for user, expected in (
        (desk.editor, {translation.pk, mine_not.pk}),
        (desk.reviewer, {translation.pk, mine_not.pk}),
        (desk.translator, {translation.pk}),
        (desk.other, {mine_not.pk}),
    ):
        response = _login(client, user).get(reverse("articles:translation_list"))
        assert response.status_code == 200
        assert {t.pk for t in response.context["page"]} == expected, user


def test_list_anonymous_goes_to_login(client):
    _assert_login_redirect(client.get(reverse("articles:translation_list")))


def test_list_filters(client, desk, translation):
    outdated = _translation(desk, salt=" б")
    Translation.objects.filter(pk=outdated.pk).update(
        outdated_since="2025-09-05T12:00Z", reviewer=None, status=TranslationStatus.SUBMITTED
    )
    english = ArticleFactory(language="kk", title="Басқа", body=_body(1, " в"))
    into_english = request_translation(article_id=english.pk, language="en", user=desk.editor)
    _login(client, desk.reviewer)
    url = reverse("articles:translation_list")

    def shown(**params) -> set[int]:
        response = client.get(url, params)
        assert response.status_code == 200
        return {t.pk for t in response.context["page"]}

    assert shown(status="outdated") == {outdated.pk}
    assert shown(status="submitted") == {outdated.pk}
    assert shown(status="requested") == {translation.pk, into_english.pk}
    assert shown(language="en") == {into_english.pk}
    assert shown(mine="on") == {translation.pk}  # the reviewer reviews only that one
    assert shown() == {translation.pk, outdated.pk, into_english.pk}


def test_list_marks_overdue_and_outdated(client, desk, translation):
    Translation.objects.filter(pk=translation.pk).update(
        due_at="2020-01-01T10:00Z", outdated_since="2025-09-05T12:00Z"
    )
    html = _login(client, desk.editor).get(reverse("articles:translation_list")).content.decode()
    assert 'class="is-overdue"' in html
    assert "overdue" in html
    assert "Outdated" in html
    assert "kk</abbr> → <abbr" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [({"status": "lost"}, "Unknown status «lost»."), ({"language": "de"}, "Unknown language")],
)
def test_list_bad_filter_is_400_and_says_which(client, desk, translation, params, message):
    response = _login(client, desk.editor).get(reverse("articles:translation_list"), params)
    assert response.status_code == 400
    assert message in _text(response)
    assert [t.pk for t in response.context["page"]] == [translation.pk]  # the rest applied


def test_list_is_paginated_by_25(client, desk):
    for n in range(27):
        article = ArticleFactory(language="kk", title=f"{TITLE_KK} {n}", body=_body(1, f" {n}"))
        request_translation(article_id=article.pk, language="ru", user=desk.editor)
    _login(client, desk.editor)
    first = client.get(reverse("articles:translation_list"))
    second = client.get(reverse("articles:translation_list"), {"page": 2})
    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 2
    assert "Page 1 of 2" in first.content.decode()


def _make_translations(desk, count: int, start: int) -> None:
    for n in range(start, start + count):
        article = ArticleFactory(language="kk", title=f"{TITLE_KK} {n}", body=_body(1, f" {n}"))
        request_translation(
            article_id=article.pk, language="ru", user=desk.editor,
            translator=desk.translator, reviewer=desk.reviewer, due_at=None,
        )  # fmt: skip


def test_list_query_count_is_constant(client, desk, django_assert_max_num_queries):
    _login(client, desk.editor)
    url = reverse("articles:translation_list")
    _make_translations(desk, 5, 0)
    client.get(url)  # warm the session and role caches alike for both runs
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(url).context["page"]) == 5
    _make_translations(desk, 25, 5)
    with django_assert_max_num_queries(len(five)), CaptureQueriesContext(connection) as thirty:
        assert len(client.get(url).context["page"]) == 25
    assert len(thirty) == len(five)


# -- the editor --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("translator", 200),
        ("other", 404),
        ("reviewer", 200),
        ("editor", 200),
        ("admin", 200),
    ],
)
def test_editor_page_by_role(client, desk, translation, role, expected):
    response = _login(client, _user(desk, role)).get(
        reverse("articles:translation", args=[translation.pk])
    )
    assert response.status_code == expected
    if expected == 302:
        _assert_login_redirect(response)


def test_editor_shows_source_beside_textareas_for_the_translator(client, desk, translation):
    response = _login(client, desk.translator).get(
        reverse("articles:translation", args=[translation.pk])
    )
    html = response.content.decode()
    rows = _rows(translation)
    assert html.count('class="tr-textarea"') == len(rows) == 3
    for row in rows:
        assert f'id="row-{row.pk}"' in html
        assert reverse("articles:segment_save", args=[translation.pk, row.pk]) in html
    assert "Мектепке 2 млрд теңге бөлінді." in html
    assert "Start translating" in html
    assert "Submit for review" in html
    assert "Approve translation" not in html
    assert "Merge with next" in html
    assert "tr-machine-button" not in html  # no engine configured by default
    assert 'id="tr-strings"' in html  # the script's words, translated


def test_editor_is_read_only_for_the_reviewer_with_findings_to_accept(client, desk, translation):
    rows = _rows(translation)
    segment_save(segment_id=rows[1].pk, expected_version=1, user=desk.translator,
                 target_text="Школе выделено 20 млрд тенге.")  # fmt: skip
    response = _login(client, desk.reviewer).get(
        reverse("articles:translation", args=[translation.pk])
    )
    html = response.content.decode()
    assert "tr-textarea" not in html
    assert "Школе выделено 20 млрд тенге." in html
    assert 'data-check="figures"' in html
    assert reverse("articles:translation_qa_accept", args=[translation.pk]) in html
    assert "Merge with next" not in html


def test_editor_shows_the_glossary_of_each_row(client, desk):
    from entities.models import Entity, Mention

    article = ArticleFactory(language="kk", title="Тоқаев сөйледі", body="Тоқаев сөз сөйледі.")
    tokayev = Entity.objects.create(
        type="PER", name_kk="Қасым-Жомарт Тоқаев", name_ru="Касым-Жомарт Токаев",
        status="confirmed",
    )  # fmt: skip
    Mention.objects.create(article=article, field="body", start=0, end=6, text="Тоқаев",
                           type="PER", entity=tokayev)  # fmt: skip
    translation = request_translation(
        article_id=article.pk, language="ru", user=desk.editor, translator=desk.translator
    )
    html = (
        _login(client, desk.translator)
        .get(reverse("articles:translation", args=[translation.pk]))
        .content.decode()
    )
    assert 'data-insert="Касым-Жомарт Токаев"' in html
    assert '<span class="tr-term-source" lang="kk">Тоқаев</span>' in html


def test_editor_shows_outdated_banner_and_the_changed_row_with_its_diff(client, desk, translation):
    _translate_all(translation, desk.translator, status=SegmentStatus.DONE)
    article = translation.article
    paragraphs = article.body.split("\n\n")
    paragraphs[1] = paragraphs[1].replace("3 млрд", "4 млрд")
    article_update(
        article_id=article.pk, expected_version=article.version, updated_by=desk.editor,
        change_reason="edit", body="\n\n".join(paragraphs),
    )  # fmt: skip
    response = _login(client, desk.translator).get(
        reverse("articles:translation", args=[translation.pk])
    )
    html = response.content.decode()
    assert "The source article changed" in html
    rows = {
        row.segment.source_start: row
        for row in response.context["rows"]
        if row.segment.field == "body"
    }
    assert rows[1].source_diff is not None
    assert rows[0].source_diff is None
    assert "<del>3</del>" in rows[1].source_diff
    assert "<ins>4</ins>" in rows[1].source_diff
    assert html.count("Changed in the source") == 1
    assert rows[0].segment.status == "done"
    assert rows[1].segment.status == "draft"


def test_editor_latin_view_is_read_only_and_transliterated(client, desk, translation):
    response = _login(client, desk.translator).get(
        reverse("articles:translation", args=[translation.pk]), {"script": "latn"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mektepke 2 mlrd teñge bölındı." in html
    assert "Мектепке" not in html.split('id="tr-page"')[1].split("</h1>")[1]
    assert "tr-textarea" not in html
    assert "Back to Cyrillic" in html


def test_editor_offers_machine_translation_when_an_engine_is_set(
    client, desk, translation, settings
):
    settings.KZEDITOR_MT_ENGINE = f"{__name__}.FakeEngine"
    html = (
        _login(client, desk.translator)
        .get(reverse("articles:translation", args=[translation.pk]))
        .content.decode()
    )
    assert "tr-machine-button" in html
    assert (
        reverse("articles:segment_machine", args=[translation.pk, _rows(translation)[1].pk]) in html
    )


def test_editor_approve_over_errors_asks_for_a_reason(client, desk, translation):
    rows = _rows(translation)
    _translate_all(translation, desk.translator)
    segment_save(segment_id=rows[1].pk, expected_version=2, user=desk.translator,
                 target_text="Школе выделено 20 млрд тенге.")  # fmt: skip
    Translation.objects.filter(pk=translation.pk).update(status=TranslationStatus.SUBMITTED)
    html = (
        _login(client, desk.reviewer)
        .get(reverse("articles:translation", args=[translation.pk]))
        .content.decode()
    )
    assert "Approve over 1 remaining error" in html
    assert 'name="override_reason"' in html
    assert "Request changes" in html


def _editor_queries(client, translation) -> int:
    url = reverse("articles:translation", args=[translation.pk])
    client.get(url)  # the first load records the quality counts; measure the steady state
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_editor_query_count_does_not_grow_with_rows(client, desk, django_assert_max_num_queries):
    small = _translation(desk, paragraphs=5, salt=" а")
    large = _translation(desk, paragraphs=30, salt=" б")
    for translation in (small, large):
        _translate_all(translation, desk.translator)
    _login(client, desk.translator)
    five = _editor_queries(client, small)
    thirty = _editor_queries(client, large)
    assert thirty == five
    client.get(reverse("articles:translation", args=[large.pk]))
    with django_assert_max_num_queries(10):  # measured: 10 for 5 and for 30 rows
        client.get(reverse("articles:translation", args=[large.pk]))


# -- saving a row ------------------------------------------------------------------------------


def _save_url(translation, segment) -> str:
    return reverse("articles:segment_save", args=[translation.pk, segment.pk])


def test_autosave_answers_json_with_versions_and_findings(client, desk, translation):
    row = _rows(translation)[1]
    response = _login(client, desk.translator).post(
        _save_url(translation, row),
        {"version": 1, "target_text": "Школе выделено 20 млрд тенге."},
        **JSON,
    )
    data = response.json()
    assert response.status_code == 200
    assert data["segment_version"] == 2
    assert data["translation_version"] == _fresh(translation).version == 2
    assert (data["status"], data["outdated"]) == ("draft", False)
    assert (data["translation_status"], data["translation_status_label"]) == (
        "in_progress", "In progress",
    )  # fmt: skip
    assert 'data-check="figures"' in data["findings_html"]  # 2 became 20
    assert data["errors"] >= 1
    row.refresh_from_db()
    assert row.target_text == "Школе выделено 20 млрд тенге."


def test_marking_done_and_fixing_the_figure_clears_the_findings(client, desk, translation):
    row = _rows(translation)[1]
    response = _login(client, desk.translator).post(
        _save_url(translation, row),
        {"version": 1, "target_text": _russian(0), "status": "done"},
        **JSON,
    )
    data = response.json()
    assert (data["status"], data["findings_html"].strip(), data["errors"]) == ("done", "", 0)


def test_autosave_conflict_is_409_with_both_texts(client, desk, translation):
    row = _rows(translation)[1]
    segment_save(segment_id=row.pk, expected_version=1, target_text="Текст редактора.",
                 user=desk.editor)  # fmt: skip
    response = _login(client, desk.translator).post(
        _save_url(translation, row), {"version": 1, "target_text": "Мой текст."}, **JSON
    )
    assert response.status_code == 409
    data = response.json()
    assert data["saved_text"] == "Текст редактора."
    assert data["saved_version"] == 2
    assert data["your_text"] == "Мой текст."
    assert data["message"] == "editor saved this paragraph meanwhile."
    row.refresh_from_db()
    assert row.target_text == "Текст редактора."  # nothing overwritten


def test_plain_form_save_redirects_back_to_the_row(client, desk, translation):
    row = _rows(translation)[1]
    response = _login(client, desk.translator).post(
        _save_url(translation, row),
        {"version": 1, "target_text": _russian(0), "status": "untranslated"},
    )
    assert response.status_code == 302
    assert response.url == reverse("articles:translation", args=[translation.pk]) + f"#row-{row.pk}"
    row.refresh_from_db()
    # The radio showed "untranslated" (the row's status): not a choice, so typing made a draft.
    assert (row.target_text, row.status) == (_russian(0), "draft")


def test_plain_form_conflict_shows_both_texts_and_a_keep_mine_form(client, desk, translation):
    row = _rows(translation)[1]
    segment_save(segment_id=row.pk, expected_version=1, target_text="Текст редактора.",
                 user=desk.editor)  # fmt: skip
    response = _login(client, desk.translator).post(
        _save_url(translation, row), {"version": 1, "target_text": "Мой <b>текст</b>."}
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Текст редактора." in html
    assert "Мой &lt;b&gt;текст&lt;/b&gt;." in html  # escaped, and kept
    assert 'name="version" value="2"' in html
    assert "Keep mine" in html


@pytest.mark.parametrize(
    ("role", "expected", "message"),
    [
        ("reviewer", 403, "Only the assigned translator or an editor edits this translation."),
        ("other", 404, None),
        ("editor", 200, None),
    ],
)
def test_save_by_role(client, desk, translation, role, expected, message):
    row = _rows(translation)[1]
    response = _login(client, _user(desk, role)).post(
        _save_url(translation, row), {"version": 1, "target_text": "Текст."}, **JSON
    )
    assert response.status_code == expected
    if message:
        assert response.json()["message"] == message
    row.refresh_from_db()
    assert (row.target_text == "Текст.") is (expected == 200)


def test_save_after_submit_is_refused_with_the_status(client, desk, translation):
    Translation.objects.filter(pk=translation.pk).update(status=TranslationStatus.SUBMITTED)
    row = _rows(translation)[1]
    response = _login(client, desk.translator).post(
        _save_url(translation, row), {"version": 1, "target_text": "Текст."}, **JSON
    )
    assert response.status_code == 403
    assert response.json()["message"] == (
        "The translation is «Submitted»; it cannot be edited now."
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"target_text": "x"}, "The page did not say which version it showed; reload it."),
        ({"version": "two", "target_text": "x"}, "reload it"),
        (
            {"version": "1", "target_text": "x", "status": "finished"},
            "Unknown paragraph status «finished».",
        ),
        ({"version": "1", "target_text": "я" * 20_001}, "at most 20000 characters"),
    ],
)
def test_bad_save_input_is_400_json(client, desk, translation, data, message):
    row = _rows(translation)[1]
    response = _login(client, desk.translator).post(_save_url(translation, row), data, **JSON)
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_save_of_a_row_of_another_translation_is_404(client, desk, translation):
    other = _translation(desk, salt=" б")
    row = _rows(other)[1]
    response = _login(client, desk.translator).post(
        _save_url(translation, row), {"version": 1, "target_text": "x"}, **JSON
    )
    assert response.status_code == 404


# -- merge and split -------------------------------------------------------------------------


def test_merge_then_split(client, desk, translation):
    first = _rows(translation)[1]
    _login(client, desk.translator)
    merge = client.post(
        reverse("articles:segment_merge", args=[translation.pk, first.pk]),
        {"version": _fresh(translation).version},
    )
    assert merge.status_code == 302
    assert merge.url.endswith(f"#row-{first.pk}")
    first.refresh_from_db()
    assert (first.source_count, translation.segments.count()) == (2, 2)
    html = client.get(reverse("articles:translation", args=[translation.pk])).content.decode()
    assert "¶ 1–2" in html
    assert "Split" in html
    split = client.post(
        reverse("articles:segment_split", args=[translation.pk, first.pk]),
        {"version": _fresh(translation).version},
    )
    assert split.status_code == 302
    assert translation.segments.count() == 3


def test_merge_with_a_stale_version_is_409(client, desk, translation):
    first = _rows(translation)[1]
    response = _login(client, desk.translator).post(
        reverse("articles:segment_merge", args=[translation.pk, first.pk]), {"version": 99}
    )
    assert response.status_code == 409
    assert "The translation changed since you opened it" in _text(response)
    assert translation.segments.count() == 3


@pytest.mark.parametrize(
    ("role", "expected"), [("reviewer", 403), ("other", 404), ("anonymous", 302)]
)
def test_merge_by_role(client, desk, translation, role, expected):
    first = _rows(translation)[1]
    response = _login(client, _user(desk, role)).post(
        reverse("articles:segment_merge", args=[translation.pk, first.pk]),
        {"version": _fresh(translation).version},
    )
    assert response.status_code == expected
    assert translation.segments.count() == 3


def test_split_of_a_single_paragraph_is_400(client, desk, translation):
    first = _rows(translation)[1]
    response = _login(client, desk.translator).post(
        reverse("articles:segment_split", args=[translation.pk, first.pk]),
        {"version": _fresh(translation).version},
    )
    assert response.status_code == 400
    assert "This row is a single source paragraph already." in _text(response)


def test_merge_of_the_last_row_is_400(client, desk, translation):
    last = _rows(translation)[-1]
    response = _login(client, desk.translator).post(
        reverse("articles:segment_merge", args=[translation.pk, last.pk]),
        {"version": _fresh(translation).version},
    )
    assert response.status_code == 400
    assert "no next paragraph" in _text(response)


# -- memory and machine ------------------------------------------------------------------------


def test_memory_offers_a_fuzzy_match_with_score_and_diff(client, desk, translation):
    row = _rows(translation)[1]
    remembered = row.source_text.replace("бөлінді", "берілді")
    TranslationMemoryEntry.objects.create(
        source_language="kk", target_language="ru", source_text=remembered,
        target_text="Школе дали 2 млрд тенге.", source_hash=memory_hash(remembered),
        target_hash=memory_hash("Школе дали 2 млрд тенге."),
    )  # fmt: skip
    response = _login(client, desk.translator).get(
        reverse("articles:segment_memory", args=[translation.pk, row.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-use-text="Школе дали 2 млрд тенге."' in html
    assert "<del>берілді</del>" in html
    assert "<ins>бөлінді</ins>" in html
    assert 'class="tr-score score-' in html
    assert "%" in html


def test_memory_without_matches_says_so(client, desk, translation):
    row = _rows(translation)[1]
    response = _login(client, desk.reviewer).get(
        reverse("articles:segment_memory", args=[translation.pk, row.pk])
    )
    assert response.status_code == 200
    assert "No similar paragraph has been translated before." in _text(response)


def test_memory_of_an_invisible_translation_is_404(client, desk, translation):
    row = _rows(translation)[1]
    response = _login(client, desk.other).get(
        reverse("articles:segment_memory", args=[translation.pk, row.pk])
    )
    assert response.status_code == 404


def test_machine_is_404_when_no_engine_is_configured(client, desk, translation):
    row = _rows(translation)[1]
    response = _login(client, desk.translator).post(
        reverse("articles:segment_machine", args=[translation.pk, row.pk])
    )
    assert response.status_code == 404
    assert response.json()["message"] == "No machine translation engine is configured."


def test_machine_translates_the_row(client, desk, translation, settings):
    settings.KZEDITOR_MT_ENGINE = f"{__name__}.FakeEngine"
    row = _rows(translation)[1]
    response = _login(client, desk.translator).post(
        reverse("articles:segment_machine", args=[translation.pk, row.pk])
    )
    assert response.status_code == 200
    assert response.json() == {"text": f"[ru] {row.source_text}", "engine": "fake"}
    row.refresh_from_db()
    assert row.target_text == ""  # a suggestion, not a save


def test_machine_failure_is_503_with_the_reason(client, desk, translation, settings):
    settings.KZEDITOR_MT_ENGINE = f"{__name__}.BrokenEngine"
    row = _rows(translation)[1]
    response = _login(client, desk.translator).post(
        reverse("articles:segment_machine", args=[translation.pk, row.pk])
    )
    assert response.status_code == 503
    assert response.json()["message"] == "The engine is asleep."


def test_machine_is_refused_to_the_reviewer(client, desk, translation, settings):
    settings.KZEDITOR_MT_ENGINE = f"{__name__}.FakeEngine"
    row = _rows(translation)[1]
    response = _login(client, desk.reviewer).post(
        reverse("articles:segment_machine", args=[translation.pk, row.pk])
    )
    assert response.status_code == 403


def test_a_misconfigured_engine_is_503_not_500(client, desk, translation, settings):
    settings.KZEDITOR_MT_ENGINE = "no.such.Engine"
    row = _rows(translation)[1]
    _login(client, desk.translator)
    response = client.post(reverse("articles:segment_machine", args=[translation.pk, row.pk]))
    assert response.status_code == 503
    assert client.get(reverse("articles:translation", args=[translation.pk])).status_code == 200


# -- workflow ----------------------------------------------------------------------------------


def _step(client, translation, step: str, **data):
    return client.post(
        reverse("articles:translation_transition", args=[translation.pk, step]),
        {"version": _fresh(translation).version} | data,
    )


def test_full_workflow_through_the_views(client, desk, translation):
    _translate_all(translation, desk.translator, status=SegmentStatus.DONE)
    response = _step(_login(client, desk.translator), translation, "submit")
    assert response.status_code == 302
    assert _fresh(translation).status == "submitted"
    assert _step(_login(client, desk.reviewer), translation, "approve").status_code == 302
    assert _fresh(translation).status == "approved"
    assert _step(_login(client, desk.editor), translation, "publish").status_code == 302
    assert _fresh(translation).status == "published"
    assert TranslationMemoryEntry.objects.filter(translation=translation).exists()


def test_submit_with_errors_is_400_and_lists_the_findings(client, desk, translation):
    _translate_all(translation, desk.translator)
    row = _rows(translation)[1]
    segment_save(segment_id=row.pk, expected_version=row.version, user=desk.translator,
                 target_text="Школе выделено 20 млрд тенге.")  # fmt: skip
    response = _step(_login(client, desk.translator), translation, "submit")
    html = response.content.decode()
    assert response.status_code == 400
    assert "quality-check error(s) must be fixed or accepted" in html
    assert 'data-check="figures"' in html
    assert _fresh(translation).status == "in_progress"


def test_submit_refusal_through_htmx_is_a_fragment(client, desk, translation):
    response = _login(client, desk.translator).post(
        reverse("articles:translation_transition", args=[translation.pk, "submit"]),
        {"version": _fresh(translation).version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert response.content.decode().startswith('<div class="form-message error tr-refusal"')


def test_approve_over_errors_with_a_reason(client, desk, translation):
    _translate_all(translation, desk.translator)
    row = _rows(translation)[1]
    segment_save(segment_id=row.pk, expected_version=row.version, user=desk.translator,
                 target_text="Школе выделено 20 млрд тенге.")  # fmt: skip
    Translation.objects.filter(pk=translation.pk).update(status=TranslationStatus.SUBMITTED)
    _login(client, desk.reviewer)
    assert _step(client, translation, "approve").status_code == 400
    response = _step(client, translation, "approve", override_reason="Rounded on purpose.")
    assert response.status_code == 302
    assert _fresh(translation).status == "approved"
    assert QAOverride.objects.get(translation=translation).reason == "Rounded on purpose."


def test_request_changes_needs_a_comment(client, desk, translation):
    Translation.objects.filter(pk=translation.pk).update(status=TranslationStatus.SUBMITTED)
    _login(client, desk.reviewer)
    response = _step(client, translation, "request_changes")
    assert response.status_code == 400
    assert "needs a comment" in _text(response)
    response = _step(client, translation, "request_changes", comment="Check ¶ 2.")
    assert response.status_code == 302
    assert _fresh(translation).status == "changes_requested"


@pytest.mark.parametrize(
    ("role", "step", "expected"),
    [
        ("translator", "approve", 403),
        ("editor", "approve", 403),
        ("reviewer", "submit", 403),
        ("other", "submit", 404),
        ("translator", "publish", 403),
        ("anonymous", "submit", 302),
    ],
)
def test_steps_refused_by_role(client, desk, translation, role, step, expected):
    status = TranslationStatus.SUBMITTED if step == "approve" else translation.status
    Translation.objects.filter(pk=translation.pk).update(status=status)
    response = _step(_login(client, _user(desk, role)), translation, step)
    assert response.status_code == expected
    assert _fresh(translation).status == status
    if expected == 403:
        assert "You cannot do" in _text(response)


def test_step_in_the_wrong_state_is_400_and_unknown_step_404(client, desk, translation):
    _login(client, desk.reviewer)
    response = _step(client, translation, "approve")
    assert response.status_code == 400
    assert "is not possible while the translation is «Requested»" in _text(response)
    assert _step(client, translation, "teleport").status_code == 404


def test_step_with_a_stale_version_is_409(client, desk, translation):
    response = _login(client, desk.translator).post(
        reverse("articles:translation_transition", args=[translation.pk, "start"]),
        {"version": 42},
    )
    assert response.status_code == 409
    assert _fresh(translation).status == "requested"


def test_step_without_version_is_400(client, desk, translation):
    response = _login(client, desk.translator).post(
        reverse("articles:translation_transition", args=[translation.pk, "start"]), {}
    )
    assert response.status_code == 400
    assert "did not say which version" in _text(response)


# -- assignment --------------------------------------------------------------------------------


def test_editor_reassigns(client, desk, translation):
    response = _login(client, desk.editor).post(
        reverse("articles:translation_assign", args=[translation.pk]),
        {"version": translation.version, "translator": desk.other.pk, "reviewer": "",
         "due_at": "2025-09-12T09:00"},
    )  # fmt: skip
    assert response.status_code == 302
    saved = _fresh(translation)
    assert (saved.translator, saved.reviewer) == (desk.other, None)


@pytest.mark.parametrize(
    ("role", "expected"), [("translator", 403), ("reviewer", 403), ("other", 404)]
)
def test_assign_by_role(client, desk, translation, role, expected):
    response = _login(client, _user(desk, role)).post(
        reverse("articles:translation_assign", args=[translation.pk]),
        {"version": translation.version, "translator": desk.other.pk},
    )
    assert response.status_code == expected
    assert _fresh(translation).translator == desk.translator


def test_assign_bad_input_and_conflict(client, desk, translation):
    _login(client, desk.editor)
    url = reverse("articles:translation_assign", args=[translation.pk])
    bad = client.post(url, {"version": translation.version, "reviewer": desk.translator.pk})
    assert bad.status_code == 400
    assert "That reviewer is not on the desk" in bad.content.decode()
    stale = client.post(url, {"version": 77, "translator": desk.other.pk})
    assert stale.status_code == 409


# -- quality report and acceptance -----------------------------------------------------------


@pytest.fixture
def wrong_figure(desk, translation) -> Translation:
    _translate_all(translation, desk.translator)
    row = _rows(translation)[1]
    segment_save(segment_id=row.pk, expected_version=row.version, user=desk.translator,
                 target_text="Школе выделено 20 млрд тенге.")  # fmt: skip
    return _fresh(translation)


def _figures_finding(translation):
    report = translation_findings(translation=translation)
    return next(f for f in report.findings if f.check == "figures")


def test_qa_report_counts_per_check(client, desk, wrong_figure):
    _login(client, desk.translator)
    page = client.get(reverse("articles:translation_qa", args=[wrong_figure.pk]))
    fragment = client.get(
        reverse("articles:translation_qa", args=[wrong_figure.pk]), HTTP_HX_REQUEST="true"
    )
    assert page.status_code == fragment.status_code == 200
    figures = next(c for c in page.context["counts"] if c.code == "figures")
    assert (figures.errors, figures.accepted) == (1, 0)
    assert "<html" in page.content.decode()
    assert "<html" not in fragment.content.decode()
    assert f"#row-{_rows(wrong_figure)[1].pk}" in page.content.decode()
    assert _fresh(wrong_figure).qa_errors == 1  # the counts the list shows


def test_reviewer_accepts_and_withdraws_a_finding(client, desk, wrong_figure):
    finding = _figures_finding(wrong_figure)
    _login(client, desk.reviewer)
    response = client.post(
        reverse("articles:translation_qa_accept", args=[wrong_figure.pk]),
        {"fingerprint": finding.fingerprint, "reason": "The source is wrong; 20 is right."},
    )
    assert response.status_code == 302
    override = QAOverride.objects.get(translation=wrong_figure)
    assert override.user == desk.reviewer
    html = client.get(reverse("articles:translation", args=[wrong_figure.pk])).content.decode()
    assert "Accepted by reviewer:" in html
    assert "The source is wrong; 20 is right." in html
    assert "Withdraw acceptance" in html
    withdraw = client.post(
        reverse("articles:translation_qa_withdraw", args=[wrong_figure.pk, override.pk])
    )
    assert withdraw.status_code == 302
    assert not QAOverride.objects.exists()


@pytest.mark.parametrize(
    ("role", "expected"), [("translator", 403), ("editor", 403), ("other", 404)]
)
def test_accept_by_role(client, desk, wrong_figure, role, expected):
    finding = _figures_finding(wrong_figure)
    response = _login(client, _user(desk, role)).post(
        reverse("articles:translation_qa_accept", args=[wrong_figure.pk]),
        {"fingerprint": finding.fingerprint, "reason": "Fine."},
    )
    assert response.status_code == expected
    assert not QAOverride.objects.exists()


def test_accept_bad_input(client, desk, wrong_figure):
    finding = _figures_finding(wrong_figure)
    _login(client, desk.reviewer)
    url = reverse("articles:translation_qa_accept", args=[wrong_figure.pk])
    no_reason = client.post(url, {"fingerprint": finding.fingerprint, "reason": "  "})
    assert no_reason.status_code == 400
    assert "Say why the finding is acceptable." in no_reason.content.decode()
    gone = client.post(url, {"fingerprint": "0" * 64, "reason": "Fine."})
    assert gone.status_code == 409
    assert "That finding is gone" in gone.content.decode()
    assert not QAOverride.objects.exists()


def test_withdraw_by_translator_is_403_and_of_another_translation_404(client, desk, wrong_figure):
    finding = _figures_finding(wrong_figure)
    override = QAOverride.objects.create(
        translation=wrong_figure, check_code="figures", fingerprint=finding.fingerprint,
        reason="Fine.", user=desk.reviewer,
    )  # fmt: skip
    other = _translation(desk, salt=" б")
    _login(client, desk.translator)
    url = reverse("articles:translation_qa_withdraw", args=[wrong_figure.pk, override.pk])
    assert client.post(url).status_code == 403
    _login(client, desk.reviewer)
    elsewhere = reverse("articles:translation_qa_withdraw", args=[other.pk, override.pk])
    assert client.post(elsewhere).status_code == 404
    assert QAOverride.objects.count() == 1


# -- history and export ------------------------------------------------------------------------


def test_history_lists_versions_with_who_why_and_a_diff(client, desk, translation):
    row = _rows(translation)[1]
    segment_save(segment_id=row.pk, expected_version=1, target_text="Первый вариант.",
                 user=desk.translator)  # fmt: skip
    segment_save(segment_id=row.pk, expected_version=2, target_text="Второй вариант.",
                 user=desk.translator)  # fmt: skip
    response = _login(client, desk.translator).get(
        reverse("articles:translation_history", args=[translation.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert [v.record.version for v in response.context["versions"]] == [3, 2, 1]
    assert "<del>Первый</del>" in html
    assert "<ins>Второй</ins>" in html
    assert "Paragraph saved: ¶ 1" in html
    assert "Translation requested" in html


def test_history_is_404_for_another_translator(client, desk, translation):
    response = _login(client, desk.other).get(
        reverse("articles:translation_history", args=[translation.pk])
    )
    assert response.status_code == 404


def test_article_export_plain_and_latin(client, desk, translation):
    _login(client, desk.translator)
    url = reverse("articles:article_export", args=[translation.article_id])
    plain = client.get(url)
    assert plain.status_code == 200
    assert plain["Content-Type"] == "text/plain; charset=utf-8"
    assert plain["Content-Disposition"].startswith("attachment;")
    assert plain.content.decode() == f"{TITLE_KK}\n\n{_body(2)}\n"
    latin = client.get(url, {"script": "latn"})
    assert latin.status_code == 200
    assert latin.content.decode() == (
        "Mektep jañalyqtary\n\nMektepke 2 mlrd teñge bölındı.\n\nMektepke 3 mlrd teñge bölındı.\n"
    )
    assert 'filename="article-' in latin["Content-Disposition"]
    assert "-kk-latn.txt" in latin["Content-Disposition"]


def test_translation_export_and_latin_only_for_kazakh(client, desk, translation):
    _translate_all(translation, desk.translator)
    _login(client, desk.translator)
    url = reverse("articles:translation_export", args=[translation.pk])
    plain = client.get(url)
    assert plain.content.decode() == f"{TITLE_RU}\n\n{_russian(0)}\n\n{_russian(1)}\n"
    refused = client.get(url, {"script": "latn"})
    assert refused.status_code == 400
    assert "Only Kazakh text can be exported in the Latin alphabet" in refused.content.decode()
    assert client.get(url, {"script": "klingon"}).status_code == 400


def test_export_of_an_invisible_article_is_404(client, desk):
    article = ArticleFactory(language="kk", title=TITLE_KK, body=_body(1))
    _login(client, desk.other)
    assert client.get(reverse("articles:article_export", args=[article.pk])).status_code == 404


# -- methods, anonymous, garbage ---------------------------------------------------------------


def _all_urls(translation, override_pk: int = 1) -> dict[str, str]:
    row = _rows(translation)[1]
    return {
        "translation_request": reverse(
            "articles:translation_request", args=[translation.article_id]
        ),
        "segment_save": reverse("articles:segment_save", args=[translation.pk, row.pk]),
        "segment_merge": reverse("articles:segment_merge", args=[translation.pk, row.pk]),
        "segment_split": reverse("articles:segment_split", args=[translation.pk, row.pk]),
        "segment_machine": reverse("articles:segment_machine", args=[translation.pk, row.pk]),
        "translation_transition": reverse(
            "articles:translation_transition", args=[translation.pk, "submit"]
        ),
        "translation_assign": reverse("articles:translation_assign", args=[translation.pk]),
        "translation_qa_accept": reverse("articles:translation_qa_accept", args=[translation.pk]),
        "translation_qa_withdraw": reverse(
            "articles:translation_qa_withdraw", args=[translation.pk, override_pk]
        ),
    }


def test_post_only_views_refuse_get_and_send_anonymous_to_login(client, desk, translation):
    for url in _all_urls(translation).values():
        _assert_login_redirect(client.post(url))
        _assert_login_redirect(client.get(url))
    _login(client, desk.editor)
    for name, url in _all_urls(translation).items():
        assert client.get(url).status_code == 405, name


def test_get_only_views_refuse_post(client, desk, translation):
    row = _rows(translation)[1]
    _login(client, desk.editor)
    for url in (
        reverse("articles:translation_list"),
        reverse("articles:translation", args=[translation.pk]),
        reverse("articles:segment_memory", args=[translation.pk, row.pk]),
        reverse("articles:translation_qa", args=[translation.pk]),
        reverse("articles:translation_history", args=[translation.pk]),
        reverse("articles:translation_export", args=[translation.pk]),
        reverse("articles:article_export", args=[translation.article_id]),
    ):
        assert client.post(url).status_code == 405, url


GARBAGE = [
    {},
    {"version": "-1", "target_text": "\x00", "status": "done" * 50},
    {"version": "9" * 30, "language": "ru" * 40, "translator": "-5", "reviewer": "[]"},
    {"fingerprint": "x" * 500, "reason": "y" * 6000, "comment": "z" * 20_000},
    {"version": "1", "due_at": "31.02.2025", "override_reason": "\u202e"},
]


@pytest.mark.parametrize("data", GARBAGE)
@pytest.mark.parametrize("role", ["translator", "reviewer", "editor"])
def test_garbage_posts_never_500(client, desk, translation, data, role):
    _login(client, _user(desk, role))
    for name, url in _all_urls(translation).items():
        for headers in ({}, JSON, {"HTTP_HX_REQUEST": "true"}):
            response = client.post(url, data, **headers)
            assert response.status_code < 500, (name, data)
            assert response.status_code != 200 or name in ("segment_save",), (name, data)


def test_json_error_bodies_are_json(client, desk, translation):
    row = _rows(translation)[1]
    response = _login(client, desk.translator).post(
        _save_url(translation, row), {"version": "x"}, **JSON
    )
    assert response["Content-Type"] == "application/json"
    assert set(json.loads(response.content)) == {"message"}


def test_merged_row_save_still_works_after_reload(client, desk, translation):
    """Merging renumbers rows; the merged row keeps its id, so its save URL stays valid."""
    first = _rows(translation)[1]
    segment_merge_with_next(segment_id=first.pk, expected_version=translation.version,
                            user=desk.translator)  # fmt: skip
    first.refresh_from_db()
    response = _login(client, desk.translator).post(
        _save_url(translation, first),
        {"version": first.version, "target_text": f"{_russian(0)}\n\n{_russian(1)}"},
        **JSON,
    )
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.target_text == f"{_russian(0)}\n\n{_russian(1)}"


def test_approved_translation_is_stored_in_memory_and_offered_again(client, desk, translation):
    _translate_all(translation, desk.translator, status=SegmentStatus.DONE)
    for user, step in ((desk.translator, "submit"), (desk.reviewer, "approve")):
        translation_transition(translation_id=translation.pk, step_name=step, user=user,
                               expected_version=_fresh(translation).version)  # fmt: skip
    article = ArticleFactory(language="kk", title="Басқа мектеп", body=_body(2))  # same ¶s
    again = request_translation(
        article_id=article.pk, language="ru", user=desk.editor, translator=desk.translator
    )
    row = _rows(again)[1]
    html = (
        _login(client, desk.translator)
        .get(reverse("articles:segment_memory", args=[again.pk, row.pk]))
        .content.decode()
    )
    assert "score-exact" in html
    assert _russian(0) in html

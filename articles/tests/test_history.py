"""Versions, diffs and revert: the services and the history, diff and revert views."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.history import (
    DecisionEntry,
    VersionEntry,
    article_history,
    article_revert,
    text_diff_html,
    versions_diff,
)
from articles.models import Article
from articles.services import ArticleVersionConflict, article_update
from articles.tests.factories import ArticleFactory
from articles.workflow import article_assign, article_transition
from entities.models import SpanDecision

pytestmark = pytest.mark.django_db


def _decision(article, user, action=SpanDecision.Action.CONFIRMED, text="Тоқаев"):
    return SpanDecision.objects.create(
        article=article, span_kind="mention", span_id=1, field="body", start=0,
        end=len(text), text=text, action=action, user=user,
    )  # fmt: skip


def test_text_diff_marks_words_and_escapes_html():
    html = text_diff_html("The <b>old</b> text & more", "The <i>new</i> text & more")
    assert html == (
        "The &lt;<del>b</del><ins>i</ins>&gt;<del>old</del><ins>new</ins>&lt;/<del>b</del>"
        "<ins>i</ins>&gt; text &amp; more"
    )
    assert text_diff_html("same", "same") == "same"


def test_text_diff_compares_paragraph_by_paragraph():
    old = "Бірінші абзац, рецензент түзеткен.\n\nЕкінші абзац.\n\nҮшінші."
    new = "Бірінші абзац.\n\nЕкінші абзац, редактор толықтырған.\n\nҮшінші."
    assert text_diff_html(old, new) == (
        "Бірінші абзац<del>, рецензент түзеткен</del>.\n\n"
        "Екінші абзац<ins>, редактор толықтырған</ins>.\n\nҮшінші."
    )
    assert text_diff_html("А.\n\nӘ.\n\nБ.", "А.\n\nБ.") == "А.\n\n<del>Ә.\n\n</del>Б."


def test_versions_diff_lists_changed_fields_only(editor, reviewer):
    article = ArticleFactory(title="Бірінші", byline="А")
    article_update(article_id=article.pk, expected_version=1, title="Екінші <script>", byline="А")
    article_assign(article_id=article.pk, expected_version=2, assignee=reviewer, due_at=None,
                   user=editor)  # fmt: skip
    older, newer = article.history.order_by("history_date", "history_id")[::2]
    diffs = versions_diff(older, newer)
    assert [d.field for d in diffs] == ["title", "assignee"]
    assert diffs[0].html == "<del>Бірінші</del><ins>Екінші &lt;script&gt;</ins>"
    assert (diffs[1].old, diffs[1].new) == ("", "reviewer")


def test_revert_restores_text_as_a_new_version(editor):
    article = ArticleFactory(title="Тақырып", body="Бірінші нұсқа.", byline="А")
    first = article.history.get()
    article_update(article_id=article.pk, expected_version=1, body="Екінші нұсқа.", byline="Б")
    reverted = article_revert(
        article_id=article.pk, history_id=first.history_id, expected_version=2, user=editor
    )
    assert (reverted.body, reverted.byline, reverted.version) == ("Бірінші нұсқа.", "А", 3)
    assert reverted.extraction_state == "pending"  # the text changed: extracted again
    latest = reverted.history.latest()
    assert (latest.version, latest.history_change_reason, latest.history_user) == (
        3,
        "revert to v1",
        editor,
    )
    assert reverted.history.count() == 3


def test_revert_keeps_the_status_and_refuses_a_stale_version(editor):
    article = ArticleFactory(body="Бір.")
    first = article.history.get()
    article_transition(article_id=article.pk, step_name="submit", user=editor, expected_version=1)
    article_update(article_id=article.pk, expected_version=2, body="Екі.")
    with pytest.raises(ArticleVersionConflict):
        article_revert(
            article_id=article.pk, history_id=first.history_id, expected_version=2, user=editor
        )
    saved = article_revert(
        article_id=article.pk, history_id=first.history_id, expected_version=3, user=editor
    )
    assert (saved.body, saved.status) == ("Бір.", "in_review")


def test_history_merges_versions_and_decisions_newest_first(editor, reviewer):
    article = ArticleFactory()
    _decision(article, reviewer)
    article_transition(article_id=article.pk, step_name="submit", user=editor, expected_version=1)
    _decision(article, reviewer, SpanDecision.Action.REJECTED, "Chevron")
    article_update(article_id=article.pk, expected_version=2, byline="Жаңа", change_reason="edit")
    _decision(ArticleFactory(), reviewer)  # another article's: not in this history

    entries = article_history(article_id=article.pk)
    kinds = [
        (e.record.version, e.reason, e.changed)
        if isinstance(e, VersionEntry)
        else (e.decision.action, e.decision.text)
        for e in entries
    ]
    assert kinds == [
        (3, "Edited", ["byline"]),
        ("rejected", "Chevron"),
        (2, "Submit for review", ["status"]),
        ("confirmed", "Тоқаев"),
        (1, "Created", []),
    ]
    assert isinstance(entries[1], DecisionEntry)
    assert entries[2].step == "submit"


# -- views ---------------------------------------------------------------------------------


def _article_with_versions(versions: int, editor, reviewer) -> Article:
    article = ArticleFactory()
    for version in range(1, versions):
        article_update(
            article_id=article.pk,
            expected_version=version,
            updated_by=editor,
            byline=f"v{version}",
            change_reason="edit",
        )
        _decision(article, reviewer)
    return article


def test_history_page_query_count_is_constant(
    client, editor, reviewer, django_assert_max_num_queries
):
    few, many = (_article_with_versions(n, editor, reviewer) for n in (2, 20))
    client.force_login(editor)
    client.get(reverse("articles:list"))  # the first request of a session also saves it
    counts = []
    for article, versions in ((few, 2), (many, 20)):
        # session, user, user preference, groups (role), article, versions, decisions,
        # the menu's permissions and unread count: none per version
        with django_assert_max_num_queries(12) as captured:
            response = client.get(reverse("articles:history", args=[article.pk]))
        counts.append(len(captured))
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count('class="history-version') == versions
        assert html.count('class="history-decision') == versions - 1
        assert html.count('name="a"') == versions
    assert counts[0] == counts[1]


def test_history_page_shows_workflow_steps_readably(client, editor, reviewer):
    article = ArticleFactory(status="in_review")
    article_transition(
        article_id=article.pk,
        step_name="return",
        user=reviewer,
        expected_version=1,
        comment="Check the figures",
    )
    article_assign(article_id=article.pk, expected_version=2, assignee=reviewer, due_at=None,
                   user=editor)  # fmt: skip
    client.force_login(editor)
    html = client.get(reverse("articles:history", args=[article.pk])).content.decode()
    assert "Return to draft: Check the figures" in html
    assert "Assignment: reviewer" in html
    assert "Revert to v1" in html


def test_diff_view_shows_word_changes_escaped(client, reviewer):
    article = ArticleFactory(body="Бір <em>екі</em> үш.")
    article_update(article_id=article.pk, expected_version=1, body="Бір <em>төрт</em> үш.")
    older, newer = article.history.order_by("history_id")
    client.force_login(reviewer)
    response = client.get(
        reverse("articles:diff", args=[article.pk]), {"a": newer.history_id, "b": older.history_id}
    )
    assert response.status_code == 200
    assert response.context["older"] == older  # the order of a and b does not matter
    html = response.content.decode()
    assert "Бір &lt;em&gt;<del>екі</del><ins>төрт</ins>&lt;/em&gt; үш." in html
    assert "<em>" not in html


@pytest.mark.parametrize("query", [{"a": "x", "b": "1"}, {"a": "1"}, {}, "foreign", "missing"])
def test_diff_with_bad_or_foreign_versions_is_404(client, editor, query):
    article = ArticleFactory()
    other = ArticleFactory()
    own = article.history.get().history_id
    if query == "foreign":
        query = {"a": own, "b": other.history.get().history_id}
    elif query == "missing":
        query = {"a": own, "b": own + 1000}
    client.force_login(editor)
    response = client.get(reverse("articles:diff", args=[article.pk]), query)
    assert response.status_code == 404


def test_revert_view_creates_a_version_and_refuses_conflicts(client, editor):
    article = ArticleFactory(byline="Бірінші")
    first = article.history.get()
    article_update(article_id=article.pk, expected_version=1, byline="Екінші")
    client.force_login(editor)
    url = reverse("articles:revert", args=[article.pk, first.history_id])

    response = client.post(url, {"version": 1})
    assert response.status_code == 409
    assert "changed since you opened it" in response.content.decode()
    assert Article.objects.get(pk=article.pk).version == 2

    response = client.post(url, {"version": 2})
    assert response.status_code == 302
    assert response["Location"] == reverse("articles:history", args=[article.pk])
    article.refresh_from_db()
    assert (article.byline, article.version) == ("Бірінші", 3)

    other = ArticleFactory()
    foreign = reverse("articles:revert", args=[article.pk, other.history.get().history_id])
    assert client.post(foreign, {"version": 3}).status_code == 404
    assert client.post(url, {}).status_code == 400
    assert client.get(url).status_code == 405

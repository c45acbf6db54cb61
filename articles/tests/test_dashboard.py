"""The dashboard: what each role sees, the retry button, notifications, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.collaboration import comment_add, notify
from articles.models import Article, Notification
from articles.tests.factories import ArticleFactory, TranslationFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("articles:dashboard")


def _ids(rows) -> set[int]:
    return {row.pk for row in rows}


def _queue(response, name: str) -> set[int]:
    lists = {item["id"]: item["rows"] for item in response.context["queue_lists"]}
    return _ids(lists[name]) if name in lists else set()


def _returned(article: Article, *, editor, reviewer) -> Article:
    """Submit (editor) and return (reviewer) through the real workflow."""
    article = workflow.article_transition(
        article_id=article.pk, step_name="submit", user=editor, expected_version=article.version
    )
    return workflow.article_transition(
        article_id=article.pk,
        step_name="return",
        user=reviewer,
        expected_version=article.version,
        comment="Check the figures",
    )


# -- sections per role -------------------------------------------------------------------------


def test_editor_sees_open_assignments_with_overdue_marked(client, editor, reviewer):
    now = timezone.now()
    overdue = ArticleFactory(assignee=editor, due_at=now - timedelta(days=1), title="Late one")
    upcoming = ArticleFactory(assignee=editor, due_at=now + timedelta(days=2), status="approved")
    ArticleFactory(assignee=editor, status="published")
    ArticleFactory(assignee=editor, status="archived")
    ArticleFactory(assignee=reviewer)
    client.force_login(editor)
    response = client.get(DASHBOARD)
    assert [a.pk for a in response.context["assigned"]] == [overdue.pk, upcoming.pk]
    html = response.content.decode()
    late_row = html.split(f'data-article-id="{overdue.pk}"')[1].split("</tr>")[0]
    assert 'class="overdue"' in late_row
    upcoming_row = html.split(f'data-article-id="{upcoming.pk}"')[1].split("</tr>")[0]
    assert "overdue" not in upcoming_row


def test_editor_queue_has_approved_and_drafts_returned_to_them(client, editor, reviewer, make_user):
    other_editor = make_user("editor2", "editor")
    approved = ArticleFactory(status="approved")
    in_review = ArticleFactory(status="in_review")
    plain_draft = ArticleFactory(assignee=editor)
    returned_mine = _returned(ArticleFactory(assignee=editor), editor=editor, reviewer=reviewer)
    returned_nobodys = _returned(ArticleFactory(), editor=editor, reviewer=reviewer)
    returned_other = _returned(
        ArticleFactory(assignee=other_editor), editor=editor, reviewer=reviewer
    )
    # Returned, then submitted again: no longer waiting for the editor.
    resubmitted = _returned(ArticleFactory(assignee=editor), editor=editor, reviewer=reviewer)
    workflow.article_transition(
        article_id=resubmitted.pk, step_name="submit", user=editor,
        expected_version=resubmitted.version,
    )  # fmt: skip

    client.force_login(editor)
    response = client.get(DASHBOARD)
    assert _queue(response, "queue-approved") == {approved.pk}
    assert _queue(response, "queue-returned") == {returned_mine.pk, returned_nobodys.pk}
    assert "queue-in-review" not in {item["id"] for item in response.context["queue_lists"]}
    assert in_review.pk not in _queue(response, "queue-approved")
    assert plain_draft.pk not in _queue(response, "queue-returned")
    assert returned_other.pk not in _queue(response, "queue-returned")


def test_reviewer_queue_is_what_is_in_review(client, reviewer):
    in_review = ArticleFactory(status="in_review")
    ArticleFactory(status="approved")
    ArticleFactory(status="draft")
    client.force_login(reviewer)
    response = client.get(DASHBOARD)
    assert [item["id"] for item in response.context["queue_lists"]] == ["queue-in-review"]
    assert _queue(response, "queue-in-review") == {in_review.pk}
    assert response.context["can_retry"] is False
    assert response.context["batches"] == []


def test_admin_sees_both_queues(client, admin_user_):
    in_review = ArticleFactory(status="in_review")
    approved = ArticleFactory(status="approved")
    client.force_login(admin_user_)
    response = client.get(DASHBOARD)
    assert [item["id"] for item in response.context["queue_lists"]] == [
        "queue-in-review",
        "queue-approved",
        "queue-returned",
    ]
    assert _queue(response, "queue-in-review") == {in_review.pk}
    assert _queue(response, "queue-approved") == {approved.pk}


def test_queue_lists_are_cut_per_status(client, admin_user_):
    ArticleFactory.create_batch(20, status="in_review")
    ArticleFactory.create_batch(3, status="approved")
    client.force_login(admin_user_)
    response = client.get(DASHBOARD)
    assert len(_queue(response, "queue-in-review")) == 15
    assert len(_queue(response, "queue-approved")) == 3


def _translation_list(response, list_id: str):
    return next(
        (lst["rows"] for lst in response.context["translation_lists"] if lst["id"] == list_id),
        None,
    )


def test_translator_sees_only_their_part(client, translator, editor, make_user):
    other_translator = make_user("translator2", "translator")
    mine = TranslationFactory(translator=translator, due_at=timezone.now() - timedelta(hours=1))
    TranslationFactory(translator=translator, status="published")
    theirs = TranslationFactory(translator=other_translator)
    hidden_failed = ArticleFactory(extraction_state="failed", extraction_error="boom")
    ArticleFactory(status="in_review")
    Article.objects.filter(pk=mine.article_id).update(extraction_state="failed")

    client.force_login(translator)
    response = client.get(DASHBOARD)
    assert [t.pk for t in _translation_list(response, "translations-mine")] == [mine.pk]
    assert [lst["id"] for lst in response.context["translation_lists"]] == [
        "translations-mine",
        "translations-outdated",
    ]
    assert response.context["assigned"] == []
    assert response.context["queue"].is_shown is False
    assert _ids(response.context["extraction"]) == {mine.article_id}
    assert response.context["total_count"] == 2  # the two articles they translate
    html = response.content.decode()
    assert theirs.article.title not in html
    assert hidden_failed.title not in html
    assert 'class="is-overdue"' in html.split(f'data-translation-id="{mine.pk}"')[1][:30]
    assert reverse("articles:extraction_retry", args=[mine.article_id]) not in html


def test_status_counts_cover_every_status(client, editor):
    ArticleFactory.create_batch(2, status="draft")
    ArticleFactory(status="published")
    client.force_login(editor)
    response = client.get(DASHBOARD)
    counts = {status: n for status, _label, n in response.context["status_counts"]}
    assert counts == {"draft": 2, "in_review": 0, "approved": 0, "published": 1, "archived": 0}
    assert response.context["total_count"] == 3
    assert 'data-status="published"' in response.content.decode()


def test_extraction_section_lists_unfinished_with_error_and_retry(client, editor):
    failed = ArticleFactory(extraction_state="failed", extraction_error="Tokenizer crashed")
    pending = ArticleFactory(extraction_state="pending")
    running = ArticleFactory(extraction_state="running")
    ArticleFactory(extraction_state="done")
    client.force_login(editor)
    response = client.get(DASHBOARD)
    assert response.context["extraction"][0].pk == failed.pk  # failures first
    assert _ids(response.context["extraction"]) == {failed.pk, pending.pk, running.pk}
    html = response.content.decode()
    assert "Tokenizer crashed" in html
    assert reverse("articles:extraction_retry", args=[failed.pk]) in html
    assert reverse("articles:extraction_retry", args=[running.pk]) not in html
    assert reverse("articles:import") in html


def test_recent_import_batches_for_importers(client, editor):
    from articles.models import ImportBatch

    ImportBatch.objects.create(channel="upload", created_by=editor, imported_count=7)
    client.force_login(editor)
    response = client.get(DASHBOARD)
    [batch] = response.context["batches"]
    assert batch.imported_count == 7


# -- retry -----------------------------------------------------------------------------------


def test_retry_puts_the_article_back_to_pending_and_queues_it_once(
    client, editor, django_capture_on_commit_callbacks
):
    article = ArticleFactory(extraction_state="failed", extraction_error="boom")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("articles:extraction_retry", args=[article.pk]))
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    article.refresh_from_db()
    assert (article.extraction_state, article.extraction_error) == ("pending", "")
    assert len(callbacks) == 1


def test_retry_runs_the_extraction_task(client, editor, django_capture_on_commit_callbacks):
    from unittest import mock

    article = ArticleFactory(extraction_state="failed", extraction_error="boom")
    client.force_login(editor)
    with (
        mock.patch("articles.tasks.extract_article.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(reverse("articles:extraction_retry", args=[article.pk]))
    delay.assert_called_once_with(article.pk)


@pytest.mark.parametrize(
    ("role", "visible", "expected"),
    [("reviewer", True, 403), ("translator", True, 403), ("translator", False, 404)],
)
def test_retry_is_for_editors_only(
    client, request, role, visible, expected, django_capture_on_commit_callbacks
):
    user = request.getfixturevalue(role)
    article = ArticleFactory(extraction_state="failed", extraction_error="boom")
    if visible and role == "translator":
        TranslationFactory(article=article, translator=user)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("articles:extraction_retry", args=[article.pk]))
    assert response.status_code == expected
    article.refresh_from_db()
    assert article.extraction_state == "failed"
    assert callbacks == []


def test_retry_refuses_get_and_anonymous(client, editor):
    article = ArticleFactory(extraction_state="failed")
    url = reverse("articles:extraction_retry", args=[article.pk])
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(editor)
    assert client.get(url).status_code == 405


def test_retry_of_a_missing_article_is_404(client, editor):
    client.force_login(editor)
    assert client.post(reverse("articles:extraction_retry", args=[999999])).status_code == 404


# -- notifications ---------------------------------------------------------------------------


def test_notifications_link_to_the_comment_and_mark_read_only_own(client, editor, reviewer):
    article = ArticleFactory()
    comment = comment_add(article=article, author=reviewer, body="@editor please look")
    [mention] = Notification.objects.filter(recipient=editor)
    notify(recipient_ids=[editor.pk], actor=reviewer, article=article, kind="assigned")
    notify(recipient_ids=[reviewer.pk], actor=editor, article=article, kind="assigned")
    reviewers = Notification.objects.get(recipient=reviewer)

    client.force_login(editor)
    response = client.get(DASHBOARD)
    assert len(response.context["notifications"]) == 2
    html = response.content.decode()
    assert f"{reverse('articles:detail', args=[article.pk])}#comment-{comment.pk}" in html
    assert 'id="nav-unread"' in html

    url = reverse("articles:notifications_read")
    response = client.post(url, {"id": [mention.pk, reviewers.pk]})
    assert response.status_code == 302
    mention.refresh_from_db()
    reviewers.refresh_from_db()
    assert mention.read_at is not None
    assert reviewers.read_at is None  # someone else's: untouched

    client.post(url)  # all of mine
    assert not Notification.objects.filter(recipient=editor, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=reviewer, read_at__isnull=True).count() == 1
    assert client.get(DASHBOARD).context["notifications"] == []


def test_translator_is_not_shown_notifications_of_articles_taken_from_them(
    client, translator, reviewer
):
    translation = TranslationFactory(translator=translator)
    notify(recipient_ids=[translator.pk], actor=reviewer, article=translation.article,
           kind="reply")  # fmt: skip
    client.force_login(translator)
    assert len(client.get(DASHBOARD).context["notifications"]) == 1
    translation.delete()
    response = client.get(DASHBOARD)
    assert response.context["notifications"] == []
    assert response.context["unread_count"] == 0


def test_notifications_read_rejects_bad_ids_and_get(client, editor):
    article = ArticleFactory()
    notify(recipient_ids=[editor.pk], actor=None, article=article, kind="assigned")
    client.force_login(editor)
    url = reverse("articles:notifications_read")
    for bad in (["abc"], ["1", "2.5"], ["99999999999999999999999"], ["-1"]):
        response = client.post(url, {"id": bad})
        assert response.status_code == 400, bad
        assert "whole numbers" in response.content.decode()
    assert Notification.objects.get().read_at is None
    assert client.get(url).status_code == 405


def test_notifications_read_redirects_only_to_safe_next(client, editor):
    client.force_login(editor)
    url = reverse("articles:notifications_read")
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == DASHBOARD
    response = client.post(url, {"next": reverse("articles:list")})
    assert response["Location"] == reverse("articles:list")


def test_htmx_mark_read_returns_the_dashboard_for_swapping(client, editor):
    article = ArticleFactory()
    notify(recipient_ids=[editor.pk], actor=None, article=article, kind="assigned")
    client.force_login(editor)
    response = client.post(
        reverse("articles:notifications_read"), HTTP_HX_REQUEST="true", follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="notifications"' in html
    assert "No unread notifications." in html


# -- query counts ----------------------------------------------------------------------------


def _rows_of_every_kind(n: int, *, editor, reviewer, translator) -> None:
    due = timezone.now() + timedelta(days=1)
    for i in range(n):
        assigned = ArticleFactory(assignee=editor, due_at=due, extraction_state="failed")
        ArticleFactory(status="approved", assignee=editor)
        ArticleFactory(status="in_review")
        TranslationFactory(translator=translator, article=assigned, due_at=due)
        notify(recipient_ids=[editor.pk, translator.pk], actor=reviewer, article=assigned,
               kind="assigned", message=f"#{i}")  # fmt: skip
        comment_add(article=assigned, author=reviewer, body=f"@editor @translator look {i}")
    _returned(ArticleFactory(assignee=editor), editor=editor, reviewer=reviewer)
    from articles.models import ImportBatch

    ImportBatch.objects.bulk_create(
        [ImportBatch(channel="upload", created_by=editor) for _ in range(n)]
    )


# Editor: 1 session, 2 user, 3 groups (roles), 4-5 user and group permissions (import
# section; cached for the nav), 6 unread notifications, 7 unread count, 8 status counts,
# 9 review queue (approved + returned, cut per status by the database), 10 assigned to me,
# 11 unfinished extractions, 12 recent import batches, 13 outdated translations, 14 the desk's
# open translation requests. Translator: no assignments, no queue, no import batches, but their
# translations and their outdated ones: 11.
@pytest.mark.parametrize(("role", "queries"), [("editor", 14), ("translator", 11)])
@pytest.mark.parametrize("rows", [1, 30])
def test_dashboard_query_count_is_constant(
    client, editor, reviewer, translator, django_assert_num_queries, role, queries, rows
):
    _rows_of_every_kind(rows, editor=editor, reviewer=reviewer, translator=translator)
    user = {"editor": editor, "translator": translator}[role]
    client.force_login(user)
    client.get(DASHBOARD)  # warm up: the saved language is cached in the session
    with django_assert_num_queries(queries):
        response = client.get(DASHBOARD)
    expected = min(rows, 15)
    if role == "translator":
        assert len(_translation_list(response, "translations-mine")) == expected
    else:
        assert _translation_list(response, "translations-mine") is None
        assert len(_translation_list(response, "translations-open")) == expected
    # A mention and an assignment per row; the editor was also told of the return.
    extra = 1 if role == "editor" else 0
    assert len(response.context["notifications"]) == min(2 * rows + extra, 15)
    if role == "editor":
        assert len(response.context["assigned"]) == min(2 * rows + 1, 15)  # + the returned
        assert len(response.context["queue"].approved) == expected
        assert len(response.context["queue"].returned) == 1
        assert len(response.context["batches"]) == min(rows, 5)
    assert len(response.context["extraction"]) == expected


def test_admin_dashboard_query_count(client, admin_user_, django_assert_num_queries):
    ArticleFactory.create_batch(3, status="in_review")
    client.force_login(admin_user_)
    client.get(DASHBOARD)
    # Superusers skip the group and permission queries: session, user, notifications, unread
    # count, status counts, queue, assigned, extractions, import batches, and four translation
    # lists (theirs, to review, outdated, open).
    with django_assert_num_queries(13):
        client.get(DASHBOARD)

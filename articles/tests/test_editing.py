"""The collaboration views: a role × endpoint matrix, the edit form and its conflict page,
presence, workflow buttons, assignment and comments."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Comment, EditingPresence, Notification
from articles.services import article_update
from articles.tests.factories import ArticleFactory, SourceFactory, TranslationFactory
from conftest import extraction_callbacks

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def users(editor, reviewer, translator, admin_user_):
    return {"translator": translator, "reviewer": reviewer, "editor": editor, "admin": admin_user_}


def _edit_data(article: Article, **changes) -> dict:
    data = {
        "title": article.title,
        "body": article.body,
        "language": article.language if article.language_locked else "",
        "byline": article.byline,
        "photo_credit": article.photo_credit,
        "source": article.source_id or "",
        "source_url": article.source_url,
        "published_at": (
            timezone.localtime(article.published_at).strftime("%Y-%m-%dT%H:%M")
            if article.published_at
            else ""
        ),
        "version": article.version,
    }
    return data | changes


# Each endpoint as the role sees it. The translator is asked twice: on the article they
# translate (visible) and on another one (404). Anonymous users are sent to log in (302).
R = dict  # anonymous, translator (assigned), translator (other), reviewer, editor, admin
MATRIX = {
    "edit:get": R(anonymous=302, assigned=403, other=404, reviewer=200, editor=200, admin=200),
    "edit:post": R(anonymous=302, assigned=403, other=404, reviewer=302, editor=302, admin=302),
    "presence": R(anonymous=302, assigned=403, other=404, reviewer=200, editor=200, admin=200),
    "submit": R(anonymous=302, assigned=403, other=404, reviewer=403, editor=302, admin=302),
    "assign": R(anonymous=302, assigned=403, other=404, reviewer=403, editor=302, admin=302),
    "comment": R(anonymous=302, assigned=302, other=404, reviewer=302, editor=302, admin=302),
    "comment:htmx": R(anonymous=302, assigned=200, other=404, reviewer=200, editor=200, admin=200),
    "history": R(anonymous=302, assigned=200, other=404, reviewer=200, editor=200, admin=200),
    "diff": R(anonymous=302, assigned=200, other=404, reviewer=200, editor=200, admin=200),
    "revert": R(anonymous=302, assigned=403, other=404, reviewer=302, editor=302, admin=302),
}


def _request(client, endpoint: str, article: Article, reviewer):
    pk = article.pk
    first, second = article.history.order_by("history_id")
    if endpoint == "edit:get":
        return client.get(reverse("articles:edit", args=[pk]))
    if endpoint == "edit:post":
        return client.post(reverse("articles:edit", args=[pk]), _edit_data(article, byline="N"))
    if endpoint == "presence":
        return client.post(reverse("articles:presence", args=[pk]))
    if endpoint == "submit":
        url = reverse("articles:transition", args=[pk, "submit"])
        return client.post(url, {"version": article.version})
    if endpoint == "assign":
        url = reverse("articles:assign", args=[pk])
        return client.post(url, {"version": article.version, "assignee": reviewer.pk})
    if endpoint.startswith("comment"):
        extra = HTMX if endpoint == "comment:htmx" else {}
        return client.post(reverse("articles:comment_add", args=[pk]), {"body": "Hi"}, **extra)
    if endpoint == "history":
        return client.get(reverse("articles:history", args=[pk]))
    if endpoint == "diff":
        query = {"a": first.history_id, "b": second.history_id}
        return client.get(reverse("articles:diff", args=[pk]), query)
    assert endpoint == "revert"
    url = reverse("articles:revert", args=[pk, first.history_id])
    return client.post(url, {"version": article.version})


@pytest.mark.parametrize("who", ["anonymous", "assigned", "other", "reviewer", "editor", "admin"])
@pytest.mark.parametrize("endpoint", list(MATRIX))
def test_role_endpoint_matrix(client, users, who, endpoint):
    assigned = TranslationFactory(translator=users["translator"]).article
    other = ArticleFactory()
    for article in (assigned, other):  # a second version, for diff and revert
        article_update(article_id=article.pk, expected_version=1, byline="Екінші")
    article = other if who == "other" else assigned
    article.refresh_from_db()
    role = "translator" if who in ("assigned", "other") else who
    if role != "anonymous":
        client.force_login(users[role])
    response = _request(client, endpoint, article, users["reviewer"])
    assert response.status_code == MATRIX[endpoint][who], (endpoint, who)
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("articles:edit", []),
        ("articles:presence", []),
        ("articles:transition", ["submit"]),
        ("articles:assign", []),
        ("articles:comment_add", []),
        ("articles:history", []),
        ("articles:diff", []),
    ],
)
def test_wrong_methods_are_405(client, editor, name, args):
    article = ArticleFactory()
    client.force_login(editor)
    url = reverse(name, args=[article.pk, *args])
    method = client.post if name in ("articles:history", "articles:diff") else client.get
    if name == "articles:edit":
        method = client.put
    assert method(url).status_code == 405


# -- editing -------------------------------------------------------------------------------


def test_edit_form_shows_the_article_and_records_presence(client, editor, reviewer):
    article = ArticleFactory(
        byline="Автор", published_at=datetime(2025, 9, 5, 7, 30, tzinfo=ZoneInfo("UTC"))
    )
    client.force_login(reviewer)
    client.get(reverse("articles:edit", args=[article.pk]))
    client.force_login(editor)
    response = client.get(reverse("articles:edit", args=[article.pk]))
    html = response.content.decode()
    assert 'name="version" value="1"' in html
    assert 'value="Автор"' in html
    assert 'value="2025-09-05T12:30"' in html  # shown in the current time zone (Asia/Almaty)
    assert "Also editing: reviewer" in html
    assert EditingPresence.objects.filter(article=article, user=editor).exists()


def test_save_changes_text_and_runs_extraction_again(
    client, editor, django_capture_on_commit_callbacks
):
    source = SourceFactory(name="Zakon.kz")
    article = ArticleFactory(body="Бірінші абзац.")
    client.force_login(editor)
    data = _edit_data(
        article,
        body="Бірінші абзац.\r\n\r\nЖаңа абзац.",
        language="ru",
        source=source.pk,
        published_at="2025-09-05T12:30",
    )
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("articles:edit", args=[article.pk]), data, follow=True)
    assert response.redirect_chain == [(reverse("articles:detail", args=[article.pk]), 302)]
    assert "Saved; extraction runs again" in response.content.decode()
    assert len(extraction_callbacks(callbacks)) == 1
    article.refresh_from_db()
    assert (article.body, article.version, article.source, article.language_locked) == (
        "Бірінші абзац.\n\nЖаңа абзац.",
        2,
        source,
        True,
    )
    assert article.published_at == datetime(2025, 9, 5, 12, 30, tzinfo=ZoneInfo("Asia/Almaty"))
    latest = article.history.latest()
    assert (latest.history_change_reason, latest.history_user) == ("edit", editor)


def test_metadata_only_save_does_not_rerun_extraction(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    response = client.post(
        reverse("articles:edit", args=[article.pk]), _edit_data(article, byline="Б"), follow=True
    )
    html = response.content.decode()
    assert "Saved." in html
    assert "extraction runs again" not in html
    saved = Article.objects.get(pk=article.pk)
    assert saved.extraction_state == "done"
    # The form shows minutes and "detect automatically": neither changed what was stored.
    assert (saved.published_at, saved.language, saved.language_locked) == (
        article.published_at,
        "kk",
        False,
    )
    assert saved.history.latest().history_change_reason == "edit"
    assert saved.history.count() == 2

    response = client.post(
        reverse("articles:edit", args=[article.pk]), _edit_data(saved), follow=True
    )
    assert "Nothing changed; nothing was saved." in response.content.decode()
    assert Article.objects.get(pk=article.pk).version == 2


def test_invalid_form_keeps_what_was_typed(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    typed = "Менің <ұзақ> мәтінім,\n\nекі абзац."
    data = _edit_data(article, title="  ", body=typed, source_url="not a url")
    response = client.post(reverse("articles:edit", args=[article.pk]), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"title", "source_url"}
    assert "Менің &lt;ұзақ&gt; мәтінім,\n\nекі абзац." in response.content.decode()
    assert Article.objects.get(pk=article.pk).version == 1


def test_duplicate_text_names_the_other_article(client, editor):
    first, second = ArticleFactory(), ArticleFactory()
    client.force_login(editor)
    data = _edit_data(second, title=first.title, body=first.body)
    response = client.post(reverse("articles:edit", args=[second.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors["body"] == [
        f"The same text is already article #{first.pk} «{first.title}»."
    ]
    assert reverse("articles:detail", args=[first.pk]) in response.content.decode()
    assert Article.objects.get(pk=second.pk).version == 1


def test_conflict_page_shows_both_texts_and_the_merge_saves(client, editor, reviewer):
    article = ArticleFactory(title="Тақырып", body="Бастапқы мәтін.")
    # The reviewer saved first.
    article_update(
        article_id=article.pk,
        expected_version=1,
        updated_by=reviewer,
        body="Рецензент түзеткен мәтін.",
    )
    client.force_login(editor)
    mine = _edit_data(article, body="Редактор жазған <мәтін>.", byline="Редактор")
    response = client.post(reverse("articles:edit", args=[article.pk]), mine)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Редактор жазған &lt;мәтін&gt;." in html  # theirs (escaped)
    assert "Рецензент түзеткен мәтін." in html  # the saved text
    assert "reviewer" in html  # who saved it
    assert (
        "<del>Рецензент түзеткен </del><ins>Редактор жазған &lt;</ins>мәтін<del>.</del>"
        "<ins>&gt;.</ins>"
    ) in html
    merge_form = response.context["form"]
    assert merge_form["version"].value() == "2"
    assert merge_form["body"].value() == "Редактор жазған <мәтін>."
    assert [row["name"] for row in response.context["changed_rows"]] == ["body", "byline"]
    assert Article.objects.get(pk=article.pk).body == "Рецензент түзеткен мәтін."

    # A second conflict (someone saved again) shows the page again, nothing is overwritten.
    article_update(article_id=article.pk, expected_version=2, updated_by=reviewer, byline="Р")
    merged = dict(mine, body="Рецензент түзеткен, редактор толықтырған мәтін.", version=2)
    response = client.post(reverse("articles:edit", args=[article.pk]), merged)
    assert response.status_code == 409
    assert response.context["form"]["version"].value() == "3"

    response = client.post(reverse("articles:edit", args=[article.pk]), dict(merged, version=3))
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.body, article.byline, article.version) == (
        "Рецензент түзеткен, редактор толықтырған мәтін.",
        "Редактор",
        4,
    )


def test_archived_article_cannot_be_edited(client, editor):
    article = ArticleFactory(status="archived")
    client.force_login(editor)
    assert client.get(reverse("articles:edit", args=[article.pk])).status_code == 403


# -- presence ------------------------------------------------------------------------------


def test_presence_heartbeat_and_leave(client, editor, reviewer):
    article = ArticleFactory()
    url = reverse("articles:presence", args=[article.pk])
    client.force_login(reviewer)
    assert client.post(url).content == b""
    client.force_login(editor)
    response = client.post(url, **HTMX)
    assert response.content.decode() == (
        '<span class="presence-others">Also editing: reviewer</span>'
    )
    assert client.post(url, {"leave": "1"}).status_code == 204
    assert list(EditingPresence.objects.values_list("user__username", flat=True)) == ["reviewer"]
    # The article page header says who is editing.
    html = client.get(reverse("articles:detail", args=[article.pk])).content.decode()
    assert "Also editing now:" in html
    assert '<span class="presence-user">reviewer</span>' in html


# -- workflow buttons and assignment -------------------------------------------------------


def test_header_shows_only_the_steps_available(client, editor, reviewer):
    article = ArticleFactory(status="in_review")
    client.force_login(reviewer)
    html = client.get(reverse("articles:detail", args=[article.pk])).content.decode()
    assert reverse("articles:transition", args=[article.pk, "approve"]) in html
    assert reverse("articles:transition", args=[article.pk, "return"]) in html
    assert reverse("articles:transition", args=[article.pk, "archive"]) not in html
    assert 'name="comment" rows="3" required' in html  # "return" asks why
    assert reverse("articles:assign", args=[article.pk]) not in html  # reviewers don't assign
    client.force_login(editor)
    html = client.get(reverse("articles:detail", args=[article.pk])).content.decode()
    assert reverse("articles:transition", args=[article.pk, "approve"]) not in html
    assert reverse("articles:transition", args=[article.pk, "archive"]) in html
    assert reverse("articles:assign", args=[article.pk]) in html
    assert 'class="badge status-badge status-in_review"' in html


def test_transition_by_htmx_refreshes_and_by_form_redirects(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    url = reverse("articles:transition", args=[article.pk, "submit"])
    response = client.post(url, {"version": 1}, **HTMX)
    assert (response.status_code, response["HX-Refresh"]) == (200, "true")
    assert Article.objects.get(pk=article.pk).status == "in_review"
    response = client.post(
        reverse("articles:transition", args=[article.pk, "archive"]), {"version": 2}
    )
    assert response["Location"] == reverse("articles:detail", args=[article.pk])


def test_transition_refusals(client, editor, reviewer):
    article = ArticleFactory(status="in_review")
    client.force_login(reviewer)
    back = reverse("articles:transition", args=[article.pk, "return"])

    response = client.post(back, {"version": 1, "comment": " "}, **HTMX)
    assert response.status_code == 400
    assert "needs a comment" in response.content.decode()

    response = client.post(back, {"version": 1}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("articles:detail", args=[article.pk])
    assert "needs a comment" in response.content.decode()

    response = client.post(
        reverse("articles:transition", args=[article.pk, "publish"]), {"version": 1}, **HTMX
    )
    assert response.status_code == 403
    assert "Your role cannot do «Publish»." in response.content.decode()

    response = client.post(back, {"version": 7, "comment": "x"}, **HTMX)
    assert response.status_code == 409
    assert "reload" in response.content.decode()

    assert client.post(back, {"comment": "x"}).status_code == 400  # no version
    assert Article.objects.get(pk=article.pk).version == 1
    assert not Comment.objects.exists()


def test_assign_view(client, editor, reviewer, translator):
    article = ArticleFactory()
    client.force_login(editor)
    url = reverse("articles:assign", args=[article.pk])
    response = client.post(
        url, {"version": 1, "assignee": reviewer.pk, "due_at": "2025-10-01T18:00"}, **HTMX
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.assignee == reviewer
    assert article.due_at == datetime(2025, 10, 1, 18, 0, tzinfo=ZoneInfo("Asia/Almaty"))
    assert Notification.objects.get().recipient == reviewer
    html = client.get(reverse("articles:detail", args=[article.pk])).content.decode()
    assert 'name="due_at" value="2025-10-01T18:00"' in html
    assert f'<option value="{reviewer.pk}" selected>reviewer</option>' in html
    # Translators are not in the list of assignable users; a stale page is a conflict.
    response = client.post(url, {"version": 2, "assignee": translator.pk}, **HTMX)
    assert response.status_code == 400
    response = client.post(url, {"version": 1, "assignee": ""}, **HTMX)
    assert response.status_code == 409
    response = client.post(url, {"version": 2, "due_at": "tomorrow"}, **HTMX)
    assert response.status_code == 400
    assert "valid date" in response.content.decode()
    assert Article.objects.get(pk=article.pk).version == 2


# -- comments --------------------------------------------------------------------------------


def test_comment_by_htmx_returns_the_comments_section(client, editor, reviewer):
    article = ArticleFactory()
    client.force_login(editor)
    url = reverse("articles:comment_add", args=[article.pk])
    response = client.post(url, {"body": "@reviewer <b>check</b> the date"}, **HTMX)
    assert response.status_code == 200
    comment = Comment.objects.get()
    html = response.content.decode()
    assert html.startswith('<section class="comments" id="comments"')
    assert f'id="comment-{comment.pk}"' in html
    assert '<span class="mention-user">@reviewer</span> &lt;b&gt;check&lt;/b&gt;' in html
    assert Notification.objects.get().recipient == reviewer

    response = client.post(url, {"body": "Reply", "parent": comment.pk}, **HTMX)
    reply = Comment.objects.latest("id")
    assert reply.parent == comment
    assert f'id="reply-form-{comment.pk}"' in response.content.decode()


def test_comment_errors_are_400_with_the_message(client, editor):
    article, other = ArticleFactory(), ArticleFactory()
    foreign = Comment.objects.create(article=other, author=editor, body="x")
    client.force_login(editor)
    url = reverse("articles:comment_add", args=[article.pk])
    response = client.post(url, {"body": "  "}, HTTP_HX_TRIGGER="comment-form", **HTMX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#comment-form .form-message"
    assert "The comment is empty." in response.content.decode()
    response = client.post(url, {"body": "x" * 10_001}, **HTMX)
    assert response.status_code == 400
    assert "the limit is 10000" in response.content.decode()
    assert response["HX-Retarget"] == "#comments-message"
    response = client.post(url, {"body": "Hi", "parent": foreign.pk})
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_workflow_comment_shows_its_step(client, reviewer):
    article = ArticleFactory(status="in_review")
    client.force_login(reviewer)
    client.post(
        reverse("articles:transition", args=[article.pk, "return"]),
        {"version": 1, "comment": "Too long"},
    )
    html = client.get(reverse("articles:detail", args=[article.pk])).content.decode()
    assert 'comment-step step-return">Return to draft</span>' in html


def test_back_to_detect_automatically_unlocks_and_detects_again(
    client, editor, django_capture_on_commit_callbacks
):
    article = ArticleFactory(language="ru", language_locked=True)
    client.force_login(editor)
    data = _edit_data(article, language="")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("articles:edit", args=[article.pk]), data, follow=True)
    assert "Saved; extraction runs again" in response.content.decode()
    assert len(extraction_callbacks(callbacks)) == 1
    article.refresh_from_db()
    assert (article.language_locked, article.version) == (False, 2)

"""Comments with @mentions and replies, notifications, presence."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.collaboration import (
    COMMENT_MAX_CHARS,
    PRESENCE_WINDOW,
    CommentError,
    comment_add,
    comment_body_html,
    notify,
    presence_heartbeat,
    presence_leave,
    presence_others,
)
from articles.models import Comment, EditingPresence, Notification
from articles.roles import Role
from articles.tests.factories import ArticleFactory, TranslationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "empty"), ("  \n ", "empty"), ("x" * (COMMENT_MAX_CHARS + 1), "the limit is")],
)
def test_empty_or_too_long_comment_is_refused(editor, body, message):
    article = ArticleFactory()
    with pytest.raises(CommentError, match=message):
        comment_add(article=article, author=editor, body=body)
    assert not Comment.objects.exists()


def test_mentions_notify_users_who_can_see_the_article(editor, reviewer, translator, make_user):
    article = ArticleFactory()
    inactive = make_user("ghost", Role.EDITOR)
    inactive.is_active = False
    inactive.save()
    comment = comment_add(
        article=article,
        author=editor,
        body="@Reviewer please check; @translator too; @ghost, @nobody, me@example.com @editor",
    )
    # The translator does not see this article (not theirs to translate): not notified.
    # The author is never notified of their own mention; inactive and unknown names neither.
    assert set(comment.mentioned_users.all()) == {reviewer, editor}
    [note] = Notification.objects.all()
    assert (note.recipient, note.kind, note.comment, note.actor) == (
        reviewer,
        Notification.Kind.MENTIONED,
        comment,
        editor,
    )
    assert not Notification.objects.filter(recipient=translator).exists()


def test_a_translator_of_the_article_is_notified(editor, translator):
    article = TranslationFactory(translator=translator).article
    comment_add(article=article, author=editor, body="@translator the title changed")
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [
        ("translator", "mentioned")
    ]


def test_replies_stay_one_level_deep_and_notify_the_parent_author(editor, reviewer):
    article = ArticleFactory()
    top = comment_add(article=article, author=editor, body="Is the date right?")
    reply = comment_add(article=article, author=reviewer, body="Yes.", parent=top)
    reply_to_reply = comment_add(article=article, author=editor, body="Thanks.", parent=reply)
    assert reply.parent == top
    assert reply_to_reply.parent == top  # joins the thread, not a third level
    kinds = list(Notification.objects.order_by("id").values_list("recipient__username", "kind"))
    # The reply to the reply goes to the thread's author, who wrote it: nobody is notified.
    assert kinds == [("editor", "reply")]


def test_reply_to_a_comment_of_another_article_is_refused(editor):
    first, second = ArticleFactory(), ArticleFactory()
    top = comment_add(article=first, author=editor, body="Here.")
    with pytest.raises(CommentError, match="another article"):
        comment_add(article=second, author=editor, body="There.", parent=top)
    assert Comment.objects.count() == 1


def test_mentioned_reply_author_is_notified_once(editor, reviewer):
    article = ArticleFactory()
    top = comment_add(article=article, author=reviewer, body="Look.")
    comment_add(article=article, author=editor, body="@reviewer done", parent=top)
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [
        ("reviewer", "mentioned")
    ]


def test_notify_skips_the_actor_and_duplicates(editor, reviewer):
    article = ArticleFactory()
    count = notify(
        recipient_ids=[reviewer.pk, reviewer.pk, editor.pk],
        actor=editor,
        article=article,
        kind=Notification.Kind.ASSIGNED,
        message="x" * 400,
    )
    assert count == 1
    [note] = Notification.objects.all()
    assert (note.recipient, len(note.message)) == (reviewer, 300)


def test_comment_body_html_escapes_and_marks_mentions():
    html = comment_body_html('<b>hi</b> @alice, see "x" & ask @bob. mail a@b.kz')
    assert html == (
        '&lt;b&gt;hi&lt;/b&gt; <span class="mention-user">@alice</span>, see &quot;x&quot; '
        '&amp; ask <span class="mention-user">@bob</span>. mail a@b.kz'
    )
    assert comment_body_html("@<script>") == "@&lt;script&gt;"


def test_presence_window(editor, reviewer, make_user):
    article = ArticleFactory()
    other_article = ArticleFactory()
    stale = make_user("stale", Role.EDITOR)
    assert presence_heartbeat(article_id=article.pk, user=editor) == []
    assert presence_heartbeat(article_id=article.pk, user=reviewer) == [editor]
    presence_heartbeat(article_id=other_article.pk, user=stale)
    presence_heartbeat(article_id=article.pk, user=stale)
    EditingPresence.objects.filter(user=stale, article=article).update(
        last_seen=timezone.now() - PRESENCE_WINDOW - timedelta(seconds=1)
    )
    # Outside the window: not shown; the same user's presence on another article is apart.
    assert presence_others(article_id=article.pk, user=reviewer) == [editor]
    assert presence_others(article_id=other_article.pk, user=editor) == [stale]
    # A second heartbeat updates, never duplicates.
    presence_heartbeat(article_id=article.pk, user=editor)
    assert EditingPresence.objects.filter(article=article, user=editor).count() == 1

    presence_leave(article_id=article.pk, user=editor)
    assert presence_others(article_id=article.pk, user=reviewer) == []


def test_old_presence_rows_are_pruned(editor, reviewer):
    article = ArticleFactory()
    presence_heartbeat(article_id=article.pk, user=editor)
    EditingPresence.objects.update(last_seen=timezone.now() - PRESENCE_WINDOW * 21)
    presence_heartbeat(article_id=article.pk, user=reviewer)
    assert list(EditingPresence.objects.values_list("user__username", flat=True)) == ["reviewer"]

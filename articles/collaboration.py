"""Working together on an article: comments with @mentions, dashboard notifications,
presence on the edit page, and each user's interface language."""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable
from datetime import timedelta
from functools import reduce

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.models import (
    Article,
    Comment,
    EditingPresence,
    Language,
    Notification,
    UserPreference,
)

COMMENT_MAX_CHARS = 10_000
MENTION_PATTERN = re.compile(r"(?<![\w@])@([\w.+-]{1,150})")
PRESENCE_WINDOW = timedelta(seconds=45)


class CommentError(ValueError):
    """A comment that cannot be posted; the message says why."""


def mentioned_users(body: str) -> QuerySet:
    """Active users named as ``@username`` in a text (case-insensitive)."""
    names = {name.rstrip(".").lower() for name in MENTION_PATTERN.findall(body)}
    if not names:
        return get_user_model().objects.none()
    User = get_user_model()
    field = f"{User.USERNAME_FIELD}__iexact"
    matches = reduce(operator.or_, (Q(**{field: name}) for name in sorted(names)))
    return User.objects.filter(matches, is_active=True)


def comment_body_html(body: str) -> SafeString:
    """A comment's text, escaped, with every ``@username`` marked for highlighting."""
    parts: list[str] = []
    position = 0
    for match in MENTION_PATTERN.finditer(body):
        name = match[1].rstrip(".")
        end = match.start(1) + len(name)
        parts.append(escape(body[position : match.start()]))
        parts.append(f'<span class="mention-user">@{escape(name)}</span>')
        position = end
    parts.append(escape(body[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


def notify(
    *,
    recipient_ids: Iterable[int],
    actor: AbstractBaseUser | None,
    article: Article,
    kind: str,
    comment: Comment | None = None,
    message: str = "",
    step: str = "",
) -> int:
    """Put a notification on each recipient's dashboard (never on the actor's own)."""
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    rows = [
        Notification(
            recipient_id=recipient_id,
            actor_id=actor_id,
            kind=kind,
            article=article,
            comment=comment,
            message=message[:300],
            step=step,
        )
        for recipient_id in dict.fromkeys(recipient_ids)
        if recipient_id != actor_id
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def comment_add(
    *,
    article: Article,
    author: AbstractBaseUser,
    body: str,
    parent: Comment | None = None,
    transition: str = "",
) -> Comment:
    """Post a comment (or a reply: replies to a reply join its thread). Users named as
    ``@username`` who can see the article are notified; so is the author of the comment
    replied to."""
    from articles.selectors import articles_visible_to

    body = body.strip()
    if not body:
        raise CommentError(_("The comment is empty."))
    if len(body) > COMMENT_MAX_CHARS:
        raise CommentError(
            ngettext(
                "The comment is %(n)d character long; the limit is %(limit)d.",
                "The comment is %(n)d characters long; the limit is %(limit)d.",
                len(body),
            )
            % {"n": len(body), "limit": COMMENT_MAX_CHARS}
        )
    if parent is not None:
        if parent.article_id != article.pk:
            raise CommentError(_("That comment belongs to another article."))
        parent = parent.parent or parent
    comment = Comment.objects.create(
        article=article, author=author, body=body, parent=parent, transition=transition
    )
    mentioned = [
        user for user in mentioned_users(body) if articles_visible_to(user).filter(pk=article.pk)
    ]
    if mentioned:
        comment.mentioned_users.set(mentioned)
        notify(
            recipient_ids=[user.pk for user in mentioned],
            actor=author,
            article=article,
            kind=Notification.Kind.MENTIONED,
            comment=comment,
            message=body[:300],
        )
    if (
        parent is not None
        and parent.author_id
        and parent.author_id not in {u.pk for u in mentioned}
    ):
        notify(
            recipient_ids=[parent.author_id],
            actor=author,
            article=article,
            kind=Notification.Kind.REPLY,
            comment=comment,
            message=body[:300],
        )
    return comment


def notifications_mark_read(*, user: AbstractBaseUser, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read: these ids, or all of them."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def presence_heartbeat(*, article_id: int, user: AbstractBaseUser) -> list[AbstractBaseUser]:
    """Record that the user has the article open for editing; return the others who do."""
    now = timezone.now()
    try:
        with transaction.atomic():
            EditingPresence.objects.update_or_create(
                article_id=article_id, user=user, defaults={"last_seen": now}
            )
    except IntegrityError:  # two tabs of the same user raced; the other one wrote it
        pass
    EditingPresence.objects.filter(last_seen__lt=now - PRESENCE_WINDOW * 20).delete()
    return presence_others(article_id=article_id, user=user)


def presence_others(*, article_id: int, user: AbstractBaseUser) -> list[AbstractBaseUser]:
    cutoff = timezone.now() - PRESENCE_WINDOW
    return [
        presence.user
        for presence in EditingPresence.objects.filter(article_id=article_id, last_seen__gte=cutoff)
        .exclude(user=user)
        .select_related("user")
        .order_by("user__username")
    ]


def presence_leave(*, article_id: int, user: AbstractBaseUser) -> None:
    EditingPresence.objects.filter(article_id=article_id, user=user).delete()


def user_language_set(*, user: AbstractBaseUser, language: str) -> None:
    """Remember the user's interface language (kk, ru or en)."""
    if language not in Language.values:
        raise ValueError(f"Unknown interface language «{language}».")
    UserPreference.objects.update_or_create(user=user, defaults={"language": language})

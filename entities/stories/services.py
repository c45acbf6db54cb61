"""Story clustering and editors' decisions on stories: the only writes to stories.

Clustering (``story_assign``, ``stories_recluster``) places each extracted article in the story
of the most similar article published around the same time (``similarity.py``), or in a new
story. Editors' decisions (confirm, rename, split, merge, move) are logged in
``StoryDecision`` and stick: an article an editor placed is pinned and never moved by
clustering again, two articles an editor separated are never put together again, and a title
an editor wrote is never replaced.

Every change keeps the stories' denormalised counts and dates (``Story.article_count``,
``first_published_at``, ``last_published_at``) and their machine titles right, under a row
lock on the stories it touches (always taken in id order, so two workers cannot deadlock)."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, ExtractionState
from entities.stories.features import (
    CANDIDATES,
    EntityWeights,
    candidates_find,
    features_load,
)
from entities.stories.models import Story, StoryArticle, StoryDecision, StorySeparation
from entities.stories.similarity import ArticleFeatures, similarity

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = Story._meta.get_field("title").max_length
# Attempts of one assignment when another worker changed the same rows meanwhile.
ATTEMPTS = 3
# Stories recounted per transaction by the re-clustering sweep.
REPAIR_BATCH = 100


class StoryActionError(ValueError):
    """An editor's decision that cannot be carried out (the message says why); nothing was
    written."""


class Outcome(StrEnum):
    CREATED = "created"  # a new story (alone, or with an unplaced article just like it)
    JOINED = "joined"  # joined another story
    STAYED = "stayed"  # already in the right story
    PINNED = "pinned"  # an editor placed it: left alone
    MISSING = "missing"  # the article is gone


class _Changed(Exception):
    """Another worker changed the rows between the reading and the writing: read again."""


@dataclass(frozen=True)
class _Target:
    story_id: int | None  # None: a new story
    score: float | None = None
    partner_id: int | None = None  # an unplaced article that goes into the new story too


# -- clustering ------------------------------------------------------------------------------


def story_assign(*, article: Article) -> StoryArticle | None:
    """Place an extracted article in the story it belongs to (or a new one). Idempotent;
    never moves an article an editor placed, never joins articles an editor separated."""
    # The pipeline looks for figure conflicts in the article's story right after this.
    membership, outcome = _assign(
        article_id=article.pk, weights=EntityWeights(), refresh_target=False
    )
    if membership is not None and outcome in (Outcome.STAYED, Outcome.PINNED):
        # Its publication time may have changed (an edit without a new text): keep the
        # story's dates right.
        _stories_refresh_by_id([membership.story_id])
    return membership


def stories_recluster(*, since: datetime | None = None) -> dict[str, int]:
    """Run the assignment again for every extracted article an editor has not placed (those
    published since ``since``, or undated and imported since then), oldest first, then
    recount the stories of that period and any story whose count is off. Idempotent: a second
    run changes nothing. Returns how many articles had each outcome (and how many stories
    the recount changed)."""
    articles = Article.objects.filter(extraction_state=ExtractionState.DONE).exclude(
        story_membership__pinned=True
    )
    if since is not None:
        articles = articles.filter(
            Q(published_at__gte=since) | Q(published_at__isnull=True, created_at__gte=since)
        )
    ids = list(
        articles.order_by(F("published_at").asc(nulls_last=True), "pk").values_list("pk", flat=True)
    )
    weights = EntityWeights()  # one frequency lookup per entity for the whole run
    counts = {outcome.value: 0 for outcome in Outcome}
    for article_id in ids:
        _membership, outcome = _assign(article_id=article_id, weights=weights, refresh_target=True)
        counts[outcome] += 1
    counts["stories refreshed"] = _stories_repair(since=since)
    return counts


def _stories_repair(*, since: datetime | None) -> int:
    """Recount the stories of the swept period (an article's publication time may have been
    edited) and every story whose count is off (articles deleted), dropping empty ones.
    Returns how many stories changed."""
    stories = StoryArticle.objects.all()
    if since is not None:
        stories = stories.filter(
            Q(article__published_at__gte=since)
            | Q(article__published_at__isnull=True, article__created_at__gte=since)
        )
    ids = set(stories.values_list("story_id", flat=True))
    ids |= set(
        Story.objects.annotate(members=Count("memberships"))
        .filter(Q(members=0) | ~Q(article_count=F("members")))
        .values_list("pk", flat=True)
    )
    changed = 0
    ordered = sorted(ids)
    for start in range(0, len(ordered), REPAIR_BATCH):
        changed += _stories_refresh_by_id(ordered[start : start + REPAIR_BATCH])
    return changed


@transaction.atomic
def _stories_refresh_by_id(story_ids: Iterable[int]) -> int:
    return _stories_refresh(_lock_stories(story_ids).values())


def _assign(
    *, article_id: int, weights: EntityWeights, refresh_target: bool
) -> tuple[StoryArticle | None, Outcome]:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _assign_once(
                article_id=article_id, weights=weights, refresh_target=refresh_target
            )
        except (IntegrityError, OperationalError, _Changed) as error:
            # Another worker placed this article, or the partner, or deleted the story (or
            # the database chose this transaction as a deadlock victim): the next attempt
            # reads the new state.
            if attempt == ATTEMPTS or not _retryable(error):
                raise
            logger.info("Story assignment of article %s raced; trying again", article_id)
    raise AssertionError("unreachable")


def _retryable(error: Exception) -> bool:
    if isinstance(error, OperationalError):
        # PostgreSQL's deadlock_detected and serialization_failure only.
        return getattr(error.__cause__, "sqlstate", None) in {"40P01", "40001"}
    return True


def _assign_once(
    *, article_id: int, weights: EntityWeights, refresh_target: bool
) -> tuple[StoryArticle | None, Outcome]:
    membership = StoryArticle.objects.filter(article_id=article_id).first()
    if membership is not None and membership.pinned:
        return membership, Outcome.PINNED
    features = features_load(article_ids=[article_id]).get(article_id)
    if features is None:
        return None, Outcome.MISSING
    target = _target_find(features=features, membership=membership, weights=weights)
    current_story = membership.story_id if membership else None
    if target.story_id == current_story and current_story and target.partner_id is None:
        if membership.score != target.score:
            StoryArticle.objects.filter(pk=membership.pk, pinned=False).update(score=target.score)
            membership.score = target.score
        return membership, Outcome.STAYED
    return _place(
        article_id=article_id,
        expected_story=current_story,
        target=target,
        refresh_target=refresh_target,
    )


def _target_find(
    *, features: ArticleFeatures, membership: StoryArticle | None, weights: EntityWeights
) -> _Target:
    """Where the article belongs: the story of its most similar article (its current story
    when that still holds a similar article), a new story with a similar article no story has
    yet, or a story of its own."""
    article_id = features.article_id
    candidates = set(candidates_find(features=features, weights=weights))
    current_story = membership.story_id if membership else None
    mates: list[int] = []
    if current_story is not None:
        mates = list(
            StoryArticle.objects.filter(story_id=current_story)
            .exclude(article_id=article_id)
            .order_by("-article_id")
            .values_list("article_id", flat=True)[:CANDIDATES]
        )
    separated = _separated_from(article_id=article_id)
    others = (candidates | set(mates)) - {article_id}
    story_of = dict(
        StoryArticle.objects.filter(article_id__in=others | separated).values_list(
            "article_id", "story_id"
        )
    )
    forbidden = {story_of[a] for a in separated if a in story_of}
    scores: dict[int, float] = {}
    unplaced: dict[int, float] = {}
    if others:
        features_of = features_load(article_ids=others)
        weight = weights.of(
            set(features.entities).union(*(f.entities for f in features_of.values()))
        )
        for other_id, other in features_of.items():
            if other_id in separated:
                continue
            result = similarity(features, other, weights=weight)
            if not result.same_event:
                continue
            story_id = story_of.get(other_id)
            if story_id is None:
                unplaced[other_id] = max(unplaced.get(other_id, 0.0), result.score)
            elif story_id not in forbidden:
                scores[story_id] = max(scores.get(story_id, 0.0), result.score)
    if current_story is not None and current_story in scores:
        return _Target(story_id=current_story, score=scores[current_story])
    if scores:
        # The highest score; on a tie the older story.
        story_id = min(scores, key=lambda s: (-scores[s], s))
        return _Target(story_id=story_id, score=scores[story_id])
    alone = current_story is not None and not mates
    if unplaced:
        # No story yet for the article most like this one (its worker has not placed it
        # yet): start the story of the two now, so two workers do not make two stories.
        partner = min(unplaced, key=lambda a: (-unplaced[a], a))
        return _Target(
            story_id=current_story if alone else None,
            score=unplaced[partner],
            partner_id=partner,
        )
    return _Target(story_id=current_story if alone else None)


def _separated_from(*, article_id: int) -> set[int]:
    pairs = StorySeparation.objects.filter(
        Q(article_a_id=article_id) | Q(article_b_id=article_id)
    ).values_list("article_a_id", "article_b_id")
    return {a if b == article_id else b for a, b in pairs}


@transaction.atomic
def _place(
    *, article_id: int, expected_story: int | None, target: _Target, refresh_target: bool
) -> tuple[StoryArticle | None, Outcome]:
    article = Article.objects.filter(pk=article_id).only("pk", "title").first()
    if article is None:
        return None, Outcome.MISSING
    story = (
        Story.objects.create(title=article.title[:TITLE_MAX_LENGTH])
        if target.story_id is None
        else None
    )
    target_id = story.pk if story else target.story_id
    locked = _lock_stories({target_id, expected_story})
    if target_id not in locked or (expected_story is not None and expected_story not in locked):
        raise _Changed  # a story was merged or emptied meanwhile
    membership = StoryArticle.objects.select_for_update().filter(article_id=article_id).first()
    if membership is not None and membership.pinned:
        return membership, Outcome.PINNED
    if (membership.story_id if membership else None) != expected_story:
        raise _Changed
    if membership is not None:
        membership.story_id, membership.score = target_id, target.score
        membership.save(update_fields=["story", "score", "updated_at"])
    # New memberships are inserted in article order, so two workers claiming each other's
    # article wait for one another instead of deadlocking; the one-story-per-article
    # constraint then fails the second (IntegrityError), whose next attempt finds the story.
    inserts = {target.partner_id} - {None}
    if membership is None:
        inserts.add(article_id)
    for pk in sorted(inserts):
        created = StoryArticle.objects.create(article_id=pk, story_id=target_id, score=target.score)
        if pk == article_id:
            membership = created
    _stories_refresh(locked.values())
    changed = {expected_story, target_id if refresh_target else None} - {None}
    if changed:
        _conflicts_refresh_on_commit(changed)
    if story is not None:
        return membership, Outcome.CREATED
    return membership, Outcome.STAYED if target_id == expected_story else Outcome.JOINED


def _lock_stories(story_ids: Iterable[int | None]) -> dict[int, Story]:
    """Lock these stories' rows, in id order (every writer locks in this order)."""
    ids = sorted({pk for pk in story_ids if pk is not None})
    return {s.pk: s for s in Story.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def _stories_refresh(stories: Iterable[Story]) -> int:
    """Recount members and dates, retitle untitled stories from their earliest article, and
    delete stories left without articles. The caller holds the stories' row locks. Returns
    how many stories changed."""
    changed = 0
    for story in stories:
        members = StoryArticle.objects.filter(story_id=story.pk)
        stats = members.aggregate(
            count=Count("pk"),
            first=Min("article__published_at"),
            last=Max("article__published_at"),
        )
        if not stats["count"]:
            story.delete()
            changed += 1
            continue
        values = {
            "article_count": stats["count"],
            "first_published_at": stats["first"],
            "last_published_at": stats["last"],
        }
        if not story.title_edited:
            earliest = (
                members.order_by(F("article__published_at").asc(nulls_last=True), "article_id")
                .values_list("article__title", flat=True)
                .first()
            )
            values["title"] = (earliest or story.title)[:TITLE_MAX_LENGTH]
        fields = [name for name, value in values.items() if getattr(story, name) != value]
        if fields:
            for name in fields:
                setattr(story, name, values[name])
            story.save(update_fields=[*fields, "updated_at"])
            changed += 1
    return changed


def _conflicts_refresh_on_commit(story_ids: Collection[int]) -> None:
    """Figure conflicts are looked for within a story: when its articles change, look again
    (after the commit, never failing the decision that succeeded)."""
    ids = sorted(set(story_ids))

    def refresh() -> None:
        from entities.conflicts.services import figure_conflicts_detect

        for story_id in Story.objects.filter(pk__in=ids).values_list("pk", flat=True):
            try:
                figure_conflicts_detect(story_id=story_id)
            except Exception:
                logger.exception("Looking for figure conflicts in story %s failed", story_id)

    transaction.on_commit(refresh)


# -- editors' decisions ------------------------------------------------------------------------


def _log(story: Story | None, action: str, user: AbstractBaseUser | None, **detail) -> None:
    StoryDecision.objects.create(story=story, action=action, user=user, detail=detail)


def _locked(story_ids: Iterable[int]) -> list[Story]:
    wanted = set(story_ids)
    locked = _lock_stories(wanted)
    if locked.keys() != wanted:
        raise StoryActionError(_("The story no longer exists (it was merged or emptied)."))
    return [locked[pk] for pk in sorted(wanted)]


@transaction.atomic
def story_confirm(*, story: Story, user: AbstractBaseUser) -> Story:
    """An editor says these articles are one story: the story is marked confirmed and its
    articles are pinned (clustering will not move them)."""
    [story] = _locked([story.pk])
    pinned = list(
        StoryArticle.objects.filter(story=story, pinned=False).values_list("article_id", flat=True)
    )
    StoryArticle.objects.filter(story=story, pinned=False).update(
        pinned=True, updated_at=timezone.now()
    )
    story.confirmed_by, story.confirmed_at = user, timezone.now()
    story.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
    _log(story, StoryDecision.Action.CONFIRMED, user, pinned=pinned)
    return story


@transaction.atomic
def story_rename(*, story: Story, title: str, user: AbstractBaseUser) -> Story:
    """Give the story an editor's title; clustering keeps it from then on."""
    title = " ".join((title or "").split())
    if not title:
        raise StoryActionError(_("A story needs a title."))
    if len(title) > TITLE_MAX_LENGTH:
        raise StoryActionError(
            _("The title is too long (at most %(limit)d characters).") % {"limit": TITLE_MAX_LENGTH}
        )
    [story] = _locked([story.pk])
    previous = story.title
    story.title, story.title_edited = title, True
    story.save(update_fields=["title", "title_edited", "updated_at"])
    _log(story, StoryDecision.Action.RENAMED, user, previous=previous, title=title)
    return story


@transaction.atomic
def story_split(*, story: Story, article_ids: Iterable[int], user: AbstractBaseUser) -> Story:
    """Move these articles of the story into a new story. They are pinned there, and each of
    them is separated from each article left behind (clustering keeps the two apart).
    Returns the new story."""
    chosen = set(article_ids)
    if not chosen:
        raise StoryActionError(_("Choose the articles to move into the new story."))
    [story] = _locked([story.pk])
    members = set(StoryArticle.objects.filter(story=story).values_list("article_id", flat=True))
    if not chosen <= members:
        raise StoryActionError(_("Some of the chosen articles are not in this story."))
    remaining = members - chosen
    if not remaining:
        raise StoryActionError(
            _("Leave at least one article in the story (to rename it, use Rename).")
        )
    new = Story.objects.create(title=story.title)
    StoryArticle.objects.filter(story=story, article_id__in=chosen).update(
        story=new, pinned=True, added_by=user, score=None, updated_at=timezone.now()
    )
    _separations_add(chosen, remaining, user=user)
    _stories_refresh([story, new])
    moved = sorted(chosen)
    _log(story, StoryDecision.Action.SPLIT, user, articles=moved, into=new.pk)
    _log(new, StoryDecision.Action.SPLIT, user, articles=moved, source=story.pk)
    _conflicts_refresh_on_commit([story.pk, new.pk])
    return new


@transaction.atomic
def story_merge(*, story: Story, other: Story, user: AbstractBaseUser) -> Story:
    """Move every article of ``other`` into ``story`` (pinned there) and delete ``other``; its
    decision history moves along. Separations between the two groups are lifted: the editor
    now says they belong together."""
    if story.pk == other.pk:
        raise StoryActionError(_("A story cannot be merged with itself."))
    by_pk = {s.pk: s for s in _locked([story.pk, other.pk])}
    story, other = by_pk[story.pk], by_pk[other.pk]
    moved = list(StoryArticle.objects.filter(story=other).values_list("article_id", flat=True))
    kept = StoryArticle.objects.filter(story=story).values("article_id")
    incoming = StoryArticle.objects.filter(story=other).values("article_id")
    between = Q(article_a__in=kept, article_b__in=incoming)
    StorySeparation.objects.filter(between | Q(article_a__in=incoming, article_b__in=kept)).delete()
    StoryArticle.objects.filter(story=other).update(
        story=story, pinned=True, added_by=user, score=None, updated_at=timezone.now()
    )
    StoryDecision.objects.filter(story=other).update(story=story)
    other_pk, other_title = other.pk, other.title
    other.delete()
    _stories_refresh([story])
    _log(
        story,
        StoryDecision.Action.MERGED,
        user,
        articles=sorted(moved),
        merged=other_pk,
        merged_title=other_title,
    )
    _conflicts_refresh_on_commit([story.pk])
    return story


@transaction.atomic
def story_article_move(*, article: Article, target: Story | None, user: AbstractBaseUser) -> Story:
    """Move one article into another story (``None``: a story of its own). It is pinned there
    and separated from the articles it leaves; separations from its new story-mates are
    lifted. Returns the story it is in now."""
    membership = StoryArticle.objects.filter(article=article).first()
    source_id = membership.story_id if membership else None
    if target is not None and target.pk == source_id:
        raise StoryActionError(_("The article is already in that story."))
    locked = {s.pk: s for s in _locked({pk for pk in (source_id, target and target.pk) if pk})}
    membership = StoryArticle.objects.select_for_update().filter(article=article).first()
    if (membership.story_id if membership else None) != source_id:
        raise StoryActionError(_("The article was moved meanwhile; look again."))
    former = set(
        StoryArticle.objects.filter(story_id=source_id)
        .exclude(article=article)
        .values_list("article_id", flat=True)
        if source_id
        else ()
    )
    if target is None:
        if source_id is not None and not former:
            raise StoryActionError(_("The article is already alone in its story."))
        target = Story.objects.create(title=article.title[:TITLE_MAX_LENGTH])
    else:
        target = locked[target.pk]
    mates = StoryArticle.objects.filter(story=target).values("article_id")
    StorySeparation.objects.filter(
        Q(article_a=article, article_b__in=mates) | Q(article_a__in=mates, article_b=article)
    ).delete()
    _separations_add({article.pk}, former, user=user)
    if membership is None:
        StoryArticle.objects.create(article=article, story=target, pinned=True, added_by=user)
    else:
        StoryArticle.objects.filter(pk=membership.pk).update(
            story=target, pinned=True, added_by=user, score=None, updated_at=timezone.now()
        )
    source = locked.get(source_id)
    _stories_refresh([s for s in (source, target) if s is not None])
    detail = {"article": article.pk, "article_title": article.title[:200]}
    _log(target, StoryDecision.Action.MOVED, user, source=source_id, **detail)
    if source is not None and source.pk is not None:  # the story it left still exists
        _log(source, StoryDecision.Action.MOVED, user, into=target.pk, **detail)
    _conflicts_refresh_on_commit([pk for pk in (source_id, target.pk) if pk])
    return target


def _separations_add(
    group: Collection[int], others: Collection[int], *, user: AbstractBaseUser | None
) -> None:
    rows = [
        StorySeparation(article_a_id=min(a, b), article_b_id=max(a, b), created_by=user)
        for a in group
        for b in others
        if a != b
    ]
    StorySeparation.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)

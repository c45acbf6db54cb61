"""Every view of the ``articles`` and ``entities`` namespaces × every role → the expected status.

One table (``EXPECTED``) says who gets what; ``REQUESTS`` says how each row is asked (with a
payload that succeeds, so 200/302 means the action really happened and 403 means the role was
refused, not the input). A URL pattern missing from the table fails
``test_every_url_is_in_the_matrix``, so a new view cannot ship without its row. Each request is checked against a snapshot
of the database: a refused request writes nothing, an allowed one writes exactly what its row
says."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from articles.collaboration import notify
from articles.models import (
    Article,
    ArticleStatus,
    Comment,
    EditingPresence,
    Notification,
    QAOverride,
    Translation,
    TranslationMemoryEntry,
    TranslationSegment,
    TranslationStatus,
    UserPreference,
)
from articles.services import article_update
from articles.tests.factories import ArticleFactory
from articles.translations.services import (
    segment_merge_with_next,
    segment_save,
    translation_request,
)
from entities import services as entity_services
from entities.conflicts.detection import conflict_fingerprint
from entities.conflicts.models import FigureConflict
from entities.curation.models import EntityCuration
from entities.curation.services import entity_confirm
from entities.models import Alias, Entity, Figure, Mention, SpanDecision
from entities.stories.models import Story, StoryArticle, StoryDecision, StorySeparation
from entities.stories.services import story_article_move

pytestmark = pytest.mark.django_db

# -- the table ---------------------------------------------------------------------------------

ROLES = ("anonymous", "translator", "translator_on_B", "reviewer", "editor", "admin")
NA = None  # the row names no article, so "article B" means nothing

# translator: has a translation of article A (so sees A); translator_on_B: the same user asking
# about article B, which they do not translate. Everyone else asks about article A.
# A 302 for anonymous means "sent to the login page" (checked), except for the language switch.
S = ArticleStatus
EXPECTED: dict[tuple[str, str, str], tuple[int, int, int | None, int, int, int]] = {
    # (url name, method, variant):                    anon trans  on B  review editor admin
    ("articles:home", "GET", ""):                      (302, 302, NA,  302, 302, 302),
    ("articles:home", "POST", ""):                     (302, 405, NA,  405, 405, 405),
    ("articles:dashboard", "GET", ""):                 (302, 200, NA,  200, 200, 200),
    ("articles:dashboard", "POST", ""):                (302, 405, NA,  405, 405, 405),
    ("articles:notifications_read", "POST", ""):       (302, 302, NA,  302, 302, 302),
    ("articles:notifications_read", "GET", ""):        (302, 405, NA,  405, 405, 405),
    ("articles:language", "POST", ""):                 (302, 302, NA,  302, 302, 302),
    ("articles:language", "GET", ""):                  (405, 405, NA,  405, 405, 405),
    ("articles:list", "GET", ""):                      (302, 200, NA,  200, 200, 200),
    ("articles:list", "POST", ""):                     (302, 405, NA,  405, 405, 405),
    ("articles:detail", "GET", ""):                    (302, 200, 404, 200, 200, 200),
    ("articles:detail", "POST", ""):                   (302, 405, 405, 405, 405, 405),
    ("articles:extraction_retry", "POST", ""):         (302, 403, 404, 403, 302, 302),
    ("articles:extraction_retry", "GET", ""):          (302, 405, 405, 405, 405, 405),
    ("articles:edit", "GET", ""):                      (302, 403, 404, 200, 200, 200),
    ("articles:edit", "POST", ""):                     (302, 403, 404, 302, 302, 302),
    ("articles:presence", "POST", ""):                 (302, 403, 404, 200, 200, 200),
    ("articles:presence", "GET", ""):                  (302, 405, 405, 405, 405, 405),
    ("articles:transition", "POST", "submit"):         (302, 403, 404, 403, 302, 302),
    ("articles:transition", "POST", "approve"):        (302, 403, 404, 302, 403, 302),
    ("articles:transition", "POST", "return"):         (302, 403, 404, 302, 403, 302),
    ("articles:transition", "POST", "publish"):        (302, 403, 404, 403, 302, 302),
    ("articles:transition", "POST", "unpublish"):      (302, 403, 404, 403, 302, 302),
    ("articles:transition", "POST", "archive"):        (302, 403, 404, 403, 302, 302),
    ("articles:transition", "POST", "restore"):        (302, 403, 404, 403, 302, 302),
    ("articles:transition", "GET", "submit"):          (302, 405, 405, 405, 405, 405),
    ("articles:assign", "POST", ""):                   (302, 403, 404, 403, 302, 302),
    ("articles:assign", "GET", ""):                    (302, 405, 405, 405, 405, 405),
    ("articles:comment_add", "POST", ""):              (302, 302, 404, 302, 302, 302),
    ("articles:comment_add", "GET", ""):               (302, 405, 405, 405, 405, 405),
    ("articles:history", "GET", ""):                   (302, 200, 404, 200, 200, 200),
    ("articles:history", "POST", ""):                  (302, 405, 405, 405, 405, 405),
    ("articles:diff", "GET", ""):                      (302, 200, 404, 200, 200, 200),
    ("articles:diff", "POST", ""):                     (302, 405, 405, 405, 405, 405),
    ("articles:revert", "POST", ""):                   (302, 403, 404, 302, 302, 302),
    ("articles:revert", "GET", ""):                    (302, 405, 405, 405, 405, 405),
    ("articles:import", "GET", ""):                    (302, 403, NA,  403, 200, 200),
    ("articles:import", "POST", ""):                   (302, 403, NA,  403, 200, 200),
    ("entities:span_panel", "GET", "mention"):         (302, 200, 404, 200, 200, 200),
    ("entities:span_panel", "GET", "figure"):          (302, 200, 404, 200, 200, 200),
    ("entities:span_panel", "POST", "mention"):        (302, 405, 405, 405, 405, 405),
    ("entities:span_review", "POST", ""):              (302, 403, 404, 302, 302, 302),
    ("entities:span_review", "GET", ""):               (302, 405, 405, 405, 405, 405),
    ("entities:mention_retype", "POST", ""):           (302, 403, 404, 302, 302, 302),
    ("entities:mention_retype", "GET", ""):            (302, 405, 405, 405, 405, 405),
    ("entities:mention_link", "POST", ""):             (302, 403, 404, 302, 302, 302),
    ("entities:mention_link", "GET", ""):              (302, 405, 405, 405, 405, 405),
    ("entities:entity_search", "GET", ""):             (302, 200, 404, 200, 200, 200),
    ("entities:entity_search", "POST", ""):            (302, 405, 405, 405, 405, 405),
    ("entities:mention_entity_create", "POST", ""):    (302, 403, 404, 403, 302, 302),
    ("entities:mention_entity_create", "GET", ""):     (302, 405, 405, 405, 405, 405),
    ("entities:mention_add", "POST", ""):              (302, 403, 404, 302, 302, 302),
    ("entities:mention_add", "GET", ""):               (302, 405, 405, 405, 405, 405),
    ("entities:entity_options", "GET", ""):            (302, 200, NA,  200, 200, 200),
    ("entities:entity_options", "POST", ""):           (302, 405, NA,  405, 405, 405),
    # The translation desk. The translator translates A's translation (not B's); the reviewer
    # is assigned to review it; there is no machine-translation engine (the default).
    ("articles:article_export", "GET", ""):           (302, 200, 404, 200, 200, 200),
    ("articles:article_export", "POST", ""):          (302, 405, 405, 405, 405, 405),
    ("articles:translation_request", "POST", ""):     (302, 403, 404, 403, 302, 302),
    ("articles:translation_request", "GET", ""):      (302, 405, 405, 405, 405, 405),
    ("articles:translation_list", "GET", ""):         (302, 200, NA,  200, 200, 200),
    ("articles:translation_list", "POST", ""):        (302, 405, NA,  405, 405, 405),
    ("articles:translation", "GET", ""):              (302, 200, 404, 200, 200, 200),
    ("articles:translation", "POST", ""):             (302, 405, 405, 405, 405, 405),
    ("articles:translation_export", "GET", ""):       (302, 200, 404, 200, 200, 200),
    ("articles:translation_export", "POST", ""):      (302, 405, 405, 405, 405, 405),
    ("articles:segment_save", "POST", ""):            (302, 302, 404, 403, 302, 302),
    ("articles:segment_save", "GET", ""):             (302, 405, 405, 405, 405, 405),
    ("articles:segment_merge", "POST", ""):           (302, 302, 404, 403, 302, 302),
    ("articles:segment_merge", "GET", ""):            (302, 405, 405, 405, 405, 405),
    ("articles:segment_split", "POST", ""):           (302, 302, 404, 403, 302, 302),
    ("articles:segment_split", "GET", ""):            (302, 405, 405, 405, 405, 405),
    ("articles:segment_memory", "GET", ""):           (302, 200, 404, 200, 200, 200),
    ("articles:segment_memory", "POST", ""):          (302, 405, 405, 405, 405, 405),
    ("articles:segment_machine", "POST", ""):         (302, 404, 404, 404, 404, 404),
    ("articles:segment_machine", "GET", ""):          (302, 405, 405, 405, 405, 405),
    ("articles:translation_transition", "POST", "start"):           (302, 302, 404, 403, 302, 302),
    ("articles:translation_transition", "POST", "submit"):          (302, 302, 404, 403, 302, 302),
    ("articles:translation_transition", "POST", "request_changes"): (302, 403, 404, 302, 403, 302),
    ("articles:translation_transition", "POST", "approve"):         (302, 403, 404, 302, 403, 302),
    ("articles:translation_transition", "POST", "publish"):         (302, 403, 404, 403, 302, 302),
    ("articles:translation_transition", "POST", "reopen"):          (302, 403, 404, 403, 302, 302),
    ("articles:translation_transition", "GET", "submit"):           (302, 405, 405, 405, 405, 405),
    ("articles:translation_assign", "POST", ""):      (302, 403, 404, 403, 302, 302),
    ("articles:translation_assign", "GET", ""):       (302, 405, 405, 405, 405, 405),
    ("articles:translation_qa", "GET", ""):           (302, 200, 404, 200, 200, 200),
    ("articles:translation_qa", "POST", ""):          (302, 405, 405, 405, 405, 405),
    ("articles:translation_qa_accept", "POST", ""):   (302, 403, 404, 302, 403, 302),
    ("articles:translation_qa_accept", "GET", ""):    (302, 405, 405, 405, 405, 405),
    ("articles:translation_qa_withdraw", "POST", ""): (302, 403, 404, 302, 403, 302),
    ("articles:translation_qa_withdraw", "GET", ""):  (302, 405, 405, 405, 405, 405),
    ("articles:translation_history", "GET", ""):      (302, 200, 404, 200, 200, 200),
    ("articles:translation_history", "POST", ""):     (302, 405, 405, 405, 405, 405),
    # Issue 6: stories, conflicting figures, coverage, entity pages and curation, search.
    # Translators see none of the desk's pages but search; reviewers read and decide on
    # conflicts; curating stories and entities is for editors (and admins).
    ("entities:story_list", "GET", ""):              (302, 403, NA,  200, 200, 200),
    ("entities:story_list", "POST", ""):             (302, 405, NA,  405, 405, 405),
    ("entities:story", "GET", ""):                   (302, 403, NA,  200, 200, 200),
    ("entities:story", "POST", ""):                  (302, 405, NA,  405, 405, 405),
    ("entities:story_confirm", "POST", ""):          (302, 403, NA,  403, 302, 302),
    ("entities:story_confirm", "GET", ""):           (302, 405, NA,  405, 405, 405),
    ("entities:story_rename", "POST", ""):           (302, 403, NA,  403, 302, 302),
    ("entities:story_rename", "GET", ""):            (302, 405, NA,  405, 405, 405),
    ("entities:story_split", "POST", ""):            (302, 403, NA,  403, 302, 302),
    ("entities:story_split", "GET", ""):             (302, 405, NA,  405, 405, 405),
    ("entities:story_merge", "POST", ""):            (302, 403, NA,  403, 302, 302),
    ("entities:story_merge", "GET", ""):             (302, 405, NA,  405, 405, 405),
    ("entities:story_article_move", "POST", ""):     (302, 403, 403, 403, 302, 302),
    ("entities:story_article_move", "GET", ""):      (302, 405, 405, 405, 405, 405),
    ("entities:conflict_list", "GET", ""):           (302, 403, NA,  200, 200, 200),
    ("entities:conflict_list", "POST", ""):          (302, 405, NA,  405, 405, 405),
    ("entities:conflict_explain", "POST", ""):       (302, 403, NA,  302, 302, 302),
    ("entities:conflict_explain", "GET", ""):        (302, 405, NA,  405, 405, 405),
    ("entities:conflict_reopen", "POST", ""):        (302, 403, NA,  302, 302, 302),
    ("entities:conflict_reopen", "GET", ""):         (302, 405, NA,  405, 405, 405),
    ("entities:coverage", "GET", ""):                (302, 403, NA,  200, 200, 200),
    ("entities:coverage", "POST", ""):               (302, 405, NA,  405, 405, 405),
    ("entities:coverage_charts", "GET", ""):         (302, 403, NA,  200, 200, 200),
    ("entities:coverage_charts", "POST", ""):        (302, 405, NA,  405, 405, 405),
    ("entities:gaps", "GET", ""):                    (302, 403, NA,  200, 200, 200),
    ("entities:gaps", "POST", ""):                   (302, 405, NA,  405, 405, 405),
    ("entities:coverage_export", "GET", "csv"):      (302, 403, NA,  200, 200, 200),
    ("entities:coverage_export", "GET", "json"):     (302, 403, NA,  200, 200, 200),
    ("entities:coverage_export", "POST", "csv"):     (302, 405, NA,  405, 405, 405),
    ("entities:entity_list", "GET", ""):             (302, 403, NA,  200, 200, 200),
    ("entities:entity_list", "POST", ""):            (302, 405, NA,  405, 405, 405),
    ("entities:entity_review", "GET", ""):           (302, 403, NA,  200, 200, 200),
    ("entities:entity_review", "POST", ""):          (302, 405, NA,  405, 405, 405),
    ("entities:entity", "GET", ""):                  (302, 403, NA,  200, 200, 200),
    ("entities:entity", "POST", ""):                 (302, 405, NA,  405, 405, 405),
    ("entities:entity_edit", "GET", ""):             (302, 403, NA,  403, 200, 200),
    ("entities:entity_edit", "POST", ""):            (302, 403, NA,  403, 302, 302),
    ("entities:entity_split", "GET", ""):            (302, 403, NA,  403, 200, 200),
    ("entities:entity_split", "POST", ""):           (302, 403, NA,  403, 302, 302),
    ("entities:entity_confirm", "POST", ""):         (302, 403, NA,  403, 302, 302),
    ("entities:entity_confirm", "GET", ""):          (302, 405, NA,  405, 405, 405),
    ("entities:entity_merge", "POST", ""):           (302, 403, NA,  403, 302, 302),
    ("entities:entity_merge", "GET", ""):            (302, 405, NA,  405, 405, 405),
    ("entities:alias_add", "POST", ""):              (302, 403, NA,  403, 302, 302),
    ("entities:alias_add", "GET", ""):               (302, 405, NA,  405, 405, 405),
    ("entities:alias_remove", "POST", ""):           (302, 403, NA,  403, 302, 302),
    ("entities:alias_remove", "GET", ""):            (302, 405, NA,  405, 405, 405),
    ("entities:curation_revert", "POST", ""):        (302, 403, NA,  403, 302, 302),
    ("entities:curation_revert", "GET", ""):         (302, 405, NA,  405, 405, 405),
    ("entities:search", "GET", ""):                  (302, 200, NA,  200, 200, 200),
    ("entities:search", "POST", ""):                 (302, 405, NA,  405, 405, 405),
}  # fmt: skip

# Rows where the code disagrees with the table (strict: the day it is fixed, the test says so).
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}

# -- the world every request runs against ---------------------------------------------------------

BODY = (
    "Касым-Жомарт Токаев сказал, что Казахстан вложит 7,4 млрд долларов.\n\n"
    "Переговоры прошли в Пекине с компанией Sinopec."
)
BODY_A2 = "Қасым-Жомарт Тоқаев Пекинде 7 млрд доллар туралы айтты."
# A faithful Kazakh translation of A (no quality-check error), with straight quotes in the
# last paragraph: a `punctuation` warning, the finding the reviewer accepts.
TRANSLATION_A = [
    "Тоқаев Пекинде",
    "Қасым-Жомарт Тоқаев Қазақстан 7,4 млрд доллар салатынын айтты.",
    'Келіссөздер Пекинде "Sinopec" компаниясымен өтті.',
]


@dataclass
class World:
    users: dict[str, object]
    a: Article
    b: Article
    entity: Entity
    mentions: dict[str, Mention] = field(default_factory=dict)
    translations: dict[str, Translation] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    first_versions: dict[str, int] = field(default_factory=dict)
    versions: dict[str, list[int]] = field(default_factory=dict)
    # Issue 6: "A2" (in A's story) and "C" (a story of its own), neither translated by the
    # translator; stories "s" (A, A2) and "other" (C); an "open" and an "explained" conflict;
    # "P" (proposed, one alias, one mention), "K" (confirmed, same type), "P2" (confirmed by the
    # editor: its record is the one undone).
    more: dict[str, Article] = field(default_factory=dict)
    stories: dict[str, Story] = field(default_factory=dict)
    conflicts: dict[str, FigureConflict] = field(default_factory=dict)
    kb: dict[str, Entity] = field(default_factory=dict)
    alias: Alias | None = None
    mention_p: Mention | None = None
    curation: EntityCuration | None = None

    def article(self, which: str) -> Article:
        return Article.objects.get(pk=(self.a if which == "A" else self.b).pk)


NAMES = ("name_kk", "name_ru", "name_en")


def _span(model, article: Article, words: str, **fields):
    start = article.body.index(words)
    return model.objects.create(
        article=article, field="body", start=start, end=start + len(words), text=words, **fields
    )


@pytest.fixture
def world(editor, reviewer, translator, admin_user_) -> World:
    users = {"translator": translator, "reviewer": reviewer, "editor": editor, "admin": admin_user_}
    a = ArticleFactory(language="ru", title="Токаев в Пекине", body=BODY)
    b = ArticleFactory(
        language="ru", title="Токаев в Астане", body=BODY.replace("Пекине", "Астане")
    )
    world = World(
        users=users,
        a=a,
        b=b,
        entity=Entity.objects.create(type="LOC", name_ru="Пекин", status="confirmed"),
    )
    world.translations["A"] = translation_request(
        article_id=a.pk, language="kk", user=editor, translator=translator, reviewer=reviewer
    )
    world.translations["B"] = translation_request(article_id=b.pk, language="kk", user=editor)
    for segment, text in zip(
        world.translations["A"].segments.order_by("position"), TRANSLATION_A, strict=True
    ):
        segment_save(
            segment_id=segment.pk, expected_version=1, target_text=text, user=translator,
            status="done",
        )  # fmt: skip
    for which, article in (("A", a), ("B", b)):
        # A second version, so there is something to diff and to revert to.
        article_update(
            article_id=article.pk,
            expected_version=1,
            updated_by=editor,
            change_reason="edit",
            byline="Zakon.kz",
        )
        world.versions[which] = list(
            Article.history.filter(id=article.pk)
            .order_by("history_date", "history_id")
            .values_list("history_id", flat=True)
        )
        world.mentions[which] = _span(
            Mention, article, "Касым-Жомарт Токаев", type="PER", method="", confidence=0.7
        )
        world.figures[which] = _span(
            Figure, article, "7,4 млрд долларов", kind="money", value=Decimal(7400000000),
            unit="USD",
        )  # fmt: skip
    notify(
        recipient_ids=[user.pk for user in users.values()],
        actor=None,
        article=a,
        kind=Notification.Kind.ASSIGNED,
    )
    _coverage_world(world, editor=editor, reviewer=reviewer)
    return world


def _conflict(a: Article, b: Article, value_b: Decimal, **fields) -> FigureConflict:
    """A conflict between the 7.4 bn of ``a`` and ``value_b`` in ``b``, as detection stores it."""
    (first, value_1), (second, value_2) = sorted(
        [(a, Decimal(7400000000)), (b, value_b)], key=lambda side: side[0].pk
    )
    return FigureConflict.objects.create(
        fingerprint=conflict_fingerprint(
            article_a=first.pk, article_b=second.pk, kind="money", unit="USD",
            value_a=value_1, value_b=value_2,
        ),
        kind="money", unit="USD", article_a=first, article_b=second,
        value_a=value_1, value_b=value_2, text_a=f"{value_1} USD", text_b=f"{value_2} USD",
        **fields,
    )  # fmt: skip


def _coverage_world(world: World, *, editor, reviewer) -> None:
    a = world.a
    a2 = ArticleFactory(language="kk", title="Тоқаев Пекинде", body=BODY_A2)
    c = ArticleFactory(language="ru", title="Сенат принял бюджет", body="Сенат принял бюджет.")
    world.more = {"A2": a2, "C": c}
    story = story_article_move(article=a, target=None, user=editor)
    story_article_move(article=a2, target=story, user=editor)
    world.stories = {
        "s": story,
        "other": story_article_move(article=c, target=None, user=editor),
    }
    world.conflicts = {
        "open": _conflict(a, a2, Decimal(7000000000), story=story),
        "explained": _conflict(
            a, world.b, Decimal(9000000000), status=FigureConflict.Status.EXPLAINED,
            explanation="Two different projects.", explained_by=reviewer,
            explained_at=timezone.now(),
        ),
    }  # fmt: skip
    proposed = Entity.objects.create(type="PER", name_ru="Токаев", status="proposed")
    world.kb = {
        "P": proposed,
        "K": Entity.objects.create(
            type="PER", name_ru="Касым-Жомарт Токаев", name_kk="Қасым-Жомарт Тоқаев",
            status="confirmed",
        ),
        "P2": Entity.objects.create(type="ORG", name_ru="Синопек", status="proposed"),
    }  # fmt: skip
    world.alias = entity_services.alias_add(entity=proposed, text="Токаев", language="ru")
    world.mention_p = _span(
        Mention, a2, "Қасым-Жомарт Тоқаев", type="PER", method="", confidence=0.7,
        entity=proposed,
    )  # fmt: skip
    world.curation = entity_confirm(entity=world.kb["P2"], user=editor)


ENTITY_STATE = ("id", "type", "status", "merged_into_id", *NAMES, "description", "wikidata_id")


def _snapshot(world: World) -> dict[str, object]:
    """Everything a request of the matrix could write."""
    a, b = world.article("A"), world.article("B")
    mention = Mention.objects.get(pk=world.mentions["A"].pk)
    mention_p = Mention.objects.get(pk=world.mention_p.pk)
    return {
        "a": (a.version, a.status, a.assignee_id, a.extraction_state),
        "b": (b.version, b.status, b.assignee_id, b.extraction_state),
        "articles": Article.objects.count(),
        "comments": Comment.objects.count(),
        "decisions": SpanDecision.objects.count(),
        "mention_a": (mention.review_status, mention.type, mention.entity_id),
        "mentions": Mention.objects.count(),
        "entities": sorted(Entity.objects.values_list(*ENTITY_STATE)),
        "presence": EditingPresence.objects.count(),
        "unread": Notification.objects.filter(read_at__isnull=True).count(),
        "preferences": UserPreference.objects.count(),
        "translations": Translation.objects.count(),
        "tr_a": _translation_state(world, "A"),
        "tr_b": _translation_state(world, "B"),
        "segments": sorted(
            TranslationSegment.objects.values_list("id", "version", "position", "source_count")
        ),
        "overrides": QAOverride.objects.count(),
        "memory": TranslationMemoryEntry.objects.count(),
        # Issue 6: stories, conflicting figures, the knowledge base and its change record.
        "stories": sorted(
            Story.objects.values_list("id", "title", "title_edited", "confirmed_by_id")
        ),
        "memberships": sorted(StoryArticle.objects.values_list("article_id", "story_id", "pinned")),
        "story_decisions": StoryDecision.objects.count(),
        "separations": StorySeparation.objects.count(),
        "conflicts": sorted(
            FigureConflict.objects.values_list("id", "status", "explanation", "explained_by_id")
        ),
        "aliases": sorted(Alias.objects.values_list("id", "entity_id", "key", "kind")),
        "mention_p": (mention_p.entity_id, mention_p.type, mention_p.review_status),
        "curations": EntityCuration.objects.count(),
        "undone": sorted(
            EntityCuration.objects.filter(reverted_at__isnull=False).values_list("id", flat=True)
        ),
    }


def _translation_state(world: World, which: str) -> tuple:
    translation = Translation.objects.get(pk=world.translations[which].pk)
    return (translation.version, translation.status, translation.translator_id)


# -- how each row is asked ----------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """``build(world, which)`` → (path, data) for article "A" or "B"; ``status`` is the state
    both articles are put in first; ``writes`` are the snapshot keys a success changes."""

    build: Callable[[World, str], tuple[str, dict]]
    status: str = S.DRAFT
    writes: frozenset[str] = frozenset()
    translation_status: str = TranslationStatus.IN_PROGRESS


def _plain(name: str) -> Callable[[World, str], tuple[str, dict]]:
    return lambda world, which: (reverse(name), {})


def _on_article(name: str, data: Callable[[World, str], dict] | None = None):
    def build(world: World, which: str) -> tuple[str, dict]:
        article = world.article(which)
        return reverse(name, args=[article.pk]), (data(world, which) if data else {})

    return build


def _on_mention(name: str, data: Callable[[World, str], dict] | None = None):
    def build(world: World, which: str) -> tuple[str, dict]:
        mention = world.mentions[which]
        return reverse(name, args=[mention.pk]), (data(world, which) if data else {})

    return build


def _version(world: World, which: str) -> dict:
    return {"version": world.article(which).version}


def _step(step: str, comment: str = "") -> Callable[[World, str], tuple[str, dict]]:
    def build(world: World, which: str) -> tuple[str, dict]:
        article = world.article(which)
        path = reverse("articles:transition", args=[article.pk, step])
        return path, {"version": article.version, "comment": comment}

    return build


def _edit_data(world: World, which: str) -> dict:
    article = world.article(which)
    return {
        "version": article.version,
        "title": article.title,
        "body": article.body + "\n\nНовый абзац от редакции.",
        "language": "",
        "byline": article.byline,
        "photo_credit": article.photo_credit,
        "source": article.source_id or "",
        "source_url": article.source_url,
        "published_at": "",
    }


def _assign_data(world: World, which: str) -> dict:
    return {
        "version": world.article(which).version,
        "assignee": world.users["reviewer"].pk,
        "due_at": "2025-09-10T12:00",
    }


def _diff(world: World, which: str) -> tuple[str, dict]:
    first, second = world.versions[which][:2]
    return reverse("articles:diff", args=[world.article(which).pk]), {"a": first, "b": second}


def _revert(world: World, which: str) -> tuple[str, dict]:
    article = world.article(which)
    path = reverse("articles:revert", args=[article.pk, world.versions[which][0]])
    return path, {"version": article.version}


def _import(world: World, which: str) -> tuple[str, dict]:
    upload = SimpleUploadedFile(
        "new.txt",
        "Сенат принял бюджет\n\nДепутаты Сената одобрили республиканский бюджет.".encode(),
        content_type="text/plain",
    )
    return reverse("articles:import"), {"files": upload}


def _span_panel(kind: str):
    def build(world: World, which: str) -> tuple[str, dict]:
        span = (world.mentions if kind == "mention" else world.figures)[which]
        return reverse("entities:span_panel", args=[kind, span.pk]), {}

    return build


def _span_review(world: World, which: str) -> tuple[str, dict]:
    path = reverse("entities:span_review", args=["mention", world.mentions[which].pk])
    return path, {"status": "confirmed"}


def _mention_add_data(world: World, which: str) -> dict:
    article = world.article(which)
    start = article.body.index("Sinopec")
    return {"field": "body", "start": start, "end": start + 7, "text": "Sinopec", "type": "ORG"}


def _on_translation(name: str, data: Callable[[World, str], dict] | None = None):
    def build(world: World, which: str) -> tuple[str, dict]:
        translation = world.translations[which]
        return reverse(name, args=[translation.pk]), (data(world, which) if data else {})

    return build


def _first_body_row(world: World, which: str) -> TranslationSegment:
    return world.translations[which].segments.filter(field="body").order_by("position").first()


def _on_row(name: str, data: Callable[[World, str, TranslationSegment], dict] | None = None):
    def build(world: World, which: str) -> tuple[str, dict]:
        row = _first_body_row(world, which)
        path = reverse(name, args=[row.translation_id, row.pk])
        return path, (data(world, which, row) if data else {})

    return build


def _translation_version(world: World, which: str, row=None) -> dict:
    return {"version": Translation.objects.get(pk=world.translations[which].pk).version}


def _split(world: World, which: str) -> tuple[str, dict]:
    """Split a merged row: the editor merged the two body rows first (before the snapshot)."""
    row = _first_body_row(world, which)
    if row.source_count == 1:
        translation = Translation.objects.get(pk=row.translation_id)
        segment_merge_with_next(
            segment_id=row.pk, expected_version=translation.version, user=world.users["editor"]
        )
    return reverse("articles:segment_split", args=[row.translation_id, row.pk]), (
        _translation_version(world, which)
    )


def _translation_step(step: str, **extra: str) -> Callable[[World, str], tuple[str, dict]]:
    def build(world: World, which: str) -> tuple[str, dict]:
        translation = world.translations[which]
        path = reverse("articles:translation_transition", args=[translation.pk, step])
        return path, {**_translation_version(world, which), **extra}

    return build


def _qa_accept(world: World, which: str) -> tuple[str, dict]:
    from articles.translations.quality import translation_findings

    translation = Translation.objects.get(pk=world.translations[which].pk)
    findings = translation_findings(translation=translation).findings
    fingerprint = findings[0].fingerprint if findings else "none"
    path = reverse("articles:translation_qa_accept", args=[translation.pk])
    return path, {"fingerprint": fingerprint, "reason": "House style allows it here."}


def _qa_withdraw(world: World, which: str) -> tuple[str, dict]:
    translation = world.translations[which]
    override, _ = QAOverride.objects.get_or_create(
        translation=translation,
        fingerprint="f" * 64,
        defaults={"check_code": "punctuation", "reason": "ok", "user": world.users["reviewer"]},
    )
    path = reverse("articles:translation_qa_withdraw", args=[translation.pk, override.pk])
    return path, {}


def _on(name: str, pk: Callable[[World], int], data: Callable[[World], dict] | None = None):
    """A row about an object of the world that is the same whoever asks (no article B)."""

    def build(world: World, which: str) -> tuple[str, dict]:
        return reverse(name, args=[pk(world)]), (data(world) if data else {})

    return build


def _story(name: str, data: Callable[[World], dict] | None = None):
    return _on(name, lambda w: w.stories["s"].pk, data)


def _entity(name: str, data: Callable[[World], dict] | None = None):
    return _on(name, lambda w: w.kb["P"].pk, data)


def _export(fmt: str):
    return lambda world, which: (reverse("entities:coverage_export", args=[fmt]), {})


def _alias_remove(world: World, which: str) -> tuple[str, dict]:
    return reverse("entities:alias_remove", args=[world.kb["P"].pk, world.alias.pk]), {}


def _entity_edit_data(world: World) -> dict:
    return {"name_kk": "Тоқаев", "name_ru": world.kb["P"].name_ru, "reason": "Kazakh name."}


def _entity_split_data(world: World) -> dict:
    return {"type": "PER", "name_kk": "Басқа", "mentions": [world.mention_p.pk]}


T = TranslationStatus
TRANSLATION_STEP = frozenset({"tr_a", "unread"})
DECISION = frozenset({"decisions", "mention_a"})
STORY_REGROUPED = frozenset({"stories", "memberships", "story_decisions"})
CURATED = frozenset({"curations"})
REQUESTS: dict[tuple[str, str, str], Request] = {
    ("articles:home", "GET", ""): Request(_plain("articles:home")),
    ("articles:home", "POST", ""): Request(_plain("articles:home")),
    ("articles:dashboard", "GET", ""): Request(_plain("articles:dashboard")),
    ("articles:dashboard", "POST", ""): Request(_plain("articles:dashboard")),
    ("articles:notifications_read", "POST", ""): Request(
        _plain("articles:notifications_read"), writes=frozenset({"unread"})
    ),
    ("articles:notifications_read", "GET", ""): Request(_plain("articles:notifications_read")),
    ("articles:language", "POST", ""): Request(
        lambda world, which: (reverse("articles:language"), {"language": "kk", "next": "/"}),
        writes=frozenset({"preferences"}),
    ),
    ("articles:language", "GET", ""): Request(
        lambda world, which: (reverse("articles:language"), {"language": "kk"})
    ),
    ("articles:list", "GET", ""): Request(_plain("articles:list")),
    ("articles:list", "POST", ""): Request(_plain("articles:list")),
    ("articles:detail", "GET", ""): Request(_on_article("articles:detail")),
    ("articles:detail", "POST", ""): Request(_on_article("articles:detail")),
    ("articles:extraction_retry", "POST", ""): Request(
        _on_article("articles:extraction_retry"), writes=frozenset({"a"})
    ),
    ("articles:extraction_retry", "GET", ""): Request(_on_article("articles:extraction_retry")),
    # Opening the edit page is a presence heartbeat ("also editing").
    ("articles:edit", "GET", ""): Request(
        _on_article("articles:edit"), writes=frozenset({"presence"})
    ),
    # A new paragraph in the source: the translation of A gets an untranslated row.
    ("articles:edit", "POST", ""): Request(
        _on_article("articles:edit", _edit_data), writes=frozenset({"a", "tr_a", "segments"})
    ),
    ("articles:presence", "POST", ""): Request(
        _on_article("articles:presence"), writes=frozenset({"presence"})
    ),
    ("articles:presence", "GET", ""): Request(_on_article("articles:presence")),
    ("articles:transition", "POST", "submit"): Request(_step("submit"), S.DRAFT, frozenset({"a"})),
    ("articles:transition", "POST", "approve"): Request(
        _step("approve"), S.IN_REVIEW, frozenset({"a"})
    ),
    # The reason for returning or unpublishing is also posted as a comment.
    ("articles:transition", "POST", "return"): Request(
        _step("return", "The figures need a source."), S.IN_REVIEW, frozenset({"a", "comments"})
    ),
    ("articles:transition", "POST", "publish"): Request(
        _step("publish"), S.APPROVED, frozenset({"a"})
    ),
    ("articles:transition", "POST", "unpublish"): Request(
        _step("unpublish", "Wrong name in the title."), S.PUBLISHED, frozenset({"a", "comments"})
    ),
    ("articles:transition", "POST", "archive"): Request(
        _step("archive"), S.DRAFT, frozenset({"a"})
    ),
    ("articles:transition", "POST", "restore"): Request(
        _step("restore"), S.ARCHIVED, frozenset({"a"})
    ),
    ("articles:transition", "GET", "submit"): Request(_step("submit")),
    # The new assignee (the reviewer) is told on their dashboard.
    ("articles:assign", "POST", ""): Request(
        _on_article("articles:assign", _assign_data), writes=frozenset({"a", "unread"})
    ),
    ("articles:assign", "GET", ""): Request(_on_article("articles:assign")),
    ("articles:comment_add", "POST", ""): Request(
        _on_article("articles:comment_add", lambda w, x: {"body": "Проверьте цифры, пожалуйста."}),
        writes=frozenset({"comments"}),
    ),
    ("articles:comment_add", "GET", ""): Request(_on_article("articles:comment_add")),
    ("articles:history", "GET", ""): Request(_on_article("articles:history")),
    ("articles:history", "POST", ""): Request(_on_article("articles:history")),
    ("articles:diff", "GET", ""): Request(_diff),
    ("articles:diff", "POST", ""): Request(_diff),
    ("articles:revert", "POST", ""): Request(_revert, writes=frozenset({"a"})),
    ("articles:revert", "GET", ""): Request(_revert),
    ("articles:import", "GET", ""): Request(_plain("articles:import")),
    ("articles:import", "POST", ""): Request(_import, writes=frozenset({"articles"})),
    ("entities:span_panel", "GET", "mention"): Request(_span_panel("mention")),
    ("entities:span_panel", "GET", "figure"): Request(_span_panel("figure")),
    ("entities:span_panel", "POST", "mention"): Request(_span_panel("mention")),
    ("entities:span_review", "POST", ""): Request(_span_review, writes=DECISION),
    ("entities:span_review", "GET", ""): Request(_span_review),
    ("entities:mention_retype", "POST", ""): Request(
        _on_mention("entities:mention_retype", lambda w, x: {"type": "ORG"}), writes=DECISION
    ),
    ("entities:mention_retype", "GET", ""): Request(_on_mention("entities:mention_retype")),
    ("entities:mention_link", "POST", ""): Request(
        _on_mention("entities:mention_link", lambda w, x: {"entity": w.entity.pk}),
        writes=DECISION,
    ),
    ("entities:mention_link", "GET", ""): Request(_on_mention("entities:mention_link")),
    ("entities:entity_search", "GET", ""): Request(
        _on_mention("entities:entity_search", lambda w, x: {"q": "Пекин"})
    ),
    ("entities:entity_search", "POST", ""): Request(
        _on_mention("entities:entity_search", lambda w, x: {"q": "Пекин"})
    ),
    ("entities:mention_entity_create", "POST", ""): Request(
        _on_mention(
            "entities:mention_entity_create",
            lambda w, x: {"type": "PER", "name_ru": "Касым-Жомарт Токаев"},
        ),
        writes=DECISION | {"entities", "aliases"},
    ),
    ("entities:mention_entity_create", "GET", ""): Request(
        _on_mention("entities:mention_entity_create")
    ),
    ("entities:mention_add", "POST", ""): Request(
        _on_article("entities:mention_add", _mention_add_data),
        writes=frozenset({"mentions", "decisions"}),
    ),
    ("entities:mention_add", "GET", ""): Request(_on_article("entities:mention_add")),
    ("entities:entity_options", "GET", ""): Request(
        lambda world, which: (reverse("entities:entity_options"), {"entity": "Пекин"})
    ),
    ("entities:entity_options", "POST", ""): Request(
        lambda world, which: (reverse("entities:entity_options"), {"entity": "Пекин"})
    ),
    ("articles:article_export", "GET", ""): Request(_on_article("articles:article_export")),
    ("articles:article_export", "POST", ""): Request(_on_article("articles:article_export")),
    ("articles:translation_request", "POST", ""): Request(
        _on_article("articles:translation_request", lambda w, x: {"language": "en"}),
        writes=frozenset({"translations", "segments"}),
    ),
    ("articles:translation_request", "GET", ""): Request(
        _on_article("articles:translation_request")
    ),
    ("articles:translation_list", "GET", ""): Request(_plain("articles:translation_list")),
    ("articles:translation_list", "POST", ""): Request(_plain("articles:translation_list")),
    ("articles:translation", "GET", ""): Request(_on_translation("articles:translation")),
    ("articles:translation", "POST", ""): Request(_on_translation("articles:translation")),
    ("articles:translation_export", "GET", ""): Request(
        _on_translation("articles:translation_export")
    ),
    ("articles:translation_export", "POST", ""): Request(
        _on_translation("articles:translation_export")
    ),
    ("articles:segment_save", "POST", ""): Request(
        _on_row(
            "articles:segment_save",
            lambda w, x, row: {"version": row.version, "target_text": row.target_text + " Иә."},
        ),
        writes=frozenset({"tr_a", "segments"}),
    ),
    ("articles:segment_save", "GET", ""): Request(_on_row("articles:segment_save")),
    ("articles:segment_merge", "POST", ""): Request(
        _on_row("articles:segment_merge", _translation_version),
        writes=frozenset({"tr_a", "segments"}),
    ),
    ("articles:segment_merge", "GET", ""): Request(_on_row("articles:segment_merge")),
    ("articles:segment_split", "POST", ""): Request(_split, writes=frozenset({"tr_a", "segments"})),
    ("articles:segment_split", "GET", ""): Request(_split),
    ("articles:segment_memory", "GET", ""): Request(_on_row("articles:segment_memory")),
    ("articles:segment_memory", "POST", ""): Request(_on_row("articles:segment_memory")),
    ("articles:segment_machine", "POST", ""): Request(_on_row("articles:segment_machine")),
    ("articles:segment_machine", "GET", ""): Request(_on_row("articles:segment_machine")),
    ("articles:translation_transition", "POST", "start"): Request(
        _translation_step("start"), writes=TRANSLATION_STEP, translation_status=T.REQUESTED
    ),
    ("articles:translation_transition", "POST", "submit"): Request(
        _translation_step("submit"), writes=TRANSLATION_STEP, translation_status=T.IN_PROGRESS
    ),
    # The reason for requesting changes is also posted as a comment on the article.
    ("articles:translation_transition", "POST", "request_changes"): Request(
        _translation_step("request_changes", comment="Проверьте заголовок."),
        writes=TRANSLATION_STEP | {"comments"},
        translation_status=T.SUBMITTED,
    ),
    # Approval stores the translation in the translation memory.
    ("articles:translation_transition", "POST", "approve"): Request(
        _translation_step("approve"),
        writes=TRANSLATION_STEP | {"memory"},
        translation_status=T.SUBMITTED,
    ),
    ("articles:translation_transition", "POST", "publish"): Request(
        _translation_step("publish"), writes=TRANSLATION_STEP, translation_status=T.APPROVED
    ),
    ("articles:translation_transition", "POST", "reopen"): Request(
        _translation_step("reopen"), writes=TRANSLATION_STEP, translation_status=T.APPROVED
    ),
    ("articles:translation_transition", "GET", "submit"): Request(_translation_step("submit")),
    ("articles:translation_assign", "POST", ""): Request(
        _on_translation(
            "articles:translation_assign",
            lambda w, x: {
                **_translation_version(w, x),
                "translator": w.users["translator"].pk,
                "reviewer": w.users["reviewer"].pk,
                "due_at": "2025-09-10T12:00",
            },
        ),
        writes=frozenset({"tr_a"}),
    ),
    ("articles:translation_assign", "GET", ""): Request(
        _on_translation("articles:translation_assign")
    ),
    ("articles:translation_qa", "GET", ""): Request(_on_translation("articles:translation_qa")),
    ("articles:translation_qa", "POST", ""): Request(_on_translation("articles:translation_qa")),
    ("articles:translation_qa_accept", "POST", ""): Request(
        _qa_accept, writes=frozenset({"overrides"})
    ),
    ("articles:translation_qa_accept", "GET", ""): Request(_qa_accept),
    ("articles:translation_qa_withdraw", "POST", ""): Request(
        _qa_withdraw, writes=frozenset({"overrides"})
    ),
    ("articles:translation_qa_withdraw", "GET", ""): Request(_qa_withdraw),
    ("articles:translation_history", "GET", ""): Request(
        _on_translation("articles:translation_history")
    ),
    ("articles:translation_history", "POST", ""): Request(
        _on_translation("articles:translation_history")
    ),
    ("entities:story_list", "GET", ""): Request(_plain("entities:story_list")),
    ("entities:story_list", "POST", ""): Request(_plain("entities:story_list")),
    ("entities:story", "GET", ""): Request(_story("entities:story")),
    ("entities:story", "POST", ""): Request(_story("entities:story")),
    ("entities:story_confirm", "POST", ""): Request(
        _story("entities:story_confirm"), writes=frozenset({"stories", "story_decisions"})
    ),
    ("entities:story_confirm", "GET", ""): Request(_story("entities:story_confirm")),
    ("entities:story_rename", "POST", ""): Request(
        _story("entities:story_rename", lambda w: {"title": "New title"}),
        writes=frozenset({"stories", "story_decisions"}),
    ),
    ("entities:story_rename", "GET", ""): Request(_story("entities:story_rename")),
    # A2 leaves A's story for a new one, and is kept apart from A from then on.
    ("entities:story_split", "POST", ""): Request(
        _story("entities:story_split", lambda w: {"articles": [w.more["A2"].pk]}),
        writes=STORY_REGROUPED | {"separations"},
    ),
    ("entities:story_split", "GET", ""): Request(_story("entities:story_split")),
    ("entities:story_merge", "POST", ""): Request(
        _story("entities:story_merge", lambda w: {"other": w.stories["other"].pk}),
        writes=STORY_REGROUPED,
    ),
    ("entities:story_merge", "GET", ""): Request(_story("entities:story_merge")),
    ("entities:story_article_move", "POST", ""): Request(
        _on_article("entities:story_article_move", lambda w, x: {"target": "new"}),
        writes=STORY_REGROUPED | {"separations"},
    ),
    ("entities:story_article_move", "GET", ""): Request(_on_article("entities:story_article_move")),
    ("entities:conflict_list", "GET", ""): Request(_plain("entities:conflict_list")),
    ("entities:conflict_list", "POST", ""): Request(_plain("entities:conflict_list")),
    ("entities:conflict_explain", "POST", ""): Request(
        _on(
            "entities:conflict_explain",
            lambda w: w.conflicts["open"].pk,
            lambda w: {"explanation": "The first phase only."},
        ),
        writes=frozenset({"conflicts"}),
    ),
    ("entities:conflict_explain", "GET", ""): Request(
        _on("entities:conflict_explain", lambda w: w.conflicts["open"].pk)
    ),
    ("entities:conflict_reopen", "POST", ""): Request(
        _on("entities:conflict_reopen", lambda w: w.conflicts["explained"].pk),
        writes=frozenset({"conflicts"}),
    ),
    ("entities:conflict_reopen", "GET", ""): Request(
        _on("entities:conflict_reopen", lambda w: w.conflicts["explained"].pk)
    ),
    ("entities:coverage", "GET", ""): Request(_plain("entities:coverage")),
    ("entities:coverage", "POST", ""): Request(_plain("entities:coverage")),
    ("entities:coverage_charts", "GET", ""): Request(_plain("entities:coverage_charts")),
    ("entities:coverage_charts", "POST", ""): Request(_plain("entities:coverage_charts")),
    ("entities:gaps", "GET", ""): Request(_plain("entities:gaps")),
    ("entities:gaps", "POST", ""): Request(_plain("entities:gaps")),
    ("entities:coverage_export", "GET", "csv"): Request(_export("csv")),
    ("entities:coverage_export", "GET", "json"): Request(_export("json")),
    ("entities:coverage_export", "POST", "csv"): Request(_export("csv")),
    ("entities:entity_list", "GET", ""): Request(_plain("entities:entity_list")),
    ("entities:entity_list", "POST", ""): Request(_plain("entities:entity_list")),
    ("entities:entity_review", "GET", ""): Request(_plain("entities:entity_review")),
    ("entities:entity_review", "POST", ""): Request(_plain("entities:entity_review")),
    ("entities:entity", "GET", ""): Request(_entity("entities:entity")),
    ("entities:entity", "POST", ""): Request(_entity("entities:entity")),
    # Each change to the knowledge base writes one record (CURATED); a new name is an alias.
    ("entities:entity_edit", "GET", ""): Request(_entity("entities:entity_edit")),
    ("entities:entity_edit", "POST", ""): Request(
        _entity("entities:entity_edit", _entity_edit_data),
        writes=CURATED | {"entities", "aliases"},
    ),
    # The new entity gets its name as an alias, and P's mention.
    ("entities:entity_split", "GET", ""): Request(_entity("entities:entity_split")),
    ("entities:entity_split", "POST", ""): Request(
        _entity("entities:entity_split", _entity_split_data),
        writes=CURATED | {"entities", "aliases", "mention_p"},
    ),
    ("entities:entity_confirm", "POST", ""): Request(
        _entity("entities:entity_confirm"), writes=CURATED | {"entities"}
    ),
    ("entities:entity_confirm", "GET", ""): Request(_entity("entities:entity_confirm")),
    # P's mention and its alias move to K; P points at K.
    ("entities:entity_merge", "POST", ""): Request(
        _entity("entities:entity_merge", lambda w: {"target": w.kb["K"].pk}),
        writes=CURATED | {"entities", "aliases", "mention_p"},
    ),
    ("entities:entity_merge", "GET", ""): Request(_entity("entities:entity_merge")),
    ("entities:alias_add", "POST", ""): Request(
        _entity("entities:alias_add", lambda w: {"text": "Жаңа", "kind": "name"}),
        writes=CURATED | {"aliases"},
    ),
    ("entities:alias_add", "GET", ""): Request(_entity("entities:alias_add")),
    ("entities:alias_remove", "POST", ""): Request(_alias_remove, writes=CURATED | {"aliases"}),
    ("entities:alias_remove", "GET", ""): Request(_alias_remove),
    # Undoing P2's confirmation: P2 is proposed again, the record is marked undone.
    ("entities:curation_revert", "POST", ""): Request(
        _on("entities:curation_revert", lambda w: w.curation.pk),
        writes=CURATED | {"entities", "undone"},
    ),
    ("entities:curation_revert", "GET", ""): Request(
        _on("entities:curation_revert", lambda w: w.curation.pk)
    ),
    ("entities:search", "GET", ""): Request(_plain("entities:search")),
    ("entities:search", "POST", ""): Request(_plain("entities:search")),
}


# -- the tests ----------------------------------------------------------------------------------


def _url_names(resolver: URLResolver, namespace: str) -> set[str]:
    """Every pattern under the namespace, nested includes too; a pattern with no name cannot
    be in the table, so it shows up by its route."""
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}:{pattern.name}" if pattern.name else f"{namespace}:{pattern}")
    return names


def test_every_url_is_in_the_matrix() -> None:
    resolver = get_resolver()
    routed = set()
    for namespace in ("articles", "entities"):
        _prefix, namespaced = resolver.namespace_dict[namespace]
        routed |= _url_names(namespaced, namespace)
    assert routed, "no URL patterns found: the namespaces were renamed?"
    listed = {name for name, _method, _variant in EXPECTED}
    assert routed - listed == set(), "URL patterns with no row in EXPECTED"
    assert listed - routed == set(), "rows in EXPECTED for URL patterns that do not exist"
    # Each view is asked with both methods: the one it takes and the one it refuses.
    for name in routed:
        assert {method for n, method, _v in EXPECTED if n == name} == {"GET", "POST"}, name
    assert set(REQUESTS) == set(EXPECTED)


def _cases():
    for key, statuses in EXPECTED.items():
        for role, status in zip(ROLES, statuses, strict=True):
            if status is NA:
                continue
            marks = []
            if key in KNOWN_BUGS and role != "anonymous":
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[key]))
            name, method, variant = key
            label = f"{name}-{method}{f'-{variant}' if variant else ''}-{role}"
            yield pytest.param(key, role, status, id=label, marks=marks)


@pytest.mark.parametrize(("key", "role", "expected"), list(_cases()))
def test_role_and_view(client, world, key, role, expected) -> None:
    _name, method, _variant = key
    request = REQUESTS[key]
    Article.objects.filter(pk__in=[world.a.pk, world.b.pk]).update(status=request.status)
    Translation.objects.filter(article__in=[world.a, world.b]).update(
        status=request.translation_status
    )
    user = None
    if role != "anonymous":
        user = world.users[role.removesuffix("_on_B")]
        client.force_login(user)
    which = "B" if role == "translator_on_B" else "A"
    path, data = request.build(world, which)
    before = _snapshot(world)

    response = getattr(client, method.lower())(path, data)

    assert response.status_code == expected, response.content.decode()[:400]
    after = _snapshot(world)
    written = {part for part in before if before[part] != after[part]}
    sent_to_login = user is None and response.status_code == 302 and key[0] != "articles:language"
    if sent_to_login:
        assert response.url.startswith(f"{reverse('login')}?next="), response.url
    elif response.status_code == 302:
        assert not response.url.startswith(reverse("login")), response.url
    if response.status_code in (200, 302) and user is not None:
        assert written == request.writes, (before, after)
        if "curations" in request.writes:  # one change to the knowledge base, one record
            assert after["curations"] == before["curations"] + 1
    else:
        assert written == set(), (before, after)  # refused: nothing was written
    if key[0] == "articles:language" and method == "POST":
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "kk"

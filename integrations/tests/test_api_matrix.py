"""Every endpoint of the integration API × every caller → the expected status.

One table (``EXPECTED``) says who gets what; ``REQUESTS`` says how each row is asked: a body
that succeeds, the object it names, the state that object must be in, and ``If-Match`` from a
fresh GET (so 2xx means the change really happened and 403/404 means the caller was refused,
not the input). The columns: no credentials, the key of a translator, a reviewer, an editor, an
admin, and a read-only key of the editor's.

``test_every_endpoint_is_in_the_matrix`` walks the URL patterns of the ``api`` namespace and
every method each view answers: an endpoint without its row fails it, so none ships without
one. The browser's session gets the same answers as its user's key for reads, and its writes
are refused without the CSRF token (and accepted with it).

Each cell meets the same desk (built once per module, every cell's changes rolled back)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from articles.models import (
    Article,
    ArticleStatus,
    ImportBatch,
    QAOverride,
    Translation,
    TranslationStatus,
)
from articles.tests.factories import ArticleFactory
from articles.translations.quality import translation_findings
from articles.translations.services import qa_override_add, segment_save, translation_request
from entities import services as entity_services
from entities.models import Alias, Entity, Mention
from entities.stories.models import Story
from entities.stories.services import story_article_move
from integrations.tests.contract import ROLES, SEEDS, Actors, actors_create, unthrottled

pytestmark = [pytest.mark.django_db, pytest.mark.permission_matrix]

PROBLEM = "application/problem+json"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# -- the table ---------------------------------------------------------------------------------

# Columns, in the order of ROLES: anonymous, translator, reviewer, editor, admin, read_only_key.
# The translator translates article A (so sees A, its translation and its mentions), not B.
# Variant "B": the same request about article B (or B's translation, or a mention in B).
NA = None  # a column the row does not ask
EXPECTED: dict[tuple[str, str, str], tuple[int | None, ...]] = {
    # (url name, method, variant):                       anon trans review editor admin ro-key
    ("api:health", "GET", ""):                             (401, 200, 200, 200, 200, 200),
    ("api:schema", "GET", ""):                             (401, 200, 200, 200, 200, 200),
    ("api:docs", "GET", ""):                               (401, 200, 200, 200, 200, 200),
    ("api:redoc", "GET", ""):                              (401, 200, 200, 200, 200, 200),
    # Articles: everyone sees A (the translator through their translation); only the desk sees B.
    ("api:article-list", "GET", ""):                       (401, 200, 200, 200, 200, 200),
    ("api:article-list", "POST", ""):                      (401, 403, 403, 201, 201, 403),
    ("api:article-detail", "GET", ""):                     (401, 200, 200, 200, 200, 200),
    ("api:article-detail", "GET", "B"):                    (401, 404, 200, 200, 200, 200),
    ("api:article-detail", "PATCH", ""):                   (401, 403, 200, 200, 200, 403),
    ("api:article-detail", "PATCH", "B"):                  (401, 404, 200, 200, 200, 403),
    ("api:article-detail", "PATCH", "stale If-Match"):     (401, 403, 412, 412, 412, 403),
    ("api:article-detail", "PATCH", "no If-Match"):        (401, 403, 428, 428, 428, 403),
    ("api:article-detail", "PUT", ""):                     (401, 403, 200, 200, 200, 403),
    ("api:article-detail", "DELETE", ""):                  (401, 403, 403, 403, 204, 403),
    ("api:article-detail", "DELETE", "B"):                 (401, 404, 403, 403, 204, 403),
    ("api:article-submit", "POST", ""):                    (401, 403, 403, 200, 200, 403),
    ("api:article-submit", "POST", "B"):                   (401, 404, 403, 200, 200, 403),
    ("api:article-approve", "POST", ""):                   (401, 403, 200, 403, 200, 403),
    ("api:article-publish", "POST", ""):                   (401, 403, 403, 200, 200, 403),
    ("api:article-return", "POST", ""):                    (401, 403, 200, 403, 200, 403),
    ("api:article-unpublish", "POST", ""):                 (401, 403, 403, 200, 200, 403),
    ("api:article-archive", "POST", ""):                   (401, 403, 403, 200, 200, 403),
    ("api:article-restore", "POST", ""):                   (401, 403, 403, 200, 200, 403),
    ("api:article-assign", "POST", ""):                    (401, 403, 403, 200, 200, 403),
    ("api:article-assign", "POST", "B"):                   (401, 404, 403, 200, 200, 403),
    # Imports: editors and admins push (a key with the import scope); a job is its creator's
    # (the editor's, so their read-only key reads it too) and the admins'.
    ("api:import-list", "GET", ""):                        (401, 200, 200, 200, 200, 200),
    ("api:import-list", "POST", ""):                       (401, 403, 403, 202, 202, 403),
    ("api:import-list", "POST", "files"):                  (401, 403, 403, 202, 202, 403),
    ("api:import-detail", "GET", ""):                      (401, 404, 404, 200, 200, 200),
    # Translations: A's is the translator's (the reviewer reviews it); B's is nobody's yet.
    ("api:translation-list", "GET", ""):                   (401, 200, 200, 200, 200, 200),
    ("api:translation-list", "POST", ""):                  (401, 403, 403, 201, 201, 403),
    ("api:translation-detail", "GET", ""):                 (401, 200, 200, 200, 200, 200),
    ("api:translation-detail", "GET", "B"):                (401, 404, 200, 200, 200, 200),
    ("api:translation-detail", "PATCH", ""):               (401, 403, 403, 200, 200, 403),
    ("api:translation-detail", "PATCH", "no If-Match"):    (401, 403, 403, 428, 428, 403),
    ("api:translation-segment-list", "GET", ""):           (401, 200, 200, 200, 200, 200),
    ("api:translation-segment-list", "GET", "B"):          (401, 404, 200, 200, 200, 200),
    ("api:translation-segment-detail", "GET", ""):         (401, 200, 200, 200, 200, 200),
    ("api:translation-segment-detail", "PATCH", ""):       (401, 200, 403, 200, 200, 403),
    ("api:translation-segment-detail", "PATCH", "B"):      (401, 404, 403, 200, 200, 403),
    ("api:translation-segment-detail", "PATCH", "stale If-Match"): (401, 412, 403, 412, 412, 403),
    ("api:translation-qa", "GET", ""):                     (401, 200, 200, 200, 200, 200),
    ("api:translation-qa", "GET", "B"):                    (401, 404, 200, 200, 200, 200),
    ("api:translation-qa-override-list", "POST", ""):      (401, 403, 201, 403, 201, 403),
    ("api:translation-qa-override-detail", "DELETE", ""):  (401, 403, 204, 403, 204, 403),
    ("api:translation-start", "POST", ""):                 (401, 200, 403, 200, 200, 403),
    ("api:translation-submit", "POST", ""):                (401, 200, 403, 200, 200, 403),
    ("api:translation-request-changes", "POST", ""):       (401, 403, 200, 403, 200, 403),
    ("api:translation-approve", "POST", ""):               (401, 403, 200, 403, 200, 403),
    ("api:translation-publish", "POST", ""):               (401, 403, 403, 200, 200, 403),
    ("api:translation-reopen", "POST", ""):                (401, 403, 403, 200, 200, 403),
    # The knowledge base: the desk reads it (translators do not); editors change it.
    ("api:entity-list", "GET", ""):                        (401, 403, 200, 200, 200, 200),
    ("api:entity-list", "POST", ""):                       (401, 403, 403, 201, 201, 403),
    ("api:entity-detail", "GET", ""):                      (401, 403, 200, 200, 200, 200),
    ("api:entity-detail", "PATCH", ""):                    (401, 403, 403, 200, 200, 403),
    ("api:entity-detail", "PATCH", "no If-Match"):         (401, 403, 403, 428, 428, 403),
    ("api:entity-detail", "PATCH", "stale If-Match"):      (401, 403, 403, 412, 412, 403),
    ("api:entity-confirm", "POST", ""):                    (401, 403, 403, 200, 200, 403),
    ("api:entity-merge", "POST", ""):                      (401, 403, 403, 200, 200, 403),
    ("api:entity-alias-list", "GET", ""):                  (401, 403, 200, 200, 200, 200),
    ("api:entity-alias-list", "POST", ""):                 (401, 403, 403, 201, 201, 403),
    ("api:entity-alias-detail", "GET", ""):                (401, 403, 200, 200, 200, 200),
    ("api:entity-alias-detail", "DELETE", ""):             (401, 403, 403, 204, 204, 403),
    # Mentions: whoever sees the text sees its mentions; reviewers and editors decide on them.
    ("api:mention-list", "GET", ""):                       (401, 200, 200, 200, 200, 200),
    ("api:mention-list", "POST", ""):                      (401, 403, 201, 201, 201, 403),
    ("api:mention-detail", "GET", ""):                     (401, 200, 200, 200, 200, 200),
    ("api:mention-detail", "GET", "B"):                    (401, 404, 200, 200, 200, 200),
    ("api:mention-confirm", "POST", ""):                   (401, 403, 200, 200, 200, 403),
    ("api:mention-confirm", "POST", "B"):                  (401, 404, 200, 200, 200, 403),
    ("api:mention-reject", "POST", ""):                    (401, 403, 200, 200, 200, 403),
    ("api:mention-reopen", "POST", ""):                    (401, 403, 200, 200, 200, 403),
    ("api:mention-retype", "POST", ""):                    (401, 403, 200, 200, 200, 403),
    ("api:mention-relink", "POST", ""):                    (401, 403, 200, 200, 200, 403),
    # Linking to a new entity adds it to the knowledge base: editors only.
    ("api:mention-relink", "POST", "new entity"):          (401, 403, 403, 200, 200, 403),
    # Stories and coverage: the desk's.
    ("api:story-list", "GET", ""):                         (401, 403, 200, 200, 200, 200),
    ("api:story-detail", "GET", ""):                       (401, 403, 200, 200, 200, 200),
    ("api:coverage-list", "GET", ""):                      (401, 403, 200, 200, 200, 200),
    ("api:coverage-matrix", "GET", ""):                    (401, 403, 200, 200, 200, 200),
    ("api:coverage-matrix", "GET", "unknown"):             (401, 403, 404, 404, 404, 404),
}  # fmt: skip

# Cells where the code disagrees with the table (strict: the day it is fixed, the test says so).
KNOWN_BUGS: dict[tuple[str, str, str, str], str] = {}


# -- the desk every request meets -----------------------------------------------------------------

BODY = (
    "Касым-Жомарт Токаев сказал, что Казахстан вложит 7,4 млрд долларов.\n\n"
    "Переговоры прошли в Пекине с компанией Sinopec."
)
# A faithful Kazakh translation of A with straight quotes in the title and the last paragraph:
# two `punctuation` warnings (no error), one the reviewer accepted, one they may accept.
TRANSLATION_A = [
    'Тоқаев "Пекинде"',
    "Қасым-Жомарт Тоқаев Қазақстан 7,4 млрд доллар салатынын айтты.",
    'Келіссөздер Пекинде "Sinopec" компаниясымен өтті.',
]


@dataclass
class World:
    actors: Actors
    a: Article
    b: Article
    translations: dict[str, Translation]
    entity: Entity  # confirmed
    proposed: Entity  # proposed by extraction: to confirm, or to merge into ``entity``
    alias: Alias
    mentions: dict[str, Mention]
    story: Story
    batch: ImportBatch
    override: QAOverride
    fingerprint: str  # of the translation's warning nobody accepted yet

    def article(self, variant: str) -> Article:
        return self.b if variant == "B" else self.a

    def translation(self, variant: str) -> Translation:
        return self.translations["B" if variant == "B" else "A"]


def _span(model, article: Article, words: str, **fields):
    start = article.body.index(words)
    return model.objects.create(
        article=article, field="body", start=start, end=start + len(words), text=words, **fields
    )


def _findings(translation: Translation) -> list:
    return translation_findings(translation=Translation.objects.get(pk=translation.pk)).findings


def world_create() -> World:
    actors = actors_create()
    editor, reviewer = actors.users["editor"], actors.users["reviewer"]
    translator = actors.users["translator"]
    a = ArticleFactory(language="ru", title="Токаев в Пекине", body=BODY)
    b = ArticleFactory(
        language="ru", title="Токаев в Астане", body=BODY.replace("Пекине", "Астане")
    )
    translations = {
        "A": translation_request(
            article_id=a.pk, language="kk", user=editor, translator=translator, reviewer=reviewer
        ),
        "B": translation_request(article_id=b.pk, language="kk", user=editor),
    }
    for which, texts in (("A", TRANSLATION_A), ("B", TRANSLATION_A)):
        for segment, text in zip(
            translations[which].segments.order_by("position"), texts, strict=True
        ):
            segment_save(
                segment_id=segment.pk, expected_version=segment.version, target_text=text,
                user=editor, status="done",
            )  # fmt: skip
    findings = _findings(translations["A"])
    warnings = [f for f in findings if f.severity == "warning"]
    assert len(warnings) >= 2, [f.as_json() for f in findings]
    override = qa_override_add(
        translation_id=translations["A"].pk,
        fingerprint=warnings[0].fingerprint,
        reason="Quotes as the source has them.",
        user=reviewer,
    )
    entity = Entity.objects.create(type="LOC", name_ru="Пекин", status="confirmed")
    proposed = Entity.objects.create(type="LOC", name_ru="Пекине", status="proposed")
    alias = entity_services.alias_add(entity=entity, text="Бейжің", language="kk")
    mentions = {
        which: _span(Mention, article, "Касым-Жомарт Токаев", type="PER", method="", confidence=0.7)
        for which, article in (("A", a), ("B", b))
    }
    story = story_article_move(article=a, target=None, user=editor)
    story_article_move(article=b, target=story, user=editor)
    batch = ImportBatch.objects.create(channel=ImportBatch.Channel.API, created_by=editor)
    return World(
        actors=actors,
        a=a,
        b=b,
        translations={k: Translation.objects.get(pk=t.pk) for k, t in translations.items()},
        entity=entity,
        proposed=proposed,
        alias=alias,
        mentions=mentions,
        story=story,
        batch=batch,
        override=override,
        fingerprint=warnings[1].fingerprint,
    )


# -- how each row is asked ------------------------------------------------------------------------


@dataclass
class Request:
    """``path(world, variant)``; ``body(world, variant)`` (JSON, or the files of a multipart
    body); ``etag_of(world, variant)``: the URL whose fresh ETag goes in If-Match (``if_match``
    "stale": the ETag of the version before, "none": no If-Match at all);
    ``prepare(world, variant)`` puts the object in the state the row needs first."""

    path: Callable[[World, str], str]
    body: Callable[[World, str], object] | None = None
    etag_of: Callable[[World, str], str] | None = None
    prepare: Callable[[World, str], None] | None = None
    if_match: str = "fresh"
    multipart: bool = False


def _url(name: str, *args: Callable[[World, str], int]) -> Callable[[World, str], str]:
    return lambda w, v: reverse(name, args=[arg(w, v) for arg in args])


def _article(w: World, v: str) -> int:
    return w.article(v).pk


def _translation(w: World, v: str) -> int:
    return w.translation(v).pk


def _segment(w: World, v: str) -> int:
    return w.translation(v).segments.order_by("position").last().pk


def _mention(w: World, v: str) -> int:
    return w.mentions["B" if v == "B" else "A"].pk


def _const(value):
    return lambda w, v: value


def _article_status(status: str) -> Callable[[World, str], None]:
    def prepare(w: World, v: str) -> None:
        Article.objects.filter(pk=w.article(v).pk).update(status=status)

    return prepare


def _translation_status(status: str) -> Callable[[World, str], None]:
    def prepare(w: World, v: str) -> None:
        Translation.objects.filter(pk=w.translation(v).pk).update(status=status)

    return prepare


def _article_step(name: str, status: str, comment: str = "") -> Request:
    return Request(
        path=_url(f"api:article-{name}", _article),
        body=_const({"comment": comment} if comment else {}),
        prepare=_article_status(status),
    )


def _translation_step(name: str, status: str, comment: str = "") -> Request:
    return Request(
        path=_url(f"api:translation-{name}", _translation),
        body=_const({"comment": comment} if comment else {}),
        prepare=_translation_status(status),
    )


def _mention_action(name: str, body: Callable[[World, str], object] | None = None) -> Request:
    return Request(path=_url(f"api:mention-{name}", _mention), body=body or _const({}))


def _seed_upload() -> SimpleUploadedFile:
    """A news file as the desk receives them (a seed article, in a layout the parser reads)."""
    [path] = SEEDS.glob("003_*.txt")
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/plain")


ARTICLE = _url("api:article-detail", _article)
TRANSLATION = _url("api:translation-detail", _translation)
SEGMENT = _url("api:translation-segment-detail", _translation, _segment)
ENTITY = _url("api:entity-detail", lambda w, v: w.entity.pk)
NEW_ARTICLE = {"title": "Новая статья", "body": "Текст новой статьи о Пекине.", "language": "ru"}

REQUESTS: dict[tuple[str, str, str], Request] = {
    ("api:health", "GET", ""): Request(_url("api:health")),
    ("api:schema", "GET", ""): Request(_url("api:schema")),
    ("api:docs", "GET", ""): Request(_url("api:docs")),
    ("api:redoc", "GET", ""): Request(_url("api:redoc")),
    ("api:article-list", "GET", ""): Request(_url("api:article-list")),
    ("api:article-list", "POST", ""): Request(_url("api:article-list"), _const(NEW_ARTICLE)),
    ("api:article-detail", "GET", ""): Request(ARTICLE),
    ("api:article-detail", "GET", "B"): Request(ARTICLE),
    ("api:article-detail", "PATCH", ""): Request(
        ARTICLE, _const({"title": "Токаев в Пекине и Шанхае"}), etag_of=ARTICLE
    ),
    ("api:article-detail", "PATCH", "B"): Request(
        ARTICLE, _const({"title": "Токаев в Астане и Алматы"}), etag_of=ARTICLE
    ),
    ("api:article-detail", "PATCH", "stale If-Match"): Request(
        ARTICLE, _const({"title": "Токаев в Пекине"}), etag_of=ARTICLE, if_match="stale"
    ),
    ("api:article-detail", "PATCH", "no If-Match"): Request(
        ARTICLE, _const({"title": "Токаев в Пекине"}), etag_of=ARTICLE, if_match="none"
    ),
    ("api:article-detail", "PUT", ""): Request(
        ARTICLE,
        _const({"title": "Токаев в Пекине", "body": BODY + "\n\nЕщё абзац.", "language": "ru"}),
        etag_of=ARTICLE,
    ),
    ("api:article-detail", "DELETE", ""): Request(ARTICLE, etag_of=ARTICLE),
    ("api:article-detail", "DELETE", "B"): Request(ARTICLE, etag_of=ARTICLE),
    ("api:article-submit", "POST", ""): _article_step("submit", ArticleStatus.DRAFT),
    ("api:article-submit", "POST", "B"): _article_step("submit", ArticleStatus.DRAFT),
    ("api:article-approve", "POST", ""): _article_step("approve", ArticleStatus.IN_REVIEW),
    ("api:article-publish", "POST", ""): _article_step("publish", ArticleStatus.APPROVED),
    ("api:article-return", "POST", ""): _article_step(
        "return", ArticleStatus.IN_REVIEW, "Проверьте цифры."
    ),
    ("api:article-unpublish", "POST", ""): _article_step(
        "unpublish", ArticleStatus.PUBLISHED, "Ошибка в заголовке."
    ),
    ("api:article-archive", "POST", ""): _article_step("archive", ArticleStatus.DRAFT),
    ("api:article-restore", "POST", ""): _article_step("restore", ArticleStatus.ARCHIVED),
    ("api:article-assign", "POST", ""): Request(
        _url("api:article-assign", _article),
        lambda w, v: {"assignee": w.actors.users["reviewer"].username, "due_at": None},
    ),
    ("api:article-assign", "POST", "B"): Request(
        _url("api:article-assign", _article),
        lambda w, v: {"assignee": w.actors.users["reviewer"].username, "due_at": None},
    ),
    ("api:import-list", "GET", ""): Request(_url("api:import-list")),
    ("api:import-list", "POST", ""): Request(
        _url("api:import-list"),
        _const({"title": "Импорт", "body": "Текст, пришедший через API.", "language": "ru"}),
    ),
    ("api:import-list", "POST", "files"): Request(
        _url("api:import-list"), lambda w, v: {"files": [_seed_upload()]}, multipart=True
    ),
    ("api:import-detail", "GET", ""): Request(_url("api:import-detail", lambda w, v: w.batch.pk)),
    ("api:translation-list", "GET", ""): Request(_url("api:translation-list")),
    ("api:translation-list", "POST", ""): Request(
        _url("api:translation-list"), lambda w, v: {"article": w.b.pk, "language": "en"}
    ),
    ("api:translation-detail", "GET", ""): Request(TRANSLATION),
    ("api:translation-detail", "GET", "B"): Request(TRANSLATION),
    ("api:translation-detail", "PATCH", ""): Request(
        TRANSLATION, _const({"due_at": "2030-09-12T18:00:00+05:00"}), etag_of=TRANSLATION
    ),
    ("api:translation-detail", "PATCH", "no If-Match"): Request(
        TRANSLATION, _const({"due_at": None}), etag_of=TRANSLATION, if_match="none"
    ),
    ("api:translation-segment-list", "GET", ""): Request(
        _url("api:translation-segment-list", _translation)
    ),
    ("api:translation-segment-list", "GET", "B"): Request(
        _url("api:translation-segment-list", _translation)
    ),
    ("api:translation-segment-detail", "GET", ""): Request(SEGMENT),
    ("api:translation-segment-detail", "PATCH", ""): Request(
        SEGMENT,
        _const(
            {"target_text": "Келіссөздер Пекинде «Sinopec» компаниясымен өтті.", "status": "done"}
        ),
        etag_of=SEGMENT,
    ),
    ("api:translation-segment-detail", "PATCH", "B"): Request(
        SEGMENT,
        _const({"target_text": "Келіссөздер Астанада «Sinopec» компаниясымен өтті."}),
        etag_of=SEGMENT,
    ),
    ("api:translation-segment-detail", "PATCH", "stale If-Match"): Request(
        SEGMENT, _const({"target_text": "Кеш қалған нұсқа."}), etag_of=SEGMENT, if_match="stale"
    ),
    ("api:translation-qa", "GET", ""): Request(_url("api:translation-qa", _translation)),
    ("api:translation-qa", "GET", "B"): Request(_url("api:translation-qa", _translation)),
    ("api:translation-qa-override-list", "POST", ""): Request(
        _url("api:translation-qa-override-list", _translation),
        lambda w, v: {"fingerprint": w.fingerprint, "reason": "As in the source."},
    ),
    ("api:translation-qa-override-detail", "DELETE", ""): Request(
        _url("api:translation-qa-override-detail", _translation, lambda w, v: w.override.pk)
    ),
    ("api:translation-start", "POST", ""): _translation_step("start", TranslationStatus.REQUESTED),
    ("api:translation-submit", "POST", ""): _translation_step(
        "submit", TranslationStatus.IN_PROGRESS
    ),
    ("api:translation-request-changes", "POST", ""): _translation_step(
        "request-changes", TranslationStatus.SUBMITTED, "Перепроверьте цифры."
    ),
    ("api:translation-approve", "POST", ""): _translation_step(
        "approve", TranslationStatus.SUBMITTED
    ),
    ("api:translation-publish", "POST", ""): _translation_step(
        "publish", TranslationStatus.APPROVED
    ),
    ("api:translation-reopen", "POST", ""): _translation_step("reopen", TranslationStatus.APPROVED),
    ("api:entity-list", "GET", ""): Request(_url("api:entity-list")),
    ("api:entity-list", "POST", ""): Request(
        _url("api:entity-list"),
        _const({"type": "ORG", "names": {"kk": "Синопек", "ru": "Синопек", "en": "Sinopec"}}),
    ),
    ("api:entity-detail", "GET", ""): Request(ENTITY),
    ("api:entity-detail", "PATCH", ""): Request(
        ENTITY, _const({"names": {"en": "Beijing"}, "reason": "English name"}), etag_of=ENTITY
    ),
    ("api:entity-detail", "PATCH", "no If-Match"): Request(
        ENTITY, _const({"description": "Capital of China"}), etag_of=ENTITY, if_match="none"
    ),
    ("api:entity-detail", "PATCH", "stale If-Match"): Request(
        ENTITY, _const({"description": "Capital of China"}), etag_of=ENTITY, if_match="stale"
    ),
    ("api:entity-confirm", "POST", ""): Request(
        _url("api:entity-confirm", lambda w, v: w.proposed.pk), _const({"reason": "Checked"})
    ),
    ("api:entity-merge", "POST", ""): Request(
        _url("api:entity-merge", lambda w, v: w.proposed.pk),
        lambda w, v: {"into": w.entity.pk, "reason": "The same city"},
    ),
    ("api:entity-alias-list", "GET", ""): Request(
        _url("api:entity-alias-list", lambda w, v: w.entity.pk)
    ),
    ("api:entity-alias-list", "POST", ""): Request(
        _url("api:entity-alias-list", lambda w, v: w.entity.pk),
        _const({"text": "Пекина", "language": "ru", "kind": "inflected"}),
    ),
    ("api:entity-alias-detail", "GET", ""): Request(
        _url("api:entity-alias-detail", lambda w, v: w.entity.pk, lambda w, v: w.alias.pk)
    ),
    ("api:entity-alias-detail", "DELETE", ""): Request(
        _url("api:entity-alias-detail", lambda w, v: w.entity.pk, lambda w, v: w.alias.pk)
    ),
    ("api:mention-list", "GET", ""): Request(_url("api:mention-list")),
    ("api:mention-list", "POST", ""): Request(
        _url("api:mention-list"),
        lambda w, v: {
            "article": w.a.pk,
            "field": "body",
            "start": BODY.index("Sinopec"),
            "end": BODY.index("Sinopec") + len("Sinopec"),
            "type": "ORG",
            "expected_text": "Sinopec",
        },
    ),
    ("api:mention-detail", "GET", ""): Request(_url("api:mention-detail", _mention)),
    ("api:mention-detail", "GET", "B"): Request(_url("api:mention-detail", _mention)),
    ("api:mention-confirm", "POST", ""): _mention_action("confirm"),
    ("api:mention-confirm", "POST", "B"): _mention_action("confirm"),
    ("api:mention-reject", "POST", ""): _mention_action("reject"),
    ("api:mention-reopen", "POST", ""): _mention_action("reopen"),
    ("api:mention-retype", "POST", ""): _mention_action("retype", _const({"type": "ORG"})),
    ("api:mention-relink", "POST", ""): _mention_action(
        "relink", lambda w, v: {"entity": w.entity.pk}
    ),
    ("api:mention-relink", "POST", "new entity"): _mention_action(
        "relink",
        _const({"new_entity": {"type": "PER", "names": {"ru": "Касым-Жомарт Токаев"}}}),
    ),
    ("api:story-list", "GET", ""): Request(_url("api:story-list")),
    ("api:story-detail", "GET", ""): Request(_url("api:story-detail", lambda w, v: w.story.pk)),
    ("api:coverage-list", "GET", ""): Request(_url("api:coverage-list")),
    ("api:coverage-matrix", "GET", ""): Request(
        lambda w, v: reverse("api:coverage-matrix", args=["entity-language"])
    ),
    ("api:coverage-matrix", "GET", "unknown"): Request(
        lambda w, v: reverse("api:coverage-matrix", args=["no-such-matrix"])
    ),
}

# -- the endpoints the app routes -----------------------------------------------------------------


def _patterns(resolver: URLResolver, namespace: str):
    """(url name, pattern) of every pattern under the resolver, nested includes too."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name or pattern.pattern}", pattern


def view_methods(pattern: URLPattern) -> set[str]:
    """The methods the view behind a pattern answers (a viewset route: its actions)."""
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions:
        # HEAD is GET's (DRF adds it to a viewset's actions once the route has been served).
        return {method.upper() for method in actions} & set(METHODS)
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is None:
        return set(METHODS)  # a plain function answers whatever it is sent
    return {method for method in METHODS if hasattr(view_class, method.lower())}


def api_endpoints() -> dict[str, set[str]]:
    """Every named endpoint of the ``api`` namespace → its methods (the catch-all 404 aside)."""
    _prefix, resolver = get_resolver().namespace_dict["api"]
    return {
        name: view_methods(pattern)
        for name, pattern in _patterns(resolver, "api")
        if name != "api:not_found"
    }


# -- the tests ----------------------------------------------------------------------------------


def test_every_endpoint_is_in_the_matrix() -> None:
    routed = {(name, method) for name, methods in api_endpoints().items() for method in methods}
    assert len(routed) > 10, "few API endpoints found: was the api namespace renamed?"
    listed = {(name, method) for name, method, _variant in EXPECTED}
    assert routed - listed == set(), "endpoints (url name, method) with no row in EXPECTED"
    assert listed - routed == set(), "rows in EXPECTED for endpoints that do not exist"
    assert set(REQUESTS) == set(EXPECTED)
    for key, statuses in EXPECTED.items():
        assert len(statuses) == len(ROLES), key


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The desk, built once for the module; each cell's own transaction rolls back what the
    cell changed (pytest-django's ``db`` runs each test in a savepoint of this one)."""
    with django_db_blocker.unblock(), unthrottled(), transaction.atomic():
        yield world_create()
        transaction.set_rollback(True)


def _client(world: World, role: str) -> APIClient:
    # As a real client is: the test client skips Django's CSRF check unless told otherwise.
    client = APIClient(enforce_csrf_checks=True)
    if role != "anonymous":
        client.credentials(HTTP_AUTHORIZATION=world.actors.headers(role)["Authorization"])
    return client


def _admin(world: World) -> APIClient:
    return _client(world, "admin")


def send(client, world: World, key: tuple[str, str, str], **extra):
    """Ask the row: prepare the state, read a fresh ETag as the admin, send the body."""
    _name, method, variant = key
    request = REQUESTS[key]
    if request.prepare:
        request.prepare(world, variant)
    headers = dict(extra)
    if request.etag_of and request.if_match != "none":
        fresh = _admin(world).get(request.etag_of(world, variant))
        assert fresh.status_code == 200, fresh.content[:300]
        headers["HTTP_IF_MATCH"] = fresh["ETag"]
        if request.if_match == "stale":  # "article-7-v3" → "article-7-v2"
            headers["HTTP_IF_MATCH"] = re.sub(
                r'(\d+)"$', lambda m: f'{int(m.group(1)) - 1}"', fresh["ETag"]
            )
    body = request.body(world, variant) if request.body else None
    if body is None:
        return client.generic(method, request.path(world, variant), **headers)
    if request.multipart:
        return client.post(request.path(world, variant), body, format="multipart", **headers)
    return client.generic(
        method,
        request.path(world, variant),
        json.dumps(body),
        content_type="application/json",
        **headers,
    )


def _assert_status(response, expected: int, context: str) -> None:
    body = response.content[:600].decode("utf-8", "replace")
    assert response.status_code == expected, f"{context}: {response.status_code} {body}"
    if expected >= 400:
        assert response["Content-Type"] == PROBLEM, f"{context}: {response['Content-Type']} {body}"
        problem = response.json()
        assert problem["status"] == expected, context


def _cells():
    for key, statuses in EXPECTED.items():
        name, method, variant = key
        for role, status in zip(ROLES, statuses, strict=True):
            if status is NA:
                continue
            marks = []
            if (*key, role) in KNOWN_BUGS:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[(*key, role)]))
            label = f"{name.removeprefix('api:')}-{method}{f'-{variant}' if variant else ''}-{role}"
            yield pytest.param(key, role, status, id=label, marks=marks)


@pytest.mark.parametrize(("key", "role", "expected"), list(_cells()))
def test_cell(world, key, role, expected) -> None:
    cache.clear()
    response = send(_client(world, role), world, key)
    _assert_status(response, expected, f"{key} as {role}")
    if expected == 401:
        assert response["WWW-Authenticate"].startswith("Bearer"), key


# -- the browser's session ------------------------------------------------------------------------

SESSION_ROLES = ("translator", "reviewer", "editor", "admin")


def _session_cells(methods: set[str]):
    for key, statuses in EXPECTED.items():
        name, method, variant = key
        if method not in methods:
            continue
        for role, status in zip(ROLES, statuses, strict=True):
            if role in SESSION_ROLES and status is not NA:
                label = f"{name.removeprefix('api:')}-{method}{f'-{variant}' if variant else ''}"
                yield pytest.param(key, role, status, id=f"{label}-{role}")


@pytest.mark.parametrize(("key", "role", "expected"), list(_session_cells({"GET"})))
def test_session_reads_as_the_key_does(world, key, role, expected) -> None:
    client = Client()
    client.force_login(world.actors.users[role])
    _assert_status(send(client, world, key), expected, f"{key} as {role}'s session")


UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.mark.parametrize(("key", "role", "expected"), list(_session_cells(UNSAFE)))
def test_session_writes_need_the_csrf_token(world, key, role, expected) -> None:
    """Without the token: 403 whatever the role (a page on another site cannot write through a
    signed-in browser). With it: what the user's key gets."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.actors.users[role])
    with transaction.atomic():
        refused = send(client, world, key)
        transaction.set_rollback(True)
    _assert_status(refused, 403, f"{key} as {role}'s session without CSRF token")
    assert "CSRF" in refused.json()["detail"], refused.json()

    client.get(reverse("articles:dashboard"))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    _assert_status(
        send(client, world, key, HTTP_X_CSRFTOKEN=token),
        expected,
        f"{key} as {role}'s session with the CSRF token",
    )


# -- what is not an endpoint -----------------------------------------------------------------------


def _unsupported():
    _prefix, resolver = get_resolver().namespace_dict["api"]
    for name, pattern in _patterns(resolver, "api"):
        if name == "api:not_found":
            continue
        for method in sorted(set(METHODS) - view_methods(pattern)):
            yield pytest.param(name, method, id=f"{name.removeprefix('api:')}-{method}")


@pytest.mark.parametrize(("name", "method"), list(_unsupported()))
def test_other_methods_are_405(world, name, method) -> None:
    """Every method a view does not answer: 405 with the problem body, for a caller who may
    use the endpoint (the editor's key)."""
    key = next(k for k in EXPECTED if k[0] == name and k[2] == "")
    path = REQUESTS[key].path(world, "")
    response = _client(world, "editor").generic(method, path)
    _assert_status(response, 405, f"{method} {path}")
    assert method not in response["Allow"], response["Allow"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("role", ["anonymous", "editor"])
def test_unknown_api_urls_are_problem_404(world, role, method) -> None:
    response = _client(world, role).generic(method, "/api/v1/no-such-thing/")
    _assert_status(response, 404, f"{method} /api/v1/no-such-thing/ as {role}")

"""Shared parts of the API contract tests (``test_schemathesis``, ``test_api_matrix``): the
callers in every role, their API keys, the API as an in-process WSGI app, and throttling
raised out of the way."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from rest_framework.throttling import SimpleRateThrottle

from articles.importing import ImportFile
from articles.models import Article, ArticleStatus, ImportBatch, Translation, TranslationStatus
from articles.roles import Role
from articles.services import articles_import
from articles.tests.factories import ArticleFactory
from articles.translations.quality import translation_findings
from articles.translations.services import qa_override_add, segment_save, translation_request
from articles.workflow import article_transition
from entities.models import Entity
from integrations.keys import api_key_create

PASSWORD = "kzeditor-contract-password"

# The columns of the matrix; the fuzzer runs as every one of them but "anonymous" (each of its
# cases is also replayed without credentials, which is the anonymous column's whole answer).
ROLES = ("anonymous", "translator", "reviewer", "editor", "admin", "read_only_key")
KEYED_ROLES = ROLES[1:]

# A budget no test reaches: the fuzzer sends thousands of requests a minute with one key, and
# its probes with unknown keys would soon have the address blocked by the failed-keys budget.
UNTHROTTLED_RATE = "1000000/min"


@dataclass
class Actors:
    """A user per role and an API key for each (the read-only key belongs to an editor)."""

    users: dict[str, object] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)

    def headers(self, role: str) -> dict[str, str]:
        """The request headers that authenticate as ``role`` (none for anonymous)."""
        if role == "anonymous":
            return {}
        return {"Authorization": f"Bearer {self.keys[role]}"}

    def user(self, role: str):
        """The user a role's requests act as (the read-only key acts as its editor)."""
        return self.users["editor" if role == "read_only_key" else role]


def actors_create(prefix: str = "") -> Actors:
    """Users ``translator``, ``reviewer``, ``editor``, ``admin`` (superuser), each with a key of
    every scope, and a second key of the editor's with the ``read`` scope only."""
    user_model = get_user_model()
    actors = Actors()
    for role, group, superuser in (
        ("translator", Role.TRANSLATOR, False),
        ("reviewer", Role.REVIEWER, False),
        ("editor", Role.EDITOR, False),
        ("admin", None, True),
    ):
        user = user_model.objects.create_user(
            username=f"{prefix}{role}",
            password=PASSWORD,
            is_superuser=superuser,
            is_staff=superuser,
        )
        if group is not None:
            user.groups.add(Group.objects.get(name=group))
        actors.users[role] = user
        _, actors.keys[role] = api_key_create(
            user=user, name=f"contract {role}", read=True, write=True, import_=True
        )
    _, actors.keys["read_only_key"] = api_key_create(
        user=actors.users["editor"], name="contract read-only", read=True
    )
    return actors


def _without_connection_recycling():
    """Django's WSGI handler closes "old" connections around each request; inside a test's
    transaction that would throw the test's data away (the test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@contextmanager
def wsgi_app() -> Iterator[WSGIHandler]:
    """The whole Django application as a WSGI callable, in this process and this test's
    database transaction (middleware, URL routing and error pages included)."""
    with contextmanager(_without_connection_recycling)():
        yield WSGIHandler()


@contextmanager
def unthrottled() -> Iterator[None]:
    """Rates no test reaches, for the throttle classes the views already hold (DRF reads
    ``DEFAULT_THROTTLE_RATES`` into ``SimpleRateThrottle.THROTTLE_RATES`` once, at import, so
    overriding the setting would change nothing), and a clean cache of counters."""
    previous = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = dict.fromkeys(previous, UNTHROTTLED_RATE)
    cache.clear()
    try:
        yield
    finally:
        SimpleRateThrottle.THROTTLE_RATES = previous
        cache.clear()


# -- a small, realistic desk ---------------------------------------------------------------------

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
# 000 says «Бүгін, 19:52»: resolve it against a fixed day so every run imports the same text.
IMPORTED_AT = datetime(2025, 9, 5, 21, 0, tzinfo=ZoneInfo("Asia/Almaty"))


@dataclass
class Dataset:
    """What the seed import made: the articles (by seed prefix) and the translation the
    translator works on (of article 000; 003 and 004 are not theirs)."""

    articles: dict[str, Article]
    translation: Translation


def dataset_create(actors: Actors) -> Dataset:
    """The three seed articles imported and extracted (so mentions, figures, entities, stories
    and coverage exist), article 000 translated into Russian by the translator and reviewed by
    the reviewer (one row saved, one quality-check finding accepted), an article and a
    translation in every workflow status, a proposed entity and an API import job."""
    from django.test import TestCase

    files = [
        ImportFile(path.name, path.read_bytes())
        for prefix in ("000", "003", "004")
        for path in SEEDS.glob(f"{prefix}_*.txt")
    ]
    editor, reviewer = actors.users["editor"], actors.users["reviewer"]
    translator = actors.users["translator"]
    # Extraction is queued on commit: run it now, as the eager task would after the import.
    with TestCase.captureOnCommitCallbacks(execute=True):
        _batch, results = articles_import(
            files=files, channel=ImportBatch.Channel.COMMAND, created_by=editor, now=IMPORTED_AT
        )
    articles = {
        prefix: Article.objects.get(pk=result.article.pk)
        for prefix, result in zip(("000", "003", "004"), results, strict=True)
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        translation = translation_request(
            article_id=articles["000"].pk,
            language="ru",
            user=editor,
            translator=translator,
            reviewer=reviewer,
        )
        first = translation.segments.order_by("position").first()
        segment_save(
            segment_id=first.pk,
            expected_version=first.version,
            target_text="Касым-Жомарт Токаев встретился с главой Chevron",
            user=translator,
            status="done",
        )
        findings = translation_findings(translation=Translation.objects.get(pk=translation.pk))
        if findings.findings:
            qa_override_add(
                translation_id=translation.pk,
                fingerprint=findings.findings[0].fingerprint,
                reason="Checked with the desk.",
                user=reviewer,
            )
        article_transition(
            article_id=articles["003"].pk,
            step_name="submit",
            user=editor,
            expected_version=articles["003"].version,
        )
    # One article and one translation in each of the other statuses, for the workflow steps.
    for status in (ArticleStatus.APPROVED, ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED):
        ArticleFactory(language="ru", title=f"Статья: {status}", status=status)
    for (prefix, language), status in zip(
        (("003", "kk"), ("004", "ru"), ("004", "en"), ("003", "en")),
        (
            TranslationStatus.SUBMITTED,
            TranslationStatus.APPROVED,
            TranslationStatus.PUBLISHED,
            TranslationStatus.CHANGES_REQUESTED,
        ),
        strict=True,
    ):
        other = translation_request(
            article_id=articles[prefix].pk,
            language=language,
            user=editor,
            translator=translator,
            reviewer=reviewer,
        )
        Translation.objects.filter(pk=other.pk).update(status=status)
    Entity.objects.create(type="PER", name_ru="Айгерим Сапарова", status="proposed")
    ImportBatch.objects.create(channel=ImportBatch.Channel.API, created_by=editor)
    return Dataset(articles=articles, translation=Translation.objects.get(pk=translation.pk))

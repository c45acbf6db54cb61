"""Admins see failed and stuck extractions of articles and translations, with the error, and
queue them again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ExtractionState, Translation
from articles.tests.factories import ArticleFactory, TranslationFactory
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

LONG_AGO = timedelta(hours=1)


@pytest.fixture
def admin_client_(admin_user_) -> Client:
    client = Client()
    client.login(username=admin_user_.username, password=PASSWORD)
    return client


def _texts(model, **states) -> dict[str, int]:
    """One row per kind: done, failed, fresh pending, stuck pending, stuck running."""
    make = ArticleFactory if model is Article else TranslationFactory
    extra = {"title": "Перевод", "body": "Текст перевода."} if model is Translation else {}
    rows = {
        "done": make(extraction_state=ExtractionState.DONE, **extra),
        "failed": make(
            extraction_state=ExtractionState.FAILED,
            extraction_error="ValueError: the tagger choked on paragraph 3\nTraceback: ...",
            **extra,
        ),
        "pending": make(extraction_state=ExtractionState.PENDING, **extra),
        "stuck_pending": make(extraction_state=ExtractionState.PENDING, **extra),
        "stuck_running": make(extraction_state=ExtractionState.RUNNING, **extra),
    }
    long_ago = timezone.now() - LONG_AGO
    model.objects.filter(pk=rows["stuck_pending"].pk).update(updated_at=long_ago)
    model.objects.filter(pk=rows["stuck_running"].pk).update(extraction_started_at=long_ago)
    return {name: row.pk for name, row in rows.items()}


CHANGELISTS = [(Article, "admin:articles_article_changelist")]
CHANGELISTS += [(Translation, "admin:articles_translation_changelist")]


@pytest.mark.parametrize(("model", "changelist"), CHANGELISTS)
@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        ("any", {"failed", "stuck_pending", "stuck_running"}),
        ("failed", {"failed"}),
        ("stuck", {"stuck_pending", "stuck_running"}),
    ],
)
def test_the_changelist_filters_failed_and_stuck_extractions(
    admin_client_, model, changelist, problem, expected, django_assert_max_num_queries
) -> None:
    rows = _texts(model)
    # Session, user, the rows, counts and the filters' choices: not one query per row.
    with django_assert_max_num_queries(13):
        response = admin_client_.get(reverse(changelist), {"extraction_problem": problem})
    assert response.status_code == 200
    shown = {row.pk for row in response.context["cl"].result_list}
    assert shown == {rows[name] for name in expected}


@pytest.mark.parametrize(("model", "changelist"), CHANGELISTS)
def test_the_changelist_shows_the_error_of_a_failed_extraction(
    admin_client_, model, changelist
) -> None:
    _texts(model)
    response = admin_client_.get(reverse(changelist), {"extraction_problem": "failed"})
    content = response.content.decode()
    assert "failed: ValueError: the tagger choked on paragraph 3" in content
    assert "Failed or stuck" in content  # the filter is offered


@pytest.mark.parametrize(("model", "changelist"), CHANGELISTS)
def test_rerun_queues_the_selected_extractions_again(
    admin_client_, model, changelist, django_capture_on_commit_callbacks
) -> None:
    rows = _texts(model)
    selected = [rows["failed"], rows["stuck_running"]]
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client_.post(
            reverse(changelist),
            {"action": "rerun_extraction", "_selected_action": selected},
            follow=True,
        )
    assert response.status_code == 200
    noun = "articles" if model is Article else "translations"
    assert f"2 {noun} queued for extraction." in response.content.decode()
    assert len([c for c in callbacks if "enqueue" in c.__qualname__]) == 2
    states = dict(model.objects.filter(pk__in=selected).values_list("pk", "extraction_state"))
    assert set(states.values()) == {ExtractionState.PENDING}
    assert not model.objects.filter(pk__in=selected).exclude(extraction_error="").exists()
    untouched = model.objects.get(pk=rows["done"])
    assert untouched.extraction_state == ExtractionState.DONE


def test_rerun_skips_a_translation_without_text(admin_client_) -> None:
    empty = TranslationFactory(title="", body="", extraction_state=ExtractionState.FAILED)
    response = admin_client_.post(
        reverse("admin:articles_translation_changelist"),
        {"action": "rerun_extraction", "_selected_action": [empty.pk]},
        follow=True,
    )
    assert "0 translations queued for extraction." in response.content.decode()
    assert Translation.objects.get(pk=empty.pk).extraction_state == ExtractionState.FAILED


@pytest.mark.parametrize(("model", "changelist"), CHANGELISTS)
def test_only_staff_see_the_monitoring(model, changelist, editor) -> None:
    client = Client()
    client.login(username=editor.username, password=PASSWORD)
    response = client.get(reverse(changelist), {"extraction_problem": "any"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]

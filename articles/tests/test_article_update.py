"""article_update: optimistic locking, duplicates, re-extraction on text change."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from articles.models import Article
from articles.services import (
    ArticleVersionConflict,
    DuplicateArticleError,
    article_update,
)
from articles.tests.factories import ArticleFactory
from articles.text import content_hash
from conftest import extraction_callbacks, require_service

pytestmark = pytest.mark.django_db


def test_update_bumps_version_and_records_editor(editor):
    article = ArticleFactory()
    updated = article_update(
        article_id=article.pk, expected_version=1, updated_by=editor, byline="Жаңа автор"
    )
    assert (updated.version, updated.byline, updated.updated_by) == (2, "Жаңа автор", editor)
    assert updated.extraction_state == "done"  # metadata only: no re-extraction


def test_text_change_rehashes_and_queues_extraction(django_capture_on_commit_callbacks):
    article = ArticleFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        updated = article_update(article_id=article.pk, expected_version=1, body="Жаңа  мәтін.")
    assert updated.body == "Жаңа мәтін."
    assert updated.content_hash == content_hash(updated.title, "Жаңа мәтін.")
    assert updated.extraction_state == "pending"
    assert len(extraction_callbacks(callbacks)) == 1


def test_stale_version_is_refused_and_nothing_written():
    article = ArticleFactory(byline="Бірінші")
    article_update(article_id=article.pk, expected_version=1, byline="Екінші")
    with pytest.raises(ArticleVersionConflict) as conflict:
        article_update(article_id=article.pk, expected_version=1, byline="Үшінші")
    assert conflict.value.current.byline == "Екінші"
    assert "version 1" in str(conflict.value)
    assert Article.objects.get(pk=article.pk).byline == "Екінші"


def test_no_change_keeps_the_version():
    article = ArticleFactory()
    assert (
        article_update(article_id=article.pk, expected_version=1, title=article.title).version == 1
    )


def test_text_that_duplicates_another_article_is_refused():
    first, second = ArticleFactory(), ArticleFactory()
    with pytest.raises(DuplicateArticleError):
        article_update(article_id=second.pk, expected_version=1, title=first.title, body=first.body)
    assert Article.objects.get(pk=second.pk).version == 1


def test_setting_language_locks_it_and_rejects_unknown():
    article = ArticleFactory(language="kk")
    assert article_update(article_id=article.pk, expected_version=1, language="ru").language_locked
    with pytest.raises(ValueError, match="Unknown language"):
        article_update(article_id=article.pk, expected_version=2, language="de")
    with pytest.raises(ValueError, match="cannot be edited"):
        article_update(article_id=article.pk, expected_version=2, content_hash="x")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_exactly_one_wins():
    require_service(connection.vendor == "postgresql", "the database is not PostgreSQL")
    article = ArticleFactory()
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def save(n: int) -> None:
        barrier.wait()
        try:
            article_update(article_id=article.pk, expected_version=1, byline=f"editor {n}")
            outcomes.append("saved")
        except ArticleVersionConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 7 + ["saved"]
    assert Article.objects.get(pk=article.pk).version == 2

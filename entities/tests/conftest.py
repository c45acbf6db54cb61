"""Fixtures for extraction tests: the seed articles imported with extraction run in-process."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from articles.importing import ImportFile
from articles.models import Article, ImportBatch
from articles.services import articles_import
from entities.linking.keys import lookup_key
from entities.models import Alias, Entity

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
# 000 says «Бүгін, 19:52»: resolve it against a fixed day so the test means the same forever.
IMPORTED_AT = datetime(2025, 9, 5, 21, 0, tzinfo=ZoneInfo("Asia/Almaty"))


def seed_file(prefix: str) -> ImportFile:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return ImportFile(path.name, path.read_bytes())


def entity_named(text: str) -> Entity:
    """The one knowledge-base entity with this name or alias."""
    [entity] = {alias.entity for alias in Alias.objects.filter(key=lookup_key(text))}
    return entity


@pytest.fixture
def import_articles(django_capture_on_commit_callbacks):
    """Import files and run their extraction (as the eager task does after commit)."""

    def run(*files: ImportFile) -> list[Article]:
        with django_capture_on_commit_callbacks(execute=True):
            _batch, results = articles_import(
                files=files, channel=ImportBatch.Channel.COMMAND, now=IMPORTED_AT
            )
        return [Article.objects.get(pk=r.article.pk) for r in results]

    return run


@pytest.fixture
def seed_articles(import_articles) -> dict[str, Article]:
    articles = import_articles(seed_file("000"), seed_file("003"), seed_file("004"))
    return dict(zip(("000", "003", "004"), articles, strict=True))

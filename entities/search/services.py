"""Keeping the search index true (stub: the search work fills this in)."""

from __future__ import annotations

from django.db import models


def search_document_update(*, owner: models.Model) -> None:
    """(Re)index one article or translation."""

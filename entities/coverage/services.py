"""Keeping the coverage rows (``EntityCoverage``) true (stub: the coverage work fills this in)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


def coverage_refresh(*, owner: models.Model) -> None:
    """Rebuild the coverage rows of one article or translation from its mentions."""


def coverage_refresh_for_entities(*, entity_ids: Iterable[int]) -> None:
    """Rebuild the rows of every text mentioning these entities (after a merge or split)."""

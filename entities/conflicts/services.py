"""Detecting figures that disagree (stub: the conflicts work fills this in)."""

from __future__ import annotations


def figure_conflicts_detect(*, story_id: int) -> int:
    """Find the conflicting figures between the articles of a story; returns how many are
    open. Idempotent (conflicts are identified by fingerprint)."""
    return 0

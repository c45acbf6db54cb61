"""The decisions on a conflicting figure: explained (with words), reopened."""

from __future__ import annotations

import pytest

from entities.conflicts.models import FigureConflict
from entities.conflicts.services import (
    ConflictError,
    figure_conflict_explain,
    figure_conflict_reopen,
)
from entities.tests.test_conflicts_views import make_conflict

pytestmark = pytest.mark.django_db
Status = FigureConflict.Status


def test_explain_service_requires_words_and_an_open_or_explained_conflict(editor) -> None:
    conflict = make_conflict()
    with pytest.raises(ConflictError):
        figure_conflict_explain(conflict=conflict, explanation=" \n ", user=editor)
    conflict.refresh_from_db()
    assert conflict.status == Status.OPEN

    figure_conflict_explain(conflict=conflict, explanation="First phase only.", user=editor)
    figure_conflict_explain(conflict=conflict, explanation="Revised in May.", user=editor)
    conflict.refresh_from_db()
    assert (conflict.status, conflict.explanation) == (Status.EXPLAINED, "Revised in May.")

    gone = make_conflict(status=Status.GONE)
    with pytest.raises(ConflictError):
        figure_conflict_explain(conflict=gone, explanation="x", user=editor)


def test_reopen_service(editor) -> None:
    conflict = make_conflict()
    with pytest.raises(ConflictError):
        figure_conflict_reopen(conflict=conflict, user=editor)
    figure_conflict_explain(conflict=conflict, explanation="Two phases.", user=editor)
    figure_conflict_reopen(conflict=conflict, user=editor)
    conflict.refresh_from_db()
    assert (conflict.status, conflict.explanation, conflict.explained_at) == (
        Status.OPEN,
        "",
        None,
    )


def test_explain_does_not_overwrite_a_conflict_gone_meanwhile(editor) -> None:
    """The page showed it open; detection marked it gone before the form was sent."""
    conflict = make_conflict()
    FigureConflict.objects.filter(pk=conflict.pk).update(status=Status.GONE)
    with pytest.raises(ConflictError):
        figure_conflict_explain(conflict=conflict, explanation="Checked.", user=editor)
    conflict.refresh_from_db()
    assert (conflict.status, conflict.explanation, conflict.explained_by) == (
        Status.GONE,
        "",
        None,
    )

"""Conflicting figures on other pages.

``{% story_conflicts story %}``: the story's conflicts still in the texts, compactly (one
query whatever their number). ``{% open_conflicts_count %}``: how many conflicts wait for a
fact-checker (one query), for the navigation and dashboards."""

from __future__ import annotations

from django import template

from entities.conflicts import selectors

register = template.Library()

STORY_CONFLICTS_SHOWN = 10


@register.inclusion_tag("entities/conflicts/_story_conflicts.html")
def story_conflicts(story) -> dict:
    """``story`` is a Story or its id."""
    story_id = getattr(story, "pk", story)
    conflicts = selectors.story_conflicts(story_id=story_id, limit=STORY_CONFLICTS_SHOWN)
    return {
        "story_id": story_id,
        "conflicts": conflicts[:STORY_CONFLICTS_SHOWN],
        "has_more": len(conflicts) > STORY_CONFLICTS_SHOWN,
    }


@register.simple_tag
def open_conflicts_count() -> int:
    return selectors.open_conflicts_count()

"""Coverage reads (stub: the coverage work fills this in)."""

from __future__ import annotations

from entities.coverage.charts import Chart


def entity_timeline(*, entity_id: int, period: str = "week") -> Chart:
    """Mentions of one entity over time, one series per language (for the entity page)."""
    return Chart(title="", labels=[])

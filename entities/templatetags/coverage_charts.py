"""``{% line_chart chart %}`` and ``{% bar_chart chart %}``: a ``Chart`` drawn as inline SVG,
followed by its numbers as a table (see ``entities.coverage.charts`` for why SVG drawn on the
server)."""

from __future__ import annotations

import itertools

from django import template

from entities.coverage.charts import Chart, bar_layout, chart_summary, line_layout

register = template.Library()

# Element ids of the charts (aria-labelledby): unique in a page, whatever renders it.
_ids = itertools.count(1)


def _context(chart: Chart, kind: str) -> dict:
    context = {
        "chart": chart,
        "kind": kind,
        "chart_id": f"chart-{next(_ids)}",
        "summary": chart_summary(chart, kind),
        "layout": None,
    }
    if not chart.is_empty:
        context["layout"] = line_layout(chart) if kind == "line" else bar_layout(chart)
    return context


@register.inclusion_tag("entities/coverage/_chart.html")
def line_chart(chart: Chart) -> dict:
    return _context(chart, "line")


@register.inclusion_tag("entities/coverage/_chart.html")
def bar_chart(chart: Chart) -> dict:
    return _context(chart, "bar")

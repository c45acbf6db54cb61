"""Chart data (what the chart template tags draw) and its layout as server-side SVG.

Why SVG drawn on the server, with no JavaScript and no charting library:
- offline: the desk's machines and the app work without the internet; there is nothing to
  fetch from a CDN and nothing to vendor, update or audit;
- printable: the SVG is part of the HTML, so it prints sharp (vector) with the page, in
  colour or in grey (series differ by dash pattern and marker shape, not colour alone);
- CSP-safe: no script and no inline ``style`` attribute; geometry is presentation attributes
  and the colours are classes of ``static/css/coverage.css``;
- accessible: each chart has a title and a text summary for screen readers, and is followed by
  its numbers as a real table (the numbers are the chart's truth; the drawing is an aid).

The layout functions compute every coordinate here, in Python; the template only writes them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass
class Series:
    name: str  # e.g. "kk", or a source's name
    values: list[int]  # one per label of the chart
    url: str = ""  # where the series links (articles list filtered), optional


@dataclass
class Chart:
    title: str
    labels: list[str]  # the x axis (periods) or the bars' categories
    series: list[Series] = field(default_factory=list)
    unit: str = ""  # what the numbers count, e.g. "mentions"
    label_title: str = ""  # what the labels are ("Week", "Source"): the table's first column

    @property
    def is_empty(self) -> bool:
        return not self.labels or not any(any(s.values) for s in self.series)

    @property
    def rows(self) -> list[tuple[str, list[int], int]]:
        """The table: each label with its value in every series, and their total."""
        columns = [s.values for s in self.series]
        return [
            (label, [c[i] for c in columns], sum(c[i] for c in columns))
            for i, label in enumerate(self.labels)
        ]

    @property
    def totals(self) -> list[int]:
        return [sum(s.values) for s in self.series]

    @property
    def total(self) -> int:
        return sum(self.totals)


# -- layout ----------------------------------------------------------------------------------
# Coordinates are strings with a dot ("12.5"): a template would localise a float ("12,5" in
# Kazakh and Russian), which SVG does not read.

WIDTH = 720
SERIES_STYLES = 8  # coverage.css has .series-0 … .series-7 (colour, dash pattern)
MARKERS = ("circle", "square", "triangle", "diamond")
MAX_MARKED_POINTS = 60  # more points than this: the line alone (the table has the numbers)
MAX_X_LABELS = 10


def _n(value: float) -> str:
    return f"{value:.1f}"


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def nice_ticks(highest: float, count: int = 5) -> list[int]:
    """0 and round steps (1, 2, 5 × 10ⁿ) up to at least ``highest``."""
    if highest <= 0:
        return [0, 1]
    raw = highest / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = max(1, int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)))
    top = math.ceil(highest / step) * step
    return list(range(0, top + 1, step))


@dataclass
class Tick:
    position: str
    label: str
    anchor: str = "middle"


@dataclass
class Point:
    x: str
    y: str
    value: int
    label: str
    shape: str  # points of a polygon marker ("" for a circle)


@dataclass
class LegendEntry:
    name: str
    css: str
    url: str = ""
    shape: str = ""  # the marker in the 30×12 key ("" for a circle)
    marker: str = ""  # "" for bars: the key is a filled box


@dataclass
class LineSeriesLayout:
    name: str
    css: str
    points: list[Point]
    path: str


@dataclass
class LineLayout:
    width: int
    height: int
    left: str
    right: str
    bottom: str
    y_label_x: str
    x_label_y: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    series: list[LineSeriesLayout]
    legend: list[LegendEntry]
    marked: bool


def _marker_shape(marker: str, x: float, y: float, size: float = 4.0) -> str:
    if marker == "square":
        corners = [(x - size, y - size), (x + size, y - size), (x + size, y + size)]
        corners.append((x - size, y + size))
    elif marker == "triangle":
        corners = [(x, y - size - 1), (x + size + 1, y + size), (x - size - 1, y + size)]
    elif marker == "diamond":
        corners = [(x, y - size - 1), (x + size + 1, y), (x, y + size + 1), (x - size - 1, y)]
    else:
        return ""
    return " ".join(f"{_n(cx)},{_n(cy)}" for cx, cy in corners)


def line_layout(chart: Chart, *, height: int = 280) -> LineLayout:
    # The right margin leaves room for half of the last x label (centred on its point).
    left, right, top, bottom = 56.0, WIDTH - 36.0, 14.0, height - 34.0
    highest = max((v for s in chart.series for v in s.values), default=0)
    ticks = nice_ticks(highest)
    scale_top = ticks[-1] or 1
    n = len(chart.labels)

    def x_at(i: int) -> float:
        return (left + right) / 2 if n == 1 else left + i * (right - left) / (n - 1)

    def y_at(value: float) -> float:
        return bottom - value * (bottom - top) / scale_top

    every = max(1, math.ceil(n / MAX_X_LABELS))
    series, legend = [], []
    for index, s in enumerate(chart.series):
        marker = MARKERS[index % len(MARKERS)]
        css = f"series-{index % SERIES_STYLES}"
        points = []
        for i, (label, value) in enumerate(zip(chart.labels, s.values, strict=True)):
            x, y = x_at(i), y_at(value)
            points.append(Point(_n(x), _n(y), value, label, _marker_shape(marker, x, y)))
        series.append(
            LineSeriesLayout(
                name=s.name,
                css=css,
                points=points,
                path=" ".join(f"{p.x},{p.y}" for p in points),
            )
        )
        legend.append(LegendEntry(s.name, css, s.url, _marker_shape(marker, 15, 6, 3.0), marker))
    return LineLayout(
        width=WIDTH,
        height=height,
        left=_n(left),
        right=_n(right),
        bottom=_n(bottom),
        y_label_x=_n(left - 6),
        x_label_y=_n(bottom + 18),
        y_ticks=[Tick(_n(y_at(t)), _thousands(t)) for t in ticks],
        x_ticks=[
            Tick(_n(x_at(i)), label) for i, label in enumerate(chart.labels) if i % every == 0
        ],
        series=series,
        legend=legend,
        marked=n <= MAX_MARKED_POINTS,
    )


@dataclass
class Bar:
    x: str
    y: str
    width: str
    height: str
    value: int
    series: str
    css: str
    value_x: str
    value_y: str


@dataclass
class BarGroup:
    label: str
    short_label: str
    label_y: str
    bars: list[Bar]


@dataclass
class BarLayout:
    width: int
    height: int
    left: str
    top: str
    bottom: str
    label_x: str
    tick_label_y: str
    x_ticks: list[Tick]
    groups: list[BarGroup]
    legend: list[LegendEntry]


BAR_HEIGHT = 12.0
BAR_GAP = 2.0
GROUP_GAP = 12.0
LABEL_CHARS = 24


def bar_layout(chart: Chart) -> BarLayout:
    """Horizontal grouped bars: one group per label (long names stay readable), one bar per
    series in it, the value written after each bar."""
    left, right, top = 190.0, WIDTH - 56.0, 8.0
    shown = max(1, len(chart.series))
    group_height = shown * BAR_HEIGHT + (shown - 1) * BAR_GAP
    bottom = top + len(chart.labels) * (group_height + GROUP_GAP)
    highest = max((v for s in chart.series for v in s.values), default=0)
    ticks = nice_ticks(highest)
    scale = (right - left) / (ticks[-1] or 1)
    groups = []
    for i, label in enumerate(chart.labels):
        group_top = top + GROUP_GAP / 2 + i * (group_height + GROUP_GAP)
        bars = []
        for index, s in enumerate(chart.series):
            value = s.values[i]
            y = group_top + index * (BAR_HEIGHT + BAR_GAP)
            width = value * scale
            bars.append(
                Bar(
                    x=_n(left),
                    y=_n(y),
                    width=_n(width),
                    height=_n(BAR_HEIGHT),
                    value=value,
                    series=s.name,
                    css=f"series-{index % SERIES_STYLES}",
                    value_x=_n(left + width + 4),
                    value_y=_n(y + BAR_HEIGHT / 2),
                )
            )
        short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
        groups.append(BarGroup(label, short, _n(group_top + group_height / 2), bars))
    return BarLayout(
        width=WIDTH,
        height=int(bottom + 26),
        left=_n(left),
        top=_n(top),
        bottom=_n(bottom),
        label_x=_n(left - 8),
        tick_label_y=_n(bottom + 16),
        x_ticks=[Tick(_n(left + t * scale), _thousands(t)) for t in ticks],
        groups=groups,
        legend=[
            LegendEntry(s.name, f"series-{i % SERIES_STYLES}", s.url)
            for i, s in enumerate(chart.series)
        ],
    )


def chart_summary(chart: Chart, kind: str) -> str:
    """One sentence per series for screen readers: its total and its highest point."""
    if chart.is_empty:
        return _("No data for this period.")
    parts = []
    for s in chart.series:
        if not s.values:
            continue
        peak = max(range(len(s.values)), key=lambda i: (s.values[i], -i))
        parts.append(
            _("%(series)s: %(total)s in all, most (%(peak)s) at %(label)s.")
            % {
                "series": s.name,
                "total": sum(s.values),
                "peak": s.values[peak],
                "label": chart.labels[peak],
            }
        )
    if kind == "line":
        head = _("Line chart of %(unit)s from %(first)s to %(last)s.") % {
            "unit": chart.unit,
            "first": chart.labels[0],
            "last": chart.labels[-1],
        }
    else:
        head = _("Bar chart of %(unit)s for %(count)s categories.") % {
            "unit": chart.unit,
            "count": len(chart.labels),
        }
    return " ".join([head, *parts])

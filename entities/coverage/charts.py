"""Chart data: what the chart template tags draw (as server-side SVG) and print as a table."""

from __future__ import annotations

from dataclasses import dataclass, field


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

    @property
    def is_empty(self) -> bool:
        return not self.labels or not any(any(s.values) for s in self.series)

"""{% line_chart %} and {% bar_chart %}: SVG drawn on the server, followed by its numbers."""

from __future__ import annotations

import re

from django.template import Context, Template
from django.utils import translation

from entities.coverage.charts import Chart, Series, bar_layout, line_layout, nice_ticks


def render(tag: str, chart: Chart, language: str = "en") -> str:
    with translation.override(language):
        return Template("{% load coverage_charts %}{% " + tag + " chart %}").render(
            Context({"chart": chart})
        )


def languages_chart() -> Chart:
    return Chart(
        title="Mentions over time",
        labels=["2025-W35", "2025-W36", "2025-W37"],
        series=[
            Series("Kazakh", [1, 12345, 3], url="/articles/?language=kk"),
            Series("Russian", [0, 7, 2]),
        ],
        unit="mentions",
        label_title="Week",
    )


def test_line_chart_is_svg_with_a_table_of_its_numbers():
    html = render("line_chart", languages_chart())
    svg = html[html.index('<svg class="chart-svg"') : html.index("</svg>", html.index("chart-svg"))]
    assert 'role="img"' in svg
    assert "<title id=" in svg
    assert "<desc id=" in svg
    assert svg.count("<polyline") == 2
    assert 'class="chart-line series-0"' in svg
    assert 'class="chart-line series-1"' in svg
    assert "<title>Kazakh, 2025-W36: 12345</title>" in svg
    assert "Kazakh: 12349 in all, most (12345) at 2025-W36." in svg
    # The numbers, in a folded table on screen and a printed copy.
    assert html.count("<table") == 2
    assert "<details" in html
    assert 'class="chart-numbers print-only"' in html
    assert '<th scope="col">Week</th>' in html
    assert (
        '<tr><th scope="row">2025-W36</th><td class="number">12345</td><td class="number">7</td><td class="number">12352</td></tr>'
        in html
    )
    assert '<a href="/articles/?language=kk">Kazakh</a>' in html  # the legend links
    assert "style=" not in html
    assert "<script" not in html


def test_coordinates_are_not_localised():
    html = render("line_chart", languages_chart(), language="ru")
    points = re.findall(r'points="([^"]+)"', html)
    assert points
    assert all(re.fullmatch(r"[0-9. ,-]+", p) and ", " not in p for p in points)
    coordinates = re.findall(r'\b(?:x|y|cx|cy|x1|x2|y1|y2|width|height)="([^"]+)"', html)
    assert all(re.fullmatch(r"-?[0-9]+(\.[0-9])?", c) for c in coordinates), coordinates


def test_bar_chart():
    chart = Chart(
        title="Coverage by source",
        labels=["Zakon.kz", "A source with a very long name indeed"],
        series=[Series("Kazakh", [4, 0]), Series("Russian", [2, 9])],
        unit="texts",
        label_title="Source",
    )
    html = render("bar_chart", chart)
    svg = html[html.index('<svg class="chart-svg"') :]
    assert svg.count('<rect class="chart-bar') == 4
    assert html.count('<rect class="chart-bar') == 6  # and a key per series in the legend
    assert "<title>Zakon.kz, Russian: 2</title>" in html
    assert "A source with a very lo…" in html
    assert "<title>A source with a very long name indeed</title>" in html
    assert (
        '<tr><th scope="row">Zakon.kz</th><td class="number">4</td><td class="number">2</td><td class="number">6</td></tr>'
        in html
    )
    layout = bar_layout(chart)
    widths = [float(bar.width) for group in layout.groups for bar in group.bars]
    assert widths[3] == max(widths)  # 9 is the longest bar
    assert widths[2] == 0


def test_empty_chart():
    html = render("line_chart", Chart(title="Nothing", labels=["2025-W35"], series=[]))
    assert "No data for this period." in html
    assert "<svg" not in html


def test_scale_and_single_point():
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(3) == [0, 1, 2, 3]
    assert nice_ticks(37) == [0, 10, 20, 30, 40]
    assert nice_ticks(120) == [0, 50, 100, 150]
    single = line_layout(Chart(title="One", labels=["2025-09"], series=[Series("kk", [5])]))
    assert single.series[0].points[0].x == "370.0"  # centred
    many = Chart(title="Many", labels=[f"d{i}" for i in range(90)], series=[Series("kk", [1] * 90)])
    layout = line_layout(many)
    assert not layout.marked  # too many points for markers
    assert len(layout.x_ticks) == 10

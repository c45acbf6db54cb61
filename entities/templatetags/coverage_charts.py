"""``{% line_chart chart %}`` and ``{% bar_chart chart %}``: a Chart as SVG plus its table
(stub: the coverage work fills this in)."""

from django import template

register = template.Library()


@register.inclusion_tag("entities/coverage/_chart.html")
def line_chart(chart):
    return {"chart": chart, "kind": "line"}


@register.inclusion_tag("entities/coverage/_chart.html")
def bar_chart(chart):
    return {"chart": chart, "kind": "bar"}

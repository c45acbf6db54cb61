"""``{% search_box %}``: the small search form for the top bar, sending its words to the
search page (and showing them again while one is open)."""

from __future__ import annotations

from django import template

from entities.search.query import MAX_QUERY_LENGTH

register = template.Library()


@register.inclusion_tag("entities/search/_search_box.html", takes_context=True)
def search_box(context) -> dict:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    on_search_page = match is not None and match.view_name == "entities:search"
    q = request.GET.get("q", "") if on_search_page else ""
    return {"q": q[:MAX_QUERY_LENGTH], "max_length": MAX_QUERY_LENGTH}

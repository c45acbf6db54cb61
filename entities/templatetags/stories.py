"""``{% story_badge article %}``: the story an article is in, for the article page («Story:
<title> · N articles · kk ru»), with a link to the story. One query at most; nothing for an
article in no story, or for someone who may not see stories."""

from __future__ import annotations

from django import template

from entities.permissions import can_view_coverage
from entities.stories.selectors import LANGUAGES, story_badge_data

register = template.Library()


@register.inclusion_tag("entities/stories/_story_badge.html", takes_context=True)
def story_badge(context, article) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if article is None or getattr(article, "pk", None) is None:
        return {"story": None}
    if user is not None and not can_view_coverage(user):
        return {"story": None}
    story = story_badge_data(article_id=article.pk)
    languages = [code for code in LANGUAGES if story and getattr(story, f"has_{code}")]
    return {"story": story, "languages": languages}

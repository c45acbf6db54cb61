"""Story clustering and editors' story decisions (stub: the stories work fills this in)."""

from __future__ import annotations

from articles.models import Article
from entities.stories.models import StoryArticle


def story_assign(*, article: Article) -> StoryArticle | None:
    """Place an extracted article in the story it belongs to (or a new one). Idempotent;
    never moves an article an editor placed."""
    return None

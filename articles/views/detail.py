"""The article page: text with every extracted span highlighted, the review panel, the
side list of entities, workflow, assignment, comments and who else is editing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from articles import selectors, workflow
from articles.collaboration import presence_others
from entities.models import EntityType
from entities.rendering import article_text
from entities.selectors import document_spans, summary_from_spans


def article_page_context(request: HttpRequest, article) -> dict:
    user = request.user
    language = (get_language() or "en")[:2]
    # One fetch of the spans (four queries) serves both the highlighted text and the side list.
    spans = document_spans(owner=article)
    latin = request.GET.get("script") == "latn" and article.language == "kk"
    return {
        "article": article,
        # Kazakh in the 2021 Latin alphabet: read-only text (spans are reviewed in Cyrillic).
        "latin": latin,
        "text": article_text(owner=article, spans=spans, language=language),
        "extraction": summary_from_spans(spans, language=language),
        "steps": workflow.steps_available(user, article),
        "can_edit": workflow.can_edit_article(user, article),
        "can_review": workflow.can_review_spans(user),
        "can_create_entities": workflow.can_create_entities(user),
        "can_assign": workflow.can_assign(user),
        "can_comment": workflow.can_comment(user),
        "comments": selectors.article_comments(article=article),
        "assignable_users": selectors.assignable_users() if workflow.can_assign(user) else [],
        "editing_now": presence_others(article_id=article.pk, user=user),
        "entity_types": EntityType.choices,
    }


@login_required
@require_safe
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(selectors.articles_visible_to(request.user), pk=pk)
    return render(request, "articles/article_detail.html", article_page_context(request, article))

"""Template tags of the translation desk.

``{% load translation_tags %}{% translation_panel article %}`` on the article page: the
article's translations and, for editors, the form to request one. The tag reads what it needs
itself (one query for the translations, two more for editors: the translators and reviewers to
choose from), so the article view needs no change."""

from __future__ import annotations

from django import template
from django.utils import timezone

from articles.models import Language, TranslationStatus
from articles.roles import sees_all_articles
from articles.translation_forms import TranslationRequestForm
from articles.translations.selectors import article_translations
from articles.translations.services import can_request_translation

register = template.Library()


@register.inclusion_tag("articles/_translation_panel.html", takes_context=True)
def translation_panel(context, article) -> dict:
    request = context.get("request")
    user = request.user if request is not None else None
    translations = article_translations(article=article) if user is not None else []
    if user is not None and not sees_all_articles(user):
        translations = [t for t in translations if t.translator_id == user.pk]
    can_request = user is not None and can_request_translation(user)
    taken = {t.language for t in translations} | {article.language}
    languages = [(code, label) for code, label in Language.choices if code not in taken]
    form = None
    if can_request and article.language and languages:
        form = TranslationRequestForm(initial={"language": languages[0][0]})
        form.fields["language"].choices = languages
    return {
        "article": article,
        "translations": translations,
        "can_request": can_request,
        "request_form": form,
        "csrf_token": context.get("csrf_token"),
        "request": request,
        "is_kazakh": article.language == Language.KAZAKH,
        "now": timezone.now(),
    }


@register.filter
def overdue(translation, now) -> bool:
    """Past its due date and not yet approved or published."""
    return bool(
        translation.due_at
        and now
        and translation.due_at < now
        and translation.status not in (TranslationStatus.APPROVED, TranslationStatus.PUBLISHED)
    )

"""The mention review panel of the article page (htmx): show a span, confirm, reject or reopen
it, change a mention's type, link it to an entity (search as you type) or to a new one, and
mark a mention the extractor missed. Each action is one POST calling the span services; the
answer is the panel again, with the highlighted text and the side list swapped out of band."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from articles.forms import form_errors_text
from articles.models import Article
from articles.selectors import articles_visible_to
from articles.workflow import can_create_entities, can_review_spans
from entities import services
from entities.models import Entity, EntityType, ExtractedSpan, Mention, ReviewStatus, SpanField
from entities.rendering import article_text
from entities.selectors import (
    SPAN_KINDS,
    document_spans,
    entity_search,
    span_visible_to,
    summary_from_spans,
)

PANEL_TEMPLATE = "entities/_mention_panel.html"


def _ui_language() -> str:
    return (get_language() or "en")[:2]


def _span_or_404(request: HttpRequest, kind: str, pk: int) -> ExtractedSpan:
    span = span_visible_to(user=request.user, kind=kind, pk=pk)
    if span is None:
        raise Http404(_("No such span on an article you can see."))
    return span


def _kind_of(span: ExtractedSpan) -> str:
    return next(kind for kind, model in SPAN_KINDS.items() if isinstance(span, model))


def _panel_context(request: HttpRequest, span: ExtractedSpan | None, **extra) -> dict:
    user = request.user
    article = extra.pop("article", None) or span.article
    context = {
        "span": span,
        "kind": _kind_of(span) if span is not None else "",
        "article": article,
        "can_review": can_review_spans(user),
        "can_create_entities": can_create_entities(user),
        "entity_types": EntityType.choices,
        "review_statuses": ReviewStatus,
        "ui_language": _ui_language(),
        **extra,
    }
    if isinstance(span, Mention):
        language = article.language if article.language in ("kk", "ru", "en") else "en"
        context["new_entity_names"] = [
            (code, label, span.text if code == language else "")
            for code, label in (("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English")))
        ]
    return context


def _refused(
    request: HttpRequest, span: ExtractedSpan | None, message: str, article: Article | None = None
) -> HttpResponse:
    """400: the panel again (nothing was written), with the message on top."""
    context = _panel_context(request, span, error=message, article=article)
    return render(request, PANEL_TEMPLATE, context, status=400)


def _done(request: HttpRequest, span: ExtractedSpan) -> HttpResponse:
    """After an action: htmx gets the span's panel plus the text and the side list, redrawn;
    a plain form post goes back to the article."""
    article = span.article
    if not request.htmx:
        return redirect("articles:detail", pk=article.pk)
    language = _ui_language()
    spans = document_spans(owner=article)
    kind = _kind_of(span)
    # The panel shows the span as just fetched with the rest (its relations joined).
    fresh = next((s for k, s in spans.all() if k == kind and s.pk == span.pk), span)
    fresh.article = article
    context = _panel_context(request, fresh)
    context.update(
        oob=True,
        text=article_text(owner=article, spans=spans, language=language),
        extraction=summary_from_spans(spans, language=language),
    )
    return render(request, "entities/_review_response.html", context)


def _require_reviewer(request: HttpRequest) -> None:
    if not can_review_spans(request.user):
        raise PermissionDenied(_("Your role may not review extracted spans."))


# -- reading --------------------------------------------------------------------------------


@login_required
@require_GET
def span_panel(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    span = _span_or_404(request, kind, pk)
    return render(request, PANEL_TEMPLATE, _panel_context(request, span))


@login_required
@require_GET
def mention_entity_search(request: HttpRequest, pk: int) -> HttpResponse:
    """Entities to link a mention to, for the panel's search box."""
    mention = _span_or_404(request, "mention", pk)
    query = request.GET.get("q", "").strip()[:200]
    entity_type = request.GET.get("type", "")
    results = entity_search(q=query, entity_type=entity_type) if query else []
    return render(
        request,
        "entities/_entity_search_results.html",
        {
            "mention": mention,
            "query": query,
            "results": results,
            "can_review": can_review_spans(request.user),
            "ui_language": _ui_language(),
        },
    )


@login_required
@require_safe
def entity_options(request: HttpRequest) -> HttpResponse:
    """``<option>``s of entities whose names or aliases match ``entity`` (or ``q``), for a
    ``<datalist>`` filled as the user types (the article list's entity filter)."""
    query = (request.GET.get("entity") or request.GET.get("q") or "").strip()[:200]
    results = entity_search(q=query) if len(query) >= 2 else []
    return render(
        request,
        "entities/_entity_options.html",
        {"options": [(entity.name_in(_ui_language()), entity) for entity in results]},
    )


# -- decisions ------------------------------------------------------------------------------


@login_required
@require_POST
def span_review(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    span = _span_or_404(request, kind, pk)
    _require_reviewer(request)
    status = request.POST.get("status", "")
    if status not in ReviewStatus.values:
        return _refused(
            request,
            span,
            _("Unknown decision «%(status)s»; expected confirmed, rejected or suggested.")
            % {"status": status},
        )
    services.span_review(span=span, status=status, user=request.user)
    return _done(request, span)


@login_required
@require_POST
def mention_retype(request: HttpRequest, pk: int) -> HttpResponse:
    mention = _span_or_404(request, "mention", pk)
    _require_reviewer(request)
    entity_type = request.POST.get("type", "")
    if entity_type not in EntityType.values:
        return _refused(
            request,
            mention,
            _("Unknown type «%(type)s»; expected PER, ORG or LOC.") % {"type": entity_type},
        )
    services.mention_retype(mention=mention, entity_type=entity_type, user=request.user)
    return _done(request, mention)


@login_required
@require_POST
def mention_link(request: HttpRequest, pk: int) -> HttpResponse:
    mention = _span_or_404(request, "mention", pk)
    _require_reviewer(request)
    raw_id = request.POST.get("entity", "")
    entity = Entity.objects.filter(pk=int(raw_id)).first() if raw_id.isdigit() else None
    if entity is None:
        return _refused(
            request, mention, _("There is no entity with id «%(id)s».") % {"id": raw_id}
        )
    services.mention_link_to(mention=mention, entity=entity, user=request.user)
    return _done(request, mention)


class EntityCreateForm(forms.Form):
    type = forms.ChoiceField(
        choices=EntityType.choices,
        error_messages={"invalid_choice": gettext_lazy("Choose Person, Organisation or Place.")},
    )
    name_kk = forms.CharField(max_length=300, required=False, strip=True)
    name_ru = forms.CharField(max_length=300, required=False, strip=True)
    name_en = forms.CharField(max_length=300, required=False, strip=True)

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f"name_{language}") for language in ("kk", "ru", "en")):
            raise forms.ValidationError(_("Give the new entity a name in at least one language."))
        return cleaned


@login_required
@require_POST
def mention_entity_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new knowledge-base entity named after the mention, linked to it."""
    mention = _span_or_404(request, "mention", pk)
    _require_reviewer(request)
    if not can_create_entities(request.user):
        raise PermissionDenied(_("Only editors add entities to the knowledge base."))
    form = EntityCreateForm(request.POST)
    if not form.is_valid():
        return _refused(request, mention, form_errors_text(form))
    data = form.cleaned_data
    services.mention_link_to_new_entity(
        mention=mention,
        entity_type=data["type"],
        names={language: data[f"name_{language}"] for language in ("kk", "ru", "en")},
        user=request.user,
    )
    return _done(request, mention)


class MentionAddForm(forms.Form):
    field = forms.ChoiceField(
        choices=SpanField.choices,
        error_messages={"invalid_choice": gettext_lazy("Select words in the title or the body.")},
    )
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=1)
    text = forms.CharField(max_length=500, strip=False)
    type = forms.ChoiceField(
        choices=EntityType.choices,
        error_messages={"invalid_choice": gettext_lazy("Choose Person, Organisation or Place.")},
    )

    def __init__(self, *args, article: Article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        field, start, end = cleaned["field"], cleaned["start"], cleaned["end"]
        text = getattr(self.article, field)
        if not start < end <= len(text):
            raise forms.ValidationError(
                _("The selection %(start)s–%(end)s is outside the %(field)s.")
                % {"start": start, "end": end, "field": SpanField(field).label.lower()}
            )
        if text[start:end] != cleaned["text"]:
            raise forms.ValidationError(
                _("The text changed since you selected it; reload the article and select again.")
            )
        if not cleaned["text"].strip():
            raise forms.ValidationError(_("Select some words, not only spaces."))
        return cleaned


@login_required
@require_POST
def mention_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A mention the extractor missed, from words the reviewer selected in the text."""
    article = get_object_or_404(articles_visible_to(request.user), pk=pk)
    _require_reviewer(request)
    form = MentionAddForm(request.POST, article=article)
    if not form.is_valid():
        return _refused(request, None, form_errors_text(form), article=article)
    data = form.cleaned_data
    try:
        mention = services.mention_add(
            owner=article,
            field=data["field"],
            start=data["start"],
            end=data["end"],
            entity_type=data["type"],
            entity=None,
            user=request.user,
            expected_text=data["text"],
        )
    except ValueError as exc:  # the text changed between the form's check and the write
        return _refused(request, None, str(exc), article=article)
    mention.article = article
    return _done(request, mention)

"""Entity pages, the entity list, the review queue of proposed entities, and editors'
curation actions (merge, split, aliases, names, confirm, undo).

Reading needs ``can_view_coverage`` (the desk: editors, reviewers, admins); changing needs
``can_curate`` (editors, admins). Every action is a POST that calls one service and redirects
back with a message; a refusal writes nothing and says why."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from articles.forms import form_errors_text
from articles.views.redirects import safe_next_url
from entities.coverage.selectors import entity_timeline
from entities.curation import selectors, services
from entities.curation.forms import (
    AliasForm,
    EntityEditForm,
    EntityFilterForm,
    MergeForm,
    ReasonForm,
    ReviewFilterForm,
    SplitForm,
)
from entities.curation.models import EntityCuration
from entities.models import Alias, Entity, EntityType
from entities.permissions import can_curate, can_view_coverage
from entities.selectors import entity_search

ARTICLES_PER_PAGE = 20
ENTITIES_PER_PAGE = 50
# Each proposal is shown with its likely duplicates, looked for by name keys, inflections and
# a fuzzy pass: ten a page keep the queue under 300 ms on 14,000 proposals and 100,000 aliases.
REVIEW_PER_PAGE = 10


# What a service raises when it refuses (nothing was written: its transaction rolled back).
# An IntegrityError means another editor changed the same rows at the same moment.
REFUSALS = (services.CurationError, IntegrityError)


def _refusal(exc: Exception) -> str:
    if isinstance(exc, IntegrityError):
        return _(
            "Another change to these entities was saved at the same moment; nothing was "
            "changed. Reload the page and try again."
        )
    return str(exc)


def _require_view(request: HttpRequest) -> None:
    if not can_view_coverage(request.user):
        raise PermissionDenied(_("Your role may not see the knowledge base pages."))


def _require_curate(request: HttpRequest) -> None:
    if not can_curate(request.user):
        raise PermissionDenied(_("Your role may not change the knowledge base."))


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Where the form came from (a safe local ``next``), else ``default``."""
    return HttpResponseRedirect(safe_next_url(request) or default)


def _entity_url(entity_id: int) -> str:
    return reverse("entities:entity", args=[entity_id])


# -- reading ---------------------------------------------------------------------------------


@login_required
@require_safe
def entity_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    form = EntityFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entities = selectors.entity_list(
        q=filters.get("q", ""),
        entity_type=filters.get("type", ""),
        status=filters.get("status", ""),
    )
    page = Paginator(entities, ENTITIES_PER_PAGE).get_page(request.GET.get("page"))
    counts = selectors.coverage_counts(entity_ids=[e.pk for e in page])
    for entity in page:
        entity.texts, entity.mention_total = counts.get(entity.pk, (0, 0))
    return render(
        request,
        "entities/curation/entity_list.html",
        {"form": form, "page": page, "can_curate": can_curate(request.user)},
    )


@login_required
@require_safe
def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    entity = selectors.entity_with_aliases(pk=pk)
    if entity is None:
        raise Http404(_("No such entity."))
    if entity.merged_into_id:
        final = selectors.entity_merge_end(entity=entity)
        messages.info(
            request,
            _("«%(merged)s» was merged into «%(kept)s»; this is the entity it became.")
            % {"merged": entity.display_name(), "kept": final.display_name()},
        )
        return redirect("entities:entity", pk=final.pk)
    texts = Paginator(
        selectors.entity_texts(entity_id=pk, user=request.user), ARTICLES_PER_PAGE
    ).get_page(request.GET.get("page"))
    curate = can_curate(request.user)
    merge_q = (request.GET.get("merge_q") or "").strip()[:200]
    merge_results = []
    if curate and merge_q:
        merge_results = [
            e for e in entity_search(q=merge_q, entity_type=entity.type) if e.pk != entity.pk
        ]
    history = selectors.entity_history(entity_id=pk)
    for record in history:
        record.can_undo = curate and services.curation_is_reversible(record)
    return render(
        request,
        "entities/curation/entity_detail.html",
        {
            "entity": entity,
            "timeline": entity_timeline(entity_id=pk),
            "texts": texts,
            "cooccurrence": selectors.entity_cooccurring(
                entity_id=pk, texts_total=texts.paginator.count
            ),
            "quotes": selectors.entity_quotes(entity_id=pk, user=request.user),
            "figures": selectors.entity_figures(entity_id=pk, user=request.user),
            "history": history,
            "can_curate": curate,
            "merge_q": merge_q,
            "merge_results": merge_results,
            "alias_form": AliasForm(),
            "entity_types": EntityType,
        },
    )


@login_required
@require_safe
def entity_review_queue(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    form = ReviewFilterForm(request.GET or None)
    entity_type = form.cleaned_data.get("type", "") if form.is_valid() else ""
    page = Paginator(
        selectors.proposed_entities(entity_type=entity_type), REVIEW_PER_PAGE
    ).get_page(request.GET.get("page"))
    entities = list(page)
    counts = selectors.coverage_counts(entity_ids=[e.pk for e in entities])
    for entity in entities:
        entity.mention_total = counts.get(entity.pk, (0, 0))[1]
    candidates = selectors.duplicate_candidates(entities=entities)
    rows = [(entity, candidates.get(entity.pk, [])) for entity in entities]
    return render(
        request,
        "entities/curation/review_queue.html",
        {"form": form, "page": page, "rows": rows, "can_curate": can_curate(request.user)},
    )


# -- changing --------------------------------------------------------------------------------


def _live_entity(pk: int) -> Entity:
    return get_object_or_404(Entity, pk=pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def entity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_curate(request)
    entity = _live_entity(pk)
    if entity.merged_into_id:
        messages.error(request, _("A merged entity is edited through the entity it became."))
        return redirect("entities:entity", pk=entity.pk)
    fields = ("name_kk", "name_ru", "name_en", "description", "wikidata_id", "gender")
    if request.method == "POST":
        form = EntityEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                record = services.entity_update(
                    entity=entity,
                    user=request.user,
                    reason=data["reason"],
                    **{name: data[name] for name in fields},
                )
            except REFUSALS as exc:
                form.add_error(None, _refusal(exc))
            else:
                if record is None:
                    messages.info(request, _("Nothing changed."))
                else:
                    messages.success(
                        request,
                        _("Saved the changes to «%(entity)s».") % {"entity": entity.display_name()},
                    )
                return redirect("entities:entity", pk=entity.pk)
        status = 400
    else:
        form = EntityEditForm(initial={name: getattr(entity, name) for name in fields})
        status = 200
    return render(
        request,
        "entities/curation/entity_edit.html",
        {"entity": entity, "form": form},
        status=status,
    )


@login_required
@require_POST
def entity_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _require_curate(request)
    entity = _live_entity(pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.entity_confirm(entity=entity, user=request.user, reason=reason)
    except REFUSALS as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(
            request,
            _("«%(entity)s» is now a confirmed entity of the knowledge base.")
            % {"entity": entity.display_name()},
        )
    return _back(request, _entity_url(entity.pk))


@login_required
@require_POST
def entity_merge(request: HttpRequest, pk: int) -> HttpResponse:
    _require_curate(request)
    source = _live_entity(pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return _back(request, _entity_url(source.pk))
    target = form.cleaned_data["target"]
    try:
        record = services.entity_merge(
            source=source, target=target, user=request.user, reason=form.cleaned_data["reason"]
        )
    except REFUSALS as exc:
        messages.error(request, _refusal(exc))
        return _back(request, _entity_url(source.pk))
    payload = record.payload
    messages.success(
        request,
        _(
            "Merged «%(source)s» into «%(target)s»: %(mentions)d mentions, %(quotes)d quotes "
            "and %(aliases)d aliases moved. You can undo this in the history below."
        )
        % {
            "source": payload["source"],
            "target": payload["target"],
            "mentions": len(payload["mentions"]),
            "quotes": len(payload["quotes"]),
            "aliases": len(payload["aliases_moved"]),
        },
    )
    # From the review queue, back to the queue; otherwise to the entity that was kept.
    return _back(request, _entity_url(record.other_id))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def entity_split(request: HttpRequest, pk: int) -> HttpResponse:
    _require_curate(request)
    entity = _live_entity(pk)
    if entity.merged_into_id:
        messages.error(request, _("A merged entity is split through the entity it became."))
        return redirect("entities:entity", pk=entity.pk)
    text = (request.GET.get("text") or "").strip()[:200]
    status = 200
    if request.method == "POST":
        form = SplitForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                new = services.entity_split(
                    entity=entity,
                    mention_ids=data["mentions"],
                    new_entity_fields={
                        "type": data["type"],
                        "name_kk": data["name_kk"],
                        "name_ru": data["name_ru"],
                        "name_en": data["name_en"],
                        "description": data["description"],
                    },
                    user=request.user,
                    reason=data["reason"],
                )
            except REFUSALS as exc:
                form.add_error(None, _refusal(exc))
            else:
                messages.success(
                    request,
                    _("Moved %(count)d mentions to the new entity «%(new)s».")
                    % {"count": len(data["mentions"]), "new": new.display_name()},
                )
                return redirect("entities:entity", pk=entity.pk)
        status = 400
    else:
        form = SplitForm(initial={"type": entity.type})
    checked = set(getattr(form, "cleaned_data", {}).get("mentions", []))
    mentions = selectors.entity_mentions_for_split(entity_id=pk, user=request.user, text=text)
    return render(
        request,
        "entities/curation/entity_split.html",
        {
            "entity": entity,
            "form": form,
            "mentions": mentions,
            "checked": checked,
            "text": text,
            "limit": selectors.SPLIT_MENTIONS_LIMIT,
        },
        status=status,
    )


@login_required
@require_POST
def alias_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_curate(request)
    entity = _live_entity(pk)
    form = AliasForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return _back(request, _entity_url(entity.pk))
    data = form.cleaned_data
    try:
        alias = services.entity_alias_add(
            entity=entity,
            text=data["text"],
            language=data["language"],
            kind=data["kind"],
            user=request.user,
            reason=data["reason"],
        )
    except REFUSALS as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _("Added the alias «%(alias)s».") % {"alias": alias.text})
    return _back(request, _entity_url(entity.pk))


@login_required
@require_POST
def alias_remove(request: HttpRequest, pk: int, alias_pk: int) -> HttpResponse:
    _require_curate(request)
    alias = get_object_or_404(Alias, pk=alias_pk, entity_id=pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    text = alias.text
    try:
        services.entity_alias_remove(alias=alias, user=request.user, reason=reason)
    except REFUSALS as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _("Removed the alias «%(alias)s».") % {"alias": text})
    return _back(request, _entity_url(pk))


@login_required
@require_POST
def curation_revert(request: HttpRequest, pk: int) -> HttpResponse:
    _require_curate(request)
    curation = get_object_or_404(EntityCuration, pk=pk)
    entity_id = curation.entity_id
    try:
        services.curation_revert(curation=curation, user=request.user)
    except REFUSALS as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(
            request,
            _("Undid «%(action)s».") % {"action": curation.get_action_display()},
        )
    return _back(request, _entity_url(entity_id))

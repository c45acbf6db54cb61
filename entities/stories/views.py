"""Story pages (the list and one story) and the editors' story actions. Reading is for the
desk (``can_view_coverage``); every action is a POST for editors (``can_curate``) that calls a
service and goes back to the story page with a message saying what happened or why not."""

from __future__ import annotations

from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from articles.models import Article, Language
from articles.selectors import articles_visible_to
from entities.permissions import can_curate, can_view_coverage
from entities.stories import selectors, services
from entities.stories.forms import (
    StoryFilterForm,
    StoryRenameForm,
    article_ids_from,
    story_id_from,
)
from entities.stories.models import Story, StoryArticle
from entities.stories.services import StoryActionError

PAGE_SIZE = 25


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Stories are for the desk's editors and reviewers."))


def _back(story: Story | int) -> HttpResponse:
    pk = story if isinstance(story, int) else story.pk
    return redirect(reverse("entities:story", args=[pk]))


@login_required
@require_safe
def story_list(request: HttpRequest) -> HttpResponse:
    _require(can_view_coverage(request.user))
    form = StoryFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound and form.is_valid() else {}
    page = Paginator(selectors.stories_list(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "entities/stories/story_list.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.story_rows(list(page.object_list)),
        },
    )


def _by_language(articles: list[Article]) -> list[tuple[str, str, list[Article]]]:
    groups: OrderedDict[str, list[Article]] = OrderedDict((code, []) for code in Language.values)
    groups[""] = []
    for article in articles:
        groups.setdefault(article.language, []).append(article)
    labels = dict(Language.choices)
    return [
        (code, str(labels.get(code, _("Language not known"))), items)
        for code, items in groups.items()
        if items
    ]


def _by_source(articles: list[Article]) -> list[tuple[str, list[int]]]:
    """Per source: how many of the story's articles it published in each language."""
    counts: dict[str, dict[str, int]] = {}
    for article in articles:
        name = article.source.name if article.source else _("No source")
        row = counts.setdefault(name, dict.fromkeys(Language.values, 0))
        if article.language in row:
            row[article.language] += 1
    return [
        (name, [row[code] for code in Language.values])
        for name, row in sorted(counts.items(), key=lambda item: item[0].casefold())
    ]


@login_required
@require_safe
def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(can_view_coverage(request.user))
    story = selectors.story_get(pk=pk)
    if story is None:
        raise Http404(_("No such story (it may have been merged into another one)."))
    articles = selectors.story_articles(story=story, user=request.user)
    curate = can_curate(request.user)
    return render(
        request,
        "entities/stories/story_detail.html",
        {
            "story": story,
            "articles": articles,
            "by_language": _by_language(articles),
            "by_source": _by_source(articles),
            "languages": Language.choices,
            "entities": selectors.story_entities(story=story),
            "timeline": selectors.story_timeline(articles),
            "decisions": selectors.story_decisions(story=story),
            "can_curate": curate,
            "merge_choices": selectors.stories_for_merge(story=story) if curate else [],
            "rename_form": StoryRenameForm(initial={"title": story.title}),
        },
    )


def _curated_story(request: HttpRequest, pk: int) -> Story:
    _require(can_curate(request.user))
    story = Story.objects.filter(pk=pk).first()
    if story is None:
        raise Http404(_("No such story (it may have been merged into another one)."))
    return story


@login_required
@require_POST
def story_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    story = _curated_story(request, pk)
    try:
        services.story_confirm(story=story, user=request.user)
    except StoryActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Story confirmed: clustering will keep its articles together."))
    return _back(story)


@login_required
@require_POST
def story_rename(request: HttpRequest, pk: int) -> HttpResponse:
    story = _curated_story(request, pk)
    form = StoryRenameForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(str(e) for e in form.errors.get("title", [])) or _("Invalid title.")
        messages.error(request, _("The story was not renamed: %(errors)s") % {"errors": errors})
        return _back(story)
    try:
        services.story_rename(story=story, title=form.cleaned_data["title"], user=request.user)
    except StoryActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Story renamed."))
    return _back(story)


@login_required
@require_POST
def story_split(request: HttpRequest, pk: int) -> HttpResponse:
    story = _curated_story(request, pk)
    ids = article_ids_from(request.POST.getlist("articles"))
    if ids is None:
        messages.error(request, _("The story was not split: the choice of articles is invalid."))
        return _back(story)
    try:
        new = services.story_split(story=story, article_ids=ids, user=request.user)
    except StoryActionError as error:
        messages.error(request, _("The story was not split: %(reason)s") % {"reason": error})
    else:
        count = len(set(ids))
        messages.success(
            request,
            ngettext(
                "%(count)d article moved into a new story, «%(title)s» (#%(id)d).",
                "%(count)d articles moved into a new story, «%(title)s» (#%(id)d).",
                count,
            )
            % {"count": count, "title": new.title, "id": new.pk},
        )
    return _back(story)


@login_required
@require_POST
def story_merge(request: HttpRequest, pk: int) -> HttpResponse:
    story = _curated_story(request, pk)
    other_id = story_id_from(request.POST.get("other_id")) or story_id_from(
        request.POST.get("other")
    )
    other = Story.objects.filter(pk=other_id).first() if other_id else None
    if other is None:
        messages.error(request, _("The stories were not merged: choose an existing story."))
        return _back(story)
    try:
        services.story_merge(story=story, other=other, user=request.user)
    except StoryActionError as error:
        messages.error(request, _("The stories were not merged: %(reason)s") % {"reason": error})
    else:
        messages.success(
            request,
            _("Story #%(id)d «%(title)s» merged into this one.")
            % {"id": other_id, "title": other.title},
        )
    return _back(story)


@login_required
@require_POST
def story_article_move(request: HttpRequest, article_pk: int) -> HttpResponse:
    _require(can_curate(request.user))
    article = get_object_or_404(articles_visible_to(request.user), pk=article_pk)
    source_id = (
        StoryArticle.objects.filter(article=article).values_list("story_id", flat=True).first()
    )
    choice = (request.POST.get("target_id") or "").strip() or (
        request.POST.get("target") or ""
    ).strip()
    target: Story | None = None
    error = ""
    if choice != "new":
        target_id = story_id_from(choice)
        target = Story.objects.filter(pk=target_id).first() if target_id else None
        if target is None:
            error = _("choose an existing story, or a new one.")
    if not error:
        try:
            target = services.story_article_move(article=article, target=target, user=request.user)
        except StoryActionError as refusal:
            error = str(refusal)
    if error:
        messages.error(request, _("The article was not moved: %(reason)s") % {"reason": error})
    else:
        messages.success(
            request,
            _("«%(article)s» moved to story #%(id)d «%(title)s».")
            % {"article": article.title, "id": target.pk, "title": target.title},
        )
    # Back to the page the editor was on: the story the article left (if it still exists).
    if source_id and Story.objects.filter(pk=source_id).exists():
        return _back(source_id)
    if not error:
        return _back(target)
    return redirect(reverse("articles:detail", args=[article.pk]))

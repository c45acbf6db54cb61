"""Text people type is shown as text: every user-visible field holds markup and script, and
no page (the desk's, the search's, the admin's) lets it through unescaped.

Each field gets its own payload (``_payload("TITLE")``), so a page is checked both ways: the
raw markup never appears, and the escaped payload of each field the page shows does (a page
that stopped showing the field would otherwise pass for the wrong reason)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from articles.collaboration import comment_add, notify
from articles.models import Article, ArticleStatus, Notification, Translation
from articles.services import article_update
from articles.tests.factories import ArticleFactory, SourceFactory
from articles.translations.services import segment_save, translation_request
from entities import services as entity_services
from entities.models import Entity, Figure, Mention, Quote
from entities.search.services import search_document_update
from entities.stories.models import Story
from entities.stories.services import story_article_move
from integrations.keys import api_key_create
from integrations.models import WebhookSubscription

pytestmark = pytest.mark.django_db

RAW_MARKERS = ("<script>window.__xss", "<img src=x onerror")


def _payload(tag: str) -> str:
    return f'<script>window.__xss=1</script><img src=x onerror="window.__xss=1">{tag}'


# API key names are cut at 50 characters.
KEY_NAME = '<img src=x onerror="window.__xss=1">KEY'


def _escaped(tag: str) -> str:
    return str(escape(KEY_NAME if tag == "KEY" else _payload(tag)))


@dataclass
class Desk:
    article: Article
    translation: Translation
    entity: Entity
    mention: Mention
    quote: Quote
    story: Story
    other_ids: dict[str, int] = field(default_factory=dict)


def desk_with_payloads(editor, reviewer, translator, admin_user) -> Desk:
    """Every text field people fill holds a payload tagged with the field's name."""
    for user, tag in ((editor, "FIRST"), (reviewer, "LAST")):
        user.first_name = _payload(f"{tag}NAME")[:150]
        user.last_name = _payload(f"{tag}LASTNAME")[:150]
        user.save()
    source = SourceFactory(name=_payload("SOURCE"))
    body = (
        f"{_payload('BODY')} Касым-Жомарт Токаев сказал, что Казахстан вложит 7,4 млрд долларов."
        f"\n\n{_payload('MENTION')} провёл переговоры."
    )
    article = ArticleFactory(
        language="ru",
        title=_payload("TITLE"),
        body=body,
        byline=_payload("BYLINE"),
        photo_credit=_payload("PHOTO"),
        source=source,
        status=ArticleStatus.DRAFT,
        assignee=editor,
    )
    entity = Entity.objects.create(
        type="PER",
        name_ru=_payload("ENTITYRU"),
        name_kk=_payload("ENTITYKK"),
        name_en=_payload("ENTITYEN"),
        description=_payload("DESCRIPTION"),
        status="confirmed",
    )
    entity_services.alias_add(entity=entity, text=_payload("ALIAS"), language="ru")
    start = body.index(_payload("MENTION"))
    mention = Mention.objects.create(
        article=article,
        field="body",
        start=start,
        end=start + len(_payload("MENTION")),
        text=_payload("MENTION"),
        type="PER",
        entity=entity,
        review_status="confirmed",  # kept when the edit below extracts the text again
    )
    start = body.index("Касым-Жомарт Токаев сказал")
    quote = Quote.objects.create(
        article=article,
        field="body",
        start=start,
        end=start + len("Касым-Жомарт Токаев сказал"),
        text=_payload("QUOTE"),
        speaker_text=_payload("SPEAKER")[:300],
        speaker=entity,
    )
    start = body.index("7,4 млрд долларов")
    Figure.objects.create(
        article=article,
        field="body",
        start=start,
        end=start + len("7,4 млрд долларов"),
        text="7,4 млрд долларов",
        kind="money",
        value=Decimal(7400000000),
        unit="USD",
    )
    comment = comment_add(article=article, author=editor, body=_payload("COMMENT"))
    notify(
        recipient_ids=[editor.pk, reviewer.pk, translator.pk],
        actor=admin_user,
        article=article,
        kind=Notification.Kind.TRANSITION,
        step="submit",
        message=_payload("NOTICE"),
        comment=comment,
    )
    translation = translation_request(
        article_id=article.pk, language="kk", user=editor, translator=translator, reviewer=reviewer
    )
    for n, segment in enumerate(translation.segments.order_by("position")):
        segment_save(
            segment_id=segment.pk,
            expected_version=1,
            target_text=_payload("TRTITLE" if n == 0 else f"SEGMENT{n}"),
            user=translator,
        )
    story = story_article_move(article=article, target=None, user=editor)
    Story.objects.filter(pk=story.pk).update(title=_payload("STORY"), title_edited=True)
    api_key, _ = api_key_create(user=editor, name=KEY_NAME, read=True)
    webhook = WebhookSubscription.objects.create(
        name=_payload("HOOK"),
        url="https://example.com/hook?x=%3Cscript%3E",
        events=["article.updated"],
        secret="s" * 40,
    )
    # A second version, so the history and the diff have something to show.
    article_update(
        article_id=article.pk,
        expected_version=article.version,
        updated_by=editor,
        change_reason=_payload("REASON"),
        title=_payload("TITLE2"),
    )
    search_document_update(owner=Article.objects.get(pk=article.pk))
    return Desk(
        article=Article.objects.get(pk=article.pk),
        translation=Translation.objects.get(pk=translation.pk),
        entity=entity,
        mention=mention,
        quote=quote,
        story=Story.objects.get(pk=story.pk),
        other_ids={"api_key": api_key.pk, "webhook": webhook.pk, "comment": comment.pk},
    )


def _desk_pages(desk: Desk) -> dict[str, tuple[str, set[str]]]:
    """Page label → (path, the tags of the fields the page must show)."""
    a, t, e = desk.article, desk.translation, desk.entity
    first, last = a.history.order_by("history_date").values_list("history_id", flat=True)[:2]
    return {
        "dashboard": (reverse("articles:dashboard"), {"TITLE2"}),
        "article list": (reverse("articles:list"), {"TITLE2", "SOURCE"}),
        "article page": (
            reverse("articles:detail", args=[a.pk]),
            {"TITLE2", "BODY", "BYLINE", "MENTION", "COMMENT"},
        ),
        "article edit": (reverse("articles:edit", args=[a.pk]), {"TITLE2", "BODY", "BYLINE"}),
        "history": (reverse("articles:history", args=[a.pk]), {"REASON"}),
        "diff": (
            reverse("articles:diff", args=[a.pk]) + f"?a={first}&b={last}",
            {"TITLE", "TITLE2"},
        ),
        "mention panel": (
            reverse("entities:span_panel", args=["mention", desk.mention.pk]),
            {"MENTION", "ENTITYRU"},
        ),
        "quote panel": (reverse("entities:span_panel", args=["quote", desk.quote.pk]), {"QUOTE"}),
        "entity search": (
            reverse("entities:entity_search", args=[desk.mention.pk]) + "?q=script",
            {"ENTITYRU"},
        ),
        "translation list": (reverse("articles:translation_list"), {"TITLE2"}),
        "translation editor": (
            reverse("articles:translation", args=[t.pk]),
            {"TRTITLE", "SEGMENT1", "BODY"},
        ),
        "translation QA": (reverse("articles:translation_qa", args=[t.pk]), set()),
        "translation history": (reverse("articles:translation_history", args=[t.pk]), set()),
        "entity list": (reverse("entities:entity_list"), {"ENTITYRU"}),
        "entity review": (reverse("entities:entity_review"), set()),
        "entity page": (
            reverse("entities:entity", args=[e.pk]),
            {"ENTITYRU", "ENTITYKK", "ENTITYEN", "DESCRIPTION", "ALIAS", "TITLE2"},
        ),
        "entity edit": (reverse("entities:entity_edit", args=[e.pk]), {"ENTITYRU", "DESCRIPTION"}),
        "entity split": (reverse("entities:entity_split", args=[e.pk]), set()),
        "stories": (reverse("entities:story_list"), {"STORY"}),
        "story": (reverse("entities:story", args=[desk.story.pk]), {"STORY", "TITLE2"}),
        "coverage": (reverse("entities:coverage"), set()),
        "coverage charts": (reverse("entities:coverage_charts"), set()),
        "gaps": (reverse("entities:gaps"), set()),
        "conflicts": (reverse("entities:conflict_list"), set()),
        "search": (reverse("entities:search") + "?q=Токаев", {"TITLE2"}),
    }


def _admin_pages(desk: Desk) -> dict[str, tuple[str, set[str]]]:
    """Each registered model's changelist and the change form of one of its rows."""
    shown = {
        "articles.article": {"TITLE2"},
        "articles.source": {"SOURCE"},
        "articles.comment": {"COMMENT"},
        "articles.translation": set(),
        "entities.entity": {"ENTITYRU"},
        "entities.mention": {"MENTION"},
        "entities.quote": {"QUOTE"},
        "integrations.apikey": {"KEY"},
        "integrations.webhooksubscription": {"HOOK"},
        "auth.user": {"FIRSTNAME"},
    }
    pages: dict[str, tuple[str, set[str]]] = {}
    for model in admin.site._registry:
        opts = model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        label = opts.label_lower
        pages[f"admin {label} list"] = (
            reverse(f"admin:{name}_changelist"),
            shown.get(label, set()),
        )
        row = model._default_manager.order_by("-pk").first()
        if row is not None:
            pages[f"admin {label} form"] = (
                reverse(f"admin:{name}_change", args=[row.pk]),
                set() if label == "auth.user" else shown.get(label, set()),
            )
    pages["admin index"] = (reverse("admin:index"), set())
    return pages


def _problems(client: Client, pages: dict[str, tuple[str, set[str]]]) -> list[str]:
    problems = []
    for label, (path, tags) in pages.items():
        response = client.get(path)
        if response.status_code != 200:
            problems.append(f"{label}: {path} answered {response.status_code}")
            continue
        html = response.content.decode()
        for marker in RAW_MARKERS:
            if marker in html:
                at = html.index(marker)
                problems.append(f"{label}: raw {marker!r} at …{html[max(0, at - 120) : at + 60]}…")
        for tag in sorted(tags):
            if _escaped(tag) not in html:
                problems.append(f"{label}: the escaped {tag} is not shown")
    return problems


def test_every_page_shows_typed_markup_as_text(editor, reviewer, translator, admin_user_) -> None:
    desk = desk_with_payloads(editor, reviewer, translator, admin_user_)
    client = Client()
    client.force_login(admin_user_)
    problems = _problems(client, {**_desk_pages(desk), **_admin_pages(desk)})
    # The editor's own dashboard (their assignments and notifications) too.
    client.force_login(editor)
    problems += _problems(
        client, {"editor dashboard": (reverse("articles:dashboard"), {"TITLE2", "NOTICE"})}
    )
    assert problems == [], "\n".join(problems)


def test_the_check_can_fail() -> None:
    """The checker finds a raw payload and a missing escaped one."""
    html = f"<p>{_payload('TITLE')}</p>"
    assert any(marker in html for marker in RAW_MARKERS)
    assert _escaped("TITLE") not in html
    assert _escaped("TITLE") in f"<p>{escape(_payload('TITLE'))}</p>"


# -- a real browser ------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_payload_runs_in_the_browser(page, editor, reviewer, translator, admin_user_) -> None:
    from playwright.sync_api import expect

    from conftest import login

    desk = desk_with_payloads(editor, reviewer, translator, admin_user_)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(page, "editor")
    page.wait_for_url("**/dashboard/")
    paths = [
        reverse("articles:dashboard"),
        reverse("articles:list"),
        reverse("articles:detail", args=[desk.article.pk]),
        reverse("articles:history", args=[desk.article.pk]),
        reverse("articles:translation", args=[desk.translation.pk]),
        reverse("entities:entity", args=[desk.entity.pk]),
        reverse("entities:story", args=[desk.story.pk]),
        reverse("entities:story_list"),
        reverse("entities:search") + "?q=Токаев",
    ]
    for path in paths:
        page.goto(path)
        page.wait_for_load_state("load")
        # The payload is on the page, as text.
        expect(page.locator("body")).to_contain_text("window.__xss=1")
        assert page.evaluate("typeof window.__xss") == "undefined", path
    # Content htmx puts in place: the mention panel of the article page.
    page.goto(reverse("articles:detail", args=[desk.article.pk]))
    page.locator(f'mark[data-kind="mention"][data-id="{desk.mention.pk}"]').click()
    expect(page.locator("#mention-panel")).to_contain_text("MENTION")
    page.wait_for_timeout(300)  # an onerror handler runs as soon as the image fails
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert dialogs == []

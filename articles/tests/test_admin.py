"""The admin: every registered model's changelist and change page render, the extraction error
is visible, and the article changelist runs a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.forms import ModelForm
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import (
    Article,
    ExtractionState,
    ImportBatch,
    ImportItem,
    ImportOutcome,
    Source,
    Translation,
)
from articles.text import content_hash
from entities.models import Alias, Entity, EntityType, Mention

pytestmark = pytest.mark.django_db

ERROR_TEXT = "Tokenizer crashed on paragraph 3"


def make_article(title: str, **kwargs: Any) -> Article:
    body = kwargs.pop("body", f"Body of {title}.")
    return Article.objects.create(
        title=title, body=body, content_hash=content_hash(title, body), **kwargs
    )


def article_admin_form(user: Any, article: Article, **changes: Any) -> ModelForm:
    """The change form the admin builds for ``article``, bound to its data with ``changes``."""
    request = RequestFactory().get("/")
    request.user = user
    form_class = admin.site.get_model_admin(Article).get_form(request, article, change=True)
    data = {
        "title": article.title,
        "body": article.body,
        "byline": article.byline,
        "photo_credit": article.photo_credit,
        "language": article.language,
        "language_locked": article.language_locked,
        "source": article.source_id or "",
        "source_url": article.source_url,
        "published_at_0": "",
        "published_at_1": "",
        "original_filename": article.original_filename,
        "status": article.status,
        "assignee": article.assignee_id or "",
        "loaded_version": article.version,
    }
    return form_class(data={**data, **changes}, instance=article)


@pytest.fixture
def objects(admin_user: Any) -> dict[str, Model]:
    source = Source.objects.create(name="Zakon.kz", domain="zakon.kz")
    article = make_article(
        "Президент встретился с министром",
        language="ru",
        source=source,
        assignee=admin_user,
        published_at=timezone.now(),
        extraction_state=ExtractionState.FAILED,
        extraction_error=f"{ERROR_TEXT}\nTraceback (most recent call last): ...",
    )
    translation = Translation.objects.create(
        article=article, language="kk", title="Президент", source_version=article.version
    )
    entity = Entity.objects.create(
        type=EntityType.PERSON, name_en="Kassym-Jomart Tokayev", wikidata_id="Q1"
    )
    alias = Alias.objects.create(entity=entity, text="Токаев", language="ru", key="токаев")
    mention = Mention.objects.create(
        article=article, field="title", start=0, end=9, text="Президент", type="PER", entity=entity
    )
    batch = ImportBatch.objects.create(channel=ImportBatch.Channel.COMMAND, created_by=admin_user)
    item = ImportItem.objects.create(
        batch=batch, filename="a.txt", outcome=ImportOutcome.IMPORTED, article=article
    )
    return {
        "source": source,
        "article": article,
        "translation": translation,
        "entity": entity,
        "alias": alias,
        "mention": mention,
        "importbatch": batch,
        "importitem": item,
    }


MODELS = [
    "source",
    "article",
    "translation",
    "importbatch",
    "importitem",
    "entity",
    "alias",
    "mention",
]


def admin_url(obj: Model, view: str) -> str:
    meta = obj._meta
    name = f"admin:{meta.app_label}_{meta.model_name}_{view}"
    return reverse(name, args=[obj.pk]) if view == "change" else reverse(name)


@pytest.mark.parametrize("key", MODELS)
def test_changelist_renders(admin_client: Client, objects: dict[str, Model], key: str) -> None:
    response = admin_client.get(admin_url(objects[key], "changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("key", MODELS)
def test_change_page_renders(admin_client: Client, objects: dict[str, Model], key: str) -> None:
    response = admin_client.get(admin_url(objects[key], "change"))
    assert response.status_code == 200


@pytest.mark.parametrize("key", MODELS)
def test_changelist_search_renders(
    admin_client: Client, objects: dict[str, Model], key: str
) -> None:
    response = admin_client.get(admin_url(objects[key], "changelist"), {"q": "Президент"})
    assert response.status_code == 200


def test_article_changelist_shows_failed_extraction_error(
    admin_client: Client, objects: dict[str, Model]
) -> None:
    response = admin_client.get(reverse("admin:articles_article_changelist"))
    assert f"failed: {ERROR_TEXT}" in response.content.decode()


def test_article_change_page_shows_full_extraction_error(
    admin_client: Client, objects: dict[str, Model]
) -> None:
    response = admin_client.get(admin_url(objects["article"], "change"))
    assert "Traceback (most recent call last)" in response.content.decode()


def test_import_records_are_read_only(admin_client: Client, objects: dict[str, Model]) -> None:
    assert admin_client.get(reverse("admin:articles_importbatch_add")).status_code == 403
    assert admin_client.get(reverse("admin:articles_importitem_add")).status_code == 403
    response = admin_client.get(admin_url(objects["importbatch"], "change"))
    assert 'name="_save"' not in response.content.decode()


def test_entity_changelist_counts_aliases(admin_client: Client, objects: dict[str, Model]) -> None:
    entity = objects["entity"]
    Alias.objects.create(entity=entity, text="Tokayev", language="en", key="tokayev")
    response = admin_client.get(
        reverse("admin:entities_entity_changelist"), {"q": entity.display_name()}
    )
    (row,) = [e for e in response.context["cl"].result_list if e.pk == entity.pk]
    assert row._alias_count == 2


def test_rerun_extraction_action(
    admin_client: Client, objects: dict[str, Model], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[int]] = []

    def fake_requeue(*, article_ids: list[int]) -> int:
        calls.append(sorted(article_ids))
        return len(article_ids)

    monkeypatch.setattr(services, "articles_extraction_requeue", fake_requeue)
    article = objects["article"]
    response = admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "rerun_extraction", "_selected_action": [article.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert calls == [[article.pk]]
    assert "1 article queued for extraction." in response.content.decode()


CHANGELISTS = [
    "admin:articles_article_changelist",
    "admin:articles_translation_changelist",
    "admin:entities_mention_changelist",
    "admin:entities_entity_changelist",
]


@pytest.mark.parametrize("url_name", CHANGELISTS)
def test_changelist_query_count_is_constant(
    admin_client: Client, django_assert_max_num_queries: Any, url_name: str
) -> None:
    user_model = get_user_model()
    for i in range(30):
        source = Source.objects.create(name=f"Source {i}", domain=f"source{i}.kz")
        assignee = user_model.objects.create_user(username=f"editor{i}", password="x")
        article = make_article(
            f"Article {i}",
            source=source,
            assignee=assignee,
            language="kk",
            published_at=timezone.now() - timedelta(days=i),
            extraction_state=ExtractionState.FAILED if i % 2 else ExtractionState.DONE,
            extraction_error=f"error {i}" if i % 2 else "",
        )
        Translation.objects.create(
            article=article, language="en", source_version=1, translator=article.assignee
        )
        entity = Entity.objects.create(type=EntityType.PERSON, name_en=f"Person {article.pk}")
        Alias.objects.create(entity=entity, text=entity.name_en, key=entity.name_en.lower())
        Mention.objects.create(
            article=article,
            field="title",
            start=0,
            end=7,
            text="Article",
            type="PER",
            entity=entity,
        )
    url = reverse(url_name)
    admin_client.get(url)  # warm up: session, content types, permissions

    with django_assert_max_num_queries(10):
        response = admin_client.get(url)
    assert response.status_code == 200
    changelist = response.context["cl"]
    # Entities include the seed knowledge base: a full first page, whatever its size.
    assert changelist.result_count >= 30
    assert len(changelist.result_list) == min(changelist.list_per_page, changelist.result_count)


def test_editing_text_through_the_admin_recomputes_hash_and_bumps_version(
    admin_client: Any, admin_user: Any, objects: dict[str, Model]
) -> None:
    article = objects["article"]
    form = article_admin_form(admin_user, article, body="New  body.\n\nSecond paragraph.")
    assert form.is_valid(), form.errors
    model_admin = admin.site.get_model_admin(Article)
    request = RequestFactory().post("/")
    request.user = admin_user
    model_admin.save_model(request, article, form, change=True)
    article.refresh_from_db()
    assert article.body == "New body.\n\nSecond paragraph."
    assert article.content_hash == content_hash(article.title, article.body)
    assert article.version == 2
    assert article.updated_by == admin_user
    assert article.extraction_state == "pending"


def test_stale_admin_form_is_refused_not_overwritten(
    admin_user: Any, objects: dict[str, Model]
) -> None:
    article = objects["article"]
    stale_form = article_admin_form(admin_user, article, body="Mine.")
    Article.objects.filter(pk=article.pk).update(version=2, body="Theirs.")
    assert not stale_form.is_valid()
    assert "Someone else saved this article" in str(stale_form.errors)
    assert Article.objects.get(pk=article.pk).body == "Theirs."


def test_editing_text_into_a_duplicate_is_refused(
    admin_user: Any, objects: dict[str, Model]
) -> None:
    other = make_article("Другая статья", body="Other body.")
    article = objects["article"]
    form = article_admin_form(admin_user, article, title=other.title, body=other.body)
    assert not form.is_valid()
    assert "Another article already has this title and text" in str(form.errors)

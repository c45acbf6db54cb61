"""The audit log: each kind of change people make leaves an entry with who, from where and
which fields; sign-ins too; the admin shows the log and nobody can change it."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from articles.models import Article, ArticleStatus
from articles.roles import Role
from articles.services import article_update
from articles.tests.factories import ArticleFactory
from entities.models import Entity, Mention
from integrations.conditional import etag

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"
REQUEST_ID = "0f6d7b3e1c2a4b5d8e9f0a1b2c3d4e5f"
PASSWORD = "kzeditor-test-password"


def _client(user=None) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_X_REQUEST_ID=REQUEST_ID)
    if user is not None:
        client.force_login(user)
    return client


def _entries(instance) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(instance), object_pk=str(instance.pk)
        ).order_by("pk")
    )


def _last_change(instance) -> LogEntry:
    entries = [e for e in _entries(instance) if e.action == LogEntry.Action.UPDATE]
    assert entries, f"no audit entry for {instance!r}"
    return entries[-1]


def _assert_from_request(entry: LogEntry, actor) -> None:
    assert entry.actor_id == (actor.pk if actor else None)
    assert entry.remote_addr == ADDRESS
    assert entry.cid
    assert entry.cid.replace("-", "") == REQUEST_ID


def test_workflow_step(editor) -> None:
    article = ArticleFactory(status=ArticleStatus.DRAFT)
    response = _client(editor).post(
        reverse("articles:transition", args=[article.pk, "submit"]), {"version": article.version}
    )
    assert response.status_code == 302
    entry = _last_change(article)
    _assert_from_request(entry, editor)
    assert entry.changes_dict["status"] == ["draft", "in_review"]
    # Bookkeeping is not in the log.
    assert "version" not in entry.changes_dict
    assert "updated_at" not in entry.changes_dict


def test_article_edit(editor) -> None:
    article = ArticleFactory(title="Old title", byline="")
    response = _client(editor).post(
        reverse("articles:edit", args=[article.pk]),
        {
            "version": article.version,
            "title": "New title",
            "body": article.body,
            "language": "",
            "byline": "Zakon.kz",
            "photo_credit": "",
            "source": article.source_id,
            "source_url": "",
            "published_at": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    entry = _last_change(article)
    _assert_from_request(entry, editor)
    assert entry.changes_dict["title"] == ["Old title", "New title"]
    assert entry.changes_dict["byline"] == ["", "Zakon.kz"]
    assert "body" not in entry.changes_dict  # unchanged fields are not listed


def test_a_body_edit_is_logged_without_a_second_copy_of_the_text(editor) -> None:
    article = ArticleFactory(title="Title", body="Бірінші мәтін.")
    article_update(
        article_id=article.pk,
        expected_version=article.version,
        updated_by=editor,
        body="Екінші, ұзынырақ мәтін.",
    )
    entry = _last_change(article)
    before, after = entry.changes_dict["body"]
    assert "мәтін" not in before + after
    assert after == "(23 characters: see the version history)"


def test_mention_decision(reviewer) -> None:
    article = ArticleFactory(language="ru", body="Касым-Жомарт Токаев прибыл.")
    mention = Mention.objects.create(
        article=article, field="body", start=0, end=18, text="Касым-Жомарт Токаев", type="PER"
    )
    response = _client(reviewer).post(
        reverse("entities:span_review", args=["mention", mention.pk]), {"status": "rejected"}
    )
    assert response.status_code == 302
    entry = _last_change(mention)
    _assert_from_request(entry, reviewer)
    assert entry.changes_dict["review_status"] == ["suggested", "rejected"]
    assert "reviewed_by" in entry.changes_dict


def test_entity_merge(editor) -> None:
    source = Entity.objects.create(type="PER", name_ru="Токаев", status="proposed")
    target = Entity.objects.create(type="PER", name_ru="Касым-Жомарт Токаев", status="confirmed")
    article = ArticleFactory(language="ru", body="Токаев прибыл.")
    Mention.objects.create(
        article=article, field="body", start=0, end=6, text="Токаев", type="PER", entity=source
    )
    response = _client(editor).post(
        reverse("entities:entity_merge", args=[source.pk]), {"target": target.pk}
    )
    assert response.status_code == 302
    merged = _last_change(source)
    _assert_from_request(merged, editor)
    assert merged.changes_dict["merged_into"][1] == str(target.pk)
    # What moved with update() is recorded explicitly on the target.
    moved = _last_change(target)
    _assert_from_request(moved, editor)
    assert moved.changes_dict["mentions_moved"] == ["0", "1"]
    assert "Токаев" in moved.changes_dict["merged_from"][1]


def test_role_change_in_the_admin(admin_user_, make_user) -> None:
    person = make_user("person", Role.TRANSLATOR)
    editors = Group.objects.get(name=Role.EDITOR)
    client = _client(admin_user_)
    form = client.get(reverse("admin:auth_user_change", args=[person.pk]))
    assert form.status_code == 200
    data = {
        "username": person.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "groups": [editors.pk],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    response = client.post(reverse("admin:auth_user_change", args=[person.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(person.groups.values_list("name", flat=True)) == [Role.EDITOR]
    m2m = [e for e in _entries(person) if "groups" in (e.changes or {})]
    operations = {e.changes["groups"]["operation"]: e.changes["groups"]["objects"] for e in m2m}
    assert operations["add"] == [Role.EDITOR]
    assert operations["delete"] == [Role.TRANSLATOR]
    for entry in m2m[-2:]:
        _assert_from_request(entry, admin_user_)


def test_api_key_write_is_the_keys_user(editor, api_key_for) -> None:
    article = ArticleFactory(title="Before")
    key = api_key_for(editor, scopes=("read", "write"))
    client = _client()
    response = client.patch(
        f"/api/v1/articles/{article.pk}/",
        data={"title": "After"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_IF_MATCH=etag("article", article.pk, article.version),
    )
    assert response.status_code == 200, response.content.decode()[:500]
    entry = _last_change(article)
    _assert_from_request(entry, editor)
    assert entry.changes_dict["title"] == ["Before", "After"]


def test_api_key_revocation_is_logged(admin_user_, editor, api_key_for) -> None:
    from integrations.keys import api_key_revoke
    from integrations.models import ApiKey

    api_key_for(editor)
    api_key = ApiKey.objects.get(user=editor)
    created = _entries(api_key)
    assert [e.action for e in created] == [LogEntry.Action.CREATE]
    assert "hashed_key" not in created[0].changes_dict
    api_key_revoke(api_key=api_key)
    assert _last_change(api_key).changes_dict["revoked"] == ["False", "True"]


def _sign_in_entries(username: str) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS, additional_data__username=username
        ).order_by("pk")
    )


def test_login_logout_and_failed_login(editor) -> None:
    client = _client()
    response = client.post(reverse("login"), {"username": "editor", "password": "wrong"})
    assert response.status_code == 200  # the form again
    response = client.post(reverse("login"), {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    failed, login, logout = _sign_in_entries("editor")
    assert [e.additional_data["event"] for e in (failed, login, logout)] == [
        "login_failed",
        "login",
        "logout",
    ]
    assert failed.actor_id is None  # nobody proved who they are…
    assert failed.object_pk == str(editor.pk)  # …but the account tried is named
    assert failed.remote_addr == ADDRESS
    _assert_from_request(login, editor)
    _assert_from_request(logout, editor)
    # An unknown username is recorded too, on no account.
    client.post(reverse("login"), {"username": "nobody", "password": "x"})
    (unknown,) = _sign_in_entries("nobody")
    assert unknown.object_pk == ""
    assert unknown.remote_addr == ADDRESS


def test_forwarded_for_is_ignored_unless_behind_trusted_proxies(editor, settings) -> None:
    article = ArticleFactory(status=ArticleStatus.DRAFT)
    client = _client(editor)
    path = reverse("articles:transition", args=[article.pk, "submit"])
    client.post(path, {"version": 1}, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert _last_change(article).remote_addr == ADDRESS  # a client's claim is not believed
    settings.KZEDITOR_TRUSTED_PROXY_HOPS = 1
    article.refresh_from_db()
    path = reverse("articles:transition", args=[article.pk, "archive"])
    client.post(path, {"version": article.version}, HTTP_X_FORWARDED_FOR="198.51.100.1, 192.0.2.9")
    assert _last_change(article).remote_addr == "192.0.2.9"  # what our proxy saw


def test_tasks_have_no_actor() -> None:
    from articles.services import article_update

    article = ArticleFactory()
    article_update(
        article_id=article.pk, expected_version=1, updated_by=None, change_reason="x", byline="B"
    )
    assert _last_change(article).actor_id is None


# -- the admin ---------------------------------------------------------------------------------


@pytest.fixture
def logged(editor) -> LogEntry:
    client = _client(editor)
    for word in ("Almaty", "Baikonur", "Shymkent"):
        article = ArticleFactory(status=ArticleStatus.DRAFT, title=f"Logged {word}")
        client.post(reverse("articles:transition", args=[article.pk, "submit"]), {"version": 1})
    return _last_change(Article.objects.get(title="Logged Shymkent"))


def test_admin_lists_and_filters_the_log(admin_user_, editor, logged) -> None:
    client = _client(admin_user_)
    changelist = reverse("admin:auditlog_logentry_changelist")
    response = client.get(changelist)
    assert response.status_code == 200
    assert b"Logged Shymkent" in response.content
    article_type = ContentType.objects.get_for_model(Article)
    filters = {
        "action": LogEntry.Action.UPDATE,
        "model": article_type.pk,
        "actor__id__exact": editor.pk,
        "timestamp__gte": "2000-01-01 00:00:00+00:00",
        "q": "Baikonur",
    }
    for name, value in filters.items():
        response = client.get(changelist, {name: value})
        assert response.status_code == 200, name
        assert b"Logged Baikonur" in response.content, name
    response = client.get(changelist, {"q": "Baikonur"})
    assert b"Logged Shymkent" not in response.content
    response = client.get(changelist, {"actor__id__exact": admin_user_.pk, "action": 1})
    assert b"Logged Shymkent" not in response.content
    detail = client.get(reverse("admin:auditlog_logentry_change", args=[logged.pk]))
    assert detail.status_code == 200
    assert b"in_review" in detail.content


def test_admin_cannot_change_the_log(admin_user_, logged) -> None:
    client = _client(admin_user_)
    before = LogEntry.objects.filter(action__lt=LogEntry.Action.ACCESS).count()
    change = reverse("admin:auditlog_logentry_change", args=[logged.pk])
    assert client.post(change, {"action": 2, "object_repr": "forged"}).status_code == 403
    assert client.get(reverse("admin:auditlog_logentry_add")).status_code == 403
    assert client.post(reverse("admin:auditlog_logentry_add"), {}).status_code == 403
    delete = reverse("admin:auditlog_logentry_delete", args=[logged.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    bulk = client.post(
        reverse("admin:auditlog_logentry_changelist"),
        {"action": "delete_selected", "_selected_action": [logged.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    logged.refresh_from_db()
    assert logged.object_repr != "forged"
    # The form shows no save button; the entries are all still there (bar the admin's own
    # sign-in entries, none were added by these refusals).
    assert b'name="_save"' not in client.get(change).content
    assert LogEntry.objects.filter(action__lt=LogEntry.Action.ACCESS).count() == before


def test_staff_who_are_not_superusers_do_not_see_the_log(make_user, logged) -> None:
    staff = make_user("staff", Role.EDITOR)
    staff.is_staff = True
    staff.save()
    client = _client(staff)
    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 403


def test_admin_changelist_queries_do_not_grow(
    admin_user_, editor, django_assert_max_num_queries
) -> None:
    client = _client(admin_user_)
    changelist = reverse("admin:auditlog_logentry_changelist")
    ArticleFactory(status=ArticleStatus.DRAFT)
    client.get(changelist)  # warm the content-type cache
    with django_assert_max_num_queries(50) as few:
        assert client.get(changelist).status_code == 200
    few_queries = len(few)  # now: the next requests reset the connection's query log
    editor_client = _client(editor)
    for n in range(20):
        article = ArticleFactory(status=ArticleStatus.DRAFT, title=f"Many {n}")
        editor_client.post(
            reverse("articles:transition", args=[article.pk, "submit"]), {"version": 1}
        )
    assert LogEntry.objects.count() > 20
    with django_assert_max_num_queries(few_queries):
        response = client.get(changelist)
    assert response.status_code == 200
    assert b"Many 19" in response.content


def test_every_audited_model_has_a_filter_choice(admin_user_) -> None:
    response = _client(admin_user_).get(reverse("admin:auditlog_logentry_changelist"))
    for model in (Article, Entity, Mention, get_user_model(), Group):
        assert f"?model={ContentType.objects.get_for_model(model).pk}".encode() in response.content


def test_secrets_are_masked_whole(editor) -> None:
    from integrations.models import WebhookSubscription

    hook = WebhookSubscription.objects.create(
        name="CMS", url="https://cms.example.kz/hook", events=[], secret="s3cret-" * 6
    )
    (created,) = _entries(hook)
    assert created.changes_dict["secret"] == ["", "********"]
    editor.set_password("another-password-42")
    editor.save()
    assert _last_change(editor).changes_dict["password"] == ["********", "********"]

"""Browser views: who may see what (a role × view matrix), query counts, the upload page."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, ImportBatch
from articles.tests.factories import ArticleFactory, TranslationFactory
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "seeds"
ROLES = ["anonymous", "translator", "reviewer", "editor", "admin"]


@pytest.fixture
def users(editor, reviewer, translator, admin_user_):
    return {"translator": translator, "reviewer": reviewer, "editor": editor, "admin": admin_user_}


@pytest.fixture
def other_article():
    return ArticleFactory(title="Not assigned to the translator")


@pytest.fixture
def assigned_article(translator):
    return TranslationFactory(translator=translator).article


def _client_for(client, users, role):
    if role != "anonymous":
        client.force_login(users[role])
    return client


# Expected status per role: anonymous is redirected to the login page (302).
MATRIX = {
    "articles:home": dict(anonymous=302, translator=302, reviewer=302, editor=302, admin=302),
    "articles:dashboard": dict(anonymous=302, translator=200, reviewer=200, editor=200, admin=200),
    "articles:list": dict(anonymous=302, translator=200, reviewer=200, editor=200, admin=200),
    "articles:import": dict(anonymous=302, translator=403, reviewer=403, editor=200, admin=200),
    "detail:other": dict(anonymous=302, translator=404, reviewer=200, editor=200, admin=200),
    "detail:assigned": dict(anonymous=302, translator=200, reviewer=200, editor=200, admin=200),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", list(MATRIX))
def test_role_view_matrix(client, users, role, view, other_article, assigned_article):
    if view == "detail:other":
        url = reverse("articles:detail", args=[other_article.pk])
    elif view == "detail:assigned":
        url = reverse("articles:detail", args=[assigned_article.pk])
    else:
        url = reverse(view)
    response = _client_for(client, users, role).get(url)
    assert response.status_code == MATRIX[view][role], (view, role)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_translator_list_shows_only_assigned_articles(client, translator, assigned_article):
    ArticleFactory.create_batch(3)
    client.force_login(translator)
    response = client.get(reverse("articles:list"))
    assert [a.pk for a in response.context["page"]] == [assigned_article.pk]


def test_login_page_is_public_and_works(client, editor):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("articles:dashboard")


@pytest.mark.parametrize("count", [1, 40])
def test_list_query_count_is_constant(client, editor, django_assert_num_queries, count):
    ArticleFactory.create_batch(count)
    client.force_login(editor)
    client.get(reverse("articles:list"))  # warm up: the saved language is cached in the session
    # 1 session, 2 user, 3 groups (role check), 4 assignable people (assignee menu), 5 count,
    # 6 unread notifications (nav badge), 7-8 user and group permissions (Import in the nav),
    # 9 sources (source menu), 10 one page of articles with their sources and assignees joined
    with django_assert_num_queries(10):
        response = client.get(reverse("articles:list"))
    assert len(response.context["page"]) == count


def test_list_filters(client, editor):
    ArticleFactory(language="ru", title="Русская статья")
    ArticleFactory(language="kk", title="Қазақ мақаласы")
    client.force_login(editor)
    response = client.get(reverse("articles:list"), {"language": "ru"})
    assert [a.title for a in response.context["page"]] == ["Русская статья"]
    response = client.get(reverse("articles:list"), {"q": "Қазақ"})
    assert [a.title for a in response.context["page"]] == ["Қазақ мақаласы"]
    response = client.get(reverse("articles:list"), {"language": "xx", "status": "bogus"})
    assert response.status_code == 200
    assert len(response.context["page"]) == 2


def test_detail_escapes_html_in_text(client, editor):
    article = ArticleFactory(title="<script>alert(1)</script>", body="<img src=x onerror=alert(2)>")
    client.force_login(editor)
    html = client.get(reverse("articles:detail", args=[article.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_upload_page_imports_files_and_reports_each(
    client, editor, django_capture_on_commit_callbacks
):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("good.txt", (SEEDS / "004_7589bbadff2dacd0.txt").read_bytes())
        zf.writestr("bad.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("articles:import"),
            {
                "files": [
                    _upload("003.txt", (SEEDS / "003_03d0c59582605d6e.txt").read_bytes()),
                    _upload("003-again.txt", (SEEDS / "003_03d0c59582605d6e.txt").read_bytes()),
                    _upload("empty.txt", b""),
                    _upload("bundle.zip", archive.getvalue()),
                ]
            },
        )
    assert response.status_code == 200
    outcomes = {r.filename: r.outcome for r in response.context["results"]}
    assert outcomes == {
        "003.txt": "imported",
        "003-again.txt": "duplicate",
        "empty.txt": "failed",
        "bundle.zip/good.txt": "imported",
        "bundle.zip/bad.txt": "failed",
    }
    html = response.content.decode()
    assert "The file is empty." in html
    assert "2 imported, 1 duplicates, 2 failed" in html
    assert Article.objects.count() == 2
    batch = ImportBatch.objects.get()
    assert (batch.channel, batch.created_by, batch.failed_count) == ("upload", editor, 2)
    assert set(Article.objects.values_list("language", flat=True)) == {"ru", "kk"}


def test_upload_refuses_oversize_file_without_reading_it(client, editor, settings):
    settings.KZEDITOR_IMPORT_MAX_FILE_BYTES = 1000
    client.force_login(editor)
    response = client.post(
        reverse("articles:import"), {"files": [_upload("big.txt", "а".encode() * 2000)]}
    )
    [result] = response.context["results"]
    assert result.outcome == "failed"
    assert "4000 > 1000 bytes" in result.message
    assert Article.objects.count() == 0


def test_upload_without_files_shows_form_error(client, editor):
    client.force_login(editor)
    response = client.post(reverse("articles:import"), {})
    assert response.status_code == 200
    assert response.context["form"].errors["files"]
    assert ImportBatch.objects.count() == 0

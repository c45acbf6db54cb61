"""Every item of the bad-input corpus (``data/bad_inputs/manifest.json``) through every entry
point that takes it: files through the ``import_articles`` command, the upload page and
``POST /api/v1/imports/`` (multipart); JSON through ``POST /api/v1/imports/``,
``POST /api/v1/articles/`` and ``PATCH /api/v1/articles/<id>/``.

Each must end in the manifest's precise message (never a 500), and write nothing but the
record of a failed import where that is the design (an ``ImportBatch`` with one failed
``ImportItem`` per file). Items the desk can read (legacy encodings, a cut title) import once,
with the manifest's warning. The huge file and the zip bomb are generated here, not committed."""

from __future__ import annotations

import html
import io
import json
import zipfile
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from articles.models import Article, ImportBatch, ImportItem, ImportOutcome, ImportPayload, Source
from articles.tests.factories import ArticleFactory
from articles.text import decode_bytes
from entities.models import Mention

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parent / "data" / "bad_inputs"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
FILE_ENTRY_POINTS = ("command", "web_upload", "api_multipart")
FIELD_ENTRY_POINTS = ("api_imports_json", "api_articles_post", "api_articles_patch")


# -- the corpus ---------------------------------------------------------------------------------


@cache
def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    zeros = bytes(20 * 1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for n in range(3):
            archive.writestr(f"part-{n}.txt", zeros)
    return buffer.getvalue()


def _huge_text(size: int) -> bytes:
    line = "Бұл өте ұзын файлдың жолы. ".encode() * 10 + b"\n"
    return (line * (size // len(line) + 1))[:size]


def corpus_bytes(name: str) -> bytes:
    if name == "huge.txt":
        return _huge_text(settings.KZEDITOR_IMPORT_MAX_FILE_BYTES + 1)
    if name == "zip-bomb.zip":
        bomb = _zip_bomb()
        assert len(bomb) < 100_000  # compresses ≈1000:1: a bomb, not merely a big upload
        return bomb
    return (CORPUS / name).read_bytes()


def _plain(text: str) -> str:
    """Sizes are written with a non-breaking space («2.0\xa0MB»); the manifest has a space."""
    return text.replace("\xa0", " ")


def expected(entry: dict, entry_point: str) -> dict:
    """The manifest's expectation, with the entry point's own answer where it differs."""
    return {**entry, **entry.get(entry_point, {})}


def counts() -> dict[str, int]:
    return {
        "articles": Article.objects.count(),
        "article_versions": Article.history.count(),
        "sources": Source.objects.count(),
        "mentions": Mention.objects.count(),
        "batches": ImportBatch.objects.count(),
        "items": ImportItem.objects.count(),
        "failed_items": ImportItem.objects.filter(outcome=ImportOutcome.FAILED).count(),
        "payloads": ImportPayload.objects.count(),
    }


def delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {key: after[key] - before[key] for key in before if after[key] != before[key]}


def test_the_manifest_describes_every_committed_file():
    committed = {p.name for p in CORPUS.iterdir()} - {"manifest.json", "README.md"}
    described = {entry["name"] for entry in MANIFEST["files"] if "generated" not in entry}
    assert committed == described
    for entry in [*MANIFEST["files"], *MANIFEST["fields"]]:
        assert entry.get("what") or entry.get("generated"), entry["name"]
        assert entry.get("message") or entry.get("warning"), entry["name"]


@pytest.fixture(autouse=True)
def extraction_queue(monkeypatch):
    """Extraction is queued, not run: these tests are about what gets in, not the NLP."""
    queued: list[int] = []
    monkeypatch.setattr("articles.services._enqueue_extraction", queued.append)
    return queued


@pytest.fixture
def editor_api(editor, api_client_for):
    return api_client_for(editor)


# -- files: the command, the upload page, the API ------------------------------------------------


def _run_command(name: str, data: bytes, tmp_path: Path) -> tuple[list[tuple[str, str, str]], str]:
    path = tmp_path / name
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    error = ""
    try:
        call_command("import_articles", str(path), "--no-progress", stdout=out, stderr=err)
    except CommandError as exc:
        error = str(exc)
    failed = error.endswith("file(s) failed.")
    items = [
        (item.filename, item.outcome, _plain(item.message))
        for item in ImportItem.objects.filter(batch__channel=ImportBatch.Channel.COMMAND)
    ]
    assert failed == any(outcome == ImportOutcome.FAILED for _, outcome, _ in items)
    return items, _plain(out.getvalue())


def _run_web_upload(client, name: str, data: bytes) -> tuple[list[tuple[str, str, str]], str]:
    response = client.post(
        "/import/", {"files": [SimpleUploadedFile(name, data, "application/octet-stream")]}
    )
    assert response.status_code == 200, response.content[:2000]
    items = [
        (item.filename, item.outcome, _plain(item.message))
        for item in ImportItem.objects.filter(batch__channel=ImportBatch.Channel.UPLOAD)
    ]
    return items, _plain(html.unescape(response.content.decode()))


@pytest.mark.parametrize("entry_point", FILE_ENTRY_POINTS)
@pytest.mark.parametrize("entry", MANIFEST["files"], ids=lambda entry: entry["name"])
def test_bad_file(
    entry, entry_point, editor, editor_api, client, tmp_path, django_capture_on_commit_callbacks
):
    want = expected(entry, entry_point)
    name, data = entry["name"], corpus_bytes(entry["name"])
    before = counts()
    if entry_point == "command":
        items, output = _run_command(name, data, tmp_path)
    elif entry_point == "web_upload":
        client.force_login(editor)
        items, output = _run_web_upload(client, name, data)
    else:
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_api.post(
                "/api/v1/imports/",
                {"files": [SimpleUploadedFile(name, data, "application/octet-stream")]},
                format="multipart",
            )
        if "status" in want:  # refused before anything is stored
            assert response.status_code == want["status"], response.content
            assert response["Content-Type"].startswith("application/problem+json")
            assert _plain(response.json()["detail"]) == want["message"]
            assert delta(before, counts()) == {}
            return
        assert response.status_code == 202, response.content
        job = editor_api.get(response["Location"]).json()
        assert job["state"] == "finished"
        items = [(i["filename"], i["outcome"], _plain(i["message"])) for i in job["items"]]
        output = _plain(json.dumps(job, ensure_ascii=False))

    change = delta(before, counts())
    if want["outcome"] == "failed":
        assert len(items) == want.get("items", 1), items
        for filename, outcome, message in items:
            assert outcome == ImportOutcome.FAILED
            assert message == want["message"], filename
            assert f"{filename}: {message}" in output or message in output
        # Only the record of the failed import: one batch, one failed item per file.
        assert change == {"batches": 1, "items": len(items), "failed_items": len(items)}
        assert not ImportPayload.objects.exists()
    else:
        [(filename, outcome, message)] = items
        assert outcome == ImportOutcome.IMPORTED, message
        article = Article.objects.get()
        assert want["warning"] in ImportItem.objects.get().warnings
        assert want["warning"] in output
        if "title" in want:
            assert article.title == want["title"]
        assert "\x00" not in article.body
        assert "Ð" not in article.title
        assert (change["articles"], change["batches"], change["items"]) == (1, 1, 1)
        assert "failed_items" not in change


def test_traversal_members_never_import_their_text(tmp_path):
    """The traversal archive holds readable articles: they must be refused for their names,
    not imported (and not silently skipped)."""
    with zipfile.ZipFile(CORPUS / "traversal.zip") as archive:
        names = archive.namelist()
    assert any(".." in name for name in names)
    assert any(name.startswith("/") for name in names)
    items, _output = _run_command("traversal.zip", corpus_bytes("traversal.zip"), tmp_path)
    assert sorted(filename.split("traversal.zip/")[1] for filename, _, _ in items) == sorted(names)
    assert not Article.objects.exists()


# -- JSON: the import API and the article API ------------------------------------------------


def _fields(entry: dict) -> dict:
    fields = dict(entry["fields"])
    if fields.get("title") == "@501":
        fields["title"] = "Ұ" * 501
    return fields


def _json_body(entry: dict) -> str:
    if entry["name"] == "huge-json":
        padding = "Мәтін. " * (settings.KZEDITOR_API_MAX_JSON_BYTES // 7 + 1)
        return json.dumps({"title": "Жаңалық", "body": padding}, ensure_ascii=False)
    if "raw" in entry:
        return entry["raw"]
    return json.dumps(_fields(entry), ensure_ascii=False)


@pytest.mark.parametrize("entry_point", FIELD_ENTRY_POINTS)
@pytest.mark.parametrize("entry", MANIFEST["fields"], ids=lambda entry: entry["name"])
def test_bad_json(entry, entry_point, editor_api, django_capture_on_commit_callbacks):
    want = expected(entry, entry_point)
    existing = ArticleFactory(title="Бар мақала", body="Бар мәтін.")
    before = counts()
    body = _json_body(entry).encode()
    with django_capture_on_commit_callbacks(execute=True):
        if entry_point == "api_articles_patch":
            response = editor_api.generic(
                "PATCH",
                f"/api/v1/articles/{existing.pk}/",
                body,
                content_type="application/json",
                HTTP_IF_MATCH=f'"article-{existing.pk}-v{existing.version}"',
            )
        else:
            url = "/api/v1/imports/" if entry_point == "api_imports_json" else "/api/v1/articles/"
            response = editor_api.generic("POST", url, body, content_type="application/json")
    assert response.status_code == want["status"], response.content[:2000]
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    messages = [problem["detail"]] + [e["message"] for e in problem.get("errors") or []]
    assert any(want["message"] in message for message in messages), problem
    if want.get("field") is not None:
        assert any(
            e["field"] == want["field"] and want["message"] in e["message"]
            for e in problem["errors"]
        ), problem
    assert delta(before, counts()) == {}
    existing.refresh_from_db()
    assert (existing.title, existing.version) == ("Бар мақала", 1)


# -- the decoding fix the corpus needed: mojibake --------------------------------------------


def test_windows_1252_mojibake_of_kazakh_is_repaired():
    """The commoner variant (Windows tools read UTF-8 as cp1252), with Kazakh letters, whose
    second bytes include those cp1252 leaves undefined."""
    text = "Астанада жаңа көпір ашылды. Құрылыс екі жылға созылды."
    mojibake = "".join(
        bytes([b]).decode("cp1252", errors="strict")
        if bytes([b]) not in {b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"}
        else chr(b)
        for b in text.encode()
    )
    assert "Ð" in mojibake
    assert decode_bytes(mojibake.encode()) == (text, "UTF-8 misread as Latin-1 (repaired)")


@pytest.mark.parametrize(
    "text",
    ["Þórður and Ðóra met in Reykjavík.", "Ðà Nẵng — Ðông Á", "Сегодня Ð¡ means nothing"],
)
def test_real_latin_text_is_not_taken_for_mojibake(text):
    assert decode_bytes(text.encode()) == (text, "utf-8")

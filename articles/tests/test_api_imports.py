"""/api/v1/imports/: import jobs from files (multipart) and JSON articles, run by their task on
commit; their results, limits and refusals (nothing stored), roles and key scopes, and the job
service's idempotence, resumption and failure."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from unittest.mock import patch

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from articles import import_jobs, signals
from articles.import_jobs import import_job_create, import_job_run, import_jobs_sweep
from articles.models import (
    Article,
    ExtractionState,
    ImportBatch,
    ImportItem,
    ImportPayload,
    Source,
)
from articles.tasks import run_import_job
from articles.tests.factories import ArticleFactory
from integrations.throttling import ImportRateThrottle

pytestmark = pytest.mark.django_db

IMPORTS = "/api/v1/imports/"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
KK_TEXT = "Астанада жаңа мектеп ашылды\n\nБүгін Астанада 1200 орындық жаңа мектеп ашылды.\n"
RU_TEXT = "В Алматы открыли новую школу\n\nСегодня в Алматы открылась новая школа.\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def job_url(pk: int) -> str:
    return f"{IMPORTS}{pk}/"


def seed_bytes(prefix: str) -> bytes:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_bytes()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def problem(response) -> dict:
    assert response["Content-Type"].startswith("application/problem+json"), response.content
    return response.json()


def nothing_stored() -> bool:
    return not (
        ImportBatch.objects.exists()
        or ImportPayload.objects.exists()
        or ImportItem.objects.exists()
        or Article.objects.exists()
    )


@pytest.fixture(autouse=True)
def extraction_queue(monkeypatch):
    """Extraction (the NLP pipeline) is queued but not run, except where a test runs it."""
    queued: list[int] = []
    monkeypatch.setattr("articles.services._enqueue_extraction", queued.append)
    return queued


@pytest.fixture
def editor_api(editor, api_client_for):
    return api_client_for(editor)


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Commit-time callbacks (the job's task, eager in tests) run when the block ends."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def post_files(client, *files: SimpleUploadedFile):
    return client.post(IMPORTS, {"files": list(files)}, format="multipart")


# -- files --------------------------------------------------------------------------------------


def test_multipart_import_is_202_then_finished(editor, editor_api, run_on_commit):
    with run_on_commit() as callbacks:
        response = post_files(editor_api, upload("a.txt", KK_TEXT.encode()), upload("b.txt",
                              RU_TEXT.encode("cp1251")))  # fmt: skip
    assert response.status_code == 202, response.content
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"http://testserver/api/v1/imports/{batch.pk}/"
    body = response.json()
    assert body["id"] == batch.pk
    assert body["state"] == "queued"  # the task runs once the request's transaction commits
    assert len([c for c in callbacks if "import_job_create" in c.__qualname__]) == 1
    job = editor_api.get(job_url(batch.pk)).json()
    assert job["state"] == "finished"
    assert job["finished_at"] is not None
    assert job["counts"] == {"imported": 2, "duplicate": 0, "failed": 0}
    assert job["extraction"] == {"pending": 2, "running": 0, "done": 0, "failed": 0, "total": 2}
    assert job["error"] == ""
    first, second = job["items"]
    assert (first["filename"], first["outcome"]) == ("a.txt", "imported")
    assert "Decoded from cp1251." in second["warnings"]
    article = Article.objects.get(title="В Алматы открыли новую школу")
    assert second["article"] == {
        "id": article.pk,
        "url": f"http://testserver/api/v1/articles/{article.pk}/",
        "extraction_state": "pending",
    }
    assert article.created_by == editor
    assert (batch.channel, batch.created_by) == ("api", editor)
    assert not ImportPayload.objects.exists()  # payloads go once imported


def test_zip_archive_gives_one_item_per_file(editor_api, run_on_commit):
    archive = make_zip({"one.txt": KK_TEXT.encode(), "two.txt": RU_TEXT.encode(),
                        "photo.png": PNG, ".hidden.txt": b"x"})  # fmt: skip
    with run_on_commit():
        response = post_files(editor_api, upload("news.zip", archive))
    job = editor_api.get(job_url(response.json()["id"])).json()
    outcomes = {item["filename"]: item["outcome"] for item in job["items"]}
    assert outcomes == {
        "news.zip/one.txt": "imported",
        "news.zip/two.txt": "imported",
        "news.zip/photo.png": "failed",
    }
    assert job["counts"] == {"imported": 2, "duplicate": 0, "failed": 1}


def test_duplicates_are_reported_with_the_existing_article(editor_api, run_on_commit):
    existing = ArticleFactory(title="Астанада жаңа мектеп ашылды",
                              body="Бүгін Астанада 1200 орындық жаңа мектеп ашылды.")  # fmt: skip
    with run_on_commit():
        response = post_files(editor_api, upload("again.txt", KK_TEXT.encode()))
    [item] = editor_api.get(job_url(response.json()["id"])).json()["items"]
    assert item["outcome"] == "duplicate"
    assert item["article"]["id"] == existing.pk
    assert f"#{existing.pk}" in item["message"]
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("image.txt", PNG, ""),
        ("photo.png", PNG, "Unsupported file type"),
        ("bad.zip", b"PK\x03\x04 not really a zip", "zip archive cannot be read"),
        ("title-only.txt", "Тек тақырып".encode(), ""),
        ("blank.txt", b"\n\n   \n", ""),
    ],
)
def test_unreadable_files_fail_alone(editor_api, run_on_commit, name, data, message):
    with run_on_commit():
        response = post_files(editor_api, upload(name, data), upload("ok.txt", KK_TEXT.encode()))
    assert response.status_code == 202
    job = editor_api.get(job_url(response.json()["id"])).json()
    assert job["state"] == "finished"
    bad, good = job["items"]
    assert (bad["outcome"], bad["article"]) == ("failed", None)
    assert message in bad["message"]
    assert good["outcome"] == "imported"
    assert Article.objects.count() == 1


def test_zip_bomb_is_refused_per_file(editor_api, run_on_commit, settings):
    settings.KZEDITOR_IMPORT_MAX_ZIP_TOTAL_BYTES = 64 * 1024
    bomb = make_zip({f"{n}.txt": b"\x00" * 60_000 for n in range(3)})
    assert len(bomb) < 2_000  # compresses to almost nothing, unpacks past the limit
    with run_on_commit():
        response = post_files(editor_api, upload("bomb.zip", bomb))
    [item] = editor_api.get(job_url(response.json()["id"])).json()["items"]
    assert item["outcome"] == "failed"
    assert "unpacks to" in item["message"]
    assert not Article.objects.exists()


def test_the_seeds_import_with_their_metadata(editor_api, run_on_commit):
    with run_on_commit():
        response = post_files(
            editor_api, *(upload(f"{p}.txt", seed_bytes(p)) for p in ("000", "003", "004"))
        )
    job = editor_api.get(job_url(response.json()["id"])).json()
    assert job["counts"] == {"imported": 3, "duplicate": 0, "failed": 0}
    assert Source.objects.filter(domain="zakon.kz").exists()


def test_extraction_progress_follows_the_articles(editor_api, run_on_commit):
    with run_on_commit():
        response = post_files(editor_api, upload("a.txt", KK_TEXT.encode()),
                              upload("b.txt", RU_TEXT.encode()))  # fmt: skip
    batch_id = response.json()["id"]
    first, second = Article.objects.order_by("pk")
    Article.objects.filter(pk=first.pk).update(extraction_state=ExtractionState.DONE)
    Article.objects.filter(pk=second.pk).update(extraction_state=ExtractionState.FAILED)
    job = editor_api.get(job_url(batch_id)).json()
    assert job["extraction"] == {"pending": 0, "running": 0, "done": 1, "failed": 1, "total": 2}
    assert [item["article"]["extraction_state"] for item in job["items"]] == ["done", "failed"]


def test_end_to_end_with_extraction(editor_api, run_on_commit, monkeypatch):
    """The real pipeline: the job's task imports, each article's extraction runs on commit."""
    monkeypatch.undo()  # extraction runs (eagerly) this time
    with run_on_commit():
        response = post_files(editor_api, upload("003.txt", seed_bytes("003")))
    job = editor_api.get(job_url(response.json()["id"])).json()
    assert job["extraction"]["done"] == job["extraction"]["total"] == 1
    article = Article.objects.get()
    assert article.language == "ru"
    assert article.mentions.exists()


def test_import_finished_is_sent_once_on_commit(editor_api, run_on_commit):
    received: list[ImportBatch] = []

    def receiver(sender, batch, **kwargs):
        received.append(batch)

    signals.import_finished.connect(receiver)
    try:
        with run_on_commit():
            response = post_files(editor_api, upload("a.txt", KK_TEXT.encode()))
    finally:
        signals.import_finished.disconnect(receiver)
    [batch] = received
    assert (batch.pk, batch.state, batch.imported_count) == (response.json()["id"], "finished", 1)


# -- JSON ---------------------------------------------------------------------------------------

ARTICLE = {
    "title": "Астанада жаңа мектеп ашылды",
    "body": "Бүгін Астанада жаңа мектеп ашылды.\n\nҚұрылысқа 7,4 млрд теңге жұмсалды.",
    "language": "kk",
    "source": {"name": "BAQ.KZ", "domain": "baq.kz"},
    "published_at": "2025-09-05T10:15:00+05:00",
}


def test_json_article_is_imported(editor_api, run_on_commit):
    with run_on_commit():
        response = editor_api.post(IMPORTS, ARTICLE, format="json")
    assert response.status_code == 202, response.content
    job = editor_api.get(job_url(response.json()["id"])).json()
    [item] = job["items"]
    assert item["outcome"] == "imported"
    assert item["filename"] == "#1 Астанада жаңа мектеп ашылды"
    article = Article.objects.get()
    assert (article.language, article.language_locked) == ("kk", True)
    assert article.source.domain == "baq.kz"
    assert article.published_at.isoformat() == "2025-09-05T05:15:00+00:00"


def test_json_list_with_a_duplicate(editor_api, run_on_commit):
    source = Source.objects.create(name="Zakon.kz", domain="zakon.kz")
    articles = [
        ARTICLE,
        {"title": "В Алматы открыли школу", "body": "Текст.", "source_id": source.pk},
        {**ARTICLE, "title": f" {ARTICLE['title']}  "},  # the same text again
    ]
    with run_on_commit():
        response = editor_api.post(IMPORTS, articles, format="json")
    job = editor_api.get(job_url(response.json()["id"])).json()
    assert [item["outcome"] for item in job["items"]] == ["imported", "imported", "duplicate"]
    assert job["items"][2]["article"]["id"] == job["items"][0]["article"]["id"]
    assert job["counts"] == {"imported": 2, "duplicate": 1, "failed": 0}
    assert Article.objects.get(title="В Алматы открыли школу").source == source


def test_a_source_deleted_before_the_job_runs_fails_that_article(editor, run_on_commit):
    source = Source.objects.create(name="Gone", domain="gone.kz")
    batch = import_job_create(
        articles=[{"title": "T", "body": "B", "source_id": source.pk}], user=editor
    )
    source.delete()
    batch = import_job_run(batch_id=batch.pk)
    [item] = batch.items.all()
    assert (item.outcome, batch.state) == ("failed", "finished")
    assert "does not exist" in item.message


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, {"title", "body"}),
        ({"title": "T"}, {"body"}),
        ({"title": " ", "body": "B"}, {"title"}),
        ({"title": "T", "body": "B", "language": "xx"}, {"language"}),
        ({"title": "T", "body": "B", "published_at": "soon"}, {"published_at"}),
        ([{"title": "T", "body": "B"}, {"title": "T2"}], {"[1].body"}),
        ([], {""}),
        (["a", "b"], {""}),
        ("just a string", {""}),
        (42, {""}),
    ],
)
def test_bad_json_is_400_and_stores_nothing(editor_api, payload, fields):
    response = editor_api.post(IMPORTS, payload, format="json")
    body = problem(response)
    assert body["status"] == 400
    assert {error["field"] for error in body["errors"]} == fields
    assert nothing_stored()


def test_malformed_json_is_400(editor_api):
    response = editor_api.generic("POST", IMPORTS, '{"title": ', content_type="application/json")
    assert problem(response)["status"] == 400
    assert nothing_stored()


def test_other_content_types_are_415(editor_api):
    response = editor_api.generic("POST", IMPORTS, KK_TEXT, content_type="text/plain")
    assert problem(response)["status"] == 415
    assert nothing_stored()


def test_too_many_json_articles_is_413(editor_api, settings):
    settings.KZEDITOR_IMPORT_MAX_FILES = 2
    response = editor_api.post(IMPORTS, [ARTICLE] * 3, format="json")
    assert problem(response)["status"] == 413
    assert nothing_stored()


# -- limits ---------------------------------------------------------------------------------------


def test_empty_file_is_400(editor_api):
    response = post_files(editor_api, upload("empty.txt", b""), upload("ok.txt", b"T\n\nB"))
    assert problem(response)["status"] == 400
    assert nothing_stored()


def test_no_files_is_400(editor_api):
    response = editor_api.post(IMPORTS, {"other": "x"}, format="multipart")
    body = problem(response)
    assert (body["status"], body["errors"][0]["field"]) == (400, "files")
    assert nothing_stored()


def test_oversize_file_is_413(editor_api, settings):
    settings.KZEDITOR_IMPORT_MAX_FILE_BYTES = 1000
    response = post_files(editor_api, upload("ok.txt", KK_TEXT.encode()),
                          upload("big.txt", b"x" * 1001))  # fmt: skip
    body = problem(response)
    assert body["status"] == 413
    assert "big.txt" in body["detail"]
    assert nothing_stored()


def test_too_many_files_is_413(editor_api, settings):
    settings.KZEDITOR_IMPORT_MAX_FILES = 2
    files = [upload(f"{n}.txt", KK_TEXT.encode()) for n in range(3)]
    response = post_files(editor_api, *files)
    assert problem(response)["status"] == 413
    assert nothing_stored()


def test_more_files_than_django_accepts_is_413(editor_api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = [upload(f"{n}.txt", KK_TEXT.encode()) for n in range(3)]
    response = post_files(editor_api, *files)
    assert problem(response)["status"] == 413
    assert nothing_stored()


def test_imports_have_their_own_throttle(editor_api, monkeypatch):
    monkeypatch.setattr(
        ImportRateThrottle,
        "THROTTLE_RATES",
        {**ImportRateThrottle.THROTTLE_RATES, "imports": "2/min"},
    )
    statuses = [
        editor_api.post(IMPORTS, {**ARTICLE, "title": f"T{n}"}, format="json").status_code
        for n in range(3)
    ]
    assert statuses == [202, 202, 429]
    assert editor_api.get(IMPORTS).status_code == 200  # reading jobs is not an import


# -- who may --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["reviewer", "translator"])
def test_only_editors_and_admins_import(request, api_client_for, role):
    client = api_client_for(request.getfixturevalue(role))
    response = post_files(client, upload("a.txt", KK_TEXT.encode()))
    assert problem(response)["status"] == 403
    assert problem(client.post(IMPORTS, ARTICLE, format="json"))["status"] == 403
    assert nothing_stored()


def test_admin_imports_and_sees_every_job(admin_user_, api_client_for, editor_api, run_on_commit):
    with run_on_commit():
        mine = editor_api.post(IMPORTS, ARTICLE, format="json").json()["id"]
    admin = api_client_for(admin_user_)
    with run_on_commit():
        theirs = admin.post(IMPORTS, {**ARTICLE, "title": "Басқа"}, format="json").json()["id"]
    listed = [job["id"] for job in admin.get(IMPORTS).json()["results"]]
    assert listed == [theirs, mine]
    assert admin.get(job_url(mine)).status_code == 200


def test_editors_see_only_their_own_jobs(make_user, api_client_for, editor_api, run_on_commit):
    from articles.roles import Role

    other = api_client_for(make_user("other-editor", Role.EDITOR))
    with run_on_commit():
        theirs = other.post(IMPORTS, ARTICLE, format="json").json()["id"]
    assert editor_api.get(IMPORTS).json()["results"] == []
    assert problem(editor_api.get(job_url(theirs)))["status"] == 404


def test_key_scopes(editor, api_client_for, run_on_commit):
    write_only = api_client_for(editor, scopes=("read", "write"))
    assert problem(write_only.post(IMPORTS, ARTICLE, format="json"))["status"] == 403
    assert nothing_stored()
    import_only = api_client_for(editor, scopes=("import",))
    with run_on_commit():
        response = import_only.post(IMPORTS, ARTICLE, format="json")
    assert response.status_code == 202
    job_id = response.json()["id"]
    # The import scope reads its jobs, not the rest of the API.
    assert import_only.get(job_url(job_id)).status_code == 200
    assert import_only.get(IMPORTS).status_code == 200
    assert problem(import_only.get("/api/v1/articles/"))["status"] == 403
    read_only = api_client_for(editor, scopes=("read",))
    assert read_only.get(job_url(job_id)).status_code == 200
    assert problem(read_only.post(IMPORTS, ARTICLE, format="json"))["status"] == 403


def test_anonymous_is_401():
    assert APIClient().post(IMPORTS, ARTICLE, format="json").status_code == 401
    assert nothing_stored()


# -- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("files", [1, 20])
def test_job_query_count_is_constant(editor_api, run_on_commit, django_assert_num_queries, files):
    archive = make_zip({f"{n}.txt": f"Тақырып {n}\n\nМәтін {n}.".encode() for n in range(files)})
    with run_on_commit():
        job_id = post_files(editor_api, upload("many.zip", archive)).json()["id"]
    editor_api.get(job_url(job_id))
    # key + the job with its extraction counts + its items with their articles
    with django_assert_num_queries(3):
        response = editor_api.get(job_url(job_id))
    assert len(response.json()["items"]) == files


@pytest.mark.parametrize("jobs", [1, 10])
def test_job_list_query_count_is_constant(editor, editor_api, django_assert_num_queries, jobs):
    for n in range(jobs):
        import_job_create(articles=[{**ARTICLE, "title": f"T{n}"}], user=editor)
    editor_api.get(IMPORTS)
    # key + the page of jobs with their counts
    with django_assert_num_queries(2):
        response = editor_api.get(IMPORTS)
    assert len(response.json()["results"]) == jobs


# -- the job service ------------------------------------------------------------------------------


def test_job_runs_once(editor, run_on_commit):
    with run_on_commit() as callbacks:
        batch = import_job_create(files=[("a.txt", KK_TEXT.encode())], user=editor)
    assert len([c for c in callbacks if "import_job_create" in c.__qualname__]) == 1
    batch.refresh_from_db()
    assert batch.state == "finished"
    finished_at = batch.finished_at
    assert run_import_job(batch.pk) == "finished"  # a second delivery changes nothing
    batch.refresh_from_db()
    assert batch.finished_at == finished_at
    assert (ImportItem.objects.count(), Article.objects.count()) == (1, 1)
    assert run_import_job(987654) == "missing"


def test_a_job_that_fails_to_store_queues_nothing(editor, run_on_commit):
    with run_on_commit() as callbacks, pytest.raises(ValueError, match="empty"):
        import_job_create(files=[("a.txt", b"")], user=editor)
    assert callbacks == []
    assert nothing_stored()


def test_an_interrupted_job_resumes_with_what_is_left(editor):
    batch = import_job_create(
        files=[("a.txt", KK_TEXT.encode()), ("b.txt", RU_TEXT.encode())], user=editor
    )
    real = import_jobs._payload_import
    calls = []

    def dies_on_the_second(batch, payload):
        calls.append(payload.filename)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the worker died: not an error the job records
        real(batch, payload)

    with (
        patch("articles.import_jobs._payload_import", dies_on_the_second),
        pytest.raises(KeyboardInterrupt),
    ):
        import_job_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.state == "running"
    assert list(batch.payloads.values_list("filename", flat=True)) == ["b.txt"]
    assert Article.objects.count() == 1
    batch = import_job_run(batch_id=batch.pk)  # the task delivered again
    assert batch.state == "finished"
    assert [i.filename for i in batch.items.order_by("id")] == ["a.txt", "b.txt"]
    assert (batch.imported_count, Article.objects.count()) == (2, 2)


def test_an_unexpected_error_fails_the_job_and_leaves_no_garbage(editor):
    batch = import_job_create(
        files=[("a.txt", KK_TEXT.encode()), ("b.txt", RU_TEXT.encode()), ("c.txt", b"C\n\nc")],
        user=editor,
    )
    real = import_jobs._payload_import

    def breaks_on_b(batch, payload):
        real(batch, payload)
        if payload.filename == "b.txt":
            raise RuntimeError("disk on fire")

    with patch("articles.import_jobs._payload_import", breaks_on_b):
        batch = import_job_run(batch_id=batch.pk)
    assert batch.state == "failed"
    assert batch.error == "RuntimeError: disk on fire"
    assert batch.finished_at is not None
    items = {i.filename: i.outcome for i in batch.items.all()}
    assert items == {"a.txt": "imported", "b.txt": "failed", "c.txt": "failed"}
    assert (batch.imported_count, batch.failed_count) == (1, 2)
    # b.txt's article rolled back with its payload's transaction; nothing is left to import.
    assert list(Article.objects.values_list("title", flat=True)) == ["Астанада жаңа мектеп ашылды"]
    assert not ImportPayload.objects.exists()
    assert import_job_run(batch_id=batch.pk).state == "failed"  # stays failed


def test_failed_job_through_the_api(editor_api, run_on_commit):
    with (
        patch("articles.import_jobs._payload_import", side_effect=RuntimeError("boom")),
        run_on_commit(),
    ):
        response = editor_api.post(IMPORTS, ARTICLE, format="json")
    job = editor_api.get(job_url(response.json()["id"])).json()
    assert (job["state"], job["error"]) == ("failed", "RuntimeError: boom")
    assert job["counts"] == {"imported": 0, "duplicate": 0, "failed": 1}
    assert job["items"][0]["message"].startswith("Not imported")


def test_sweep_requeues_stale_jobs(editor, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    queued: list[int] = []
    monkeypatch.setattr("articles.tasks.run_import_job.delay", queued.append)
    stale = import_job_create(articles=[ARTICLE], user=editor)
    fresh = import_job_create(articles=[{**ARTICLE, "title": "Fresh"}], user=editor)
    ImportBatch.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert import_jobs_sweep() == 1
    assert queued == [stale.pk]
    assert fresh.state == "queued"


def test_broker_down_leaves_the_job_queued(editor, run_on_commit, monkeypatch):
    def down(batch_id):
        raise ConnectionError("no broker")

    monkeypatch.setattr("articles.tasks.run_import_job.delay", down)
    with run_on_commit():
        batch = import_job_create(articles=[ARTICLE], user=editor)
    batch.refresh_from_db()
    assert batch.state == "queued"
    assert batch.payloads.count() == 1

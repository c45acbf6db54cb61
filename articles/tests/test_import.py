"""Importing files: the seeds in every encoding, failures that leave nothing behind, duplicates,
zip archives and their limits, folders, and the ``import_articles`` command."""

from __future__ import annotations

import codecs
import io
import random
import zipfile
from datetime import datetime
from pathlib import Path
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models.query import QuerySet
from django.utils import timezone

from articles.importing import ImportFile, import_file_from_bytes, import_files_from_paths
from articles.models import (
    Article,
    ExtractionState,
    ImportBatch,
    ImportItem,
    ImportOutcome,
    Source,
)
from articles.services import (
    DuplicateArticleError,
    FileImportResult,
    article_create,
    article_import_file,
    articles_import,
)
from conftest import extraction_callbacks

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
NOW = datetime(2025, 9, 5, 12, 0, tzinfo=ALMATY)
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x02" + (
    random.Random(7).randbytes(512)
)


def seed_path(prefix: str) -> Path:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return path


def seed_bytes(prefix: str) -> bytes:
    return seed_path(prefix).read_bytes()


def seed_text(prefix: str) -> str:
    return seed_bytes(prefix).decode("utf-8")


def make_zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def import_one(name: str, data: bytes) -> FileImportResult:
    [item] = import_file_from_bytes(name, data)
    return article_import_file(item=item, now=NOW)


def import_all(name: str, data: bytes) -> list[FileImportResult]:
    _batch, results = articles_import(
        files=import_file_from_bytes(name, data), channel=ImportBatch.Channel.API, now=NOW
    )
    return results


@pytest.fixture(autouse=True)
def _almaty(settings) -> None:
    settings.TIME_ZONE = "Asia/Almaty"


# -- the seeds -----------------------------------------------------------------------------

SEED_EXPECTATIONS = {
    "000": {
        "title": (
            "Қасым-Жомарт Тоқаев Chevron басшысымен кездесіп, энергетикалық серіктестіктің "
            "келешегін талқылады"
        ),
        "byline": "Admin",
        "photo_credit": "",
        "source": None,
        "published_at": datetime(2025, 9, 5, 19, 52, tzinfo=ALMATY),
        "paragraphs": 6,
        "language": "kk",
    },
    "003": {
        "title": "Что подробно обсудили Касым-Жомарт Токаев и Си Цзиньпин во время переговоров",
        "byline": "",
        "photo_credit": "akorda.kz",
        "source": ("Zakon.kz", "zakon.kz"),
        "published_at": None,
        "paragraphs": 2,
        "language": "ru",
    },
    "004": {
        "title": (
            "31 тамыз – 3 қыркүйек аралығындағы Қытайға сапар Қазақстан үшін жаңа саяси әрі "
            "экономикалық мүмкіндіктердің бастауы болды."
        ),
        "byline": "BAQ.KZ тілшісі",
        "photo_credit": "",
        "source": ("BAQ.KZ", "baq.kz"),
        "published_at": datetime(2025, 9, 5, 0, 0, tzinfo=ALMATY),
        "paragraphs": 13,
        "language": "kk",
    },
}


def assert_seed_article(article: Article, prefix: str) -> None:
    expected = SEED_EXPECTATIONS[prefix]
    article.refresh_from_db()
    assert article.title == expected["title"]
    assert article.byline == expected["byline"]
    assert article.photo_credit == expected["photo_credit"]
    assert article.published_at == expected["published_at"]
    assert len(article.paragraphs) == expected["paragraphs"]
    if expected["source"] is None:
        assert article.source is None
    else:
        assert (article.source.name, article.source.domain) == expected["source"]
    assert article.extraction_state == ExtractionState.DONE
    assert article.extraction_error == ""
    assert article.language == expected["language"]
    assert article.language_locked is False
    assert 0 < article.language_confidence <= 1


@pytest.mark.parametrize("prefix", sorted(SEED_EXPECTATIONS))
def test_service_imports_each_seed(prefix: str, django_capture_on_commit_callbacks) -> None:
    name = seed_path(prefix).name
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = import_one(name, seed_bytes(prefix))

    assert result.outcome == ImportOutcome.IMPORTED, result.message
    assert result.message == f"Imported as #{result.article.pk}."
    assert len(callbacks) == 1
    assert Article.objects.count() == 1
    article = Article.objects.get()
    assert article == result.article
    assert article.original_filename == name
    assert article.status == "draft"
    assert_seed_article(article, prefix)


def test_seed_004_is_published_on_2025_09_05_in_almaty(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = import_one("004.txt", seed_bytes("004"))
    published = timezone.localtime(result.article.published_at, ALMATY)
    assert published.date().isoformat() == "2025-09-05"
    assert result.article.source.name == "BAQ.KZ"
    assert result.warnings == [
        "The file has no title line; the first sentence is used as the title."
    ]
    assert result.article.import_warnings == result.warnings


def test_import_reuses_an_existing_source() -> None:
    existing = Source.objects.create(name="Zakon", domain="zakon.kz")
    result = import_one("003.txt", seed_bytes("003"))
    assert result.article.source == existing
    assert Source.objects.count() == 1


# -- encodings -----------------------------------------------------------------------------

RUSSIAN_KOI8 = seed_text("003").replace("–", "-")  # KOI8-R has no en dash


@pytest.mark.parametrize(
    ("original", "data", "decoded_from"),
    [
        pytest.param(
            seed_text("000"), seed_text("000").encode("kz1048"), "kz1048", id="000-kz1048"
        ),
        pytest.param(
            seed_text("000"), codecs.BOM_UTF8 + seed_bytes("000"), None, id="000-utf8-bom"
        ),
        pytest.param(seed_text("000"), seed_text("000").encode("utf-16"), "utf-16", id="000-utf16"),
        pytest.param(
            seed_text("000"),
            codecs.BOM_UTF16_BE + seed_text("000").encode("utf-16-be"),
            "utf-16",
            id="000-utf16be-bom",
        ),
        pytest.param(
            seed_text("000"), seed_text("000").encode("utf-16-le"), "utf-16-le", id="000-utf16le"
        ),
        pytest.param(
            seed_text("003"), seed_text("003").encode("cp1251"), "cp1251", id="003-cp1251"
        ),
        pytest.param(
            seed_text("003"), seed_text("003").encode("utf-16-le"), "utf-16-le", id="003-utf16le"
        ),
        pytest.param(RUSSIAN_KOI8, RUSSIAN_KOI8.encode("koi8_r"), "koi8_r", id="003-koi8r"),
        pytest.param(
            seed_text("004"), seed_text("004").encode("kz1048"), "kz1048", id="004-kz1048"
        ),
        pytest.param(
            seed_text("004"), seed_text("004").encode("utf-16-be"), "utf-16-be", id="004-utf16be"
        ),
    ],
)
def test_encoding_variants_import_the_same_text(
    original: str, data: bytes, decoded_from: str | None
) -> None:
    assert data != original.encode("utf-8")
    variant = import_one("variant.txt", data)
    assert variant.outcome == ImportOutcome.IMPORTED, variant.message
    if decoded_from:
        assert f"Decoded from {decoded_from}." in variant.warnings
    else:
        assert not any(w.startswith("Decoded from") for w in variant.warnings)

    # The UTF-8 original is recognised as the very same article.
    utf8 = import_one("original.txt", original.encode("utf-8"))
    assert utf8.outcome == ImportOutcome.DUPLICATE
    assert utf8.article == variant.article
    assert Article.objects.count() == 1

    # And the stored text is exactly what the UTF-8 file gives.
    article = variant.article
    article.refresh_from_db()
    assert "\ufeff" not in article.title + article.body
    reference = Article.objects.filter(pk=article.pk).values("title", "body", "byline").get()
    Article.objects.all().delete()
    Source.objects.all().delete()
    fresh = import_one("original.txt", original.encode("utf-8")).article
    assert {"title": fresh.title, "body": fresh.body, "byline": fresh.byline} == reference


# -- failures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        pytest.param("empty.txt", b"", "The file is empty.", id="empty"),
        pytest.param("blank.txt", b" \r\n\t\n", "The file is empty.", id="whitespace"),
        pytest.param("bom.txt", codecs.BOM_UTF8, "The file is empty.", id="bom-only"),
        pytest.param(
            "image.txt",
            PNG,
            "The file is binary (it contains NUL bytes), not plain text.",
            id="binary",
        ),
        pytest.param(
            "title-only.txt",
            "Сообщает Zakon.kz: только заголовок\n\n".encode(),
            "The file has a title but no body text.",
            id="title-only",
        ),
        pytest.param(
            "story.docx",
            b"PK\x03\x04" + bytes(100),
            "Unsupported file type «.docx»: import plain-text .txt files or .zip archives.",
            id="docx",
        ),
    ],
)
def test_failed_file_leaves_nothing_behind(name: str, data: bytes, message: str) -> None:
    batch, [result] = articles_import(
        files=import_file_from_bytes(name, data), channel=ImportBatch.Channel.API, now=NOW
    )
    assert result.outcome == ImportOutcome.FAILED
    assert result.message == message
    assert result.article is None
    assert not Article.objects.exists()
    assert not Source.objects.exists()
    assert (batch.imported_count, batch.duplicate_count, batch.failed_count) == (0, 0, 1)
    item = ImportItem.objects.get(batch=batch)
    assert (item.filename, item.outcome, item.message, item.article) == (
        name,
        ImportOutcome.FAILED,
        message,
        None,
    )


def test_oversize_file_is_refused_before_decoding(settings) -> None:
    settings.KZEDITOR_IMPORT_MAX_FILE_BYTES = 1000
    data = seed_bytes("003")
    [item] = import_file_from_bytes("big.txt", data)
    assert item.data is None
    result = article_import_file(item=item, now=NOW)
    assert result.outcome == ImportOutcome.FAILED
    assert result.message == (
        f"The file is 3.6\xa0KB; the limit is 1000\xa0bytes ({len(data)} > 1000 bytes)."
    )
    assert not Article.objects.exists()
    assert not Source.objects.exists()


def test_file_exactly_at_the_limit_is_imported(settings) -> None:
    data = seed_bytes("003")
    settings.KZEDITOR_IMPORT_MAX_FILE_BYTES = len(data)
    assert import_one("003.txt", data).outcome == ImportOutcome.IMPORTED


def test_oversize_file_on_disk_is_refused(settings, tmp_path: Path) -> None:
    settings.KZEDITOR_IMPORT_MAX_FILE_BYTES = 100
    path = tmp_path / "big.txt"
    path.write_bytes(seed_bytes("000"))
    [item] = import_files_from_paths([path])
    assert item.data is None
    assert item.error.endswith(f"({path.stat().st_size} > 100 bytes).")


def test_duplicate_that_names_a_new_source_leaves_no_source_behind() -> None:
    title = "Новый завод открыт в Павлодаре"
    body = "Завод открыт сегодня, сообщает Example.kz."
    existing = article_create(title=title, body=body)
    assert not Source.objects.exists()

    result = import_one("copy.txt", f"{title}\n{body}\n".encode())

    assert result.outcome == ImportOutcome.DUPLICATE
    assert result.article == existing
    assert not Source.objects.filter(domain="example.kz").exists()
    assert Article.objects.count() == 1


# -- duplicates ----------------------------------------------------------------------------


def test_same_file_twice_is_a_duplicate() -> None:
    files = [
        ImportFile("003.txt", seed_bytes("003")),
        ImportFile("003-copy.txt", seed_bytes("003")),
    ]
    batch, [first, second] = articles_import(
        files=files, channel=ImportBatch.Channel.UPLOAD, now=NOW
    )

    assert first.outcome == ImportOutcome.IMPORTED
    assert second.outcome == ImportOutcome.DUPLICATE
    assert second.article == first.article
    assert second.message == (
        f"The same text is already article #{first.article.pk} «{first.article.title}»."
    )
    assert Article.objects.count() == 1
    assert Source.objects.count() == 1
    assert (batch.imported_count, batch.duplicate_count, batch.failed_count) == (1, 1, 0)
    assert [i.outcome for i in batch.items.all()] == [
        ImportOutcome.IMPORTED,
        ImportOutcome.DUPLICATE,
    ]
    assert batch.items.get(filename="003-copy.txt").article == first.article


def test_same_text_with_other_spacing_and_case_is_a_duplicate() -> None:
    first = import_one("003.txt", seed_bytes("003"))
    text = seed_text("003")
    retyped = (
        text.replace("Что подробно обсудили", "ЧТО  ПОДРОБНО   обсудили")
        .replace("\n\n", "\r\n\r\n\r\n")
        .replace("сообщает", "\tСООБЩАЕТ ")
    )
    assert retyped != text

    second = import_one("retyped.txt", retyped.encode("utf-8"))

    assert second.outcome == ImportOutcome.DUPLICATE
    assert second.article == first.article
    assert Article.objects.count() == 1


def test_duplicate_created_concurrently_is_reported_as_duplicate() -> None:
    """The look-up finds nothing (the other import has not committed yet), so the unique
    constraint has to catch it; the caller still gets a duplicate, not an IntegrityError."""
    existing = article_create(title="Заголовок", body="Текст статьи.")
    real_first = QuerySet.first
    lookups: list[QuerySet] = []

    def miss_the_first_lookup(queryset: QuerySet):
        lookups.append(queryset)
        return None if len(lookups) == 1 else real_first(queryset)

    with (
        patch.object(QuerySet, "first", autospec=True, side_effect=miss_the_first_lookup),
        pytest.raises(DuplicateArticleError) as excinfo,
    ):
        article_create(title="ЗАГОЛОВОК", body="Текст  статьи")

    assert excinfo.value.existing == existing
    assert len(lookups) == 2
    assert Article.objects.count() == 1


def test_different_text_is_not_a_duplicate() -> None:
    first = import_one("003.txt", seed_bytes("003"))
    changed = seed_text("003").replace("2 сентября", "3 сентября")
    second = import_one("changed.txt", changed.encode("utf-8"))
    assert second.outcome == ImportOutcome.IMPORTED
    assert second.article != first.article
    assert Article.objects.count() == 2


# -- zip archives --------------------------------------------------------------------------


def test_zip_imports_good_members_and_reports_bad_ones() -> None:
    data = make_zip(
        {"a/000.txt": seed_bytes("000"), "bad.txt": PNG, "b/003.txt": seed_bytes("003")}
    )
    results = import_all("batch.zip", data)

    outcomes = {r.filename: (r.outcome, r.message) for r in results}
    assert outcomes["batch.zip/a/000.txt"][0] == ImportOutcome.IMPORTED
    assert outcomes["batch.zip/b/003.txt"][0] == ImportOutcome.IMPORTED
    assert outcomes["batch.zip/bad.txt"] == (
        ImportOutcome.FAILED,
        "The file is binary (it contains NUL bytes), not plain text.",
    )
    assert sorted(Article.objects.values_list("original_filename", flat=True)) == [
        "batch.zip/a/000.txt",
        "batch.zip/b/003.txt",
    ]


def test_zip_skips_folders_and_hidden_files() -> None:
    data = make_zip(
        {
            "__MACOSX/._000.txt": PNG,
            ".DS_Store": PNG,
            "sub/.hidden.txt": PNG,
            "000.txt": seed_bytes("000"),
        }
    )
    assert [f.name for f in import_file_from_bytes("x.zip", data)] == ["x.zip/000.txt"]


def test_zip_with_too_many_members_is_refused(settings) -> None:
    settings.KZEDITOR_IMPORT_MAX_ZIP_MEMBERS = 2
    data = make_zip({f"{n}.txt": seed_bytes(n) for n in ("000", "003", "004")})
    [result] = import_all("many.zip", data)
    assert result.outcome == ImportOutcome.FAILED
    assert result.filename == "many.zip"
    assert result.message == "The archive has 3 files; the limit is 2."
    assert not Article.objects.exists()


def test_zip_at_the_member_limit_is_imported(settings) -> None:
    settings.KZEDITOR_IMPORT_MAX_ZIP_MEMBERS = 2
    data = make_zip({"000.txt": seed_bytes("000"), "003.txt": seed_bytes("003"), "d/": b""})
    results = import_all("two.zip", data)
    assert [r.outcome for r in results] == [ImportOutcome.IMPORTED] * 2


def test_zip_bomb_declared_total_is_refused(settings) -> None:
    settings.KZEDITOR_IMPORT_MAX_ZIP_TOTAL_BYTES = 20_000
    data = make_zip({"bomb.txt": "а".encode() * 50_000})  # 100 000 bytes, compresses to ~200
    assert len(data) < 20_000
    [result] = import_all("bomb.zip", data)
    assert result.outcome == ImportOutcome.FAILED
    assert result.message == "The archive unpacks to 97.7\xa0KB; the limit is 19.5\xa0KB."
    assert not Article.objects.exists()


def test_oversize_zip_reports_the_zip_limit(settings) -> None:
    settings.KZEDITOR_IMPORT_MAX_ZIP_TOTAL_BYTES = 1000
    settings.KZEDITOR_IMPORT_MAX_FILE_BYTES = 100_000
    data = make_zip({"noise.txt": random.Random(1).randbytes(2000)}, zipfile.ZIP_STORED)
    [result] = import_all("big.zip", data)
    assert result.outcome == ImportOutcome.FAILED
    assert result.message.endswith(f"({len(data)} > 1000 bytes).")


def test_oversize_zip_member_is_refused(settings) -> None:
    settings.KZEDITOR_IMPORT_MAX_FILE_BYTES = 4000
    data = make_zip({"000.txt": seed_bytes("000"), "003.txt": seed_bytes("003")})
    results = {r.filename: r for r in import_all("mixed.zip", data)}
    assert results["mixed.zip/003.txt"].outcome == ImportOutcome.IMPORTED
    big = results["mixed.zip/000.txt"]
    assert big.outcome == ImportOutcome.FAILED
    assert big.message.endswith(f"({len(seed_bytes('000'))} > 4000 bytes).")


def test_nested_zip_and_unsupported_member_are_rejected() -> None:
    inner = make_zip({"000.txt": seed_bytes("000")})
    data = make_zip(
        {"inner.zip": inner, "report.docx": b"PK\x03\x04" + bytes(50), "003.txt": seed_bytes("003")}
    )
    results = {r.filename: r for r in import_all("outer.zip", data)}
    assert results["outer.zip/inner.zip"].outcome == ImportOutcome.FAILED
    assert results["outer.zip/inner.zip"].message == (
        "Zip archives inside zip archives are not imported."
    )
    assert results["outer.zip/report.docx"].outcome == ImportOutcome.FAILED
    assert results["outer.zip/report.docx"].message.startswith("Unsupported file type «.docx»")
    assert results["outer.zip/003.txt"].outcome == ImportOutcome.IMPORTED
    assert Article.objects.count() == 1


def test_damaged_zip_is_reported() -> None:
    [result] = import_all("broken.zip", b"PK\x03\x04 this is not really a zip")
    assert result.outcome == ImportOutcome.FAILED
    assert result.message.startswith("The zip archive cannot be read:")


def test_suffixless_zip_upload_is_expanded() -> None:
    data = make_zip({"003.txt": seed_bytes("003")})
    assert [f.name for f in import_file_from_bytes("upload", data)] == ["upload/003.txt"]


# -- paths ---------------------------------------------------------------------------------


def test_paths_folders_are_walked_sorted_and_hidden_files_skipped(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "003.txt").write_bytes(seed_bytes("003"))
    (tmp_path / "a.txt").write_bytes(seed_bytes("000"))
    (tmp_path / ".hidden.txt").write_bytes(PNG)
    (tmp_path / ".git" / "config").write_bytes(PNG)
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "README.md").write_text("# seeds", encoding="utf-8")
    (tmp_path / "entities.json").write_text("{}", encoding="utf-8")

    files = list(import_files_from_paths([tmp_path, tmp_path / "missing.txt"]))

    assert [(Path(f.name).relative_to(tmp_path).as_posix(), bool(f.data)) for f in files] == [
        ("a.txt", True),
        ("b/003.txt", True),
        ("notes.docx", False),
        ("missing.txt", False),
    ]
    assert files[2].error.startswith("Unsupported file type «.docx»")
    assert files[3].error == "No such file or folder."
    [named] = import_files_from_paths([tmp_path / "README.md"])
    assert named.error.startswith("Unsupported file type «.md»")


# -- the management command ----------------------------------------------------------------


def run_command(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue()


def seed_paths() -> list[str]:
    return [str(seed_path(prefix)) for prefix in sorted(SEED_EXPECTATIONS)]


def test_command_imports_the_seeds(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        output = run_command(*seed_paths(), "--now", "2025-09-05T12:00")

    assert "Summary: 3 imported, 0 duplicates, 0 failed" in output
    assert output.count("IMPORTED") == 3
    assert len(extraction_callbacks(callbacks)) == 3
    for prefix in SEED_EXPECTATIONS:
        article = Article.objects.get(original_filename=str(seed_path(prefix)))
        assert_seed_article(article, prefix)
    assert sorted(Article.objects.values_list("language", flat=True)) == ["kk", "kk", "ru"]

    batch = ImportBatch.objects.get()
    assert batch.channel == ImportBatch.Channel.COMMAND
    assert (batch.imported_count, batch.duplicate_count, batch.failed_count) == (3, 0, 0)
    assert batch.finished_at is not None
    assert f"(import #{batch.pk})" in output
    items = list(batch.items.all())
    assert [i.outcome for i in items] == [ImportOutcome.IMPORTED] * 3
    assert {i.article_id for i in items} == set(Article.objects.values_list("pk", flat=True))


def test_command_second_run_reports_duplicates_and_exits_normally() -> None:
    run_command(*seed_paths())
    output = run_command(*seed_paths())  # no CommandError
    assert "Summary: 0 imported, 3 duplicates, 0 failed" in output
    assert output.count("DUPLICATE") == 3
    assert Article.objects.count() == 3
    latest = ImportBatch.objects.order_by("-pk").first()
    assert (latest.imported_count, latest.duplicate_count, latest.failed_count) == (0, 3, 0)


def test_command_fails_when_a_file_fails(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(PNG)
    (tmp_path / "003.txt").write_bytes(seed_bytes("003"))
    out = io.StringIO()

    with pytest.raises(CommandError, match=r"2 file\(s\) failed") as excinfo:
        call_command("import_articles", str(tmp_path), "--no-progress", stdout=out)

    assert excinfo.value.returncode == 1
    output = out.getvalue()
    assert "Summary: 1 imported, 0 duplicates, 2 failed" in output
    assert f"FAILED    {tmp_path / 'empty.txt'}: The file is empty." in output
    assert "Unsupported file type «.png»" in output
    assert Article.objects.count() == 1  # the good file is still imported
    batch = ImportBatch.objects.get()
    assert (batch.imported_count, batch.duplicate_count, batch.failed_count) == (1, 0, 2)
    assert batch.items.filter(outcome=ImportOutcome.FAILED).count() == 2


def test_command_now_option_resolves_relative_times() -> None:
    run_command(str(seed_path("000")), "--now", "2025-09-01T08:00")
    article = Article.objects.get()
    assert article.published_at == datetime(2025, 9, 1, 19, 52, tzinfo=ALMATY)


def test_command_rejects_bad_now() -> None:
    with pytest.raises(CommandError, match="not an ISO date-time"):
        run_command(str(seed_path("000")), "--now", "yesterday")
    assert not Article.objects.exists()


def test_command_records_the_user(editor) -> None:
    run_command(str(seed_path("003")), "--user", editor.username)
    assert ImportBatch.objects.get().created_by == editor
    article = Article.objects.get()
    assert (article.created_by, article.updated_by) == (editor, editor)


def test_command_rejects_unknown_user() -> None:
    with pytest.raises(CommandError, match="No user «nobody»"):
        run_command(str(seed_path("003")), "--user", "nobody")
    assert not ImportBatch.objects.exists()


def test_command_with_no_files_fails(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No files found") as excinfo:
        run_command(str(tmp_path))
    assert excinfo.value.returncode == 1


def test_overlong_byline_and_photo_credit_are_cut_with_a_warning():
    text = ("Тақырып\n- author " + "Ұзын есім " * 60 + "\n- Бүгін, 10:00\n\nМәтін.\n").encode()
    result = article_import_file(item=ImportFile("long-byline.txt", text))
    assert result.outcome == ImportOutcome.IMPORTED, result.message
    assert len(result.article.byline) <= 300
    assert any("byline was longer" in w for w in result.warnings)


def test_an_unexpected_database_error_fails_only_that_file(monkeypatch):
    from django.db import DataError

    from articles import services

    real_create = services.article_create_from_parsed
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["original_filename"])
        if kwargs["original_filename"] == "bad.txt":
            raise DataError("value too long for type character varying(300)")
        return real_create(**kwargs)

    monkeypatch.setattr(services, "article_create_from_parsed", flaky)
    batch, results = articles_import(
        files=[
            ImportFile("bad.txt", "Бірінші\n\nМәтін бір.".encode()),
            ImportFile("good.txt", "Екінші\n\nМәтін екі.".encode()),
        ],
        channel=ImportBatch.Channel.COMMAND,
    )
    assert [r.outcome for r in results] == [ImportOutcome.FAILED, ImportOutcome.IMPORTED]
    assert "could not be saved" in results[0].message
    assert Article.objects.count() == 1
    assert calls == ["bad.txt", "good.txt"]
    assert (batch.imported_count, batch.failed_count) == (1, 1)

"""``manage.py qa_translation SOURCE TARGET [--json]``: the contract integrations rely on
(one JSON object on stdout, exit 1 on errors, 2 on unreadable input), the documents layer
under it, and that it writes nothing."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from articles.translations.qa.documents import QAInputError, qa_documents
from entities.models import Entity

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data" / "qa"
[SEED_000] = (ROOT / "seeds").glob("000_*.txt")
[SEED_003] = (ROOT / "seeds").glob("003_*.txt")
[SEED_004] = (ROOT / "seeds").glob("004_*.txt")
CODES = {
    "figures", "entities", "dates", "quotes", "paragraphs", "language", "untranslated",
    "length", "punctuation",
}  # fmt: skip
FORM_CODES = {"paragraphs", "language", "untranslated", "length", "punctuation"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run(*args: str | Path) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of the command, as the shell would see them."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("qa_translation", *map(str, args), stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def findings_of(stdout: str) -> list[dict]:
    assert stdout.count("\n") == 1  # one JSON object, on one line
    assert stdout.endswith("\n")
    document = json.loads(stdout)
    assert list(document) == ["findings"]
    for finding in document["findings"]:
        assert list(finding) == ["check", "severity", "paragraph", "message"]
        assert finding["check"] in CODES
        assert finding["severity"] in ("error", "warning")
        assert finding["paragraph"] is None or isinstance(finding["paragraph"], int)
        assert isinstance(finding["message"], str)
        assert finding["message"]
    return document["findings"]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (SEED_000, DATA / "000_ru.txt"),
        (SEED_003, DATA / "003_kk.txt"),
        (SEED_000, DATA / "000_en.txt"),
    ],
)
def test_a_faithful_translation_passes(source: Path, target: Path) -> None:
    status, stdout, _stderr = run(source, target, "--json")
    found = findings_of(stdout)
    assert status == 0
    assert [f for f in found if f["severity"] == "error"] == []
    assert [f for f in found if f["check"] in FORM_CODES] == []


def test_planted_mistakes_kk_to_ru() -> None:
    status, stdout, stderr = run(SEED_000, DATA / "000_ru_planted.txt", "--json")
    found = findings_of(stdout)
    assert status == 1
    assert "error(s) found" in stderr
    form = [(f["check"], f["severity"], f["paragraph"]) for f in found if f["check"] in FORM_CODES]
    assert form == [
        ("punctuation", "warning", 0),  # «Эта  встреча»
        ("language", "warning", 1),  # «Прeзидент» with a Latin e
        ("paragraphs", "error", 2),  # the third paragraph is dropped
        ("untranslated", "error", 3),  # its last sentence left in Kazakh
        ("punctuation", "warning", 3),  # "Средний коридор"
    ]
    assert "«Прeзидент» → «Президент»" in stdout  # UTF-8, not \u-escaped


def test_planted_mistakes_ru_to_kk() -> None:
    status, stdout, _stderr = run(SEED_003, DATA / "003_kk_planted.txt", "--json")
    found = findings_of(stdout)
    assert status == 1
    form = {(f["check"], f["severity"], f["paragraph"]) for f in found if f["check"] in FORM_CODES}
    assert form == {
        ("language", "warning", None),  # the title typed without Kazakh letters
        ("untranslated", "error", 0),  # the first paragraph left in Russian
        ("language", "error", 1),  # a Russian sentence added to the second
    }
    [title] = [f for f in found if f["paragraph"] is None]
    assert "«Токаев» → «Тоқаев»" in title["message"]
    assert "«талкылады» → «талқылады»" in title["message"]


def test_human_readable_listing() -> None:
    status, stdout, _stderr = run(SEED_000, DATA / "000_ru_planted.txt")
    lines = stdout.splitlines()
    assert status == 1
    assert lines[0].startswith("kk → ru: ")
    assert any(line.startswith("ERROR   paragraphs   ¶2") for line in lines)
    assert any(line.startswith("WARNING punctuation  ¶0") for line in lines)
    status, stdout, _stderr = run(SEED_000, DATA / "000_ru.txt")
    assert status == 0
    assert stdout.startswith("kk → ru: 0 error(s)")


def test_same_language_is_an_error() -> None:
    status, stdout, _stderr = run(SEED_000, SEED_004, "--json")
    assert status == 1
    [finding] = findings_of(stdout)
    assert (finding["check"], finding["severity"], finding["paragraph"]) == (
        "language",
        "error",
        None,
    )
    assert "both in Kazakh" in finding["message"]


def test_unreadable_input_exits_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    title_only = tmp_path / "title.txt"
    title_only.write_text("Тек тақырып\n", encoding="utf-8")
    cases = {
        tmp_path / "missing.txt": "No such file",
        empty: "empty",
        binary: "binary",
        tmp_path: "folder",
        title_only: "no body",
    }
    for path, reason in cases.items():
        status, stdout, stderr = run(SEED_000, path, "--json")
        assert (status, stdout) == (2, ""), path
        assert reason in stderr, stderr
        assert str(path) in stderr, stderr
    status, _stdout, stderr = run(tmp_path / "missing.txt", DATA / "000_ru.txt")
    assert status == 2


def test_legacy_encodings_are_read_like_imports(tmp_path: Path) -> None:
    cp1251 = tmp_path / "000_ru_cp1251.txt"
    cp1251.write_bytes((DATA / "000_ru.txt").read_text(encoding="utf-8").encode("cp1251"))
    utf16 = tmp_path / "003_kk_utf16.txt"
    utf16.write_bytes((DATA / "003_kk.txt").read_text(encoding="utf-8").encode("utf-16"))
    assert run(SEED_000, cp1251, "--json")[0] == 0
    assert run(SEED_003, utf16, "--json")[0] == 0


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_the_command_writes_nothing() -> None:
    assert Entity.objects.filter(status=Entity.Status.CONFIRMED).exists()  # the seed KB
    before = _row_counts()
    run(SEED_003, DATA / "003_kk_planted.txt", "--json")
    run(SEED_000, DATA / "000_ru_planted.txt", "--json")
    assert _row_counts() == before
    assert not Entity.objects.filter(status=Entity.Status.PROPOSED).exists()


# -- the documents layer ----------------------------------------------------------------------


def test_documents_check_the_text_as_typed() -> None:
    """The import parser repairs Latin look-alikes and folds doubled spaces; the checks still
    see them."""
    source = SEED_000.read_text(encoding="utf-8")
    target = (DATA / "000_ru.txt").read_text(encoding="utf-8")
    target = target.replace("Этот визит", "Этот  вiзит")
    result = qa_documents(source, target)
    assert (result.source_language, result.target_language) == ("kk", "ru")
    assert {(f.check, f.paragraph) for f in result.findings} >= {
        ("punctuation", 5),
        ("language", 5),
    }
    assert "Этот  вiзит" in result.pairs[-1].target


def test_documents_pair_titles_and_paragraphs() -> None:
    result = qa_documents(
        SEED_000.read_text(encoding="utf-8"), (DATA / "000_ru.txt").read_text(encoding="utf-8")
    )
    title, *body = result.pairs
    assert title.is_title
    assert title.paragraph is None
    assert title.target.startswith("Касым-Жомарт Токаев встретился")
    assert [p.paragraph for p in body] == list(range(6))
    assert not result.has_errors
    assert result.as_json() == {"findings": []}


def test_documents_without_a_title_line_check_no_title_row() -> None:
    """Seed 004 has no title line (the ``dated`` layout): its first sentence stands in for a
    title, and checking it as a row would report that sentence twice."""
    source = SEED_004.read_text(encoding="utf-8")
    target = "Мәтін аудармасы\n\nПервый абзац перевода, в котором сказано очень немногое."
    result = qa_documents(source, target)
    assert not any(p.is_title for p in result.pairs)
    assert ("paragraphs", 1) in {(f.check, f.paragraph) for f in result.findings}


def test_documents_refuse_text_without_letters() -> None:
    with pytest.raises(QAInputError, match="language cannot be told"):
        qa_documents("2025\n\n12 345", SEED_000.read_text(encoding="utf-8"))


# -- a real process against a freshly migrated database ----------------------------------------


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory) -> dict[str, str]:
    """A file SQLite database migrated from scratch (the seed knowledge base loads on
    migrate), and the environment of a shell that uses it. Slow (a full migrate), but it is
    the evaluation's own setting."""
    database = tmp_path_factory.mktemp("qa") / "db.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py's own default, as in a shell
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    return env


def _manage(env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "qa_translation", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
    )


def test_the_command_in_a_shell(migrated_database) -> None:
    done = _manage(migrated_database, SEED_000, DATA / "000_ru.txt", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.decode("utf-8")) == {"findings": []}
    done = _manage(migrated_database, SEED_000, DATA / "000_ru_planted.txt", "--json")
    assert done.returncode == 1
    found = findings_of(done.stdout.decode("utf-8"))
    assert ("paragraphs", "error", 2) in {
        (f["check"], f["severity"], f["paragraph"]) for f in found
    }
    done = _manage(migrated_database, SEED_000, DATA / "nothing-here.txt", "--json")
    assert (done.returncode, done.stdout) == (2, b"")
    assert b"nothing-here.txt" in done.stderr

"""Command-line contracts: `ner --jsonl` and `export_articles --format jsonl`."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from entities.models import Mention, StoryArticle
from entities.tests.conftest import entity_named


def run_ner(lines: list[str], *args: str, monkeypatch) -> list[dict]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    out = io.StringIO()
    call_command("ner", *args, stdout=out, stderr=io.StringIO())
    return [json.loads(line) for line in out.getvalue().splitlines()]


def check_offsets(record: dict, text: str) -> None:
    for mention in record["mentions"]:
        assert set(mention) == {"start", "end", "type", "text"}
        assert text[mention["start"] : mention["end"]] == mention["text"]
        assert mention["type"] in {"PER", "ORG", "LOC"}


def test_ner_russian(monkeypatch) -> None:
    text = "Президент Касым-Жомарт Токаев встретился в Пекине с председателем КНР Си Цзиньпином."
    [record] = run_ner(
        [json.dumps({"id": "a1", "text": text})], "--lang", "ru", "--jsonl", monkeypatch=monkeypatch
    )
    assert record["id"] == "a1"
    check_offsets(record, text)
    found = {(m["text"], m["type"]) for m in record["mentions"]}
    assert ("Касым-Жомарт Токаев", "PER") in found
    assert ("Пекине", "LOC") in found


def test_ner_auto_detects_each_line_and_keeps_order(monkeypatch) -> None:
    kk = "Қасым-Жомарт Тоқаев Астанада Қытай Халық Республикасының төрағасымен кездесті."
    ru = "Токаев провёл встречу в Астане."
    records = run_ner(
        [
            json.dumps({"id": 1, "text": kk}),
            json.dumps({"id": 2, "text": ru}),
            json.dumps({"id": 3, "text": ""}),
        ],
        "--lang",
        "auto",
        "--jsonl",
        monkeypatch=monkeypatch,
    )
    assert [r["id"] for r in records] == [1, 2, 3]
    check_offsets(records[0], kk)
    check_offsets(records[1], ru)
    assert any(m["type"] == "PER" and "Тоқаев" in m["text"] for m in records[0]["mentions"])
    assert any(m["text"] == "Астане" for m in records[1]["mentions"])
    assert records[2]["mentions"] == []


def test_ner_reports_bad_lines_and_goes_on(monkeypatch) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.StringIO('not json\n{"id": 5}\n[1]\n{"id": 6, "text": "Алматы"}\n')
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="3 line"):
        call_command("ner", "--lang", "kk", "--jsonl", stdout=out, stderr=err)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in records] == [None, 5, None, 6]
    assert all("error" in r for r in records[:3])
    assert "line 1" in err.getvalue()


@pytest.mark.django_db
def test_export_articles_contract(seed_articles) -> None:
    out = io.StringIO()
    call_command("export_articles", "--format", "jsonl", stdout=out)
    records = {r["id"]: r for r in map(json.loads, out.getvalue().splitlines())}
    assert set(records) == {a.pk for a in seed_articles.values()}
    record = records[seed_articles["003"].pk]
    assert set(record) == {
        "id",
        "language",
        "title",
        "body",
        "source",
        "published_at",
        "story",
        "mentions",
        "figures",
        "dates",
        "quotes",
    }
    story = StoryArticle.objects.get(article=seed_articles["003"]).story_id
    assert (record["language"], record["source"], record["story"]) == ("ru", "Zakon.kz", story)
    assert records[seed_articles["004"].pk]["story"] == story  # the same visit, in Kazakh
    for kind, keys in {
        "mentions": {"field", "start", "end", "text", "type", "entity"},
        "figures": {"field", "start", "end", "text", "kind", "value", "unit"},
        "dates": {"field", "start", "end", "text", "value"},
        "quotes": {"field", "start", "end", "text", "speaker"},
    }.items():
        assert record[kind], kind
        for item in record[kind]:
            assert set(item) == keys
            text = record[item["field"]]
            assert text[item["start"] : item["end"]] == item["text"], item
    assert {"kind": "money", "value": 7400000000, "unit": "USD"}.items() <= next(
        f for f in record["figures"] if f["unit"] == "USD"
    ).items()
    assert entity_named("Токаев").pk in {q["speaker"] for q in record["quotes"]}
    assert "2025-09-02" in {d["value"] for d in record["dates"]}


@pytest.mark.django_db
def test_export_leaves_out_rejected_mentions_and_filters(seed_articles, tmp_path) -> None:
    mention = Mention.objects.filter(article=seed_articles["003"]).first()
    Mention.objects.filter(pk=mention.pk).update(review_status="rejected")
    path = tmp_path / "out.jsonl"
    call_command("export_articles", "--language", "ru", "--output", str(path), stderr=io.StringIO())
    [record] = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert (mention.start, mention.field) not in {
        (m["start"], m["field"]) for m in record["mentions"]
    }


@pytest.mark.django_db
def test_export_query_count_does_not_grow_with_articles(
    import_articles, django_assert_max_num_queries
) -> None:
    from entities.tests.conftest import seed_file

    import_articles(seed_file("003"), seed_file("004"), seed_file("000"))
    with django_assert_max_num_queries(5):
        call_command("export_articles", stdout=io.StringIO())

"""Coverage matrices, entity pages, stories and search on a generated newsroom (issue 6).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kzeditor_bench python benchmarks/run.py coverage
    python benchmarks/run.py coverage --articles 10000 --replace   # regenerate at 10k first
    python benchmarks/run.py coverage --explain                    # plus EXPLAIN ANALYZE

Without DATABASE_URL, run.py uses postgres://postgres@127.0.0.1:5432/kzeditor_bench. When the
database has no articles, the data is generated first (benchmarks/datagen.py: 100,000 articles,
2,000,000 mentions, 20,000 entities by default, a few minutes on PostgreSQL).

Each page goes through Django's full request cycle (middleware, session, auth, templates) with a
signed-in editor and DEBUG off: 2 warm-up requests, then ``repeat`` timed ones (median, p95),
then one more under CaptureQueriesContext for the number of queries. A page that still answers
with a placeholder (a feature not built yet) is printed as a stub. Target: median < 300 ms.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

TARGET_MS = 300
MATRIX_PARAMS = ("matrix", "type", "view", "kind", "by", "dimension", "axis", "rows")
PERIOD_PARAMS = ("period", "range", "since", "days", "window")
USERNAME = "bench-editor"


@dataclass
class Result:
    label: str
    url: str
    status: int = 0
    median: float = 0.0
    p95: float = 0.0
    queries: int | None = None
    size: int = 0
    note: str = ""
    slowest: list[tuple[float, str]] = field(default_factory=list)  # (ms, SQL) of the last run


class _Choices(HTMLParser):
    """The values a page offers for each query parameter: <select>/<option>, radio buttons and
    links with a query string."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None

    def _add(self, name: str, value: str) -> None:
        values = self.values.setdefault(name, [])
        if value not in values:
            values.append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            self._add(self._select, a.get("value", ""))
        elif tag == "input" and a.get("type") == "radio" and a.get("name"):
            self._add(a["name"], a.get("value", ""))
        elif tag == "a" and "?" in a.get("href", ""):
            for name, value in parse_qsl(urlsplit(a["href"]).query, keep_blank_values=True):
                self._add(name, value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def _is_stub(content: bytes) -> bool:
    """The placeholder views answer a single word («coverage», «entity», «search»)."""
    return len(content) < 64 and b"<" not in content and b"," not in content


def _request(client, url: str):
    response = client.get(url, HTTP_HOST="localhost")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


def _time(client, label: str, url: str, repeat: int, warmup: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Result(label, url)
    try:
        for _ in range(warmup):
            _request(client, url)
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            response, content = _request(client, url)
            samples.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            response, content = _request(client, url)
    except Exception as error:  # a page that crashes is reported, the others still run
        result.note = f"error: {type(error).__name__}: {error}"[:120]
        return result
    samples.sort()
    result.status = response.status_code
    result.median = statistics.median(samples)
    result.p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    result.queries = len(queries)
    result.slowest = sorted(
        ((float(q["time"]) * 1000, q["sql"]) for q in queries.captured_queries), reverse=True
    )[:3]
    result.size = len(content)
    if response.status_code != 200:
        result.note = f"HTTP {response.status_code}"
    elif _is_stub(content):
        result.note = f"stub ({content.decode(errors='replace').strip()!r})"
    elif result.median > TARGET_MS:
        result.note = "over target"
    return result


@dataclass
class Targets:
    top_entity: int
    top_entity_texts: int
    mid_entity: int
    mid_entity_texts: int
    entity_name: str
    story: int | None
    story_size: int
    words: dict[str, str] = field(default_factory=dict)


def _targets(seed: int) -> Targets:
    from django.db.models import Count

    from benchmarks.datagen import search_words
    from entities.models import Entity, EntityCoverage, Story

    ranked = (
        EntityCoverage.objects.values("entity").annotate(n=Count("id")).order_by("-n", "entity")
    )
    top = ranked[0]
    entity_count = Entity.objects.count()
    mid = ranked[max(1, entity_count // 100)]  # the 1st percentile: a few hundred texts at 100k
    story = Story.objects.order_by("-article_count", "id").first()
    words = search_words(seed)
    name = Entity.objects.get(pk=top["entity"]).name_ru
    return Targets(
        top_entity=top["entity"],
        top_entity_texts=top["n"],
        mid_entity=mid["entity"],
        mid_entity_texts=mid["n"],
        entity_name=name,
        story=story.pk if story else None,
        story_size=story.article_count if story else 0,
        words=words,
    )


def _coverage_urls(client) -> tuple[list[tuple[str, str]], str, dict[str, str]]:
    """The coverage pages to time: each matrix the page offers, with its default period and
    with all time; found in the page's own controls, so the benchmark follows the feature."""
    from django.urls import reverse

    base = reverse("entities:coverage")
    _, content = _request(client, base)
    parser = _Choices()
    parser.feed(content.decode(errors="replace"))
    matrix = next((p for p in MATRIX_PARAMS if len(parser.values.get(p, [])) > 1), None)
    period = next((p for p in PERIOD_PARAMS if parser.values.get(p)), None)
    all_time = None
    if period:
        all_time = next((v for v in parser.values[period] if "all" in v.lower()), None)
        if all_time is None:
            all_time = next((v for v in parser.values[period] if v == ""), None)
    urls: list[tuple[str, str]] = []
    matrices = [v for v in parser.values.get(matrix, []) if v] if matrix else []
    for value in matrices or [""]:
        query = {matrix: value} if matrix and value else {}
        name = f"coverage {value or 'default'}"
        urls.append((name, f"{base}?{urlencode(query)}" if query else base))
        if period and all_time is not None:
            urls.append((f"{name}, all time", f"{base}?{urlencode({**query, period: all_time})}"))
    found = (
        f"matrix parameter {matrix!r}: {', '.join(matrices)}" if matrices else "no matrix choices"
    )
    found += f"; period parameter {period!r}, all time = {all_time!r}" if period else ""
    return urls, found, ({period: all_time} if period and all_time is not None else {})


def row_counts() -> list[tuple[str, int, str]]:
    """(table, rows, size) of the tables the benchmark reads."""
    from django.db import connection

    from benchmarks.datagen import generated_models

    out = []
    for model in generated_models():
        size = ""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_size_pretty(pg_table_size(%s)), pg_size_pretty(pg_indexes_size(%s))",
                    [model._meta.db_table, model._meta.db_table],
                )
                table, indexes = cursor.fetchone()
            size = f"table {table}, indexes {indexes}"
        out.append((model._meta.db_table, model.objects.count(), size))
    return out


def _editor():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from articles.roles import Role

    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    user.groups.add(Group.objects.get(name=Role.EDITOR))
    return user


def run(*, repeat: int = 15, warmup: int = 2, seed: int = 42, explain: bool = False) -> None:
    from urllib.parse import quote

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    print(f"  database: {connection.vendor} {connection.settings_dict['NAME']}")
    for table, count, size in row_counts():
        print(f"    {table:<34} {count:>12,}  {size}")
    started = time.perf_counter()
    targets = _targets(seed)
    print(f"  (choosing the pages to time took {time.perf_counter() - started:.1f} s)")
    client = Client(raise_request_exception=False)
    client.force_login(_editor())

    coverage_urls, found, all_time = _coverage_urls(client)
    print(f"  coverage page offers: {found}")
    search = reverse("entities:search")
    export = reverse("entities:coverage_export", kwargs={"fmt": "csv"})
    pages = [
        *coverage_urls,
        ("coverage export csv", export),
        (
            f"entity, most mentioned ({targets.top_entity_texts:,} texts)",
            reverse("entities:entity", args=[targets.top_entity]),
        ),
        (
            f"entity, mid-popular ({targets.mid_entity_texts:,} texts)",
            reverse("entities:entity", args=[targets.mid_entity]),
        ),
    ]
    if all_time:
        pages.insert(
            len(coverage_urls) + 1,
            ("coverage export csv, all time", f"{export}?{urlencode(all_time)}"),
        )
    if targets.story:
        pages.append(
            (
                f"story ({targets.story_size} articles)",
                reverse("entities:story", args=[targets.story]),
            )
        )
    frequent, rare, name = targets.words["frequent"], targets.words["rare"], targets.entity_name
    pages += [
        (f"search, frequent «{frequent}»", f"{search}?q={quote(frequent)}"),
        (f"search, rare «{rare}»", f"{search}?q={quote(rare)}"),
        (f"search, entity «{name}»", f"{search}?q={quote(name)}"),
        ("gap queue", reverse("entities:gaps")),
        ("entity review queue", reverse("entities:entity_review")),
    ]
    print(f"  {warmup} warm-up + {repeat} timed requests each; target median < {TARGET_MS} ms")
    print(f"  {'page':<48} {'median':>8} {'p95':>8} {'queries':>8} {'bytes':>9}  note")
    results = []
    for label, url in pages:
        r = _time(client, label, url, repeat, warmup)
        results.append(r)
        queries = "-" if r.queries is None else str(r.queries)
        print(
            f"  {label[:48]:<48} {r.median:6.1f}ms {r.p95:6.1f}ms {queries:>8} {r.size:>9,}  "
            f"{r.note}",
            flush=True,
        )
    if explain:
        explain_slowest(results)
        explain_queries(targets)


# -- EXPLAIN ANALYZE of the queries the coverage features are expected to run -----------------

EXPLAINED = {
    "matrix: entities × language, last 30 days (top 50 by texts)": """
        SELECT entity_id, language, COUNT(*) AS texts, SUM(mentions) AS mentions
        FROM entities_entitycoverage
        WHERE published_on >= %(since)s
        GROUP BY entity_id, language
        ORDER BY texts DESC LIMIT 50""",
    "matrix: top 50 entities, all time": """
        SELECT entity_id, COUNT(*) AS texts, SUM(mentions) AS mentions
        FROM entities_entitycoverage
        GROUP BY entity_id ORDER BY texts DESC LIMIT 50""",
    "matrix: the top 50's language split, all time (second query)": """
        SELECT entity_id, language, COUNT(*) FROM entities_entitycoverage
        WHERE entity_id = ANY(%(top50)s) GROUP BY entity_id, language""",
    "matrix: source × language, last 30 days": """
        SELECT source_id, language, COUNT(DISTINCT article_id) FROM entities_entitycoverage
        WHERE published_on >= %(since)s GROUP BY source_id, language""",
    "entity page: recent texts of the most mentioned entity": """
        SELECT article_id, translation_id, published_on FROM entities_entitycoverage
        WHERE entity_id = %(top)s ORDER BY published_on DESC NULLS LAST, article_id DESC
        LIMIT 20""",
    "entity page: weekly timeline per language of the most mentioned entity": """
        SELECT date_trunc('week', published_on) AS week, language, SUM(mentions)
        FROM entities_entitycoverage WHERE entity_id = %(top)s
        GROUP BY week, language ORDER BY week""",
    "entity page: co-mentioned entities of the most mentioned entity (top 20)": """
        SELECT other.entity_id, COUNT(*) FROM entities_entitycoverage own
        JOIN entities_entitycoverage other
          ON other.article_id = own.article_id
         AND other.translation_id IS NOT DISTINCT FROM own.translation_id
         AND other.entity_id <> own.entity_id
        WHERE own.entity_id = %(top)s
        GROUP BY other.entity_id ORDER BY COUNT(*) DESC LIMIT 20""",
    "entity page: mid-popular entity's recent texts": """
        SELECT article_id, translation_id, published_on FROM entities_entitycoverage
        WHERE entity_id = %(mid)s ORDER BY published_on DESC NULLS LAST LIMIT 20""",
    "gaps: entities covered in kk or ru but not the other, last 30 days": """
        SELECT entity_id,
               COUNT(*) FILTER (WHERE language = 'kk') AS kk,
               COUNT(*) FILTER (WHERE language = 'ru') AS ru
        FROM entities_entitycoverage WHERE published_on >= %(since)s
        GROUP BY entity_id
        HAVING COUNT(*) FILTER (WHERE language = 'kk') = 0
            OR COUNT(*) FILTER (WHERE language = 'ru') = 0
        ORDER BY COUNT(*) DESC LIMIT 50""",
}


# Search, if the search index has its tsvector column (migration 0008 adds it on PostgreSQL):
# ranking every match of a frequent word against ranking a bounded set of recent matches.
EXPLAINED_SEARCH = {
    "search: frequent word, ts_rank over every match": """
        SELECT id FROM entities_searchdocument
        WHERE search_vector @@ to_tsquery('simple', %(frequent)s)
        ORDER BY ts_rank(search_vector, to_tsquery('simple', %(frequent)s)) DESC LIMIT 20""",
    "search: frequent word, newest matches first (no rank)": """
        SELECT id FROM entities_searchdocument
        WHERE search_vector @@ to_tsquery('simple', %(frequent)s)
        ORDER BY published_at DESC LIMIT 20""",
    "search: frequent word, ts_rank over the newest 1,000 matches": """
        SELECT id FROM (
            SELECT id, search_vector FROM entities_searchdocument
            WHERE search_vector @@ to_tsquery('simple', %(frequent)s)
            ORDER BY published_at DESC LIMIT 1000
        ) recent
        ORDER BY ts_rank(search_vector, to_tsquery('simple', %(frequent)s)) DESC LIMIT 20""",
    "search: rare word, ts_rank over every match": """
        SELECT id FROM entities_searchdocument
        WHERE search_vector @@ to_tsquery('simple', %(rare)s)
        ORDER BY ts_rank(search_vector, to_tsquery('simple', %(rare)s)) DESC LIMIT 20""",
}


def _explain(sql: str, params: dict | None = None) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def explain_slowest(results: list[Result]) -> None:
    """The slowest query of each page as the page ran it, with its plan."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    for r in results:
        if not r.slowest or r.note.startswith("stub"):
            continue
        ms, sql = r.slowest[0]
        print(f"\n  -- {r.label}: slowest query {ms:.1f} ms of {r.queries}")
        print(f"     {sql[:600]}")
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        try:
            plan = _explain(sql)
        except Exception as error:  # a query that cannot be re-run alone (a cursor's, a lock)
            print(f"     (not explained: {error})")
            continue
        for line in plan:
            print(f"     {line}")


def explain_queries(targets: Targets) -> None:
    from datetime import timedelta

    from django.db import connection
    from django.db.models import Count, Max

    from entities.models import EntityCoverage, SearchDocument
    from entities.search.stemming import query_word_stems

    if connection.vendor != "postgresql":
        print("  EXPLAIN: PostgreSQL only")
        return
    last = EntityCoverage.objects.aggregate(m=Max("published_on"))["m"]
    top50 = list(
        EntityCoverage.objects.values("entity")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("entity", flat=True)[:50]
    )
    params = {
        "since": last - timedelta(days=30),
        "top": targets.top_entity,
        "mid": targets.mid_entity,
        "top50": top50,
        "frequent": " | ".join(query_word_stems(targets.words["frequent"])),
        "rare": " | ".join(query_word_stems(targets.words["rare"])),
    }
    queries = dict(EXPLAINED)
    with connection.cursor() as cursor:
        columns = [
            c.name
            for c in connection.introspection.get_table_description(
                cursor, SearchDocument._meta.db_table
            )
        ]
    if "search_vector" in columns:
        queries.update(EXPLAINED_SEARCH)
    for label, sql in queries.items():
        plan = _explain(sql, params)
        total = next((line for line in plan if line.startswith("Execution Time")), "")
        print(f"\n  -- {label}: {total}")
        for line in plan:
            print(f"     {line}")

"""Page loads of the editorial workspace on a desk-sized database.

Fills the database with 10,000 articles and 200,000 mentions (plus figures, dates, comments
and versions), then times the article list (first page, a filtered page, a search, a deep
page) and the article page through Django's full request cycle (middleware, session, auth,
templates) with a signed-in editor. Prints median and p95 per page; the target is a median
under 150 ms for the list and the article page.

    python benchmarks/run.py pages            # SQLite (a throw-away file under var/)
    DATABASE_URL=postgres://... python benchmarks/run.py pages
"""

from __future__ import annotations

import hashlib
import random
import statistics
import time
from datetime import timedelta

ARTICLES = 10_000
MENTIONS_PER_ARTICLE = 20  # 200,000 mentions
TARGET_MS = 150
WORDS = [
    "Қазақстан",
    "Президенті",
    "Тоқаев",
    "Астана",
    "экономика",
    "инвестиция",
    "жоба",
    "мемлекет",
    "Парламент",
    "Мәжіліс",
    "депутат",
    "министрлік",
    "бюджет",
    "доллар",
    "пайыз",
    "энергетика",
    "газ",
    "мұнай",
    "Ресей",
    "Қытай",
    "ынтымақтастық",
    "келісім",
    "сапар",
    "кездесу",
    "халықаралық",
    "форум",
    "қала",
    "облыс",
    "әкімдік",
]


def _body(rng: random.Random, n: int) -> tuple[str, list[tuple[int, int, str]]]:
    """A ~2,500-character body and the spans of MENTIONS_PER_ARTICLE words in it."""
    paragraphs, spans, offset = [], [], 0
    for p in range(6):
        words = [rng.choice(WORDS) for _ in range(55)]
        words[0] = f"{n}-{p}"
        text = " ".join(words) + "."
        paragraphs.append(text)
        position = offset
        for word in words:
            if len(spans) < MENTIONS_PER_ARTICLE and word[0].isupper() and rng.random() < 0.5:
                spans.append((position, position + len(word), word))
            position += len(word) + 1
        offset += len(text) + 2
    return "\n\n".join(paragraphs), spans


def _fill(rng: random.Random) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from articles.models import Article, ArticleStatus, Comment, Source
    from entities.models import Entity, Mention

    if Article.objects.count() >= ARTICLES:
        return
    User = get_user_model()
    editor, _ = User.objects.get_or_create(username="bench-editor")
    editor.groups.add(Group.objects.get(name="editor"))
    sources = [Source.objects.get_or_create(name=f"Source {i}")[0] for i in range(12)]
    entities = list(Entity.objects.all()[:400])
    statuses = ArticleStatus.values
    now = timezone.now()
    started = time.perf_counter()
    for batch_start in range(0, ARTICLES, 500):
        with transaction.atomic():
            articles, bodies = [], {}
            for n in range(batch_start, batch_start + 500):
                body, spans = _body(rng, n)
                title = f"Мақала {n}: {' '.join(rng.choice(WORDS) for _ in range(6))}"
                articles.append(
                    Article(
                        title=title,
                        body=body,
                        language=rng.choice(["kk", "ru", "en"]),
                        status=rng.choice(statuses),
                        source=rng.choice(sources),
                        assignee=editor if n % 7 == 0 else None,
                        published_at=now - timedelta(minutes=n * 13),
                        content_hash=hashlib.sha256(f"{title}\n{body}".encode()).hexdigest(),
                        extraction_state="done",
                    )
                )
                bodies[title] = spans
            created = Article.objects.bulk_create(articles)
            mentions = [
                Mention(
                    article=article,
                    field="body",
                    start=start,
                    end=end,
                    text=text,
                    type=entity.type,
                    entity=entity,
                    method="exact",
                    confidence=1.0,
                )
                for article in created
                for (start, end, text), entity in zip(
                    bodies[article.title], rng.sample(entities, MENTIONS_PER_ARTICLE), strict=False
                )
            ]
            Mention.objects.bulk_create(mentions, batch_size=2000)
            Comment.objects.bulk_create(
                Comment(article=article, author=editor, body=f"@bench-editor note {i}")
                for article in created[::10]
                for i in range(3)
            )
    print(
        f"  filled {Article.objects.count():,} articles, {Mention.objects.count():,} mentions "
        f"in {time.perf_counter() - started:.1f} s"
    )


def _time_page(client, url: str, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url, HTTP_HOST="localhost")
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def run(repeat: int = 30) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from articles.models import Article

    rng = random.Random(20261121)
    _fill(rng)
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-editor"))
    ids = list(Article.objects.order_by("?").values_list("pk", flat=True)[:repeat])
    list_url = reverse("articles:list")
    pages = {
        "list, first page": list_url,
        "list, kk + in review": f"{list_url}?language=kk&status=in_review",
        "list, search «Тоқаев»": f"{list_url}?q=Тоқаев",
        "list, page 100": f"{list_url}?page=100",
        "dashboard": reverse("articles:dashboard"),
    }
    print(
        f"  database: {connection.vendor}; {repeat} requests each; target median < {TARGET_MS} ms"
    )
    client.get(list_url, HTTP_HOST="localhost")  # warm caches and templates
    for label, url in pages.items():
        median, p95 = _time_page(client, url, repeat)
        print(f"  {label:<28} median {median:6.1f} ms   p95 {p95:6.1f} ms")
    samples = []
    for pk in ids:
        start = time.perf_counter()
        response = client.get(reverse("articles:detail", args=[pk]), HTTP_HOST="localhost")
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    samples.sort()
    print(
        f"  {'article page (20 mentions)':<28} median {statistics.median(samples):6.1f} ms   "
        f"p95 {samples[int(len(samples) * 0.95) - 1]:6.1f} ms"
    )

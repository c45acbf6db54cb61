"""factory_boy factories for tests and benchmarks."""

from __future__ import annotations

import factory
from django.utils import timezone

from articles.models import Article, Source, Translation
from articles.text import content_hash


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Source {n}")
    domain = factory.Sequence(lambda n: f"source{n}.kz")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    language = "kk"
    title = factory.Sequence(lambda n: f"Мақала {n}")
    body = factory.Sequence(lambda n: f"Бұл {n}-мақаланың мәтіні.\n\nЕкінші абзац {n}.")
    source = factory.SubFactory(SourceFactory)
    published_at = factory.LazyFunction(timezone.now)
    content_hash = factory.LazyAttribute(lambda a: content_hash(a.title, a.body))
    extraction_state = "done"


class TranslationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Translation

    article = factory.SubFactory(ArticleFactory)
    language = "ru"
    source_version = factory.LazyAttribute(lambda t: t.article.version)

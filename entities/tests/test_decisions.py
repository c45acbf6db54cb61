"""Re-extraction never overwrites editors' decisions: confirmed, rejected and manual spans
survive (moved with their words when the text is edited) and win over new suggestions."""

from __future__ import annotations

import pytest

from articles.models import Article
from articles.services import article_extract, article_update
from entities.extraction import EXTRACTOR_VERSION
from entities.models import Figure, Mention, ReviewStatus
from entities.services import mention_add, mention_link_to, span_review
from entities.tests.conftest import entity_named, seed_file

pytestmark = pytest.mark.django_db


def extract_again(article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(extractor_version="old")
    assert article_extract(article_id=article.pk) == "done"


@pytest.fixture
def article(import_articles) -> Article:
    [article] = import_articles(seed_file("003"))
    return article


def test_decisions_survive_re_extraction(article, editor) -> None:
    mentions = Mention.objects.filter(article=article, field="body").order_by("start")
    confirmed, rejected = mentions[0], mentions[1]
    span_review(span=confirmed, status=ReviewStatus.CONFIRMED, user=editor)
    span_review(span=rejected, status=ReviewStatus.REJECTED, user=editor)
    start = article.body.index("Делового совета")
    manual = mention_add(
        owner=article,
        field="body",
        start=start,
        end=start + len("Делового совета"),
        entity_type="ORG",
        entity=None,
        user=editor,
    )
    figure = Figure.objects.filter(article=article).first()
    span_review(span=figure, status=ReviewStatus.REJECTED, user=editor)
    suggested_before = mentions.filter(review_status=ReviewStatus.SUGGESTED).count()

    extract_again(article)

    for span, status in ((confirmed, "confirmed"), (rejected, "rejected"), (manual, "confirmed")):
        span_after = Mention.objects.get(pk=span.pk)
        assert (span_after.start, span_after.end, span_after.review_status) == (
            span.start,
            span.end,
            status,
        )
        assert span_after.reviewed_by == editor
    # The rejected span is not suggested again, and nothing is duplicated.
    assert not Mention.objects.filter(
        article=article, start=rejected.start, review_status=ReviewStatus.SUGGESTED
    ).exists()
    assert mentions.filter(review_status=ReviewStatus.SUGGESTED).count() == suggested_before
    assert Figure.objects.get(pk=figure.pk).review_status == ReviewStatus.REJECTED
    assert Figure.objects.filter(article=article, start=figure.start).count() == 1
    assert set(mentions.values_list("extractor_version", flat=True)) == {EXTRACTOR_VERSION}


def test_relinking_is_kept(article, editor) -> None:
    mention = Mention.objects.filter(article=article, type="LOC").first()
    shymkent = entity_named("Шымкент")
    mention_link_to(mention=mention, entity=shymkent, user=editor)
    extract_again(article)
    mention.refresh_from_db()
    assert (mention.entity, mention.method, mention.review_status) == (
        shymkent,
        Mention.Method.MANUAL,
        ReviewStatus.CONFIRMED,
    )


def test_decisions_move_with_their_words_and_go_with_them(
    article, editor, django_capture_on_commit_callbacks
) -> None:
    body = article.body
    tokayev = Mention.objects.filter(article=article, field="body", text__contains="Токаев")
    kept = tokayev.order_by("start").first()
    old_start = kept.start
    span_review(span=kept, status=ReviewStatus.CONFIRMED, user=editor)
    sinopec = Mention.objects.get(article=article, text="Sinopec")
    span_review(span=sinopec, status=ReviewStatus.REJECTED, user=editor)

    prefix = "Срочно. "
    new_body = prefix + body.replace("Совместно с компанией Sinopec", "Совместно с партнёрами")
    with django_capture_on_commit_callbacks(execute=True):
        article_update(
            article_id=article.pk,
            expected_version=article.version,
            updated_by=editor,
            body=new_body,
        )

    kept.refresh_from_db()
    assert kept.start == old_start + len(prefix)
    stored = Article.objects.get(pk=article.pk).body
    assert stored[kept.start : kept.end] == kept.text
    assert kept.review_status == ReviewStatus.CONFIRMED
    assert not Mention.objects.filter(pk=sinopec.pk).exists()  # its words are gone


def test_marking_a_span_the_machine_found_takes_it_over(article, editor) -> None:
    machine = Mention.objects.filter(article=article, review_status="suggested").first()
    count = Mention.objects.filter(article=article).count()
    taken = mention_add(
        owner=article,
        field=machine.field,
        start=machine.start,
        end=machine.end,
        entity_type="ORG",
        entity=None,
        user=editor,
    )
    assert taken.pk == machine.pk
    assert (taken.method, taken.review_status, taken.type) == ("manual", "confirmed", "ORG")
    assert Mention.objects.filter(article=article).count() == count
    with pytest.raises(ValueError, match="outside"):
        mention_add(
            owner=article,
            field="title",
            start=5,
            end=10_000,
            entity_type="PER",
            entity=None,
            user=editor,
        )

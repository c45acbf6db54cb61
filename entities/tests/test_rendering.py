"""The article text with its spans marked: nested, never broken HTML, escaped, and with exactly
the raw text as its text content (the selection script computes offsets from it)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest

from entities.models import DateMention, Entity, Figure, Mention, Quote
from entities.rendering import article_text
from entities.selectors import DocumentSpans


class _Tree(HTMLParser):
    """Text content and tag balance of an HTML fragment (fails on a misnested tag)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.open: list[str] = []
        self.marks: list[dict[str, str]] = []
        self.depths: list[int] = []

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)
        if tag == "mark":
            self.marks.append(dict(attrs))
            self.depths.append(self.open.count("mark"))

    def handle_endtag(self, tag):
        assert self.open, f"</{tag}> closes nothing"
        assert self.open[-1] == tag, f"</{tag}> closes {self.open}"
        self.open.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Tree:
    tree = _Tree()
    tree.feed(html)
    tree.close()
    assert tree.open == [], f"unclosed tags: {tree.open}"
    return tree


def spans(*items) -> DocumentSpans:
    return DocumentSpans(
        mentions=[s for s in items if isinstance(s, Mention)],
        figures=[s for s in items if isinstance(s, Figure)],
        dates=[s for s in items if isinstance(s, DateMention)],
        quotes=[s for s in items if isinstance(s, Quote)],
    )


_ids = iter(range(1, 10_000))


def at(text: str, words: str, model=Mention, field: str = "body", nth: int = 0, **fields):
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return model(
        pk=next(_ids), field=field, start=start, end=start + len(words), text=words, **fields
    )


def owner(title: str, body: str):
    return SimpleNamespace(title=title, body=body)


TITLE = "Токаев встретился с Си Цзиньпином"
BODY = (
    "Касым-Жомарт Токаев сказал: «Мы вложим 7,4 млрд долларов в Атырау». Это было 2 сентября.\n\n"
    "В Пекине прошли переговоры & <b>встречи</b>."
)


def test_each_paragraph_has_its_offset_and_exactly_the_raw_text() -> None:
    quote_words = "Мы вложим 7,4 млрд долларов в Атырау"
    rendered = article_text(
        owner=owner(TITLE, BODY),
        spans=spans(
            at(BODY, "Касым-Жомарт Токаев", type="PER"),
            at(BODY, quote_words, Quote),
            at(BODY, "7,4 млрд долларов", Figure, kind="money", value=Decimal("7.4e9"), unit="USD"),
            at(BODY, "Атырау", type="LOC"),
            at(BODY, "2 сентября", DateMention, value=date(2025, 9, 2)),
            at(BODY, "Пекине", type="LOC"),
            at(TITLE, "Токаев", field="title", type="PER"),
        ),
    )
    paragraphs = BODY.split("\n\n")
    assert [offset for offset, _ in rendered.paragraphs] == [0, len(paragraphs[0]) + 2]
    for (offset, html), raw in zip(rendered.paragraphs, paragraphs, strict=True):
        tree = parse(html)
        assert "".join(tree.text) == raw == BODY[offset : offset + len(raw)]
    assert "".join(parse(rendered.title_marks).text) == TITLE
    title = parse(rendered.title)
    assert "".join(title.text) == TITLE
    assert re.match(
        r'<span id="article-title-text" class="article-title-text" data-field="title" '
        r'data-offset="0">',
        rendered.title,
    )


def test_a_quote_holds_its_mentions_and_figures_nested() -> None:
    mention = at(BODY, "Атырау", type="LOC")
    quote = at(BODY, "Мы вложим 7,4 млрд долларов в Атырау", Quote)
    figure = at(
        BODY, "7,4 млрд долларов", Figure, kind="money", value=Decimal(7400000000), unit="USD"
    )
    _, html = article_text(
        owner=owner(TITLE, BODY), spans=spans(mention, figure, quote)
    ).paragraphs[0]
    tree = parse(html)
    assert [(m["data-kind"], m["data-id"]) for m in tree.marks] == [
        ("quote", str(quote.pk)),
        ("figure", str(figure.pk)),
        ("mention", str(mention.pk)),
    ]
    assert tree.depths == [1, 2, 2]
    assert (
        f'<mark class="span span-figure is-suggested" data-kind="figure" data-id="{figure.pk}"'
        in html
    )
    assert 'title="Money · 7400000000 USD · Suggested"' in html


def test_a_span_crossing_another_is_clipped_and_the_html_stays_balanced() -> None:
    text = "Астана мен Алматы қалалары"
    outer = at(text, "Астана мен Алматы", type="LOC")
    crossing = at(text, "Алматы қалалары", Figure, kind="quantity", value=Decimal(2), unit="x")
    _, html = article_text(owner=owner("T", text), spans=spans(outer, crossing)).paragraphs[0]
    tree = parse(html)
    assert "".join(tree.text) == text
    assert tree.depths == [1, 2]
    clipped = tree.marks[1]
    assert clipped["data-id"] == str(crossing.pk)
    assert "is-clipped" in clipped["class"]
    assert re.search(r'is-clipped"[^>]*>Алматы</mark></mark> қалалары$', html)


def test_same_range_spans_nest_and_a_span_over_two_paragraphs_is_marked_in_both() -> None:
    text = "Бірінші абзац.\n\nЕкінші абзац."
    long_quote = Quote(pk=900, field="body", start=0, end=len(text), text=text)
    date_span = at(text, "Екінші", DateMention, value=date(2025, 1, 1))
    same_as_date = at(text, "Екінші", type="PER")
    rendered = article_text(
        owner=owner("T", text), spans=spans(long_quote, date_span, same_as_date)
    )
    first, second = (parse(html) for _, html in rendered.paragraphs)
    assert [m["data-id"] for m in first.marks] == ["900"]
    assert [m["data-kind"] for m in second.marks] == ["quote", "mention", "date"]
    assert second.depths == [1, 2, 3]
    assert all("is-clipped" in m["class"] for m in (first.marks[0], second.marks[0]))


def test_everything_is_escaped() -> None:
    text = 'Ол <script>alert("x")</script> деді & кетті'
    evil = at(text, '<script>alert("x")</script>', type="ORG")
    evil.entity = Entity(pk=5, type="ORG", name_en='"><img src=x onerror=alert(1)>')
    rendered = article_text(owner=owner("<i>Тақырып</i>", text), spans=spans(evil))
    _, html = rendered.paragraphs[0]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<img" not in html
    assert "&amp; кетті" in html
    assert "<i>" not in rendered.title
    assert "".join(parse(html).text) == text


def test_marks_say_type_and_review_state_in_classes_and_words() -> None:
    text = "Тоқаев, Chevron және Теңіз"
    person = at(text, "Тоқаев", type="PER", review_status="confirmed")
    person.entity = Entity(pk=1, type="PER", name_kk="Қасым-Жомарт Тоқаев", name_en="Tokayev")
    organisation = at(text, "Chevron", type="ORG")
    place = at(text, "Теңіз", type="LOC", review_status="rejected")
    _, html = article_text(
        owner=owner("T", text), spans=spans(person, organisation, place), language="kk"
    ).paragraphs[0]
    marks = parse(html).marks
    assert [m["class"] for m in marks] == [
        "span span-mention is-confirmed span-per",
        "span span-mention is-suggested span-org is-unlinked",
        "span span-mention is-rejected span-loc is-unlinked",
    ]
    assert [m["title"] for m in marks] == [
        "Person · Қасым-Жомарт Тоқаев · Confirmed",
        "Organisation · not linked · Suggested",
        "Place · not linked · Rejected",
    ]
    for mark in marks:
        assert mark["role"] == "button"
        assert mark["tabindex"] == "0"
        assert mark["hx-target"] == "#mention-panel"
        assert mark["hx-get"] == f"/spans/mention/{mark['data-id']}/"


def test_a_stale_span_beyond_the_text_is_cut_and_blank_paragraphs_are_skipped() -> None:
    text = "Қысқа мәтін.\n\n\n\nСоңы."
    stale = Mention(pk=77, field="body", start=6, end=400, text="мәтін. (ескі)", type="PER")
    rendered = article_text(owner=owner("T", text), spans=spans(stale))
    assert [offset for offset, _ in rendered.paragraphs] == [0, 16]
    for offset, html in rendered.paragraphs:
        body_part = text[offset:].split("\n\n")[0]
        assert "".join(parse(html).text) == body_part


@pytest.mark.django_db
def test_rendering_fetches_spans_in_four_queries_or_none_when_given(
    django_assert_num_queries,
) -> None:
    from articles.tests.factories import ArticleFactory
    from entities.selectors import document_spans

    article = ArticleFactory(title="Астана", body="Астана мен Алматы.")
    Mention.objects.create(article=article, field="body", start=0, end=6, text="Астана", type="LOC")
    Mention.objects.create(
        article=article, field="title", start=0, end=6, text="Астана", type="LOC"
    )
    with django_assert_num_queries(4):
        fetched = document_spans(owner=article)
    with django_assert_num_queries(0):
        rendered = article_text(owner=article, spans=fetched)
    assert 'data-kind="mention"' in rendered.title_marks
    assert 'data-kind="mention"' in rendered.paragraphs[0][1]

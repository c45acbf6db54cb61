"""The article list: each filter, combined filters, invalid values, sort, pages, search."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.tests.factories import ArticleFactory, SourceFactory, TranslationFactory
from entities.models import Entity, Mention
from entities.services import entity_create

pytestmark = pytest.mark.django_db

LIST = reverse("articles:list")
ALMATY = ZoneInfo("Asia/Almaty")


def _titles(response) -> list[str]:
    return [article.title for article in response.context["page"]]


def _get(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    return response


@pytest.fixture
def signed_in(client, editor):
    client.force_login(editor)
    return client


# -- each filter ------------------------------------------------------------------------------


def test_language_and_status(signed_in):
    ArticleFactory(language="ru", title="Русская статья", status="draft")
    ArticleFactory(language="kk", title="Қазақ мақаласы", status="published")
    ArticleFactory(language="en", title="English story", status="published")
    assert _titles(_get(signed_in, language="ru")) == ["Русская статья"]
    assert sorted(_titles(_get(signed_in, status="published"))) == [
        "English story",
        "Қазақ мақаласы",
    ]


def test_source(signed_in):
    zakon = SourceFactory(name="Zakon.kz")
    ArticleFactory(source=zakon, title="From Zakon")
    ArticleFactory(source=SourceFactory(name="BAQ.KZ"), title="From BAQ")
    response = _get(signed_in, source=zakon.pk)
    assert _titles(response) == ["From Zakon"]
    assert "Zakon.kz" in response.content.decode()


def test_assignee_me_nobody_and_a_person(signed_in, editor, reviewer):
    ArticleFactory(assignee=editor, title="Mine")
    ArticleFactory(assignee=reviewer, title="Reviewer's")
    ArticleFactory(title="Nobody's")
    assert _titles(_get(signed_in, assignee="me")) == ["Mine"]
    assert _titles(_get(signed_in, assignee="unassigned")) == ["Nobody's"]
    assert _titles(_get(signed_in, assignee=reviewer.pk)) == ["Reviewer's"]


def test_assignee_that_is_not_a_choice_is_ignored_with_an_error(signed_in, translator):
    ArticleFactory.create_batch(2)
    for value in ("someone", translator.pk, 999999):
        response = _get(signed_in, assignee=value)
        assert len(_titles(response)) == 2
        assert response.context["filter"].errors["assignee"] == ["Choose a person from the list."]


@pytest.fixture
def tokayev(editor):
    return entity_create(
        entity_type="PER",
        names={"kk": "Тоқаев Test", "ru": "Токаев Test", "en": "Tokayev Test"},
        user=editor,
    )


def _mention(article, entity, *, status="confirmed", start=0):
    return Mention.objects.create(
        article=article, field="body", start=start, end=start + 5, text=article.body[:5],
        type="PER", entity=entity, review_status=status,
    )  # fmt: skip


def test_entity_by_id_by_any_alias_and_rejected_mentions_ignored(signed_in, tokayev):
    mentioned = ArticleFactory(title="Mentions him")
    rejected_only = ArticleFactory(title="Rejected mention")
    ArticleFactory(title="Unrelated")
    _mention(mentioned, tokayev, status="suggested")
    _mention(rejected_only, tokayev, status="rejected")

    assert _titles(_get(signed_in, entity=tokayev.pk)) == ["Mentions him"]
    # Any name or alias, any case, matched by the linker's key.
    for typed in ("Токаев Test", "тоқаев test", "TOKAYEV TEST", "  Tokayev   Test "):
        assert _titles(_get(signed_in, entity=typed)) == ["Mentions him"], typed


def test_entity_box_suggests_entities_as_you_type(signed_in, tokayev, editor):
    """The list page itself carries no suggestions (they would cost a query over every
    mention); the entity box asks for them as the user types."""
    entity_create(entity_type="ORG", names={"en": "Nobody Mentions Us"}, user=editor)
    html = _get(signed_in).content.decode()
    assert 'hx-get="/entities/options/"' in html
    datalist = html.split('<datalist id="entity-suggestions">')[1].split("</datalist>")[0]
    assert datalist.strip() == ""
    options = signed_in.get(reverse("entities:entity_options"), {"entity": "токаев"})
    assert options.status_code == 200
    assert '<option value="Tokayev Test" label="Person"></option>' in options.content.decode()
    assert "Nobody" not in options.content.decode()
    assert signed_in.get(reverse("entities:entity_options"), {"entity": "т"}).content.strip() == b""


def test_entity_of_a_merged_entity_finds_the_mentions_of_its_target(signed_in, tokayev, editor):
    old = entity_create(entity_type="PER", names={"en": "Old Duplicate Name"}, user=editor)
    Entity.objects.filter(pk=old.pk).update(merged_into=tokayev)
    _mention(ArticleFactory(title="Linked to the survivor"), tokayev)
    assert _titles(_get(signed_in, entity="Old Duplicate Name")) == ["Linked to the survivor"]


def test_unknown_entity_is_ignored_with_an_error(signed_in):
    ArticleFactory.create_batch(2)
    response = _get(signed_in, entity="Nobody By This Name 123")
    assert len(_titles(response)) == 2
    [error] = response.context["filter"].errors["entity"]
    assert "No entity is called «Nobody By This Name 123»" in error
    assert "No entity is called" in response.content.decode()


def test_published_date_range(signed_in):
    def at(day):
        return datetime(2025, 9, day, 23, 30, tzinfo=ALMATY)  # late evening, local time

    ArticleFactory(title="1st", published_at=at(1))
    ArticleFactory(title="5th", published_at=at(5))
    ArticleFactory(title="9th", published_at=at(9))
    ArticleFactory(title="undated", published_at=None)
    assert _titles(_get(signed_in, published_from="2025-09-05")) == ["9th", "5th"]
    assert _titles(_get(signed_in, published_to="2025-09-05")) == ["5th", "1st"]
    both = _get(signed_in, published_from="2025-09-02", published_to="2025-09-08")
    assert _titles(both) == ["5th"]


def test_invalid_dates_and_reversed_range_are_ignored_with_errors(signed_in):
    ArticleFactory.create_batch(3)
    response = _get(signed_in, published_from="2025-13-45")
    assert len(_titles(response)) == 3
    assert "published_from" in response.context["filter"].errors
    response = _get(signed_in, published_from="2025-09-08", published_to="2025-09-01")
    assert response.context["filter"].errors["published_to"] == [
        "The end of the date range is before its start."
    ]
    # The end is dropped; the start still applies (all three were published now, after it).
    assert len(_titles(response)) == 3


def test_search_title_and_body(signed_in):
    ArticleFactory(title="Budget news", body="Nothing else.")
    ArticleFactory(title="Other", body="The budget was adopted.")
    ArticleFactory(title="Weather", body="Rain.")
    assert sorted(_titles(_get(signed_in, q="budget"))) == ["Budget news", "Other"]


@pytest.mark.parametrize("typed", ["Қазақ", "қазақ", "ҚАЗАҚ", "қАзАҚ", "  қазақ  "])
def test_cyrillic_search_ignores_case(signed_in, typed):
    ArticleFactory(title="Қазақ мақаласы", body="Мәтін.")
    ArticleFactory(title="Жаңалық", body="Бүгін ҚАЗАҚСТАН туралы.")
    ArticleFactory(title="Новости", body="Ничего.")
    assert sorted(_titles(_get(signed_in, q=typed))) == ["Жаңалық", "Қазақ мақаласы"]


def test_search_treats_regex_characters_literally(signed_in):
    ArticleFactory(title="Rate rose 2.5% (year)", body="x")
    ArticleFactory(title="Rate rose 2x5", body="y")
    assert _titles(_get(signed_in, q="2.5% (year")) == ["Rate rose 2.5% (year)"]


def test_filters_combine(signed_in, editor):
    ArticleFactory(language="ru", status="draft", assignee=editor, title="Бюджет принят")
    ArticleFactory(language="ru", status="draft", title="Бюджет отложен")
    ArticleFactory(language="kk", status="draft", assignee=editor, title="Бюджет қабылданды")
    ArticleFactory(language="ru", status="published", assignee=editor, title="Бюджет опубликован")
    response = _get(signed_in, language="ru", status="draft", assignee="me", q="бюджет")
    assert _titles(response) == ["Бюджет принят"]


def test_invalid_choices_never_fail_the_page(signed_in):
    ArticleFactory.create_batch(2)
    response = _get(
        signed_in, language="xx", status="bogus", source="abc", sort="body", per_page="7", page="x"
    )
    assert len(_titles(response)) == 2
    assert set(response.context["filter"].errors) == {
        "language", "status", "source", "sort", "per_page",
    }  # fmt: skip


def test_overlong_search_is_ignored_with_an_error(signed_in):
    ArticleFactory.create_batch(2)
    response = _get(signed_in, q="а" * 201)
    assert len(_titles(response)) == 2
    assert "q" in response.context["filter"].errors


def test_translator_filters_only_within_their_articles(client, translator):
    mine = TranslationFactory(translator=translator, article__language="ru").article
    ArticleFactory(language="ru")
    client.force_login(translator)
    assert [a.pk for a in _get(client, language="ru").context["page"]] == [mine.pk]


# -- sort -------------------------------------------------------------------------------------


@pytest.fixture
def three(editor):
    now = timezone.now()
    b = ArticleFactory(title="Beta", status="published", published_at=now - timedelta(days=1),
                       due_at=now + timedelta(days=3))  # fmt: skip
    a = ArticleFactory(title="Alpha", status="draft", published_at=now - timedelta(days=3),
                       due_at=None)  # fmt: skip
    c = ArticleFactory(title="Gamma", status="in_review", published_at=None,
                       due_at=now + timedelta(days=1))  # fmt: skip
    return a, b, c


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-published", ["Beta", "Alpha", "Gamma"]),  # the default; undated last
        ("published", ["Alpha", "Beta", "Gamma"]),  # undated last either way
        ("title", ["Alpha", "Beta", "Gamma"]),
        ("-title", ["Gamma", "Beta", "Alpha"]),
        ("status", ["Alpha", "Gamma", "Beta"]),  # workflow order: draft, in review, published
        ("-status", ["Beta", "Gamma", "Alpha"]),
        ("due", ["Gamma", "Beta", "Alpha"]),
        ("-due", ["Beta", "Gamma", "Alpha"]),
    ],
)
def test_sort(signed_in, three, sort, expected):
    assert _titles(_get(signed_in, sort=sort)) == expected


def test_sort_by_updated(signed_in, three):
    from articles.models import Article

    alpha, beta, gamma = three
    base = timezone.now()
    for offset, article in enumerate([beta, gamma, alpha]):
        Article.objects.filter(pk=article.pk).update(updated_at=base + timedelta(minutes=offset))
    assert _titles(_get(signed_in, sort="updated")) == ["Beta", "Gamma", "Alpha"]
    assert _titles(_get(signed_in, sort="-updated")) == ["Alpha", "Gamma", "Beta"]


def test_unknown_sort_falls_back_to_newest_first(signed_in, three):
    response = _get(signed_in, sort="body; DROP TABLE")
    assert _titles(response) == ["Beta", "Alpha", "Gamma"]
    assert "sort" in response.context["filter"].errors


def test_column_headers_toggle_the_sort_and_keep_filters(signed_in, three):
    html = _get(signed_in, sort="title", language="kk").content.decode()
    title_header = html.split('<th scope="col" aria-sort="ascending">')[1].split("</th>")[0]
    assert "sort=-title" in title_header
    assert "language=kk" in title_header
    assert "page=" not in title_header
    assert 'aria-sort="none"' in html


# -- pages --------------------------------------------------------------------------------------


def test_page_size_and_page_links_keep_the_filters(signed_in):
    ArticleFactory.create_batch(30, language="ru")
    ArticleFactory(language="kk")
    response = _get(signed_in, language="ru", per_page=25, q="мақала")
    assert len(_titles(response)) == 25
    assert response.context["page"].paginator.count == 30
    html = response.content.decode()
    assert "30 articles" in html
    next_link = html.split('rel="next"')[0].rsplit('href="', 1)[1]
    assert "language=ru" in next_link
    assert "per_page=25" in next_link
    assert "page=2" in next_link
    assert "q=%D0%BC%D0%B0%D2%9B%D0%B0%D0%BB%D0%B0" in next_link
    second = _get(signed_in, language="ru", per_page=25, q="мақала", page=2)
    assert len(_titles(second)) == 5


@pytest.mark.parametrize("size", [25, 50, 100])
def test_page_sizes(signed_in, size):
    ArticleFactory.create_batch(101)
    assert len(_titles(_get(signed_in, per_page=size))) == size


def test_default_page_size_is_50_and_past_the_end_shows_the_last_page(signed_in):
    ArticleFactory.create_batch(60)
    assert len(_titles(_get(signed_in))) == 50
    assert len(_titles(_get(signed_in, page=99))) == 10


def test_columns_show_assignee_due_and_localized_published(signed_in, editor):
    published = datetime(2025, 9, 5, 12, 0, tzinfo=ALMATY)
    ArticleFactory(
        assignee=editor,
        due_at=timezone.now() - timedelta(hours=2),
        published_at=published,
        extraction_state="failed",
        extraction_error="Timeout",
    )
    html = _get(signed_in).content.decode()
    row = html.split("<tbody>")[1].split("</tr>")[0]
    assert ">editor<" in row
    assert 'class="overdue"' in row
    assert 'datetime="2025-09-05T12:00:00+05:00"' in row
    assert "09/05/2025" in row  # English short date format
    assert 'title="Timeout"' in row
    assert "status-draft" in row


# -- query count ------------------------------------------------------------------------------


@pytest.mark.parametrize(("rows", "size"), [(1, 25), (120, 25), (120, 100)])
def test_query_count_is_constant_with_every_filter(
    signed_in, editor, django_assert_num_queries, rows, size, tokayev
):
    source = SourceFactory(name="Zakon.kz")
    for article in ArticleFactory.create_batch(rows, source=source, assignee=editor,
                                               language="ru"):  # fmt: skip
        _mention(article, tokayev)
    params = {
        "language": "ru", "status": "draft", "source": source.pk, "assignee": "me",
        "entity": tokayev.pk, "published_from": "2000-01-01", "published_to": "2100-01-01",
        "q": "мақала", "sort": "due", "per_page": size,
    }  # fmt: skip
    _get(signed_in, **params)  # warm up: the saved language is cached in the session
    # 1 session, 2 user, 3 groups, 4 assignable people, 5 source lookup (validating the
    # choice), 6 entity lookup (validating the choice), 7 count, 8 unread notifications (nav),
    # 9-10 permissions (nav), 11 sources (menu), 12 the page of articles.
    with django_assert_num_queries(12):
        response = _get(signed_in, **params)
    assert len(_titles(response)) == min(rows, size)
    assert response.context["filter"].errors == {}

"""Detecting conflicting figures: the rules (pure), then stories and entities through the real
extraction pipeline (Kazakh, Russian and English articles written for these tests)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from articles.models import Article
from articles.services import article_extract
from articles.tests.factories import ArticleFactory, SourceFactory
from articles.text import content_hash
from entities.conflicts.detection import (
    FigureFacts,
    conflict_fingerprint,
    conflicts_between,
    figure_interval,
    sentence_bounds,
    topics_in,
)
from entities.conflicts.models import FigureConflict
from entities.conflicts.services import (
    figure_conflict_explain,
    figure_conflicts_detect,
    figure_conflicts_detect_for_article,
    figure_conflicts_detect_for_entity,
)
from entities.models import Entity, Figure, Mention
from entities.stories.models import Story, StoryArticle
from entities.tests.conftest import entity_named

Status = FigureConflict.Status

# -- the rules, without a database -----------------------------------------------------------


def _interval(text: str, figure: str, value: str, language: str = "ru"):
    start = text.index(figure)
    return figure_interval(
        text=text,
        start=start,
        end=start + len(figure),
        figure_text=figure,
        value=Decimal(value),
        language=language,
    )


def test_the_precision_written_sets_the_interval() -> None:
    assert _interval("Проект 7,4 млрд долларов.", "7,4 млрд долларов", "7400000000")[:2] == (
        Decimal("7350000000"),
        Decimal("7450000000"),
    )
    assert _interval("Invest $7.38 billion.", "$7.38 billion", "7380000000", "en")[:2] == (
        Decimal("7375000000"),
        Decimal("7385000000"),
    )
    assert _interval("Жоба 27 млрд доллар.", "27 млрд доллар", "27000000000", "kk")[:2] == (
        Decimal("26500000000"),
        Decimal("27500000000"),
    )
    # A written-out round number is rounded at its last non-zero digit; «1300» is as written.
    low, high, _ = _interval("Сумма 27 000 000 000 тенге.", "27 000 000 000 тенге", "27e9")
    assert (low, high) == (Decimal("26500000000"), Decimal("27500000000"))
    assert _interval("Собрали 1300 тонн.", "1300 тонн", "1300")[:2] == (
        Decimal("1299.5"),
        Decimal("1300.5"),
    )


@pytest.mark.parametrize(
    ("text", "figure", "value", "language", "qualifier"),
    [
        ("Свыше $25 млрд вложили.", "$25 млрд", "25e9", "ru", "min"),
        ("Пришли более 100 тыс. человек.", "100 тыс. человек", "1e5", "ru", "min"),
        ("27 млрд доллардан астам қаржы.", "27 млрд доллардан", "27e9", "kk", "min"),
        ("Шамамен 55 миллиард АҚШ доллары.", "55 миллиард АҚШ доллары", "55e9", "kk", "approx"),
        ("Около 27 млрд долларов.", "27 млрд долларов", "27e9", "ru", "approx"),
        ("Up to 27 billion dollars.", "27 billion dollars", "27e9", "en", "max"),
        ("От 25 до 27 млрд долларов.", "27 млрд долларов", "27e9", "ru", "range"),
        ("25–27 млрд доллар.", "27 млрд доллар", "27e9", "kk", "range"),
        ("Вложат 27 млрд долларов.", "27 млрд долларов", "27e9", "ru", ""),
        # The end of a word is not a qualifier: «товарооборот» is not «от», «turnover» not «over».
        ("Товарооборот 30 млрд долларов.", "30 млрд долларов", "30e9", "ru", ""),
        ("A turnover $30 billion.", "$30 billion", "30e9", "en", ""),
        ("Сапар 2025 – 27 млрд доллар.", "27 млрд доллар", "27e9", "kk", ""),
    ],
)
def test_qualifiers_widen_the_interval(text, figure, value, language, qualifier) -> None:
    low, high, found = _interval(text, figure, value, language)
    assert found == qualifier
    if qualifier == "range":
        assert (low, high) == (Decimal("24.5e9"), Decimal("27.5e9"))
    if qualifier == "min":
        assert high is None


def test_topics_match_words_of_any_of_the_three_languages() -> None:
    assert set(topics_in("Chevron инвестициялар салады, жоба құны өсті")) == {
        "investment",
        "project",
        "cost",
    }
    assert set(topics_in("Инвестиции в проект")) == {"investment", "project"}
    assert set(topics_in("will invest in the project")) == {"investment", "project"}
    # Look-alikes are not topics: a newspaper is not gas, international is not population.
    assert topics_in("газета халықаралық центр бағыт") == {}


def test_sentences_keep_abbreviations_and_paragraphs() -> None:
    text = "2025 ж. 1 қыркүйекте жоба басталды. Екінші сөйлем.\n\nЖаңа абзац."
    assert [text[s:e] for s, e in sentence_bounds(text)] == [
        "2025 ж. 1 қыркүйекте жоба басталды.",
        "Екінші сөйлем.",
        "Жаңа абзац.",
    ]


def _fact(article_id: int, value: str, sentence: str, **extra) -> FigureFacts:
    v = Decimal(value)
    half = extra.pop("half", Decimal("0.5e9"))
    return FigureFacts(
        article_id=article_id,
        field="body",
        start=0,
        end=1,
        text=extra.pop("text", value),
        kind="money",
        unit="USD",
        value=v,
        low=v - half,
        high=v + half,
        sentence=sentence,
        topics=topics_in(sentence),
        **extra,
    )


def test_the_ratio_guard_keeps_different_deals_apart() -> None:
    a = _fact(1, "55e9", "Chevron инвестиция салды", names=frozenset({"e:1"}))
    b = _fact(2, "7.4e9", "Chevron инвестиции", names=frozenset({"e:1"}))
    assert conflicts_between([a], [b]) == []
    c = _fact(2, "25e9", "Chevron инвестиции", names=frozenset({"e:1"}))
    assert conflicts_between([a], [c]) == []  # 55 against 25: more than twice
    d = _fact(2, "50e9", "Chevron инвестиции", names=frozenset({"e:1"}))
    assert len(conflicts_between([a], [d])) == 1


def test_a_value_the_other_article_also_states_is_corroborated() -> None:
    """Article B says 27 bn (as A) and, elsewhere, 25 bn: A's 27 is not flagged against 25."""
    a = _fact(1, "27e9", "инвестиция 27 млрд")
    b_same = _fact(2, "27e9", "инвестиции 27 млрд")
    b_other = _fact(2, "25e9", "инвестиции 25 млрд")
    assert conflicts_between([a], [b_same, b_other]) == []


def test_the_fingerprint_ignores_the_order_and_the_decimal_form() -> None:
    one = conflict_fingerprint(
        article_a=1,
        article_b=2,
        kind="money",
        unit="USD",
        value_a=Decimal("27000000000.000000"),
        value_b=Decimal("25e9"),
    )
    two = conflict_fingerprint(
        article_a=2,
        article_b=1,
        kind="money",
        unit="USD",
        value_a=Decimal("25000000000"),
        value_b=Decimal("2.7E+10"),
    )
    assert one == two
    assert len(one) == 64


# -- through the real extraction -------------------------------------------------------------

KK_CHEVRON = (
    "Chevron Теңіз жобасына 27 млрд доллар инвестиция салады",
    "Chevron компаниясы Теңіз кен орнын кеңейту жобасына 27 млрд доллар инвестиция салатынын "
    "мәлімдеді. Жоба аясында мұнай өндірісі жылына 12 млн тоннаға артады.\n\n"
    "Компания өкілінің айтуынша, құрылысқа 40 мың адам тартылды.",
)
RU_CHEVRON = (
    "Chevron вложит в Тенгиз 25 млрд долларов",
    "Компания Chevron сообщила, что инвестиции в проект расширения месторождения Тенгиз "
    "составят 25 млрд долларов. Добыча нефти вырастет на 12 млн тонн в год.\n\n"
    "На стройке заняты 40 тыс. человек.",
)
EN_CHEVRON = (
    "Chevron to invest $27 billion in Tengiz",
    "Chevron will invest $27 billion in the Tengiz expansion project, the company said.",
)
RU_TRADE = (
    "Товарооборот Казахстана и США вырос",
    "Товарооборот между Казахстаном и США в прошлом году составил 30 млрд долларов. "
    "Об этом сообщили в министерстве торговли.",
)


@pytest.fixture
def write(db, monkeypatch):
    """An article written by a source, extracted for real, placed in a story (pinned, as an
    editor would) or in none. Story clustering (and the pipeline's entity detection) is switched
    off here so that each test decides the stories itself; test_the_pipeline_detects_after_extraction runs it."""
    monkeypatch.setattr("entities.stories.services.story_assign", lambda *, article: None)
    # The pipeline's entity detection too: it would run before the test places the article.
    monkeypatch.setattr(
        "entities.conflicts.services.figure_conflicts_detect_for_article",
        lambda *, article_id, window_days=30: 0,
    )

    def make(
        text: tuple[str, str],
        *,
        source: str,
        story: Story | None = None,
        published_at=None,
    ) -> Article:
        title, body = text
        article = ArticleFactory(
            title=title,
            body=body,
            source=SourceFactory(name=source),
            published_at=published_at or timezone.now() - timedelta(days=1),
        )
        assert article_extract(article_id=article.pk) == "done"
        if story is not None:
            StoryArticle.objects.update_or_create(
                article=article, defaults={"story": story, "pinned": True}
            )
        return Article.objects.get(pk=article.pk)

    return make


@pytest.fixture
def story(db) -> Story:
    return Story.objects.create(title="Chevron and Tengiz")


def _reextract(article: Article, text: tuple[str, str] | None = None) -> None:
    """Extract again (as after an edit or a new extractor version): figure rows are replaced."""
    title, body = text or (article.title, article.body)
    Article.objects.filter(pk=article.pk).update(
        title=title, body=body, content_hash=content_hash(title, body), extracted_content_hash=""
    )
    assert article_extract(article_id=article.pk) == "done"


def test_27_against_25_billion_in_kazakh_and_russian_is_a_conflict(write, story) -> None:
    kk = write(KK_CHEVRON, source="Kazinform", story=story)
    ru = write(RU_CHEVRON, source="Tengrinews", story=story)

    assert figure_conflicts_detect(story_id=story.pk) == 1

    [conflict] = FigureConflict.objects.all()
    a, b = (kk, ru) if kk.pk < ru.pk else (ru, kk)
    assert (conflict.article_a, conflict.article_b) == (a, b)
    values = {kk.pk: Decimal(27_000_000_000), ru.pk: Decimal(25_000_000_000)}
    assert (conflict.value_a, conflict.value_b) == (values[a.pk], values[b.pk])
    assert (conflict.kind, conflict.unit, conflict.status) == ("money", "USD", Status.OPEN)
    assert conflict.story == story
    assert conflict.entity == entity_named("Chevron")
    assert "Chevron" in conflict.reason
    assert "инвестиция" in conflict.reason
    assert "инвестиции" in conflict.reason
    # The sentence around each figure, and where the figure is.
    kk_side = "a" if a == kk else "b"
    context, field = getattr(conflict, f"context_{kk_side}"), getattr(conflict, f"field_{kk_side}")
    start, end = getattr(conflict, f"start_{kk_side}"), getattr(conflict, f"end_{kk_side}")
    assert getattr(kk, field)[start:end] == getattr(conflict, f"text_{kk_side}")
    assert getattr(conflict, f"text_{kk_side}") in context
    # 12 million tonnes and 40 thousand people agree: nothing else is flagged.
    assert not FigureConflict.objects.exclude(pk=conflict.pk).exists()


def test_percentages_conflict_and_a_lower_bound_agrees(write, story) -> None:
    """30 % against 25 % growth of output is a conflict; «120 мың» and «более 100 тыс.» workers
    agree (at least 100 thousand)."""
    write(
        (
            "Теңіздегі өндіріс артады",
            "Chevron мәліметінше, жоба аяқталғанда Теңіздегі мұнай өндірісі 30 пайызға артады. "
            "Құрылыс жұмыстарына 120 мың адам қатысушы ретінде тартылды.",
        ),
        source="Kazinform",
        story=story,
    )
    write(
        (
            "Добыча на Тенгизе вырастет",
            "По данным Chevron, после завершения проекта добыча нефти на Тенгизе вырастет на "
            "25%. Участниками строительства стали более 100 тыс. человек.",
        ),
        source="Tengrinews",
        story=story,
    )
    assert figure_conflicts_detect(story_id=story.pk) == 1
    conflict = FigureConflict.objects.get()
    assert (conflict.kind, conflict.unit) == ("percent", "%")
    assert {conflict.value_a, conflict.value_b} == {Decimal(30), Decimal(25)}
    assert "мұнай / нефти" in conflict.reason


def test_the_same_figure_written_differently_is_not_a_conflict(write, story) -> None:
    write(KK_CHEVRON, source="Kazinform", story=story)  # «27 млрд доллар»
    write(EN_CHEVRON, source="Reuters", story=story)  # «$27 billion»
    assert figure_conflicts_detect(story_id=story.pk) == 0
    assert not FigureConflict.objects.exists()


def test_english_copy_needs_a_shared_entity_found_by_its_aliases(write, story) -> None:
    """No NER for English: «Chevron» is found by the alias of the entity linked in the Kazakh
    article; ExxonMobil's figure, with no entity in common, is not compared."""
    kk = write(KK_CHEVRON, source="Kazinform", story=story)
    exxon = write(
        ("ExxonMobil to invest in Kashagan", "ExxonMobil will invest $25 billion in Kashagan."),
        source="Reuters",
        story=story,
    )
    assert figure_conflicts_detect(story_id=story.pk) == 0
    StoryArticle.objects.filter(article=exxon).delete()
    en = write(
        ("Chevron to invest in Tengiz", "Chevron will invest $25 billion in Tengiz."),
        source="Bloomberg",
        story=story,
    )
    assert figure_conflicts_detect(story_id=story.pk) == 1
    conflict = FigureConflict.objects.get(status=Status.OPEN)
    assert {conflict.article_a_id, conflict.article_b_id} == {kk.pk, en.pk}
    assert conflict.entity == entity_named("Chevron")


def test_rounding_is_not_a_conflict(write, story) -> None:
    write(
        ("Тенгиз: 7,38 млрд долларов", "Chevron вложит в Тенгиз 7,38 млрд долларов инвестиций."),
        source="Tengrinews",
        story=story,
    )
    write(
        ("Теңіз: 7,4 млрд доллар", "Chevron Теңізге 7,4 млрд доллар инвестиция салады."),
        source="Kazinform",
        story=story,
    )
    assert figure_conflicts_detect(story_id=story.pk) == 0


def test_different_topics_in_one_story_do_not_pair(write, story) -> None:
    write(KK_CHEVRON, source="Kazinform", story=story)  # investment, 27 bn
    write(RU_TRADE, source="Tengrinews", story=story)  # trade turnover, 30 bn
    assert figure_conflicts_detect(story_id=story.pk) == 0


def test_different_companies_and_different_years_do_not_pair(write, story) -> None:
    write(RU_CHEVRON, source="Tengrinews", story=story)  # Chevron, 25 bn
    write(
        ("ExxonMobil и Кашаган", "ExxonMobil вложит в Кашаган 27 млрд долларов инвестиций."),
        source="Interfax",
        story=story,
    )
    assert figure_conflicts_detect(story_id=story.pk) == 0
    other = Story.objects.create(title="Chevron plans")
    write(
        ("Chevron 2025", "В 2025 году Chevron вложит 25 млрд долларов инвестиций."),
        source="Tengrinews",
        story=other,
    )
    write(
        ("Chevron 2027", "К 2027 году инвестиции Chevron составят 27 млрд долларов."),
        source="Interfax",
        story=other,
    )
    assert figure_conflicts_detect(story_id=other.pk) == 0


def test_a_55_billion_total_does_not_pair_with_a_7_billion_deal(write, story) -> None:
    write(
        (
            "Chevron Қазақстанға инвестиция салды",
            "Тәуелсіздік жылдары Chevron Қазақстанға 55 млрд доллар инвестиция салды.",
        ),
        source="Kazinform",
        story=story,
    )
    write(
        (
            "Chevron вложит 7,4 млрд долларов",
            "Chevron вложит в Казахстан 7,4 млрд долларов инвестиций.",
        ),
        source="Tengrinews",
        story=story,
    )
    assert figure_conflicts_detect(story_id=story.pk) == 0


def test_detection_is_idempotent_and_survives_re_extraction(write, story) -> None:
    kk = write(KK_CHEVRON, source="Kazinform", story=story)
    ru = write(RU_CHEVRON, source="Tengrinews", story=story)
    figure_conflicts_detect(story_id=story.pk)
    [conflict] = FigureConflict.objects.all()
    figure_conflict_explain(
        conflict=conflict, explanation="Tengrinews gives the first phase only.", user=None
    )
    figure_ids = set(Figure.objects.values_list("pk", flat=True))

    assert figure_conflicts_detect(story_id=story.pk) == 0  # explained, so not open
    _reextract(kk)
    _reextract(ru)
    assert not figure_ids & set(Figure.objects.values_list("pk", flat=True))  # new rows
    assert figure_conflicts_detect(story_id=story.pk) == 0

    [again] = FigureConflict.objects.all()
    assert again.pk == conflict.pk
    assert again.fingerprint == conflict.fingerprint
    assert again.status == Status.EXPLAINED
    assert again.explanation == "Tengrinews gives the first phase only."


def test_a_conflict_edited_away_is_gone_and_comes_back(write, story) -> None:
    kk = write(KK_CHEVRON, source="Kazinform", story=story)
    ru = write(RU_CHEVRON, source="Tengrinews", story=story)
    figure_conflicts_detect(story_id=story.pk)
    [conflict] = FigureConflict.objects.all()

    agreeing = (RU_CHEVRON[0].replace("25", "27"), RU_CHEVRON[1].replace("25", "27"))
    _reextract(ru, agreeing)
    assert figure_conflicts_detect(story_id=story.pk) == 0
    conflict.refresh_from_db()
    assert conflict.status == Status.GONE  # kept, not deleted

    _reextract(ru, RU_CHEVRON)
    assert figure_conflicts_detect(story_id=story.pk) == 1
    conflict.refresh_from_db()
    assert conflict.status == Status.OPEN

    figure_conflict_explain(conflict=conflict, explanation="Two phases.", user=None)
    _reextract(ru, agreeing)
    figure_conflicts_detect(story_id=story.pk)
    conflict.refresh_from_db()
    assert conflict.status == Status.GONE
    _reextract(ru, RU_CHEVRON)
    figure_conflicts_detect(story_id=story.pk)
    conflict.refresh_from_db()
    assert (conflict.status, conflict.explanation) == (Status.EXPLAINED, "Two phases.")
    assert FigureConflict.objects.count() == 1
    assert kk.pk in (conflict.article_a_id, conflict.article_b_id)


def test_an_article_leaving_the_story_takes_its_conflicts_with_it(write, story) -> None:
    write(KK_CHEVRON, source="Kazinform", story=story)
    ru = write(RU_CHEVRON, source="Tengrinews", story=story)
    figure_conflicts_detect(story_id=story.pk)
    StoryArticle.objects.filter(article=ru).update(story=Story.objects.create(title="Other"))
    assert figure_conflicts_detect(story_id=story.pk) == 0
    assert FigureConflict.objects.get().status == Status.GONE


def test_an_explanation_survives_merging_stories(write, story) -> None:
    """Merging deletes one story: its conflicts lose their story, not their explanation, and
    the merged story's detection claims them again."""
    write(KK_CHEVRON, source="Kazinform", story=story)
    write(RU_CHEVRON, source="Tengrinews", story=story)
    figure_conflicts_detect(story_id=story.pk)
    conflict = FigureConflict.objects.get()
    figure_conflict_explain(conflict=conflict, explanation="Two phases.", user=None)
    merged = Story.objects.create(title="Tengiz expansion")
    StoryArticle.objects.filter(story=story).update(story=merged)
    story.delete()
    conflict.refresh_from_db()
    assert (conflict.story, conflict.status) == (None, Status.EXPLAINED)

    assert figure_conflicts_detect(story_id=merged.pk) == 0
    conflict.refresh_from_db()
    assert (conflict.story, conflict.status) == (merged, Status.EXPLAINED)
    assert conflict.explanation == "Two phases."


def test_rejected_figures_are_not_compared(write, story) -> None:
    write(KK_CHEVRON, source="Kazinform", story=story)
    ru = write(RU_CHEVRON, source="Tengrinews", story=story)
    Figure.objects.filter(article=ru, kind="money").update(review_status="rejected")
    assert figure_conflicts_detect(story_id=story.pk) == 0


def test_the_pipeline_detects_after_extraction(story) -> None:
    """Articles an editor placed in the story beforehand: extraction alone finds the conflict
    (entities/pipeline.py calls figure_conflicts_detect with the article's story)."""
    articles = [
        ArticleFactory(title=t, body=b, source=SourceFactory(name=s))
        for (t, b), s in ((KK_CHEVRON, "Kazinform"), (RU_CHEVRON, "Tengrinews"))
    ]
    for article in articles:
        StoryArticle.objects.create(article=article, story=story, pinned=True)
    for article in articles:
        assert article_extract(article_id=article.pk) == "done"
    assert FigureConflict.objects.filter(story=story, status=Status.OPEN).count() == 1


# -- across stories, about one entity ------------------------------------------------------


def test_entity_detection_across_stories_within_the_window(write) -> None:
    chevron = entity_named("Chevron")
    kk = write(KK_CHEVRON, source="Kazinform")  # in no story
    ru = write(RU_CHEVRON, source="Tengrinews", story=Story.objects.create(title="Тенгиз"))
    old = write(
        (RU_CHEVRON[0].replace("25", "22"), RU_CHEVRON[1].replace("25", "22")),
        source="Interfax",
        published_at=timezone.now() - timedelta(days=90),
    )

    assert figure_conflicts_detect_for_entity(entity_id=chevron.pk, window_days=30) == 1
    [conflict] = FigureConflict.objects.all()
    assert {conflict.article_a_id, conflict.article_b_id} == {kk.pk, ru.pk}
    assert (conflict.story, conflict.entity) == (None, chevron)
    assert old.pk not in (conflict.article_a_id, conflict.article_b_id)  # out of the window

    # Idempotent; an article outside the window does not make it gone.
    assert figure_conflicts_detect_for_entity(entity_id=chevron.pk, window_days=30) == 1
    assert FigureConflict.objects.get().status == Status.OPEN
    # With a window around the old article's date wide enough, it is compared too.
    assert figure_conflicts_detect_for_article(article_id=old.pk, window_days=100) >= 3
    pairs = {frozenset((c.article_a_id, c.article_b_id)) for c in FigureConflict.objects.all()}
    assert pairs == {frozenset(p) for p in ((kk.pk, ru.pk), (kk.pk, old.pk), (ru.pk, old.pk))}
    assert set(FigureConflict.objects.values_list("entity", flat=True)) == {chevron.pk}


def test_entity_detection_leaves_pairs_of_one_story_to_the_story(write, story) -> None:
    write(KK_CHEVRON, source="Kazinform", story=story)
    write(RU_CHEVRON, source="Tengrinews", story=story)
    chevron = entity_named("Chevron")
    assert figure_conflicts_detect_for_entity(entity_id=chevron.pk) == 0
    assert not FigureConflict.objects.exists()


def test_entity_detection_needs_the_entity_in_both_sentences(write) -> None:
    write(KK_CHEVRON, source="Kazinform")
    write(
        ("Тенгиз: инвестиции", "Инвестиции в проект составят 25 млрд долларов."),
        source="Tengrinews",
    )
    chevron = entity_named("Chevron")
    assert figure_conflicts_detect_for_entity(entity_id=chevron.pk) == 0


def test_entity_detection_follows_merged_entities(write) -> None:
    chevron = entity_named("Chevron")
    write(KK_CHEVRON, source="Kazinform")
    write(RU_CHEVRON, source="Tengrinews")
    duplicate = Entity.objects.create(type="ORG", name_en="Chevron Corp.", merged_into=chevron)
    assert figure_conflicts_detect_for_entity(entity_id=duplicate.pk) == 1
    assert FigureConflict.objects.get().entity == chevron


def test_unknown_entity_finds_nothing(db) -> None:
    assert figure_conflicts_detect_for_entity(entity_id=999_999) == 0
    assert not Mention.objects.exists()

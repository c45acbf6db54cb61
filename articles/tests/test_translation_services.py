"""Translation desk services: requests, segment saves and locking, alignment changes, following
a changed source, extraction of translations, and the workflow with its quality gate."""

from __future__ import annotations

import pytest

from articles.models import (
    ExtractionState,
    Notification,
    QAOverride,
    SegmentStatus,
    Translation,
    TranslationSegment,
    TranslationStatus,
)
from articles.services import article_update
from articles.tests.factories import ArticleFactory
from articles.translations import services
from articles.translations.services import (
    SegmentVersionConflict,
    TranslationError,
    TranslationPermissionDenied,
    TranslationVersionConflict,
    segment_merge_with_next,
    segment_save,
    segment_split,
    translation_request,
)
from articles.translations.workflow import (
    QualityCheckFailed,
    TranslationCommentRequired,
    translation_steps_available,
    translation_transition,
)

pytestmark = pytest.mark.django_db

KK_BODY = (
    "Президент Қасым-Жомарт Тоқаев Астанада инвесторлармен кездесті.\n\n"
    "Жобаға 3,1 млрд доллар инвестиция салынады.\n\n"
    "Кездесу 2 қыркүйекте өтті."
)
RU = [
    "Президент Касым-Жомарт Токаев встретился с инвесторами в Астане.",
    "В проект будет вложено 3,1 млрд долларов инвестиций.",
    "Встреча прошла 2 сентября.",
]


@pytest.fixture
def article():
    return ArticleFactory(title="Тоқаев инвесторлармен кездесті", body=KK_BODY, language="kk")


@pytest.fixture
def requested(article, editor, translator, reviewer):
    return translation_request(
        article_id=article.pk, language="ru", user=editor, translator=translator, reviewer=reviewer
    )


def rows(translation: Translation) -> list[TranslationSegment]:
    return list(translation.segments.order_by("position"))


def fill(translation, user, texts, status=SegmentStatus.DONE):
    """Translate every row (title first), marking them ``status``."""
    for segment, text in zip(rows(translation), texts, strict=True):
        segment_save(
            segment_id=segment.pk,
            expected_version=segment.version,
            target_text=text,
            user=user,
            status=status,
        )
    translation.refresh_from_db()
    return translation


# -- request ----------------------------------------------------------------------------------


def test_request_creates_one_row_per_source_paragraph_and_notifies(requested, translator, reviewer):
    assert requested.status == TranslationStatus.REQUESTED
    assert requested.source_version == requested.article.version
    assert [(s.field, s.source_start, s.source_text) for s in rows(requested)] == [
        ("title", 0, "Тоқаев инвесторлармен кездесті"),
        ("body", 0, KK_BODY.split("\n\n")[0]),
        ("body", 1, KK_BODY.split("\n\n")[1]),
        ("body", 2, KK_BODY.split("\n\n")[2]),
    ]
    assert all(s.status == SegmentStatus.UNTRANSLATED for s in rows(requested))
    told = set(
        Notification.objects.filter(kind=Notification.Kind.ASSIGNED).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {translator.username, reviewer.username}
    assert requested.history.count() == 1


@pytest.mark.parametrize(
    ("language", "message"),
    [("kk", "already in"), ("de", "Unknown language"), ("ru", "exists already")],
)
def test_request_refusals(article, editor, language, message):
    if message == "exists already":
        translation_request(article_id=article.pk, language="ru", user=editor)
    with pytest.raises(TranslationError, match=message):
        translation_request(article_id=article.pk, language=language, user=editor)


def test_only_editors_request_and_assignees_need_their_roles(article, editor, translator, reviewer):
    for user in (translator, reviewer):
        with pytest.raises(TranslationPermissionDenied):
            translation_request(article_id=article.pk, language="ru", user=user)
    with pytest.raises(TranslationError, match="not a reviewer"):
        translation_request(article_id=article.pk, language="ru", user=editor, reviewer=translator)
    with pytest.raises(TranslationError, match="not a translator"):
        translation_request(article_id=article.pk, language="ru", user=editor, translator=reviewer)
    assert not Translation.objects.exists()


def test_request_needs_a_known_source_language(editor):
    article = ArticleFactory(language="")
    with pytest.raises(TranslationError, match="not known"):
        translation_request(article_id=article.pk, language="ru", user=editor)


# -- saving -----------------------------------------------------------------------------------


def test_segment_save_builds_the_text_starts_the_work_and_versions(requested, translator):
    title, first, *_ = rows(requested)
    saved = segment_save(
        segment_id=first.pk, expected_version=1, target_text="  Первый  абзац. \n", user=translator
    )
    assert saved.segment.target_text == "Первый абзац."
    assert saved.segment.status == SegmentStatus.DRAFT
    assert saved.segment.version == 2
    translation = saved.translation
    assert translation.status == TranslationStatus.IN_PROGRESS
    assert translation.body == "Первый абзац."
    assert translation.version == 2
    assert translation.history.first().history_change_reason == "segment 0"
    segment_save(segment_id=title.pk, expected_version=1, target_text="Заголовок", user=translator)
    translation.refresh_from_db()
    assert translation.title == "Заголовок"
    assert translation.version == 3


def test_a_split_row_keeps_its_paragraphs(requested, translator):
    first = rows(requested)[1]
    saved = segment_save(
        segment_id=first.pk,
        expected_version=1,
        target_text="Первая часть.\n\n\n\nВторая часть.",
        user=translator,
    )
    assert saved.segment.target_paragraphs == ["Первая часть.", "Вторая часть."]
    assert saved.translation.paragraphs == ["Первая часть.", "Вторая часть."]


def test_stale_segment_save_is_a_conflict_that_keeps_what_was_typed(requested, translator, editor):
    first = rows(requested)[1]
    segment_save(segment_id=first.pk, expected_version=1, target_text="Версия A", user=editor)
    with pytest.raises(SegmentVersionConflict) as conflict:
        segment_save(
            segment_id=first.pk, expected_version=1, target_text="Версия B", user=translator
        )
    assert conflict.value.typed_text == "Версия B"
    assert conflict.value.segment.target_text == "Версия A"
    first.refresh_from_db()
    assert first.target_text == "Версия A"


def test_two_people_on_two_rows_do_not_conflict(requested, translator, editor):
    _, first, second, _ = rows(requested)
    segment_save(segment_id=first.pk, expected_version=1, target_text="A", user=translator)
    segment_save(segment_id=second.pk, expected_version=1, target_text="B", user=editor)
    requested.refresh_from_db()
    assert requested.body == "A\n\nB"


def test_only_the_assigned_translator_or_an_editor_saves(requested, make_user, reviewer):
    from articles.roles import Role

    other = make_user("other-translator", Role.TRANSLATOR)
    first = rows(requested)[1]
    for user in (other, reviewer):
        with pytest.raises(TranslationPermissionDenied):
            segment_save(segment_id=first.pk, expected_version=1, target_text="x", user=user)
    first.refresh_from_db()
    assert first.target_text == ""


def test_status_validation_and_empty_text_is_untranslated(requested, translator):
    first = rows(requested)[1]
    with pytest.raises(TranslationError, match="Unknown paragraph status"):
        segment_save(
            segment_id=first.pk, expected_version=1, target_text="x", user=translator, status="x"
        )
    saved = segment_save(
        segment_id=first.pk, expected_version=1, target_text="x", user=translator, status="done"
    )
    assert saved.segment.status == SegmentStatus.DONE
    saved = segment_save(segment_id=first.pk, expected_version=2, target_text="  ", user=translator)
    assert saved.segment.status == SegmentStatus.UNTRANSLATED


def test_merge_and_split_alignment(requested, translator):
    _, first, second, third = rows(requested)
    segment_save(segment_id=first.pk, expected_version=1, target_text="Один.", user=translator)
    segment_save(segment_id=second.pk, expected_version=1, target_text="Два.", user=translator)
    version = Translation.objects.get(pk=requested.pk).version
    translation = segment_merge_with_next(
        segment_id=first.pk, expected_version=version, user=translator
    )
    merged = rows(translation)
    assert len(merged) == 3
    assert merged[1].source_count == 2
    assert merged[1].source_text == "\n\n".join(KK_BODY.split("\n\n")[:2])
    assert merged[1].target_text == "Один. Два."
    assert [s.position for s in merged] == [0, 1, 2]
    assert merged[2].pk == third.pk
    with pytest.raises(TranslationVersionConflict):
        segment_split(segment_id=first.pk, expected_version=version, user=translator)
    translation = segment_split(
        segment_id=first.pk, expected_version=translation.version, user=translator
    )
    split = rows(translation)
    assert [(s.source_start, s.source_count) for s in split[1:]] == [(0, 1), (1, 1), (2, 1)]
    assert split[1].target_text == "Один. Два."  # one target paragraph: stays on the first
    assert split[2].target_text == ""
    with pytest.raises(TranslationError, match="single source paragraph"):
        segment_split(segment_id=first.pk, expected_version=translation.version, user=translator)


# -- following the source -----------------------------------------------------------------


def test_a_changed_source_paragraph_reopens_only_its_row(requested, translator, editor):
    translation = fill(requested, translator, ["Токаев встретился с инвесторами", *RU])
    article = translation.article
    paragraphs = KK_BODY.split("\n\n")
    new_body = "\n\n".join([paragraphs[0], paragraphs[1].replace("3,1", "3,5"), paragraphs[2]])
    article_update(
        article_id=article.pk, expected_version=article.version, updated_by=editor, body=new_body
    )
    translation.refresh_from_db()
    assert translation.is_outdated
    assert translation.source_version == article.version + 1
    title, first, second, third = rows(translation)
    assert second.previous_source_text == paragraphs[1]
    assert second.source_text == paragraphs[1].replace("3,1", "3,5")
    assert second.status == SegmentStatus.DRAFT
    assert second.target_text == RU[1]  # the old translation stays to be corrected
    assert [s.status for s in (title, first, third)] == [SegmentStatus.DONE] * 3
    assert not title.previous_source_text
    assert not first.previous_source_text
    # Done again: no longer outdated.
    segment_save(
        segment_id=second.pk,
        expected_version=second.version,
        target_text=RU[1].replace("3,1", "3,5"),
        user=translator,
        status=SegmentStatus.DONE,
    )
    translation.refresh_from_db()
    assert not translation.is_outdated


def test_added_and_removed_source_paragraphs(requested, translator, editor):
    translation = fill(requested, translator, ["Заголовок", *RU])
    article = translation.article
    paragraphs = KK_BODY.split("\n\n")
    new_body = "\n\n".join([paragraphs[0], "Жаңа абзац қосылды.", paragraphs[2]])
    article_update(
        article_id=article.pk, expected_version=article.version, updated_by=editor, body=new_body
    )
    translation.refresh_from_db()
    body = rows(translation)[1:]
    # The second paragraph was replaced: its row is reopened with the new source.
    assert [(s.source_start, s.source_text) for s in body] == [
        (0, paragraphs[0]),
        (1, "Жаңа абзац қосылды."),
        (2, paragraphs[2]),
    ]
    assert body[1].previous_source_text == paragraphs[1]
    article.refresh_from_db()
    article_update(
        article_id=article.pk,
        expected_version=article.version,
        updated_by=editor,
        body="\n\n".join([paragraphs[0], "Жаңа абзац қосылды.", "Тағы бір абзац.", paragraphs[2]]),
    )
    body = rows(translation)[1:]
    assert [(s.source_start, s.status) for s in body] == [
        (0, SegmentStatus.DONE),
        (1, SegmentStatus.DRAFT),
        (2, SegmentStatus.UNTRANSLATED),
        (3, SegmentStatus.DONE),
    ]
    article.refresh_from_db()
    article_update(
        article_id=article.pk,
        expected_version=article.version,
        updated_by=editor,
        body="\n\n".join([paragraphs[0], paragraphs[2]]),
    )
    translation.refresh_from_db()
    body = rows(translation)[1:]
    assert [(s.source_start, s.target_text) for s in body] == [(0, RU[0]), (1, RU[2])]
    assert translation.body == f"{RU[0]}\n\n{RU[2]}"


def test_a_status_change_of_the_source_does_not_outdate(requested, translator, editor):
    translation = fill(requested, translator, ["Заголовок", *RU])
    article = translation.article
    article_update(
        article_id=article.pk, expected_version=article.version, updated_by=editor, byline="X"
    )
    translation.refresh_from_db()
    assert not translation.is_outdated


# -- extraction --------------------------------------------------------------------------


def test_translations_are_extracted_like_articles(
    requested, translator, django_capture_on_commit_callbacks
):
    from entities.models import Figure, Mention

    with django_capture_on_commit_callbacks(execute=True):
        fill(requested, translator, ["Токаев встретился с инвесторами", *RU])
    translation = Translation.objects.get(pk=requested.pk)
    assert translation.extraction_state == ExtractionState.DONE
    assert services.translation_extract(translation_id=translation.pk) == "current"
    figures = Figure.objects.filter(translation=translation)
    assert [(f.kind, f.unit, int(f.value)) for f in figures] == [("money", "USD", 3_100_000_000)]
    people = Mention.objects.filter(translation=translation, type="PER")
    assert any(m.entity and m.entity.name_ru.endswith("Токаев") for m in people)


# -- workflow ---------------------------------------------------------------------------------


def step(translation, name, user, **kwargs):
    translation.refresh_from_db()
    try:
        return translation_transition(
            translation_id=translation.pk,
            step_name=name,
            user=user,
            expected_version=translation.version,
            **kwargs,
        )
    finally:
        translation.refresh_from_db()


def test_full_workflow_and_memory(requested, translator, reviewer, editor):
    from articles.models import TranslationMemoryEntry

    translation = fill(
        requested, translator, ["Токаев встретился с инвесторами", *RU], SegmentStatus.DONE
    )
    assert [s.name for s in translation_steps_available(translator, translation)] == ["submit"]
    step(translation, "submit", translator)
    assert [s.name for s in translation_steps_available(reviewer, translation)] == [
        "request_changes",
        "approve",
    ]
    with pytest.raises(TranslationCommentRequired):
        step(translation, "request_changes", reviewer)
    step(translation, "request_changes", reviewer, comment="Проверьте заголовок")
    translation.refresh_from_db()
    assert translation.status == TranslationStatus.CHANGES_REQUESTED
    step(translation, "submit", translator)
    with pytest.raises(TranslationPermissionDenied):
        step(translation, "approve", translator)
    step(translation, "approve", reviewer)
    translation.refresh_from_db()
    assert translation.status == TranslationStatus.APPROVED
    assert TranslationMemoryEntry.objects.filter(translation=translation).exists()
    with pytest.raises(TranslationPermissionDenied):
        step(translation, "publish", reviewer)
    step(translation, "publish", editor)
    translation.refresh_from_db()
    assert translation.status == TranslationStatus.PUBLISHED
    assert [s.name for s in translation_steps_available(translator, translation)] == []
    assert "reopen" in [s.name for s in translation_steps_available(editor, translation)]


def test_submit_is_blocked_by_errors_until_the_reviewer_accepts(requested, translator, reviewer):
    # The last paragraph is left untranslated: a `paragraphs` error.
    translation = fill(requested, translator, ["Токаев встретился с инвесторами", *RU[:2], ""])
    with pytest.raises(QualityCheckFailed) as refused:
        step(translation, "submit", translator)
    assert {f.check for f in refused.value.findings} >= {"paragraphs"}
    translation.refresh_from_db()
    assert translation.status == TranslationStatus.IN_PROGRESS
    assert translation.qa_errors >= 1
    for finding in refused.value.findings:
        with pytest.raises(TranslationPermissionDenied):
            services.qa_override_add(
                translation_id=translation.pk,
                fingerprint=finding.fingerprint,
                reason="ok",
                user=translator,
            )
        services.qa_override_add(
            translation_id=translation.pk,
            fingerprint=finding.fingerprint,
            reason="Абзац сознательно опущен редактором",
            user=reviewer,
        )
    step(translation, "submit", translator)
    translation.refresh_from_db()
    assert translation.status == TranslationStatus.SUBMITTED


def test_reviewer_may_approve_over_errors_with_a_reason(requested, translator, editor, reviewer):
    translation = fill(requested, translator, ["Токаев встретился с инвесторами", *RU[:2], ""])
    translation.status = TranslationStatus.SUBMITTED  # as if an editor forced it through
    translation.save(update_fields=["status"])
    with pytest.raises(QualityCheckFailed):
        step(translation, "approve", reviewer)
    step(translation, "approve", reviewer, override_reason="Последний абзац не нужен")
    translation.refresh_from_db()
    assert translation.status == TranslationStatus.APPROVED
    assert QAOverride.objects.filter(translation=translation, check_code="paragraphs").exists()


def test_an_outdated_translation_cannot_be_published(requested, translator, reviewer, editor):
    translation = fill(requested, translator, ["Токаев встретился с инвесторами", *RU])
    step(translation, "submit", translator)
    step(translation, "approve", reviewer)
    article = translation.article
    article.refresh_from_db()
    article_update(
        article_id=article.pk,
        expected_version=article.version,
        updated_by=editor,
        body=KK_BODY.replace("2 қыркүйекте", "3 қыркүйекте"),
    )
    with pytest.raises(TranslationError, match="source changed"):
        step(translation, "publish", editor)
    # The translator may reopen it now that the source changed.
    assert "reopen" in [s.name for s in translation_steps_available(translator, translation)]
    step(translation, "reopen", translator)
    translation.refresh_from_db()
    assert translation.status == TranslationStatus.IN_PROGRESS


def test_stale_workflow_step_is_a_conflict(requested, translator):
    translation = fill(requested, translator, ["Токаев встретился с инвесторами", *RU])
    with pytest.raises(TranslationVersionConflict):
        translation_transition(
            translation_id=translation.pk,
            step_name="submit",
            user=translator,
            expected_version=translation.version - 1,
        )

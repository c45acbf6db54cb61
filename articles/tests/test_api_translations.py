"""/api/v1/translations/…: who sees and may do what (the browser's rules), status codes, response
shape, ETag / If-Match, the workflow with its quality gate, and query counts that do not grow
with the number of rows."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import (
    Notification,
    QAOverride,
    SegmentStatus,
    Translation,
    TranslationSegment,
    TranslationStatus,
)
from articles.roles import Role
from articles.services import article_update
from articles.tests.factories import ArticleFactory
from articles.translations.services import segment_save, translation_request
from articles.translations.workflow import translation_transition

pytestmark = pytest.mark.django_db

LIST = "/api/v1/translations/"
KK_BODY = (
    "Президент Қасым-Жомарт Тоқаев Астанада инвесторлармен кездесті.\n\n"
    "Жобаға 3,1 млрд доллар инвестиция салынады.\n\n"
    "Кездесу 2 қыркүйекте өтті."
)
RU = [
    "Токаев встретился с инвесторами",
    "Президент Касым-Жомарт Токаев встретился с инвесторами в Астане.",
    "В проект будет вложено 3,1 млрд долларов инвестиций.",
    "Встреча прошла 2 сентября.",
]
PROBLEM = "application/problem+json"


@pytest.fixture
def desk(make_user, editor, reviewer, translator, admin_user_, api_client_for):
    other = make_user("other_translator", Role.TRANSLATOR)
    nobody = make_user("nobody")
    users = {
        "editor": editor,
        "reviewer": reviewer,
        "translator": translator,
        "other": other,
        "admin": admin_user_,
        "nobody": nobody,
    }
    return SimpleNamespace(
        **users,
        api={name: api_client_for(user) for name, user in users.items()},
        read_only={name: api_client_for(user, scopes=("read",)) for name, user in users.items()},
    )


def _request(desk, language: str = "ru", **article_fields) -> Translation:
    fields = {
        "title": "Тоқаев инвесторлармен кездесті",
        "body": KK_BODY,
        "language": "kk",
        "content_hash": uuid.uuid4().hex,  # the same text for several articles
    }
    fields.update(article_fields)
    article = ArticleFactory(**fields)
    return translation_request(
        article_id=article.pk,
        language=language,
        user=desk.editor,
        translator=desk.translator,
        reviewer=desk.reviewer,
    )


@pytest.fixture
def translation(desk) -> Translation:
    return _request(desk)


def _rows(translation: Translation) -> list[TranslationSegment]:
    return list(translation.segments.order_by("position"))


def _fill(translation: Translation, user, texts=RU, status=SegmentStatus.DONE) -> Translation:
    for segment, text in zip(_rows(translation), texts, strict=True):
        segment_save(
            segment_id=segment.pk,
            expected_version=segment.version,
            target_text=text,
            user=user,
            status=status,
        )
    translation.refresh_from_db()
    return translation


def _step(translation: Translation, name: str, user, **kwargs) -> Translation:
    translation.refresh_from_db()
    translation_transition(
        translation_id=translation.pk,
        step_name=name,
        user=user,
        expected_version=translation.version,
        **kwargs,
    )
    translation.refresh_from_db()
    return translation


def _url(translation: Translation, rest: str = "") -> str:
    return f"{LIST}{translation.pk}/{rest}"


def _etag(translation: Translation) -> str:
    translation.refresh_from_db()
    return f'"translation-{translation.pk}-v{translation.version}"'


def _segment_etag(segment: TranslationSegment) -> str:
    segment.refresh_from_db()
    return f'"segment-{segment.pk}-v{segment.version}"'


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    return response.json()


# -- the list ----------------------------------------------------------------------------------------


def test_list_visibility_follows_the_browser(desk, translation):
    theirs = _request(desk, language="en")
    Translation.objects.filter(pk=theirs.pk).update(translator=desk.other)
    everything = {translation.pk, theirs.pk}
    for role in ("editor", "reviewer", "admin"):
        assert _ids(desk.api[role].get(LIST)) == everything, role
    assert _ids(desk.api["translator"].get(LIST)) == {translation.pk}
    assert _ids(desk.api["other"].get(LIST)) == {theirs.pk}
    assert _ids(desk.api["nobody"].get(LIST)) == set()


def test_list_shape_has_no_text_but_the_counts(desk, translation):
    row = desk.api["editor"].get(LIST).json()["results"][0]
    assert "body" not in row
    assert row["url"] == f"http://testserver{_url(translation)}"
    assert row["article"]["id"] == translation.article_id
    assert row["article"]["language"] == "kk"
    assert row["article"]["url"].endswith(f"/api/v1/articles/{translation.article_id}/")
    assert row["translator"] == "translator"
    assert row["reviewer"] == "reviewer"
    assert row["status"] == "requested"
    assert row["outdated"] is False
    assert row["segments"] == {"untranslated": 4, "draft": 0, "done": 0}
    assert row["qa"] == {"errors": 0, "warnings": 0, "checked_version": 0, "current": False}
    assert row["available_steps"] == ["start", "submit"]


def test_list_filters(desk, translation):
    english = _request(desk, language="en")
    Translation.objects.filter(pk=english.pk).update(
        translator=desk.other, outdated_since=timezone.now()
    )
    api = desk.api["editor"]
    assert _ids(api.get(LIST, {"language": "en"})) == {english.pk}
    assert _ids(api.get(LIST, {"article": translation.article_id})) == {translation.pk}
    assert _ids(api.get(LIST, {"translator": "other_translator"})) == {english.pk}
    assert _ids(api.get(LIST, {"translator": str(desk.translator.pk)})) == {translation.pk}
    assert _ids(api.get(LIST, {"outdated": "true"})) == {english.pk}
    assert _ids(api.get(LIST, {"outdated": "false"})) == {translation.pk}
    assert _ids(api.get(LIST, {"status": "requested"})) == {translation.pk, english.pk}
    assert _ids(api.get(LIST, {"status": "approved"})) == set()
    future = (timezone.now() + timedelta(days=1)).isoformat()
    assert _ids(api.get(LIST, {"updated_since": future})) == set()
    past = (timezone.now() - timedelta(days=1)).isoformat()
    assert _ids(api.get(LIST, {"updated_since": past})) == {translation.pk, english.pk}


@pytest.mark.parametrize(
    "params",
    [
        {"language": "de"},
        {"status": "done"},
        {"article": "abc"},
        {"article": "1.5"},
        {"article": "99999999999999999999999"},
        {"outdated": "perhaps"},
        {"updated_since": "yesterday"},
        {"updated_since": "9999-12-31T23:59:59-18:00"},  # beyond a datetime in UTC
        {"updated_since": "0001-01-01T00:00:00+18:00"},
        {"translator": "x" * 151},
    ],
)
def test_list_bad_filters_are_400(desk, translation, params):
    body = _problem(desk.api["editor"].get(LIST, params), 400)
    assert body["code"] == "validation"
    assert body["errors"][0]["field"] == next(iter(params))


def test_list_cursor_pages_and_ordering(desk):
    made = [_request(desk, language=language) for language in ("ru", "en", "ru")]
    api = desk.api["editor"]
    seen, url = [], f"{LIST}?page_size=1&ordering=id"
    while url:
        page = api.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == sorted(t.pk for t in made)
    newest_first = [row["id"] for row in api.get(LIST).json()["results"]]
    assert newest_first == sorted((t.pk for t in made), reverse=True)
    assert [row["id"] for row in api.get(LIST, {"ordering": "updated_at"}).json()["results"]] == [
        t.pk for t in made
    ]


def _queries(api, url: str) -> int:
    """The queries of one GET, after a first one (which also records the key's use)."""
    assert api.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url).status_code == 200
    return len(captured)


# The key with its user, the user's roles, the rows (the segment counts are subqueries of it).
LIST_QUERIES = 3


def test_list_query_count_is_constant(desk, translation, django_assert_num_queries):
    api = desk.api["translator"]  # the filtered queryset
    assert _queries(api, LIST) == LIST_QUERIES
    for _ in range(29):
        _request(desk)
    with django_assert_num_queries(LIST_QUERIES):
        rows = api.get(LIST).json()["results"]
    assert len(rows) == 30
    assert _queries(desk.api["editor"], LIST) == LIST_QUERIES


# -- requesting ----------------------------------------------------------------------------------


def test_editor_requests_a_translation(desk):
    article = ArticleFactory(title="Тоқаев", body=KK_BODY, language="kk")
    response = desk.api["editor"].post(
        LIST,
        {
            "article": article.pk,
            "language": "en",
            "translator": "translator",
            "reviewer": "reviewer",
            "due_at": "2030-05-02T18:00:00+05:00",
        },
    )
    assert response.status_code == 201, response.content
    translation = Translation.objects.get(article=article, language="en")
    assert response["Location"] == f"http://testserver{_url(translation)}"
    assert response["ETag"] == f'"translation-{translation.pk}-v1"'
    body = response.json()
    assert body["id"] == translation.pk
    assert body["translator"] == "translator"
    assert body["reviewer"] == "reviewer"
    assert body["segments"] == {"untranslated": 4, "draft": 0, "done": 0}
    assert body["body"] == ""
    assert Notification.objects.filter(recipient=desk.translator).exists()


@pytest.mark.parametrize("role", ["translator", "reviewer", "nobody"])
def test_only_editors_request(desk, role):
    article = ArticleFactory(language="kk")
    response = desk.api[role].post(LIST, {"article": article.pk, "language": "ru"})
    _problem(response, 403)
    assert not Translation.objects.exists()


def test_a_second_request_for_the_same_language_is_409(desk, translation):
    body = _problem(
        desk.api["editor"].post(LIST, {"article": translation.article_id, "language": "ru"}), 409
    )
    assert body["existing_id"] == translation.pk
    assert Translation.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"language": "kk"}, ""),  # the article's own language
        ({"language": "de"}, "language"),
        ({"language": "ru", "translator": "reviewer"}, "translator"),  # not a translator
        ({"language": "ru", "reviewer": "translator"}, "reviewer"),
        ({"language": "ru", "reviewer": 5}, "reviewer"),
        ({"language": "ru", "due_at": "soon"}, "due_at"),
        ({"language": "ru", "due_at": "0472-01-18T02:42:52.1-18:29"}, "due_at"),
        ({"language": "ru", "due_at": "9999-12-31T23:59:59-18:00"}, "due_at"),
        ({"article": 0, "language": "ru"}, "article"),
        ({"article": 10**6, "language": "ru"}, "article"),
        ({"article": "x", "language": "ru"}, "article"),
    ],
)
def test_request_validation_is_400(desk, payload, field):
    article = ArticleFactory(language="kk")
    body = _problem(desk.api["editor"].post(LIST, {"article": article.pk, **payload}), 400)
    assert body["errors"][0]["field"] == field
    assert not Translation.objects.exists()


# -- one translation ---------------------------------------------------------------------------------


def test_detail_with_etag_and_text(desk, translation):
    translation = _fill(translation, desk.translator, RU, SegmentStatus.DRAFT)
    response = desk.api["translator"].get(_url(translation))
    assert response.status_code == 200
    assert response["ETag"] == _etag(translation)
    body = response.json()
    assert body["title"] == RU[0]
    assert body["body"] == "\n\n".join(RU[1:])
    assert body["status"] == "in_progress"
    assert body["version"] == translation.version
    assert body["source_version"] == translation.article.version
    assert body["segments"] == {"untranslated": 0, "draft": 4, "done": 0}
    assert body["article"]["title"] == "Тоқаев инвесторлармен кездесті"
    assert body["extraction_state"] in {"pending", "running", "done", "failed"}


def test_detail_is_404_to_whom_the_browser_hides_it(desk, translation):
    for role in ("other", "nobody"):
        _problem(desk.api[role].get(_url(translation)), 404)
    _problem(desk.api["editor"].get(f"{LIST}999999/"), 404)


def test_detail_query_count_does_not_grow_with_rows(desk, django_assert_num_queries):
    short = _request(desk)
    queries = _queries(desk.api["editor"], _url(short))
    assert queries <= LIST_QUERIES
    long = _request(desk, body="\n\n".join(f"Абзац {n}." for n in range(40)), language="en")
    with django_assert_num_queries(queries):
        assert desk.api["editor"].get(_url(long)).json()["segments"]["untranslated"] == 41


# -- assigning ----------------------------------------------------------------------------------------


def test_editor_reassigns_with_if_match(desk, translation):
    api = desk.api["editor"]
    etag = _etag(translation)
    response = api.patch(
        _url(translation),
        {"translator": "other_translator", "reviewer": None},
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.content
    translation.refresh_from_db()
    assert translation.translator == desk.other
    assert translation.reviewer is None
    assert response["ETag"] == _etag(translation) != etag
    assert response.json()["translator"] == "other_translator"
    # The old ETag is stale now; the translator no longer sees the translation.
    _problem(api.patch(_url(translation), {"due_at": None}, HTTP_IF_MATCH=etag), 412)
    _problem(desk.api["translator"].get(_url(translation)), 404)


def test_patch_keeps_the_fields_left_out(desk, translation):
    response = desk.api["editor"].patch(
        _url(translation), {"due_at": "2030-01-01T10:00:00Z"}, HTTP_IF_MATCH=_etag(translation)
    )
    assert response.status_code == 200, response.content
    translation.refresh_from_db()
    assert translation.translator == desk.translator
    assert translation.reviewer == desk.reviewer
    assert translation.due_at.year == 2030


def test_patch_needs_if_match_and_an_editor(desk, translation):
    api = desk.api["editor"]
    _problem(api.patch(_url(translation), {"reviewer": None}), 428)
    _problem(api.patch(_url(translation), {"reviewer": None}, HTTP_IF_MATCH='"garbage"'), 412)
    for role in ("translator", "reviewer"):
        _problem(
            desk.api[role].patch(
                _url(translation), {"reviewer": None}, HTTP_IF_MATCH=_etag(translation)
            ),
            403,
        )
    _problem(api.patch(_url(translation), {}, HTTP_IF_MATCH=_etag(translation)), 400)
    body = _problem(
        api.patch(_url(translation), {"translator": "reviewer"}, HTTP_IF_MATCH=_etag(translation)),
        400,
    )
    assert body["errors"][0]["field"] == "translator"
    translation.refresh_from_db()
    assert translation.version == 1


# -- segments ------------------------------------------------------------------------------------------


def test_segments_in_order_and_one_with_its_etag(desk, translation):
    response = desk.api["translator"].get(_url(translation, "segments/"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert body["translation_version"] == translation.version
    assert [row["position"] for row in body["results"]] == [0, 1, 2, 3]
    assert [row["field"] for row in body["results"]] == ["title", "body", "body", "body"]
    first = body["results"][0]
    assert first["source_text"] == "Тоқаев инвесторлармен кездесті"
    assert first["status"] == "untranslated"
    assert first["source_changed"] is False
    one = desk.api["translator"].get(first["url"])
    assert one.status_code == 200
    assert one["ETag"] == f'"segment-{first["id"]}-v1"'
    assert one.json() == first


def test_segment_save_with_if_match(desk, translation):
    segment = _rows(translation)[1]
    url = _url(translation, f"segments/{segment.pk}/")
    api = desk.api["translator"]
    etag = _segment_etag(segment)
    response = api.patch(url, {"target_text": RU[1]}, HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"segment-{segment.pk}-v2"'
    assert response.json()["status"] == "draft"
    assert response.json()["updated_by"] == "translator"
    translation.refresh_from_db()
    assert translation.status == TranslationStatus.IN_PROGRESS
    assert translation.body == RU[1]
    # Someone who read version 1 cannot overwrite version 2: nothing is written.
    _problem(api.patch(url, {"target_text": "другое"}, HTTP_IF_MATCH=etag), 412)
    _problem(api.patch(url, {"target_text": "другое"}), 428)
    done = api.patch(url, {"target_text": RU[1], "status": "done"}, HTTP_IF_MATCH=response["ETag"])
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    segment.refresh_from_db()
    assert (segment.target_text, segment.version) == (RU[1], 3)


def test_segment_save_permissions_and_input(desk, translation):
    segment = _rows(translation)[1]
    url = _url(translation, f"segments/{segment.pk}/")
    for role in ("reviewer", "editor"):  # a reviewer may not; an editor may
        response = desk.api[role].patch(
            url, {"target_text": "текст"}, HTTP_IF_MATCH=_segment_etag(segment)
        )
        assert response.status_code == (403 if role == "reviewer" else 200), role
    _problem(desk.api["other"].patch(url, {"target_text": "x"}, HTTP_IF_MATCH="*"), 404)
    for payload in (
        {"target_text": "x" * 20_001},
        {"target_text": "x", "status": "untranslated"},
        {"status": "done"},
        {"target_text": ["a list"]},
        {"target_text": "a\x00b"},
    ):
        _problem(
            desk.api["translator"].patch(url, payload, HTTP_IF_MATCH=_segment_etag(segment)), 400
        )
    elsewhere = _request(desk, language="en")
    _problem(
        desk.api["editor"].get(_url(elsewhere, f"segments/{segment.pk}/")), 404
    )  # a row of another translation


def test_segment_save_is_409_while_the_translation_is_not_being_worked_on(desk, translation):
    translation = _fill(translation, desk.translator)
    _step(translation, "submit", desk.translator)
    segment = _rows(translation)[1]
    url = _url(translation, f"segments/{segment.pk}/")
    body = _problem(
        desk.api["translator"].patch(
            url, {"target_text": "x"}, HTTP_IF_MATCH=_segment_etag(segment)
        ),
        409,
    )
    assert "cannot be edited now" in body["detail"]
    # A reviewer could not edit it in any status: that stays a 403.
    _problem(
        desk.api["reviewer"].patch(url, {"target_text": "x"}, HTTP_IF_MATCH=_segment_etag(segment)),
        403,
    )


def test_segments_query_count_does_not_grow_with_rows(desk, django_assert_num_queries):
    short = _request(desk)
    queries = _queries(desk.api["translator"], _url(short, "segments/"))
    assert queries <= LIST_QUERIES + 1  # and the rows
    long = _request(desk, body="\n\n".join(f"Абзац {n}." for n in range(40)), language="en")
    with django_assert_num_queries(queries):
        assert desk.api["translator"].get(_url(long, "segments/")).json()["count"] == 41


# -- the workflow ----------------------------------------------------------------------------------


def test_the_whole_workflow_through_the_api(desk, translation):
    start = desk.api["translator"].post(_url(translation, "start/"))
    assert start.status_code == 200, start.content
    assert start.json()["status"] == "in_progress"
    assert start["ETag"] == _etag(translation)
    _fill(translation, desk.translator)

    submitted = desk.api["translator"].post(
        _url(translation, "submit/"), HTTP_IF_MATCH=_etag(translation)
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["qa"]["errors"] == 0

    missing_comment = _problem(
        desk.api["reviewer"].post(_url(translation, "request-changes/")), 400
    )
    assert missing_comment["errors"][0]["field"] == "comment"
    changes = desk.api["reviewer"].post(
        _url(translation, "request-changes/"), {"comment": "Проверьте заголовок"}
    )
    assert changes.status_code == 200, changes.content
    assert changes.json()["status"] == "changes_requested"

    assert desk.api["translator"].post(_url(translation, "submit/")).status_code == 200
    approved = desk.api["reviewer"].post(_url(translation, "approve/"))
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert approved.json()["available_steps"] == []  # the reviewer has nothing left to do

    published = desk.api["editor"].post(_url(translation, "publish/"))
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    assert published.json()["available_steps"] == ["reopen"]

    reopened = desk.api["editor"].post(_url(translation, "reopen/"))
    assert reopened.status_code == 200, reopened.content
    assert reopened.json()["status"] == "in_progress"


@pytest.mark.parametrize(
    ("role", "step", "status"),
    [
        ("translator", "approve/", 403),  # the role cannot
        ("reviewer", "submit/", 403),
        ("translator", "publish/", 403),
        ("other", "start/", 404),  # cannot even see it
        ("editor", "publish/", 409),  # the role can, not from «requested»
        ("reviewer", "approve/", 409),
        ("editor", "reopen/", 409),
    ],
)
def test_step_refusals_403_for_the_role_409_for_the_status(desk, translation, role, step, status):
    _problem(desk.api[role].post(_url(translation, step)), status)
    translation.refresh_from_db()
    assert translation.status == TranslationStatus.REQUESTED


def test_step_if_match_is_optional_but_must_match(desk, translation):
    stale = _etag(translation)
    _fill(translation, desk.translator, RU, SegmentStatus.DRAFT)
    _problem(desk.api["translator"].post(_url(translation, "submit/"), HTTP_IF_MATCH=stale), 412)
    translation.refresh_from_db()
    assert translation.status == TranslationStatus.IN_PROGRESS


def test_publishing_an_outdated_translation_is_409(desk, translation):
    _fill(translation, desk.translator)
    _step(translation, "submit", desk.translator)
    _step(translation, "approve", desk.reviewer)
    article = translation.article
    article.refresh_from_db()
    article_update(
        article_id=article.pk,
        expected_version=article.version,
        updated_by=desk.editor,
        body=KK_BODY.replace("2 қыркүйекте", "3 қыркүйекте"),
    )
    body = _problem(desk.api["editor"].post(_url(translation, "publish/")), 409)
    assert "source changed" in body["detail"]
    row = desk.api["editor"].get(_url(translation)).json()
    assert row["outdated"] is True
    assert row["status"] == "approved"
    assert _ids(desk.api["editor"].get(LIST, {"outdated": "true"})) == {translation.pk}


def test_qa_blocks_submit_with_the_findings_until_the_reviewer_accepts(desk, translation):
    # The last paragraph is left untranslated: a «paragraphs» error.
    _fill(translation, desk.translator, [*RU[:3], ""])
    body = _problem(desk.api["translator"].post(_url(translation, "submit/")), 409)
    assert body["code"] == "qa_blocked"
    assert body["qa"]["blocking"] == len(body["findings"]) >= 1
    assert {f["check"] for f in body["findings"]} >= {"paragraphs"}
    assert all(f["severity"] == "error" and f["fingerprint"] for f in body["findings"])
    translation.refresh_from_db()
    assert translation.status == TranslationStatus.IN_PROGRESS

    report = desk.api["translator"].get(_url(translation, "qa/")).json()
    assert report["translation_version"] == translation.version
    assert report["counts"]["blocking"] == len(body["findings"])
    blocking = [f for f in report["findings"] if f["blocking"]]
    assert {f["fingerprint"] for f in blocking} == {f["fingerprint"] for f in body["findings"]}
    assert all(f["overridden"] is None for f in blocking)

    overrides = _url(translation, "qa/overrides/")
    finding = blocking[0]
    _problem(
        desk.api["translator"].post(
            overrides, {"fingerprint": finding["fingerprint"], "reason": "ok"}
        ),
        403,
    )
    _problem(desk.api["reviewer"].post(overrides, {"fingerprint": finding["fingerprint"]}), 400)
    _problem(
        desk.api["reviewer"].post(overrides, {"fingerprint": "0" * 64, "reason": "ok"}), 409
    )  # no such finding (any more)
    accepted = []
    for finding in blocking:
        response = desk.api["reviewer"].post(
            overrides,
            {"fingerprint": finding["fingerprint"], "reason": "Абзац опущен редактором"},
        )
        assert response.status_code == 201, response.content
        assert response.json()["user"] == "reviewer"
        assert response.json()["check"] == finding["check"]
        accepted.append(response.json()["id"])

    report = desk.api["reviewer"].get(_url(translation, "qa/")).json()
    assert report["counts"]["blocking"] == 0
    assert report["counts"]["accepted"] == len(accepted)
    overridden = [f["overridden"] for f in report["findings"] if f["overridden"]]
    assert {o["id"] for o in overridden} == set(accepted)
    assert all(o["user"] == "reviewer" for o in overridden)

    # Withdrawn, the finding blocks again; accepted again, submit goes through.
    _problem(desk.api["translator"].delete(f"{overrides}{accepted[0]}/"), 403)
    assert desk.api["reviewer"].delete(f"{overrides}{accepted[0]}/").status_code == 204
    _problem(desk.api["reviewer"].delete(f"{overrides}{accepted[0]}/"), 404)
    assert _problem(desk.api["translator"].post(_url(translation, "submit/")), 409)["findings"]
    desk.api["reviewer"].post(
        overrides, {"fingerprint": blocking[0]["fingerprint"], "reason": "Опущен"}
    )
    submitted = desk.api["translator"].post(_url(translation, "submit/"))
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"


def test_reviewer_approves_over_errors_with_a_reason(desk, translation):
    _fill(translation, desk.translator, [*RU[:3], ""])
    Translation.objects.filter(pk=translation.pk).update(status=TranslationStatus.SUBMITTED)
    body = _problem(desk.api["reviewer"].post(_url(translation, "approve/")), 409)
    assert body["code"] == "qa_blocked"
    response = desk.api["reviewer"].post(
        _url(translation, "approve/"), {"override_reason": "Последний абзац не нужен"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert QAOverride.objects.filter(translation=translation, check_code="paragraphs").exists()


def test_qa_report_of_a_translation_the_user_cannot_see_is_404(desk, translation):
    _problem(desk.api["other"].get(_url(translation, "qa/")), 404)
    override = QAOverride.objects.create(
        translation=translation, check_code="paragraphs", fingerprint="f" * 64, reason="ok"
    )
    elsewhere = _request(desk, language="en")
    _problem(desk.api["reviewer"].delete(_url(elsewhere, f"qa/overrides/{override.pk}/")), 404)
    assert QAOverride.objects.filter(pk=override.pk).exists()


# -- keys ----------------------------------------------------------------------------------------------


def test_a_read_only_key_reads_but_cannot_write(desk, translation):
    segment = _rows(translation)[1]
    read_only = desk.read_only
    assert read_only["editor"].get(_url(translation)).status_code == 200
    writes = [
        read_only["editor"].post(LIST, {"article": translation.article_id, "language": "en"}),
        read_only["editor"].patch(
            _url(translation), {"reviewer": None}, HTTP_IF_MATCH=_etag(translation)
        ),
        read_only["translator"].patch(
            _url(translation, f"segments/{segment.pk}/"),
            {"target_text": "x"},
            HTTP_IF_MATCH=_segment_etag(segment),
        ),
        read_only["translator"].post(_url(translation, "start/")),
        read_only["reviewer"].post(
            _url(translation, "qa/overrides/"), {"fingerprint": "f", "reason": "ok"}
        ),
        read_only["reviewer"].delete(_url(translation, "qa/overrides/1/")),
    ]
    for response in writes:
        assert _problem(response, 403)["detail"].startswith("This API key lacks")
    translation.refresh_from_db()
    assert translation.version == 1
    assert translation.status == TranslationStatus.REQUESTED
    assert Translation.objects.count() == 1


def test_no_credentials_is_401(translation):
    from rest_framework.test import APIClient

    _problem(APIClient().get(LIST), 401)

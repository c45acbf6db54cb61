"""Two people saving the same article, or the same paragraph of a translation, at the same
moment: exactly one save wins, the other is told (a version conflict: 409/412 or the conflict
page), and no update is lost (the stored text is the winner's, the version went up once, one
history record).

Real concurrency against PostgreSQL: threads released together by a ``threading.Barrier``, each
with its own database connection (closed when the thread ends), through the services and
through HTTP (a live server; two logged-in browsers posting the edit form, two API clients
sending the same If-Match). Every race is run ROUNDS times. SQLite serialises all writes, so
these run on PostgreSQL only."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

import pytest
import requests
from django.db import connection
from django.utils import timezone

from articles.forms import DATETIME_LOCAL_FORMAT, ArticleEditForm
from articles.models import Article, TranslationSegment
from articles.services import ArticleVersionConflict, article_update
from articles.tests.factories import ArticleFactory
from articles.translations.services import (
    SegmentVersionConflict,
    segment_save,
    translation_request,
)
from conftest import PASSWORD, require_service

pytestmark = pytest.mark.integration

ROUNDS = 10
KK_BODY = (
    "Президент Астанада инвесторлармен кездесті.\n\n"
    "Жобаға 3,1 млрд доллар инвестиция салынады.\n\n"
    "Кездесу 2 қыркүйекте өтті."
)


@pytest.fixture
def postgres(transactional_db, monkeypatch):
    require_service(
        connection.vendor == "postgresql",
        f"the database is {connection.vendor}, not PostgreSQL (DATABASE_URL unset): "
        "SQLite serialises writes, so there is no race to test",
    )
    # Saved text is queued for extraction on commit; that is not what these tests are about.
    monkeypatch.setattr("articles.services._enqueue_extraction", lambda article_id: None)
    monkeypatch.setattr(
        "articles.translations.services.translation_extraction_enqueue_on_commit",
        lambda *, translation_id: None,
    )


def race(*calls: Callable[[], object]) -> list[tuple[str, object]]:
    """Run the calls in threads released at the same moment: ``("ok", result)`` or
    ``("error", exception)`` for each, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, object]] = [("missing", None)] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = ("ok", call())
        except Exception as exc:
            results[index] = ("error", exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a save hung (a deadlock?)"
    return results


def one_winner(results: list[tuple[str, object]], conflict: type[Exception]):
    """The winner's result and the loser's exception; fails unless exactly one won."""
    winners = [value for outcome, value in results if outcome == "ok"]
    losers = [value for outcome, value in results if outcome == "error"]
    assert (len(winners), len(losers)) == (1, 1), results
    assert isinstance(losers[0], conflict), repr(losers[0])
    return winners[0], losers[0]


# -- services ---------------------------------------------------------------------------------


def test_two_editors_save_the_same_article_at_once(postgres, editor, reviewer):
    article = ArticleFactory(title="Бастапқы тақырып", body="Бастапқы мәтін.")
    for round_ in range(ROUNDS):
        version = Article.objects.get(pk=article.pk).version
        versions_before = Article.history.filter(id=article.pk).count()
        saves = [
            partial(
                article_update,
                article_id=article.pk,
                expected_version=version,
                updated_by=user,
                change_reason="race",
                title=f"Раунд {round_}: {user.username}",
                body=f"{user.username} жазған мәтін, {round_}-раунд.",
            )
            for user in (editor, reviewer)
        ]
        winner, conflict = one_winner(race(*saves), ArticleVersionConflict)
        stored = Article.objects.get(pk=article.pk)
        assert (stored.title, stored.body) == (winner.title, winner.body)
        assert stored.version == version + 1
        assert stored.updated_by == winner.updated_by
        assert conflict.expected_version == version
        assert conflict.current.version == version + 1
        assert Article.history.filter(id=article.pk).count() == versions_before + 1
    assert Article.objects.get(pk=article.pk).version == 1 + ROUNDS


def test_two_people_save_the_same_translation_paragraph_at_once(
    postgres, editor, translator, reviewer
):
    article = ArticleFactory(title="Инвесторлармен кездесу", body=KK_BODY, language="kk")
    translation = translation_request(
        article_id=article.pk, language="ru", user=editor, translator=translator, reviewer=reviewer
    )
    segment = translation.segments.filter(field=TranslationSegment.Field.BODY).order_by("position")[
        1
    ]
    for round_ in range(ROUNDS):
        segment.refresh_from_db()
        translation.refresh_from_db()
        saves = [
            partial(
                segment_save,
                segment_id=segment.pk,
                expected_version=segment.version,
                target_text=f"В проект вложат 3,1 млрд долларов (раунд {round_}, {user.username}).",
                user=user,
            )
            for user in (translator, editor)
        ]
        winner, conflict = one_winner(race(*saves), SegmentVersionConflict)
        stored = TranslationSegment.objects.get(pk=segment.pk)
        assert stored.target_text == winner.segment.target_text
        assert stored.version == segment.version + 1
        assert stored.updated_by == winner.segment.updated_by
        assert conflict.typed_text != stored.target_text  # the loser's text, handed back
        translation_after = type(translation).objects.get(pk=translation.pk)
        assert translation_after.version == translation.version + 1
        assert stored.target_text in translation_after.body


# -- HTTP: the edit form, the API, the translation editor --------------------------------------


def browser(live_server, user) -> requests.Session:
    session = requests.Session()
    session.get(f"{live_server.url}/accounts/login/", timeout=10)
    response = session.post(
        f"{live_server.url}/accounts/login/",
        data={
            "username": user.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        timeout=10,
    )
    assert response.status_code == 200
    assert "sessionid" in session.cookies
    return session


def edit_form_data(article: Article, **changes) -> dict[str, str]:
    data = ArticleEditForm.initial_for(article) | changes
    for name, value in data.items():
        if value is None:
            data[name] = ""
        elif hasattr(value, "pk"):
            data[name] = value.pk
        elif hasattr(value, "tzinfo"):
            data[name] = timezone.localtime(value).strftime(DATETIME_LOCAL_FORMAT)
    return data


def test_two_browsers_post_the_edit_form_at_once(postgres, live_server, editor, reviewer):
    article = ArticleFactory(title="Бастапқы тақырып", body="Бастапқы мәтін.")
    sessions = {user.username: browser(live_server, user) for user in (editor, reviewer)}
    url = f"{live_server.url}/articles/{article.pk}/edit/"
    for round_ in range(ROUNDS):
        current = Article.objects.get(pk=article.pk)
        posts = {
            name: edit_form_data(
                current,
                title=f"Форма {round_}: {name}",
                body=f"{name} формадан жіберген мәтін, {round_}.",
                csrfmiddlewaretoken=session.cookies["csrftoken"],
            )
            for name, session in sessions.items()
        }
        results = race(
            *(
                partial(sessions[name].post, url, data=data, allow_redirects=False, timeout=30)
                for name, data in posts.items()
            )
        )
        responses = dict(zip(posts, (value for _, value in results), strict=True))
        statuses = sorted(response.status_code for response in responses.values())
        assert statuses == [302, 409], {n: r.text[:300] for n, r in responses.items()}
        [winner] = [name for name, response in responses.items() if response.status_code == 302]
        [loser] = [name for name, response in responses.items() if response.status_code == 409]
        assert "Someone saved this article while you were editing" in responses[loser].text
        assert posts[loser]["title"] in responses[loser].text  # their text, kept for merging
        stored = Article.objects.get(pk=article.pk)
        assert stored.title == posts[winner]["title"]
        assert stored.version == current.version + 1
        assert stored.updated_by.username == winner


def test_two_api_clients_patch_with_the_same_if_match(
    postgres, live_server, editor, reviewer, api_key_for
):
    article = ArticleFactory(title="Бастапқы тақырып", body="Бастапқы мәтін.")
    keys = {user.username: api_key_for(user) for user in (editor, reviewer)}
    url = f"{live_server.url}/api/v1/articles/{article.pk}/"
    for round_ in range(ROUNDS):
        version = Article.objects.get(pk=article.pk).version
        bodies = {
            name: {"title": f"API {round_}: {name}", "body": f"{name}, {round_}."} for name in keys
        }
        results = race(
            *(
                partial(
                    requests.patch,
                    url,
                    json=bodies[name],
                    headers={
                        "Authorization": f"Bearer {key}",
                        "If-Match": f'"article-{article.pk}-v{version}"',
                    },
                    timeout=30,
                )
                for name, key in keys.items()
            )
        )
        responses = dict(zip(keys, (value for _, value in results), strict=True))
        assert sorted(r.status_code for r in responses.values()) == [200, 412], {
            n: r.text[:300] for n, r in responses.items()
        }
        [winner] = [name for name, r in responses.items() if r.status_code == 200]
        [loser] = [name for name, r in responses.items() if r.status_code == 412]
        assert responses[loser].json()["code"] == "precondition_failed"
        assert responses[winner].headers["ETag"] == f'"article-{article.pk}-v{version + 1}"'
        stored = Article.objects.get(pk=article.pk)
        assert (stored.title, stored.version) == (bodies[winner]["title"], version + 1)


def test_two_translators_save_the_same_paragraph_over_http(
    postgres, live_server, editor, translator, reviewer
):
    article = ArticleFactory(title="Инвесторлармен кездесу", body=KK_BODY, language="kk")
    translation = translation_request(
        article_id=article.pk, language="ru", user=editor, translator=translator, reviewer=reviewer
    )
    segment = translation.segments.filter(field=TranslationSegment.Field.BODY).first()
    sessions = {user.username: browser(live_server, user) for user in (translator, editor)}
    url = f"{live_server.url}/translations/{translation.pk}/segments/{segment.pk}/"
    for round_ in range(ROUNDS):
        version = TranslationSegment.objects.get(pk=segment.pk).version
        texts = {
            name: f"Президент встретился с инвесторами ({round_}, {name})." for name in sessions
        }
        results = race(
            *(
                partial(
                    session.post,
                    url,
                    data={
                        "version": version,
                        "target_text": texts[name],
                        "status": "",
                        "csrfmiddlewaretoken": session.cookies["csrftoken"],
                    },
                    headers={"Accept": "application/json"},
                    timeout=30,
                )
                for name, session in sessions.items()
            )
        )
        responses = dict(zip(sessions, (value for _, value in results), strict=True))
        assert sorted(r.status_code for r in responses.values()) == [200, 409], {
            n: r.text[:300] for n, r in responses.items()
        }
        [winner] = [name for name, r in responses.items() if r.status_code == 200]
        [loser] = [name for name, r in responses.items() if r.status_code == 409]
        refusal = responses[loser].json()
        assert refusal["your_text"] == texts[loser]
        assert refusal["saved_text"] == texts[winner]
        stored = TranslationSegment.objects.get(pk=segment.pk)
        assert (stored.target_text, stored.version) == (texts[winner], version + 1)

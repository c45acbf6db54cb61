"""Two workers proposing the same unknown name at once get one entity (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from conftest import require_service
from entities.linking.linker import MentionText, mentions_link
from entities.models import Entity

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_concurrent_proposals_of_one_name_make_one_entity() -> None:
    require_service(connection.vendor == "postgresql", "the database is not PostgreSQL")
    barrier = threading.Barrier(6)
    found: list[int | None] = []
    errors: list[BaseException] = []

    def propose(language: str, text: str) -> None:
        try:
            barrier.wait()
            [link] = mentions_link([MentionText(text, "PER")], language=language)
            found.append(link.entity_id)
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=propose, args=("ru", "Ерланом Сапаровым")) for _ in range(3)
    ] + [threading.Thread(target=propose, args=("kk", "Ерлан Сапаровпен")) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(found) == 6
    assert len(set(found)) == 1
    assert (
        Entity.objects.filter(status="proposed", name_ru="Ерлан Сапаров").count()
        + (Entity.objects.filter(status="proposed", name_kk="Ерлан Сапаров").count())
        == 1
    )

"""load_translation_memory: the demo's memory loads once; a bad file is a clear error."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from articles.models import TranslationMemoryEntry

pytestmark = pytest.mark.django_db


def test_load_translation_memory_is_idempotent(capsys):
    call_command("load_translation_memory")
    first = TranslationMemoryEntry.objects.count()
    assert first > 0
    assert f"{first} new entries" in capsys.readouterr().out
    call_command("load_translation_memory")
    assert TranslationMemoryEntry.objects.count() == first
    assert "0 new entries" in capsys.readouterr().out


def test_load_translation_memory_refuses_a_bad_file(tmp_path):
    bad = tmp_path / "memory.json"
    bad.write_text('{"entries": [{"source_language": "xx"}]}', encoding="utf-8")
    with pytest.raises(CommandError, match="entry 0"):
        call_command("load_translation_memory", str(bad))
    assert not TranslationMemoryEntry.objects.exists()

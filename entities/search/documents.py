"""What one search document holds: the three lines of ``SearchDocument.stems``, built from a
text and the entities its mentions link to (see ``entities.search.models``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from entities.search.stemming import text_language, text_stems

# A text mentioning an entity ten times ranks above one mentioning it once, but not ten times
# as high: ts_rank counts each token, and a handful already says "this text is about it".
ENTITY_TOKEN_REPEAT = 5
LINE_SEPARATOR = "\n"


def entity_token(entity_id: int) -> str:
    return f"xent{entity_id}"


def _line(tokens: Iterable[str]) -> str:
    # A space at both ends, so every token is matched as " token " by the LIKE fallback.
    return " " + " ".join(tokens) + " "


def document_stems(
    *, title: str, body: str, language: str, entity_mentions: Mapping[int, int]
) -> str:
    """``stems`` for a text: title, body and entity tokens (entity id → mentions), one line
    each. An empty language is guessed from the letters, as the stemmer needs one."""
    stem_language = text_language(f"{title}\n{body}", language)
    entities = [
        entity_token(entity_id)
        for entity_id, count in sorted(entity_mentions.items())
        for _ in range(min(count, ENTITY_TOKEN_REPEAT))
    ]
    return LINE_SEPARATOR.join(
        [
            _line(text_stems(title, stem_language)),
            _line(text_stems(body, stem_language)),
            _line(entities),
        ]
    )

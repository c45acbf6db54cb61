"""Are two articles about the same event? A pairwise score from what extraction found in them.

Language does not enter: mentions are linked to canonical entities («Тоқаевтың» and «Токаевым»
are one entity), figures are normalised («7,4 млрд долларов» = 7400000000 USD) and dates are
resolved to days, so a Kazakh and a Russian report of one event look alike here.

The score is a weighted sum of four parts, each in [0, 1]:

- ``entities``: the part of both articles' entity weight that is shared (a weighted Dice
  coefficient). An entity weighs its rarity (inverse document frequency over the articles:
  «Қазақстан» and «Тоқаев» are in most articles of the desk and weigh little, Си Цзиньпин or
  CNPC much more) times its salience in the article (named in the title, named often).
- ``figures``: shared figures (same kind, unit and value) over the smaller set.
- ``dates``: shared days mentioned in the texts (explicit dates, not «бүгін»/«вчера»: those
  are the publication day, which ``time`` already counts).
- ``time``: how close the publication times are (1 on the same moment, 0 beyond the window).

The weights and the threshold are tuned on the labelled pairs of
``entities/tests/data/story_pairs.json`` (see ``entities/tests/test_stories_similarity.py``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

# Candidate stories come from articles published this close to the article.
WINDOW = timedelta(days=3)
# An undated article (no publication time) is placed by the days its text mentions: looser.
UNDATED_WINDOW = timedelta(days=7)
# Below this many articles the observed frequencies say little about which entities are
# common; the corpus counts as this big (every entity then weighs about the same).
MIN_CORPUS = 20

WEIGHTS = {"entities": 0.75, "figures": 0.10, "dates": 0.05, "time": 0.10}
THRESHOLD = 0.42
# Undated pair: the time part is unknown, neither for nor against.
UNKNOWN_TIME = 0.5
# Sharing only entities this common is no evidence: a pair needs some shared rare entity.
RARE_IDF = 0.5


def entity_weight(*, document_frequency: int, total: int) -> float:
    """Inverse document frequency: ln((N + 1) / (df + 1)), N at least ``MIN_CORPUS``.
    An entity in every article weighs ~0, one in a single article of 1,000 weighs ~6.2."""
    total = max(total, MIN_CORPUS, document_frequency)
    return math.log((total + 1) / (document_frequency + 1))


def salience(*, mentions: int, in_title: bool) -> float:
    """How much an article is about an entity: more when named often, half again when the
    title names it (a report of the event names its actors up front; background names once)."""
    return (1.5 if in_title else 1.0) * (1.0 + math.log(max(mentions, 1)))


@dataclass(frozen=True)
class ArticleFeatures:
    article_id: int
    # entity id → salience in this article
    entities: Mapping[int, float] = field(default_factory=dict)
    figures: frozenset[tuple[str, str, str]] = frozenset()
    dates: frozenset[date] = frozenset()
    # The publication time, or (undated article) noon of the latest day its text mentions.
    when: datetime | None = None
    when_estimated: bool = False


@dataclass(frozen=True)
class Similarity:
    score: float
    entities: float = 0.0
    figures: float = 0.0
    dates: float = 0.0
    time: float = 0.0
    shared_entities: frozenset[int] = field(default_factory=frozenset)

    @property
    def same_event(self) -> bool:
        return self.score >= THRESHOLD


NO_SIMILARITY = Similarity(score=0.0)


def _overlap(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def time_proximity(a: ArticleFeatures, b: ArticleFeatures) -> float:
    if a.when is None or b.when is None:
        return UNKNOWN_TIME
    window = UNDATED_WINDOW if (a.when_estimated or b.when_estimated) else WINDOW
    gap = abs((a.when - b.when).total_seconds())
    return max(0.0, 1.0 - gap / window.total_seconds())


def similarity(
    a: ArticleFeatures, b: ArticleFeatures, *, weights: Mapping[int, float]
) -> Similarity:
    """How likely ``a`` and ``b`` report the same event (``weights``: entity id → IDF)."""
    shared = a.entities.keys() & b.entities.keys()
    if not any(weights.get(e, 0.0) >= RARE_IDF for e in shared):
        return NO_SIMILARITY

    def weight(features: ArticleFeatures, entity: int) -> float:
        return weights.get(entity, 0.0) * features.entities[entity]

    total = sum(weight(a, e) for e in a.entities) + sum(weight(b, e) for e in b.entities)
    common = sum(weight(a, e) + weight(b, e) for e in shared)
    entities = common / total if total > 0 else 0.0
    figures = _overlap(a.figures, b.figures)
    dates = _overlap(a.dates, b.dates)
    time = time_proximity(a, b)
    score = (
        WEIGHTS["entities"] * entities
        + WEIGHTS["figures"] * figures
        + WEIGHTS["dates"] * dates
        + WEIGHTS["time"] * time
    )
    return Similarity(
        score=round(score, 4),
        entities=entities,
        figures=figures,
        dates=dates,
        time=time,
        shared_entities=frozenset(shared),
    )

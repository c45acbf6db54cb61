"""Training and strict evaluation of the Kazakh CRF tagger (see ner.py and docs/ner-kk.md).

Features come from ``ner.sentence_features`` so training and runtime share one definition. The
CRF learns all KazNERD classes; scores are computed after mapping to PER/ORG/LOC."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pycrfsuite

from entities.extraction.languages.kk.ner import entity_ranges, output_tag, sentence_features

Sentence = tuple[list[str], list[str]]  # (tokens, IOB2 tags)

TYPES = ("PER", "ORG", "LOC")

# Chosen on dev.iob (docs/ner-kk.md); the management command uses these as its defaults.
DEFAULT_C1 = 0.05
DEFAULT_C2 = 0.01
DEFAULT_MAX_ITERATIONS = 200
DEFAULT_MIN_FREQ = 1
DEFAULT_BILOU = True


def read_iob(path: Path | str) -> list[Sentence]:
    """Sentences of a ``token TAG`` per line file with blank lines between sentences."""
    sentences: list[Sentence] = []
    words: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                if words:
                    sentences.append((words, tags))
                    words, tags = [], []
                continue
            word, tag = line.rsplit(maxsplit=1)
            words.append(word)
            tags.append(tag)
    if words:
        sentences.append((words, tags))
    return sentences


def to_bilou(tags: list[str]) -> list[str]:
    """IOB2 → BILOU: single-token entities become U-, last tokens L- (output_tag maps back)."""
    out = []
    n = len(tags)
    for i, tag in enumerate(tags):
        if tag == "O":
            out.append(tag)
            continue
        continues = i + 1 < n and tags[i + 1] == "I-" + tag[2:]
        if tag[0] == "B":
            out.append(tag if continues else "U-" + tag[2:])
        else:
            out.append(tag if continues else "L-" + tag[2:])
    return out


@dataclass(frozen=True)
class TypeScore:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    """Strict (exact span and type) entity-level scores per type and micro-averaged."""

    per_type: dict[str, TypeScore]
    micro: TypeScore

    def table(self) -> str:
        rows = ["type   precision  recall     f1  support"]
        for name, s in [*self.per_type.items(), ("micro", self.micro)]:
            rows.append(
                f"{name:<6} {s.precision:9.4f} {s.recall:7.4f} {s.f1:6.4f} {s.tp + s.fn:8d}"
            )
        return "\n".join(rows)


@dataclass
class TrainingResult:
    model_path: Path
    evaluation: Evaluation | None
    params: dict[str, object] = field(default_factory=dict)
    seconds: float = 0.0
    model_bytes: int = 0


def evaluate_tags(
    gold: Iterable[list[str]], predicted: Iterable[list[str]], types: tuple[str, ...] = TYPES
) -> Evaluation:
    """Strict entity-level scores; tags may be raw KazNERD tags or already PER/ORG/LOC."""
    counts = {t: [0, 0, 0] for t in types}
    for g_tags, p_tags in zip(gold, predicted, strict=True):
        g = {e for e in entity_ranges([output_tag(t) for t in g_tags]) if e[2] in counts}
        p = {e for e in entity_ranges([output_tag(t) for t in p_tags]) if e[2] in counts}
        for e in g & p:
            counts[e[2]][0] += 1
        for e in p - g:
            counts[e[2]][1] += 1
        for e in g - p:
            counts[e[2]][2] += 1
    per_type = {t: TypeScore(*c) for t, c in counts.items()}
    micro = TypeScore(*(sum(c[k] for c in counts.values()) for k in range(3)))
    return Evaluation(per_type, micro)


def evaluate_model(model_path: Path | str, sentences: list[Sentence]) -> Evaluation:
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_path))
    try:
        predicted = [tagger.tag(sentence_features(words)) for words, _ in sentences]
    finally:
        tagger.close()
    return evaluate_tags([tags for _, tags in sentences], predicted)


def train_model(
    train_sentences: list[Sentence],
    model_path: Path | str,
    *,
    c1: float = DEFAULT_C1,
    c2: float = DEFAULT_C2,
    max_iterations: int = DEFAULT_MAX_ITERATIONS,
    min_freq: int = DEFAULT_MIN_FREQ,
    bilou: bool = DEFAULT_BILOU,
    verbose: bool = False,
) -> dict[str, object]:
    """Train an L-BFGS CRF on ``train_sentences`` and write it to ``model_path``."""
    trainer = pycrfsuite.Trainer(verbose=verbose)
    for words, tags in train_sentences:
        trainer.append(sentence_features(words), to_bilou(tags) if bilou else tags)
    params: dict[str, object] = {
        "c1": c1,
        "c2": c2,
        "max_iterations": max_iterations,
        "feature.minfreq": min_freq,
        # Transitions such as O → I-X never occur in IOB2; no need to learn weights for them.
        "feature.possible_transitions": False,
    }
    trainer.set_params(params)
    Path(model_path).parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model_path))
    return params


def train_and_evaluate(
    data_dir: Path | str,
    model_path: Path | str,
    *,
    c1: float = DEFAULT_C1,
    c2: float = DEFAULT_C2,
    max_iterations: int = DEFAULT_MAX_ITERATIONS,
    min_freq: int = DEFAULT_MIN_FREQ,
    bilou: bool = DEFAULT_BILOU,
    evaluate_only: bool = False,
    verbose: bool = False,
) -> TrainingResult:
    """Train on ``data_dir/train.iob`` (unless ``evaluate_only``), then score on ``dev.iob``."""
    data_dir, model_path = Path(data_dir), Path(model_path)
    started = time.monotonic()
    params: dict[str, object] = {}
    if not evaluate_only:
        params = train_model(
            read_iob(data_dir / "train.iob"),
            model_path,
            c1=c1,
            c2=c2,
            max_iterations=max_iterations,
            min_freq=min_freq,
            bilou=bilou,
            verbose=verbose,
        )
    dev_path = data_dir / "dev.iob"
    evaluation = evaluate_model(model_path, read_iob(dev_path)) if dev_path.exists() else None
    return TrainingResult(
        model_path=model_path,
        evaluation=evaluation,
        params=params,
        seconds=time.monotonic() - started,
        model_bytes=model_path.stat().st_size,
    )

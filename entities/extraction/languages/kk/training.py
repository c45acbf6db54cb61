"""Training and strict evaluation of the Kazakh CRF tagger (see ner.py and docs/ner-kk.md).

Features come from ``ner.sentence_features`` so training and runtime share one definition. The
CRF learns all KazNERD classes; scores are computed after mapping to PER/ORG/LOC."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pycrfsuite

from entities.extraction.languages.kk.ner import (
    Gazetteer,
    Gazetteers,
    data_path,
    entity_ranges,
    output_tag,
    read_model_data,
    sentence_features,
    set_stem_vocabulary,
    tokenize,
)

Sentence = tuple[list[str], list[str]]  # (tokens, IOB2 tags)

TYPES = ("PER", "ORG", "LOC")

# Chosen on dev.iob (docs/ner-kk.md); the management command uses these as its defaults.
DEFAULT_C1 = 0.03
DEFAULT_C2 = 0.01
DEFAULT_MAX_ITERATIONS = 200
DEFAULT_MIN_FREQ = 1
DEFAULT_BILOU = True
DEFAULT_FOLDS = 0  # the cross-validated train-name gazetteer did not help (docs/ner-kk.md)
# The project's knowledge base (kk/ru/en names and aliases of PER/ORG/LOC entities).
DEFAULT_KB_PATH = Path(__file__).resolve().parents[4] / "seeds" / "entities.json"

# KazNERD classes whose names are lexical (worth a gazetteer); numbers and dates are not.
GAZETTEER_TYPES = frozenset(
    [
        "PERSON",
        "ORGANISATION",
        "GPE",
        "LOCATION",
        "NORP",
        "FACILITY",
        "POSITION",
        "EVENT",
        "PROJECT",
        "ART",
        "PRODUCT",
        "LAW",
        "LANGUAGE",
        "DISEASE",
        "MISCELLANEOUS",
    ]
)
_GAZ_MAX_TOKENS = 8


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


def train_gazetteer(sentences: Iterable[Sentence]) -> dict[str, str]:
    """Stem sequence → most frequent KazNERD class, for every lexical entity in ``sentences``."""
    counts: dict[str, Counter[str]] = {}
    for words, tags in sentences:
        for a, b, kind in entity_ranges(tags):
            if kind in GAZETTEER_TYPES and b - a <= _GAZ_MAX_TOKENS:
                counts.setdefault(Gazetteer.key(words[a:b]), Counter())[kind] += 1
    return {key: c.most_common(1)[0][0] for key, c in sorted(counts.items())}


def kb_gazetteer(kb_path: Path | str | None) -> dict[str, str]:
    """Stem sequence → PER/ORG/LOC for every name, alias and abbreviation in the KB (all
    languages), tokenised like the runtime text."""
    if kb_path is None or not Path(kb_path).exists():
        return {}
    data = json.loads(Path(kb_path).read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for entity in data.get("entities", []):
        kind = entity.get("type")
        if kind not in TYPES:
            continue
        names = list(entity.get("names", {}).values())
        for field_name in ("aliases", "abbreviations"):
            for values in entity.get(field_name, {}).values():
                names.extend(values)
        for name in names:
            if not name or len(name) < 2:
                continue
            toks = [name[s:e] for s, e in tokenize(name)]
            if toks and len(toks) <= _GAZ_MAX_TOKENS:
                out.setdefault(Gazetteer.key(toks), kind)
    return dict(sorted(out.items()))


def stem_vocabulary(sentences: Iterable[Sentence], min_count: int = 2) -> dict[str, int]:
    """Lower-case alphabetic word → count in ``sentences`` (words seen ≥ ``min_count`` times)."""
    counts = Counter(w.lower() for words, _ in sentences for w in words if w.isalpha())
    return {w: c for w, c in sorted(counts.items()) if c >= min_count}


def write_model_data(
    path: Path, vocab: dict[str, int], train_entries: dict[str, str], kb_entries: dict[str, str]
) -> None:
    gazetteers = {name: e for name, e in (("gt", train_entries), ("gk", kb_entries)) if e}
    data = {"vocab": vocab, "gazetteers": gazetteers}
    path.write_text(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )


def cross_validated_features(
    sentences: list[Sentence], kb_entries: dict[str, str], folds: int = DEFAULT_FOLDS
) -> list[list[list[str]]]:
    """Features of every sentence where the train-name gazetteer of sentence i comes from the
    other folds (i % folds), so the CRF learns how far to trust it on unseen text. ``folds`` 0:
    no train-name gazetteer."""
    kb: Gazetteers = (("gk", Gazetteer(kb_entries)),) if kb_entries else ()
    if folds <= 0:
        return [sentence_features(words, kb) for words, _ in sentences]
    out: list[list[list[str]]] = [[] for _ in sentences]
    for k in range(folds):
        others = (s for i, s in enumerate(sentences) if i % folds != k)
        gaz: Gazetteers = (("gt", Gazetteer(train_gazetteer(others))), *kb)
        for i in range(k, len(sentences), folds):
            out[i] = sentence_features(sentences[i][0], gaz)
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
    vocab, gaz = read_model_data(data_path(model_path))
    old_vocab = set_stem_vocabulary(vocab)
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_path))
    try:
        predicted = [tagger.tag(sentence_features(words, gaz)) for words, _ in sentences]
    finally:
        tagger.close()
        set_stem_vocabulary(old_vocab)
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
    folds: int = DEFAULT_FOLDS,
    kb_path: Path | str | None = DEFAULT_KB_PATH,
    verbose: bool = False,
) -> dict[str, object]:
    """Train an L-BFGS CRF on ``train_sentences`` and write it to ``model_path``, with its
    gazetteers (all of train + KB) next to it (``ner.data_path``)."""
    vocab = stem_vocabulary(train_sentences)
    old_vocab = set_stem_vocabulary(vocab)
    try:
        kb_entries = kb_gazetteer(kb_path)
        features = cross_validated_features(train_sentences, kb_entries, folds)
        train_entries = train_gazetteer(train_sentences) if folds > 0 else {}
    finally:
        set_stem_vocabulary(old_vocab)
    trainer = pycrfsuite.Trainer(verbose=verbose)
    for feats, (_, tags) in zip(features, train_sentences, strict=True):
        trainer.append(feats, to_bilou(tags) if bilou else tags)
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
    write_model_data(data_path(model_path), vocab, train_entries, kb_entries)
    return {**params, "gazetteer_folds": folds, "kb_names": len(kb_entries)}


def train_and_evaluate(
    data_dir: Path | str,
    model_path: Path | str,
    *,
    c1: float = DEFAULT_C1,
    c2: float = DEFAULT_C2,
    max_iterations: int = DEFAULT_MAX_ITERATIONS,
    min_freq: int = DEFAULT_MIN_FREQ,
    bilou: bool = DEFAULT_BILOU,
    folds: int = DEFAULT_FOLDS,
    kb_path: Path | str | None = DEFAULT_KB_PATH,
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
            folds=folds,
            kb_path=kb_path,
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

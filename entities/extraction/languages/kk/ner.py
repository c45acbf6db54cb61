"""Kazakh named-entity tagger (PER/ORG/LOC): a linear-chain CRF (python-crfsuite) on KazNERD.

The model is trained on all 25 KazNERD classes (POSITION, NORP, DATE, … give the CRF useful
context) and the output is reduced to PER/ORG/LOC here. ``sentence_features`` is the one feature
function shared by training (``training.py``) and runtime, so the two cannot drift apart.

Speed: feature extraction in Python is the cost, so everything that depends only on the word
(stem, affixes, shape, the features a neighbour contributes) is computed once per distinct word
and cached; a sentence's features are then mostly tuple concatenations.

KazNERD: Yeshpanov, Khassanov, Varol, "KazNERD: Kazakh Named Entity Recognition Dataset",
LREC 2022, ISSAI (Nazarbayev University), CC BY 4.0. See docs/ner-kk.md."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import pycrfsuite

from entities.extraction.types import EntitySpan

MODEL_PATH: Path = Path(__file__).with_name("ner_kk.crfsuite")


def data_path(model_path: Path | str) -> Path:
    """The data file that belongs to a model file (written next to it by training): stem
    vocabulary and gazetteers."""
    return Path(model_path).with_suffix(".data.json")


DATA_PATH: Path = data_path(MODEL_PATH)

# KazNERD tokenisation: letters/digits joined by hyphens stay one token («Қасым-Жомарт»,
# «1-інші», «АҚШ-тың»), «%-ке» is one token, every other punctuation mark is its own token
# (so «3,5» → 3 , 5 and «BAQ.KZ» → BAQ . KZ, as in the data).
_TOKEN_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*|[%»](?:-[^\W_]+)+|\S")
_SENT_END = frozenset(".!?…")
# Longer than any KazNERD sentence; bounds the cost of text with no sentence punctuation.
_MAX_SENT_TOKENS = 120

# Kazakh inflectional endings, stripped greedily (longest first) to get a stem that is shared by
# «Астана», «Астанада», «Астананың», «министрлігінің»/«министрлігі». Approximate on purpose: the
# stem is one feature among several, consistency matters more than linguistic correctness.
_ENDINGS = tuple(
    sorted(
        set(
            " ".join(
                [
                    "ның нің дың дің тың тің",  # genitive
                    "ға ге қа ке на не",  # dative
                    "да де та те нда нде дағы дегі тағы тегі ндағы ндегі",  # locative
                    "дан ден тан тен нан нен",  # ablative
                    "мен бен пен менен",  # instrumental
                    "ды ді ты ті ны ні ын ін",  # accusative
                    "сы сі ы і ым ім ың ің мыз міз ымыз іміз",  # possessive
                    "лар лер дар дер тар тер",  # plural
                ]
            ).split()
        ),
        key=len,
        reverse=True,
    )
)
_MIN_STEM = 3

_CACHE_LIMIT = 200_000

# Head nouns that end multi-word names («… министрлігі», «… облысы»). The CRF sees whether such a
# word follows within a few tokens, which ±2 context misses for long names («Сыбайлас
# жемқорлыққа қарсы күрес агенттігінің»). Lists from the brief plus words that end at least three
# multi-word entities in KazNERD train.iob (training.derive_triggers); stems are matched, so
# any inflected form counts.
_TRIGGER_WORDS = {
    "ORG": "министрлігі университеті компаниясы корпорациясы партиясы қоры ұйымы басқармасы "
    "орталығы комитеті агенттігі департаменті палатасы банкі банк институты академиясы "
    "ассамблеясы одағы кеңесі әкімдігі прокуратурасы соты колледжі қауымдастығы холдингі "
    "Үкіметі Парламенті Мәжілісі Сенаты телерадиокешені кәсіподағы қызметі АҚ ЖШС ЖАҚ",
    "LOC": "облысы ауданы қаласы ауылы өзені көлі тауы кенті өлкесі аймағы штаты провинциясы "
    "республикасы теңізі мұхиты",
    "FAC": "әуежайы стадионы ауруханасы мұражайы сарайы көшесі даңғылы алаңы зауыты вокзалы",
    "POS": "министрі президенті төрағасы басшысы директоры орынбасары хатшысы елшісі "
    "прокуроры спикері көмекшісі әкімі",
    "DATE": "жылы айы күні ғасыры маусымы тамызы қаңтары сәуірі мамыры наурызы",
}
# Punctuation that ends a name; quotes do not («Нұр Отан» партиясы).
_TRIGGER_STOP = frozenset(".,;:!?()—–")
_TRIGGER_WINDOW = 5


def tokenize(text: str) -> list[tuple[int, int]]:
    """Token (start, end) offsets into ``text``, split the way KazNERD is tokenised."""
    return [m.span() for m in _TOKEN_RE.finditer(text)]


# Word frequencies in KazNERD train.iob (lower-case, seen at least twice), stored with the model.
# The greedy stripping over-strips («астана» → «аста», «алматы» → «алма»), so ``stem`` returns
# the shortest word form along the stripping chain («астананың» → «астана» → «аста») that is at
# least a quarter as frequent as the most frequent one, and the fully stripped form only when
# none of them is a known word.
_stem_freq: dict[str, int] = {}


def _strip_chain(w: str) -> list[str]:
    chain = [w]
    for _ in range(3):
        for ending in _ENDINGS:
            if w.endswith(ending) and len(w) - len(ending) >= _MIN_STEM:
                w = w[: -len(ending)]
                chain.append(w)
                break
        else:
            break
    return chain


def stem(word: str) -> str:
    """Lower-cased word with Kazakh inflectional endings stripped (see ``_stem_freq``)."""
    w = word.lower()
    if not w.isalpha():
        return w
    chain = _strip_chain(w)
    freq = _stem_freq
    if len(chain) == 1 or not freq:
        return chain[-1]
    counts = [freq.get(c, 0) for c in chain]
    top = max(counts)
    if not top:
        return chain[-1]
    # The shortest known form that is not much rarer than the most frequent one.
    for cand, f in zip(reversed(chain), reversed(counts), strict=True):
        if f * 4 >= top:
            return cand
    return chain[-1]


_TRIGGERS: dict[str, str] = {}


def set_stem_vocabulary(freq: dict[str, int]) -> dict[str, int]:
    """Install the word frequencies ``stem`` uses (clears feature caches); returns the old ones."""
    global _stem_freq, _TRIGGERS
    old = _stem_freq
    _stem_freq = dict(freq)
    _TRIGGERS = {stem(w): kind for kind, ws in _TRIGGER_WORDS.items() for w in ws.split()}
    _word_cache.clear()
    return old


def _shape(word: str) -> str:
    out = []
    for ch in word:
        if ch.isupper():
            c = "X"
        elif ch.isalpha():
            c = "x"
        elif ch.isdigit():
            c = "d"
        else:
            c = ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def _script(word: str) -> str:
    for ch in word:
        if "a" <= ch.lower() <= "z":
            return "lat"
        if ch.isalpha():
            return "cyr"
    return "none"


# Per-word feature tuples: own features, and what the word contributes at each context offset.
_word_cache: dict[str, tuple[tuple[str, ...], ...]] = {}
_OFFSETS = (-2, -1, 1, 2)


def _word_views(word: str) -> tuple[tuple[str, ...], ...]:
    views = _word_cache.get(word)
    if views is not None:
        return views
    low = word.lower()
    st = stem(word)
    shape = _shape(word)
    own = [
        "w=" + low,
        "st=" + st,
        "sh=" + shape,
        "s2=" + low[-2:],
        "s3=" + low[-3:],
        "s4=" + low[-4:],
        "p2=" + low[:2],
        "p3=" + low[:3],
        "p4=" + low[:4],
        "sc=" + _script(word),
    ]
    if word[:1].isupper():
        own.append("title")
    if len(word) > 1 and word.isupper():
        own.append("upper")
    if "-" in word:
        own.append("hyph")
        own.append("h0=" + stem(low.split("-", 1)[0]))
    if st != low:
        own.append("suf=" + low[len(st) :])
    m1 = ("-1w=" + low, "-1st=" + st, "-1sh=" + shape, "-1s3=" + low[-3:])
    p1 = ("+1w=" + low, "+1st=" + st, "+1sh=" + shape, "+1s3=" + low[-3:])
    m2 = ("-2st=" + st, "-2sh=" + shape)
    p2 = ("+2st=" + st, "+2sh=" + shape)
    trig = _TRIGGERS.get(st, "")
    if trig:
        own.append("trig=" + trig)
    elif len(word) == 1 and word in _TRIGGER_STOP:
        trig = "|"
    views = (tuple(own), m2, m1, p1, p2, (low, st, shape, trig))
    if len(_word_cache) >= _CACHE_LIMIT:
        _word_cache.clear()
    _word_cache[word] = views
    return views


class Gazetteer:
    """Names as sequences of stems (so inflected forms match) → type; longest match wins."""

    __slots__ = ("entries", "firsts", "max_len")

    def __init__(self, entries: Mapping[str, str]) -> None:
        self.entries = dict(entries)
        self.firsts = frozenset(k.split(" ", 1)[0] for k in self.entries)
        self.max_len = max((k.count(" ") + 1 for k in self.entries), default=0)

    @staticmethod
    def key(words: Iterable[str]) -> str:
        return " ".join(stem(w) for w in words)

    def tags(self, stems: list[str]) -> list[str]:
        """BILU-type tag of every token inside a (greedy, longest-first) match, else ""."""
        n = len(stems)
        out = [""] * n
        i = 0
        entries, firsts = self.entries, self.firsts
        while i < n:
            if stems[i] in firsts:
                for length in range(min(self.max_len, n - i), 0, -1):
                    kind = entries.get(" ".join(stems[i : i + length]))
                    if kind:
                        if length == 1:
                            out[i] = "U-" + kind
                        else:
                            out[i] = "B-" + kind
                            for j in range(i + 1, i + length - 1):
                                out[j] = "I-" + kind
                            out[i + length - 1] = "L-" + kind
                        i += length
                        break
                else:
                    i += 1
            else:
                i += 1
        return out


# (name, gazetteer): "gt" = names from KazNERD train.iob, "gk" = the project's knowledge base.
Gazetteers = tuple[tuple[str, Gazetteer], ...]


def read_model_data(path: Path | str) -> tuple[dict[str, int], Gazetteers]:
    """(stem vocabulary, gazetteers) stored by training as ``{"vocab": {word: count},
    "gazetteers": {"gt": {stems: type}, "gk": {...}}}``; empty if the file is absent."""
    path = Path(path)
    if not path.exists():
        return {}, ()
    data = json.loads(path.read_text(encoding="utf-8"))
    gaz = tuple((name, Gazetteer(e)) for name, e in data.get("gazetteers", {}).items() if e)
    return data.get("vocab", {}), gaz


_runtime_data = read_model_data(DATA_PATH)
_runtime_gazetteers: Gazetteers = _runtime_data[1]


def load_gazetteers() -> Gazetteers:
    """The shipped model's gazetteers (read at import with its stem vocabulary)."""
    return _runtime_gazetteers


def sentence_features(words: list[str], gazetteers: Gazetteers | None = None) -> list[list[str]]:
    """CRF features for one sentence (shared by training and runtime). ``gazetteers`` defaults
    to the shipped ones; training passes cross-validated ones."""
    views = [_word_views(w) for w in words]
    n = len(words)
    if gazetteers is None:
        gazetteers = load_gazetteers()
    gaz: list[tuple[str, list[str]]] = []
    if gazetteers:
        stems = [v[5][1] for v in views]
        gaz = [(name, g.tags(stems)) for name, g in gazetteers]
    feats: list[list[str]] = []
    for i in range(n):
        own, _, _, _, _, (_, st, shape, _) = views[i]
        f = list(own)
        for name, tags in gaz:
            tag = tags[i]
            if tag:
                f.append(name + "=" + tag)
                f.append(name + "t=" + tag[2:])
            if i > 0 and tags[i - 1]:
                f.append("-1" + name + "=" + tags[i - 1])
            if i < n - 1 and tags[i + 1]:
                f.append("+1" + name + "=" + tags[i + 1])
        # Nearest trigger to the right (and left) within the same stretch between punctuation.
        for j in range(i + 1, min(n, i + 1 + _TRIGGER_WINDOW)):
            trig = views[j][5][3]
            if trig:
                if trig != "|":
                    f.append("tR=" + trig)
                    f.append(f"tR{j - i}=" + trig)
                break
        for j in range(i - 1, max(-1, i - 1 - _TRIGGER_WINDOW // 2), -1):
            trig = views[j][5][3]
            if trig:
                if trig != "|":
                    f.append("tL=" + trig)
                break
        if i == 0:
            f.append("BOS")
        else:
            if shape[0] == "X":
                # Capitalised mid-sentence: unlike at the start, a strong sign of a name.
                f.append("Xmid")
            prev = views[i - 1]
            f.extend(prev[2])
            f.append("bg-=" + prev[5][1] + "|" + st)
            f.append("shg-=" + prev[5][2] + "|" + shape)
            if i > 1:
                f.extend(views[i - 2][1])
        if i == n - 1:
            f.append("EOS")
        else:
            nxt = views[i + 1]
            f.extend(nxt[3])
            f.append("bg+=" + st + "|" + nxt[5][1])
            f.append("shg+=" + shape + "|" + nxt[5][2])
            if i < n - 2:
                f.extend(views[i + 2][4])
        feats.append(f)
    return feats


set_stem_vocabulary(_runtime_data[0])


def sentence_spans(text: str, tokens: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(first, last+1) token index ranges of sentences: a break after . ! ? unless the next
    token starts lower-case, and at every line break."""
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(tokens)
    for i in range(n):
        end_here = i == n - 1 or i - start + 1 >= _MAX_SENT_TOKENS
        if not end_here:
            s, e = tokens[i]
            ns = tokens[i + 1][0]
            if "\n" in text[e:ns]:
                end_here = True
            elif e - s == 1 and text[s] in _SENT_END:
                nxt = text[ns]
                end_here = not nxt.islower()
        if end_here:
            spans.append((start, i + 1))
            start = i + 1
    return spans


# Output mapping of the model's 25 KazNERD classes.
OUTPUT_TYPES = {"PERSON": "PER", "ORGANISATION": "ORG", "GPE": "LOC", "LOCATION": "LOC"}


# The model may be trained with BILOU tags (training.to_bilou); L- continues, U- begins.
_PREFIX = {"B": "B-", "I": "I-", "L": "I-", "U": "B-"}


def output_tag(tag: str) -> str:
    """KazNERD IOB2/BILOU tag → PER/ORG/LOC IOB2 tag (everything else → O)."""
    if tag == "O":
        return "O"
    kind = OUTPUT_TYPES.get(tag[2:])
    return _PREFIX[tag[0]] + kind if kind else "O"


def entity_ranges(tags: list[str]) -> list[tuple[int, int, str]]:
    """(first, last+1, type) of entities in an IOB2 sequence; a stray I- starts an entity."""
    out: list[tuple[int, int, str]] = []
    start, kind = -1, ""
    for i, tag in enumerate(tags):
        if tag == "O":
            if start >= 0:
                out.append((start, i, kind))
            start, kind = -1, ""
            continue
        prefix, t = tag[0], tag[2:]
        if prefix == "B" or t != kind:
            if start >= 0:
                out.append((start, i, kind))
            start, kind = i, t
    if start >= 0:
        out.append((start, len(tags), kind))
    return out


@lru_cache(maxsize=1)
def load_kazakh_tagger() -> pycrfsuite.Tagger:
    """The shipped CRF model, loaded once per process."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(MODEL_PATH))
    return tagger


def kazakh_ner(text: str) -> list[EntitySpan]:
    """PER/ORG/LOC spans in ``text``, ordered by start; score = mean marginal of its tokens."""
    tokens = tokenize(text)
    if not tokens:
        return []
    tagger = load_kazakh_tagger()
    result: list[EntitySpan] = []
    for first, last in sentence_spans(text, tokens):
        sent = tokens[first:last]
        words = [text[s:e] for s, e in sent]
        tags = tagger.tag(sentence_features(words))
        mapped = [output_tag(t) for t in tags]
        for a, b, kind in entity_ranges(mapped):
            # Quotes or brackets at an entity's edge are not part of the name.
            while a < b and not words[a][0].isalnum():
                a += 1
            while b > a and not words[b - 1][-1].isalnum():
                b -= 1
            if a == b:
                continue
            # Marginal of the model's own (unmapped) label: the probability of this reading.
            prob = sum(tagger.marginal(tags[j], j) for j in range(a, b)) / (b - a)
            start, end = sent[a][0], sent[b - 1][1]
            result.append(EntitySpan(start, end, kind, text[start:end], round(prob, 4)))
    return _join_domains(text, result)


# «BAQ.KZ», «Zakon.kz»: the tokenizer splits at the dot (as KazNERD does), so the tagger may
# return «BAQ» and «KZ» as two spans, or «Zakon» alone.
_TLDS = frozenset(
    ["kz", "ru", "com", "org", "net", "info", "uz", "kg", "ua", "by", "su", "tv", "news"]
)
_TLD_RE = re.compile(r"\.([A-Za-z]+)\b")


def _join_domains(text: str, spans: list[EntitySpan]) -> list[EntitySpan]:
    """Merge same-type spans separated by a bare "." and extend a span over a glued ".kz"."""
    out: list[EntitySpan] = []
    for span in spans:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.type == span.type
            and span.start == prev.end + 1
            and text[prev.end] == "."
        ):
            score = round((prev.score + span.score) / 2, 4)
            out[-1] = EntitySpan(
                prev.start, span.end, span.type, text[prev.start : span.end], score
            )
            continue
        out.append(span)
    for k, span in enumerate(out):
        m = _TLD_RE.match(text, span.end)
        if (
            m
            and m.group(1).lower() in _TLDS
            and not (k + 1 < len(out) and out[k + 1].start < m.end())
        ):
            out[k] = EntitySpan(
                span.start, m.end(), span.type, text[span.start : m.end()], span.score
            )
    return out

"""Build ``articles/translations/qa/data/kk_words.txt``: Kazakh word forms with their frequency.

The translation quality check ``language`` uses the list to tell a Kazakh word typed with
Russian look-alike letters («Казакстан», «курылыс») from a real word: a word that is not in the
list but whose look-alike-folded form (қ→к, ү/ұ→у, і→и, ө→о, ә→а, ң→н, ғ→г, һ→х) matches a
listed word with Kazakh letters is reported with that word as the suggested spelling.

Sources (both offline, so the build is reproducible):

- KazNERD (ISSAI, Nazarbayev University; CC BY 4.0): every token of ``train.iob`` and
  ``dev.iob`` under ``../shared/data/kaznerd`` (or ``--kaznerd DIR``);
- the Kazakh names and aliases of the seed knowledge base, ``seeds/entities.json``, so names
  («Тоқаев», «Қарашығанақ») are known in their Kazakh spelling.

Misspellings in the corpus are left out: a form that is at least ten times rarer than a form
with the same folded spelling but Kazakh letters in its place (``казір`` ×2 next to ``қазір``
×531) and that is not a Russian dictionary word (``тур`` «round» stays next to ``тұр``) is
dropped.

Run: ``.venv/bin/python scripts/build_kk_wordlist.py`` (writes the file; prints a summary).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pymorphy3

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_KAZNERD = ROOT.parent / "shared" / "data" / "kaznerd"
KNOWLEDGE_BASE = ROOT / "seeds" / "entities.json"
OUTPUT = ROOT / "articles" / "translations" / "qa" / "data" / "kk_words.txt"

# Same table as articles.translations.qa.lookalikes.KAZAKH_LOOKALIKES (kept here so the build
# needs no Django).
FOLD = str.maketrans("әғқңөұүһі", "агкноуухи")
KAZAKH_LETTERS = frozenset("әғқңөұүһі")
WORD = re.compile(r"[а-яёәғқңөұүһі]+")
# A misspelling is this many times rarer than its Kazakh-lettered twin (and the twin is seen
# at least MIN_TWIN_COUNT times).
DOMINANCE = 10
MIN_TWIN_COUNT = 5
MIN_FINAL_NG_COUNT = 20  # as lookalikes.MIN_FINAL_NG_COUNT


def words_of(text: str) -> list[str]:
    """Lower-case Cyrillic words; hyphenated compounds («мұнай-газ») count as their parts."""
    return WORD.findall(text.lower())


def kaznerd_counts(folder: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    for name in ("train.iob", "dev.iob"):
        with (folder / name).open(encoding="utf-8") as handle:
            for line in handle:
                token = line.rstrip("\n").rsplit(" ", 1)[0]
                counts.update(words_of(token))
    return counts


def knowledge_base_counts(path: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    for entity in json.loads(path.read_text(encoding="utf-8"))["entities"]:
        texts = [entity["names"].get("kk", "")]
        texts += entity.get("aliases", {}).get("kk", [])
        texts += entity.get("abbreviations", {}).get("kk", [])
        for text in texts:
            counts.update(words_of(text))
    return counts


def typed_with_lookalikes(word: str, twin: str) -> bool:
    """Whether ``word`` is ``twin`` with some Kazakh letters typed as their look-alikes (and
    only those). A word that has the Kazakh letter elsewhere was typed on a keyboard that has
    it, so the plain letter is meant: «билікті» (power) is not «білікті» (qualified)."""
    differ = [(a, b) for a, b in zip(word, twin, strict=True) if a != b]
    return bool(differ) and all(
        b in KAZAKH_LETTERS and a == b.translate(FOLD) and b not in word for a, b in differ
    )


def misspellings(counts: Counter[str]) -> set[str]:
    """Forms that are very probably a Kazakh-lettered word typed with look-alikes."""
    morph = pymorphy3.MorphAnalyzer()
    by_fold: dict[str, list[str]] = defaultdict(list)
    for word in counts:
        by_fold[word.translate(FOLD)].append(word)
    dropped = set()
    for forms in by_fold.values():
        if len(forms) < 2:
            continue
        for word in forms:
            for twin in forms:
                final_ng_only = word[:-1] == twin[:-1]  # екеуін / екеуің: two forms
                if (
                    twin != word
                    and typed_with_lookalikes(word, twin)
                    and (not final_ng_only or counts[twin] >= MIN_FINAL_NG_COUNT)
                    and counts[twin] >= MIN_TWIN_COUNT
                    and counts[twin] >= DOMINANCE * counts[word]
                    and not morph.word_is_known(word)
                ):
                    dropped.add(word)
                    break
    return dropped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kaznerd", type=Path, default=DEFAULT_KAZNERD)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    counts = kaznerd_counts(args.kaznerd) + knowledge_base_counts(KNOWLEDGE_BASE)
    dropped = misspellings(counts)
    kept = sorted(
        ((word, n) for word, n in counts.items() if word not in dropped and len(word) > 1),
        key=lambda item: (-item[1], item[0]),
    )
    lines = [
        "# Kazakh word forms and their frequency, for the translation check `language`.",
        "# Generated by scripts/build_kk_wordlist.py; do not edit by hand.",
        "# Sources: KazNERD (Yeshpanov, Khassanov, Varol, ISSAI, LREC 2022; CC BY 4.0) and the",
        "# Kazakh names of seeds/entities.json.",
        *(f"{word}\t{n}" for word, n in kept),
    ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(
        f"{len(kept)} words ({sum(n for _, n in kept)} tokens) written to {args.output}; "
        f"{len(dropped)} look-alike misspellings left out: {', '.join(sorted(dropped)[:20])}…",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

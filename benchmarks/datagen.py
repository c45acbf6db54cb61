"""A newsroom at scale, made up: articles, entities, mentions and everything derived from them.

    python benchmarks/run.py generate                         # 100,000 / 2,000,000 / 20,000
    python benchmarks/run.py generate --articles 10000        # mentions and entities scale along
    python -m benchmarks.datagen --articles 10000 --replace   # the same, as a module

Both default to DATABASE_URL=postgres://postgres@127.0.0.1:5432/kzeditor_bench (created and
migrated when missing) and refuse a database whose name does not contain "bench".

What it writes, deterministically for a given seed and end day:

- ~30 sources, each publishing mostly in one language; articles in kk/ru/en (45/45/10) over two
  years up to ``end``, fewer on weekends, more in working hours, slowly growing;
- entities (people, organisations, places) with names in the three languages and aliases
  (names, surnames, abbreviations) keyed like the linker keys them; their popularity is
  Zipf-like, so a few are in tens of thousands of articles and most in a handful;
- article bodies made of a synthetic vocabulary (also Zipf-like) with the mention texts, figures,
  dates and quotes put in, so every span's offsets point at its text (``body[start:end]``);
- stories (runs of 2–6 consecutive articles sharing their main entities and a money figure,
  sometimes with a differing value), a few % of articles translated (segments included);
- the derived tables, consistent with the mentions: ``EntityCoverage`` (one row per text and
  linked, not rejected entity) and ``SearchDocument`` (lower-cased words as stems).

PostgreSQL gets COPY (psycopg 3) per batch; other databases bulk_create. Primary keys are
assigned here (so rows can refer to each other without a round trip) and the sequences are
reset at the end; the tables are VACUUMed (outside a transaction) and ANALYZEd. Nothing is
disabled: every index and constraint is in place while loading.
"""

from __future__ import annotations

import argparse
import bisect
import enum
import json
import os
import queue
import random
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kzeditor_bench"
ARTICLES, MENTIONS, ENTITIES = 100_000, 2_000_000, 20_000
LANGUAGE_SHARES = {"kk": 0.45, "ru": 0.45, "en": 0.10}
TRANSLATED_SHARE = 0.03  # articles with one translation
STORY_SHARE = 0.35  # articles that belong to a story
DAYS = 730

# --- names ----------------------------------------------------------------------------------

# Kazakh letters → the Russian spelling of the same name (Қайрат → Кайрат).
_KK_TO_RU = str.maketrans("ӘәҒғҚқҢңӨөҰұҮүІіҺһ", "АаГгКкНнОоУуУуИиХх")
_EN = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "yo",
    "ж": "zh", "з": "z", "и": "i", "й": "y", "і": "i", "к": "k", "қ": "k", "л": "l", "м": "m",
    "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ұ": "u", "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip


def _words(text: str) -> list[str]:
    return text.split()


def to_ru(text: str) -> str:
    return text.translate(_KK_TO_RU)


def to_en(text: str) -> str:
    """Transliteration in the spelling English news uses (Ерлан → Yerlan, Жанбеков →
    Zhanbekov)."""
    out = []
    for i, ch in enumerate(text):
        low = ch.lower()
        latin = _EN.get(low, ch)
        if low == "е" and (i == 0 or not text[i - 1].isalpha()):
            latin = "ye"
        out.append(latin.capitalize() if ch != low else latin)
    return "".join(out)


MALE = _words(
    "Ерлан Нұрлан Асқар Бауыржан Дәурен Ержан Қайрат Марат Серік Талғат Арман Болат Ғалым "
    "Жандос Мұрат Дархан Азамат Олжас Ернар Тимур Ринат Санжар Әділ Бекзат Нұржан Медет Қанат "
    "Алмас Руслан Айдос Нұрсұлтан Дамир Ербол Мейрам Жомарт Бақытжан Аслан Ислам Рустем Берік"
)
FEMALE = _words(
    "Айгүл Әйгерім Гүлнар Жанар Динара Сәуле Мадина Аружан Ләззат Салтанат Майра Назерке Ақмарал "
    "Балжан Жұлдыз Перизат Асель Гүлмира Дана Томирис Камила Жансая Ақбота Інкәр Меруерт"
)
SYLLABLES_1 = _words(
    "Жан Нұр Сұл Ас Бек Ай Дос Сер Қай Мұ Тө Ба Ақ Есен Ора Тоқ Ма Сағ Ыс Қо Ну Бай Ал Құн Шай "
    "Мен Қас Әби Жақ Тұр Құл Сей Ибы Кен Үмб Оңғ Жұм Абыл Ерм Тәж"
)
SYLLABLES_2 = _words(
    "бек бай тай ғали жан бол бат ан ар ен ұлы қожа ыр ат ай ым бақ сейіт хан тас мұх ділд "
    "жар қали ембай ас іл құл ман ел бер таш ғар жол быр ит"
)
SURNAME_SUFFIX = ["ов", "ев", "ин"]
ORG_KINDS = [
    # kk, ru, en templates of an organisation around a root name
    ("{r} холдингі", "Холдинг «{r}»", "{e} Holding"),
    ("«{r}» ұлттық компаниясы", "Национальная компания «{r}»", "{e} National Company"),
    ("{r} банкі", "Банк «{r}»", "{e} Bank"),
    ("{r} университеті", "Университет «{r}»", "{e} University"),
    ("«{r}» қоры", "Фонд «{r}»", "{e} Foundation"),
    ("«{r}» агенттігі", "Агентство «{r}»", "{e} Agency"),
    ("«{r}» партиясы", "Партия «{r}»", "{e} Party"),
    ("«{r}» АҚ", "АО «{r}»", "{e} JSC"),
]
LOC_SUFFIX = [
    ("тау", "тау", "tau"),
    ("көл", "коль", "kol"),
    ("бұлақ", "булак", "bulak"),
    ("төбе", "тобе", "tobe"),
    ("өзен", "озен", "ozen"),
    ("қала", "кала", "kala"),
    ("сай", "сай", "sai"),
    ("ағаш", "агаш", "agash"),
]

# --- vocabulary -----------------------------------------------------------------------------

REAL_WORDS = {
    "kk": "мемлекет экономика жоба инвестиция бюджет өңір министрлік үкімет даму бағдарлама "
    "халық жұмыс қаржы құрылыс білім денсаулық ауыл шаруашылық кәсіпорын өндіріс нарық баға "
    "салық жол су энергия келісім кездесу сапар форум және бойынша үшін туралы жылы осы бұл деп",
    "ru": "государство экономика проект инвестиции бюджет регион министерство правительство "
    "развитие программа население работа финансы строительство образование здравоохранение "
    "село хозяйство предприятие производство рынок цена налог дорога вода энергия соглашение "
    "встреча визит форум и в на по для о году это что",
    "en": "government economy project investment budget region ministry cabinet development "
    "programme people work finance construction education health village agriculture company "
    "production market price tax road water energy agreement meeting visit forum the and of in "
    "to for on said year",
}
_WORD_SYLLABLES = {
    "kk": _words("ба ту қа ле ме ді бі ры жа са ға кө тө ұл ар ен ін ық та ла на ма ғы лы ты"),
    "ru": _words("ва ро ка ни пе ре ло то ми за ду ве на но ли ра ко те мо бо ся де"),
    "en": _words("ba ro ka ni pe re lo to mi sa du ve na no li ra co te mo bo la de"),
}
_WORD_ENDINGS = {
    "kk": _words("лар лер дың нің ға ге да де дан лық лік шы ші ды ді"),
    "ru": _words("ание ость ный ная ить ами ого ему ой ия ение ство"),
    "en": _words("tion ment ing ed er ness ity al ous ive"),
}
VOCABULARY_SIZE = 4_000  # words per language, real ones first


@dataclass(frozen=True)
class Vocabulary:
    words: list[str]
    cum_weights: list[float]


def vocabulary(language: str, seed: int = 42) -> Vocabulary:
    """The words bodies are made of, most frequent first (Zipf, s = 1.05)."""
    rng = random.Random(f"{seed}-vocabulary-{language}")
    words = REAL_WORDS[language].split()
    seen = set(words)
    syllables, endings = _WORD_SYLLABLES[language], _WORD_ENDINGS[language]
    while len(words) < VOCABULARY_SIZE:
        word = "".join(rng.choices(syllables, k=rng.randint(2, 3))) + rng.choice(endings)
        if word not in seen:
            seen.add(word)
            words.append(word)
    cum, total = [], 0.0
    for rank in range(len(words)):
        total += 1.0 / (rank + 1) ** 1.05
        cum.append(total)
    return Vocabulary(words, cum)


def search_words(seed: int = 42) -> dict[str, str]:
    """Words worth searching for in the generated data: a very frequent one and a rare one."""
    return {
        "frequent": vocabulary("kk", seed).words[0],
        "rare": vocabulary("ru", seed).words[-1],
    }


# --- generation -----------------------------------------------------------------------------


@dataclass
class _Entity:
    id: int
    type: str
    names: dict[str, str]  # language → full name
    short: dict[str, str]  # language → surname / abbreviation / name
    gender: str = ""


@dataclass
class _Slot:
    """One mention to put into a text."""

    entity: _Entity
    text: str
    method: str
    confidence: float
    review: str
    linked: bool  # False: only suggested (fuzzy), entity stays empty


@dataclass
class _Piece:
    """Something put into a text with its spans: (relative start, end, kind, payload)."""

    text: str
    parts: list[tuple[int, int, str, Any]]


@dataclass
class GenerationReport:
    articles: int = 0
    translations: int = 0
    mentions: int = 0
    entities: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


class _Rows:
    """Rows waiting to be written, per model, and the writer: COPY on PostgreSQL,
    bulk_create elsewhere. Rows are dicts of attnames; missing fields get their default.

    With ``parallel`` (PostgreSQL only) a thread COPYs each batch on a connection of its own,
    one transaction per batch, while the next batch is being made: the database and Python
    then use one core each. Not for tests, whose rows must stay in the test's transaction."""

    def __init__(self, now: datetime, *, parallel: bool = False) -> None:
        from django.db import connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.parallel = parallel and self.postgres
        self.now = now
        self.pending: dict[type, list[dict[str, Any]]] = {}
        self.columns: dict[type, list[tuple[str, str, Any, bool]]] = {}
        self.written: Counter[str] = Counter()
        self.package: list[tuple[str, bytes]] = []
        if self.parallel:
            import psycopg

            settings = connection.settings_dict
            self.writer_connection = psycopg.connect(
                dbname=settings["NAME"],
                user=settings["USER"] or None,
                password=settings["PASSWORD"] or None,
                host=settings["HOST"] or None,
                port=settings["PORT"] or None,
            )
            self.queue: queue.Queue = queue.Queue(maxsize=2)
            self.error: BaseException | None = None
            self.thread = threading.Thread(target=self._write_packages, daemon=True)
            self.thread.start()

    def add(self, model: type, row: dict[str, Any]) -> None:
        self.pending.setdefault(model, []).append(row)

    def _columns(self, model: type) -> list[tuple[str, str, Any, bool]]:
        from django.db import models

        if model not in self.columns:
            columns = []
            for f in model._meta.concrete_fields:
                if isinstance(f, models.GeneratedField) or f.get_internal_type() == (
                    "SearchVectorField"
                ):
                    continue  # computed by the database, or filled by an UPDATE afterwards
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    default: Any = self.now
                elif f.has_default():
                    default = f.get_default()
                elif f.null:
                    default = None
                else:
                    default = ""
                if isinstance(default, enum.Enum):  # TextChoices: the plain value
                    default = default.value
                columns.append((f.attname, f.column, default, isinstance(f, models.JSONField)))
            self.columns[model] = columns
        return self.columns[model]

    def flush(self, *models_in_order: type) -> None:
        """Write the pending rows of these models, in this order (parents first)."""
        for model in models_in_order:
            rows = self.pending.pop(model, [])
            if not rows:
                continue
            if self.postgres:
                columns = self._columns(model)
                qn = self.connection.ops.quote_name
                sql = "COPY {} ({}) FROM STDIN".format(
                    qn(model._meta.db_table), ", ".join(qn(column) for _, column, _, _ in columns)
                )
                data = _copy_text(columns, rows)
                if self.parallel:
                    self.package.append((sql, data))
                else:
                    with self.connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                        copy.write(data)
            else:
                model.objects.bulk_create([model(**row) for row in rows], batch_size=500)
            self.written[model._meta.label] += len(rows)

    def commit(self) -> None:
        """End of a batch: hand what was flushed to the writer thread (parallel mode)."""
        if self.parallel and self.package:
            self._check()
            self.queue.put(self.package)
            self.package = []

    def close(self) -> None:
        """Wait until everything is written."""
        if self.parallel:
            self.commit()
            self.queue.put(None)
            self.thread.join()
            self.writer_connection.close()
            self._check()

    def _check(self) -> None:
        if self.error is not None:
            raise RuntimeError("writing the generated rows failed") from self.error

    def _write_packages(self) -> None:
        conn = self.writer_connection
        while (package := self.queue.get()) is not None:
            if self.error is not None:
                continue  # drain the queue; the main thread raises
            try:
                with conn.transaction(), conn.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
                    for sql, data in package:
                        with cursor.copy(sql) as copy:
                            copy.write(data)
            except BaseException as error:  # re-raised by the main thread
                self.error = error


def _copy_escape(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t")
        value = value.replace("\n", "\\n").replace("\r", "\\r")
    return value


_COPY_FORMAT: dict[type, Callable[[Any], str]] = {
    str: _copy_escape,
    int: str,
    float: repr,
    Decimal: str,
    bool: lambda value: "t" if value else "f",
    type(None): lambda value: "\\N",
    datetime: datetime.isoformat,
    date: date.isoformat,
}


def _copy_text(columns: list[tuple[str, str, Any, bool]], rows: list[dict[str, Any]]) -> bytes:
    """Rows in COPY's text format, made here rather than by the driver row by row: the writer
    thread then only sends bytes, and does not fight the generating thread for the GIL."""
    fmt = _COPY_FORMAT
    lines = []
    for row in rows:
        values = []
        for attname, _, default, is_json in columns:
            value = row.get(attname, default)
            if is_json:
                value = json.dumps(value, ensure_ascii=False)
            values.append(fmt[type(value)](value))
        lines.append("\t".join(values))
    lines.append("")
    return "\n".join(lines).encode()


def _zipf_cum(n: int, s: float, offset: float) -> list[float]:
    cum, total = [], 0.0
    for rank in range(n):
        total += 1.0 / (rank + offset) ** s
        cum.append(total)
    return cum


def _split_total(rng: random.Random, total: int, n: int, low: float, high: float) -> list[int]:
    """``n`` non-negative integers summing to exactly ``total``, each ~total/n × U(low, high)."""
    if n == 0:
        return []
    weights = [rng.uniform(low, high) for _ in range(n)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in rng.sample(range(n), total - sum(counts)):
        counts[i] += 1
    return counts


def generated_models() -> list[type]:
    """Every model the generator writes."""
    from articles.models import Article, Source, Translation, TranslationSegment
    from entities.models import (
        Alias,
        DateMention,
        Entity,
        EntityCoverage,
        Figure,
        Mention,
        Quote,
        SearchDocument,
        Story,
        StoryArticle,
    )

    return [
        Source, Article, Translation, TranslationSegment, Entity, Alias, Mention, Figure,
        DateMention, Quote, Story, StoryArticle, EntityCoverage, SearchDocument,
    ]  # fmt: skip


class _Generator:
    def __init__(
        self,
        *,
        articles: int,
        mentions: int,
        entities: int,
        seed: int,
        batch: int,
        end: date,
        progress: Callable[[str], None] | None,
        parallel: bool,
    ) -> None:
        from django.conf import settings

        self.n_articles, self.n_mentions, self.n_entities = articles, mentions, entities
        self.seed, self.batch, self.end = seed, batch, end
        self.rng = random.Random(seed)
        self.progress = progress or (lambda message: None)
        self.stems = _SearchStems()
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.now = datetime.combine(end, datetime.min.time(), tzinfo=self.tz) + timedelta(hours=23)
        self.rows = _Rows(self.now, parallel=parallel)
        self.vocab = {language: vocabulary(language, seed) for language in LANGUAGE_SHARES}
        self.report = GenerationReport()

    # -- ids -----------------------------------------------------------------------------------

    def _first_ids(self) -> None:
        from django.db.models import Max

        self.next_id = {
            model: (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
            for model in generated_models()
        }

    def _id(self, model: type) -> int:
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value

    # -- sources and entities ------------------------------------------------------------------

    def sources(self) -> None:
        from articles.models import Source

        rng = random.Random(f"{self.seed}-sources")
        words = {
            "kk": ["Дала", "Ақпарат", "Егемен", "Жаңа", "Арна", "Хабар", "Айқын", "Түркістан"],
            "ru": ["Степь", "Новости", "Вестник", "Курьер", "Время", "Обозреватель", "Экспресс"],
            "en": ["Steppe", "Times", "Herald", "Review", "Wire", "Post"],
        }
        plan = [("kk", 13), ("ru", 13), ("en", 4)]
        self.sources_by_language: dict[str, tuple[list[int], list[float]]] = {}
        used: set[str] = set()
        number = 0
        for language, count in plan:
            ids = []
            for _ in range(count):
                number += 1
                while True:
                    name = f"{rng.choice(words[language])} {rng.choice(words[language])}"
                    if name not in used and len(set(name.split())) == 2:
                        break
                used.add(name)
                pk = self._id(Source)
                ids.append(pk)
                self.rows.add(
                    Source,
                    {"id": pk, "name": name, "domain": f"source{number:02d}-{self.seed}.kz"},
                )
            self.sources_by_language[language] = (ids, _zipf_cum(count, 0.8, 1.5))
        self.rows.flush(Source)
        self.rows.commit()

    def _person(self, rng: random.Random, seen: set[str]) -> tuple[dict, dict, str]:
        while True:
            gender = "f" if rng.random() < 0.3 else "m"
            given = rng.choice(FEMALE if gender == "f" else MALE)
            root = rng.choice(SYLLABLES_1) + rng.choice(SYLLABLES_2)
            if rng.random() < 0.25:
                root += rng.choice(SYLLABLES_2)
            surname = root + rng.choice(SURNAME_SUFFIX) + ("а" if gender == "f" else "")
            kk = f"{given} {surname}"
            if kk not in seen:
                seen.add(kk)
                break
        names = {"kk": kk, "ru": to_ru(kk), "en": to_en(to_ru(given)) + " " + to_en(surname)}
        short = {"kk": surname, "ru": to_ru(surname), "en": to_en(surname)}
        return names, short, gender

    def _organisation(self, rng: random.Random, seen: set[str]) -> tuple[dict, dict, str]:
        while True:
            root = rng.choice(SYLLABLES_1) + rng.choice(SYLLABLES_2)
            if rng.random() < 0.4:
                root = "Қаз" + root
            kk_t, ru_t, en_t = rng.choice(ORG_KINDS)
            kk = kk_t.format(r=root)
            if kk not in seen:
                seen.add(kk)
                break
        ru = ru_t.format(r=to_ru(root))
        en = en_t.format(e=to_en(to_ru(root)))
        initials = "".join(w[0] for w in re.findall(r"\w+", ru) if w[0].isupper())
        short = {"kk": root, "ru": to_ru(root), "en": to_en(to_ru(root))}
        if len(initials) >= 2:
            short["ru"] = short["kk"] = initials.upper()
        return {"kk": kk, "ru": ru, "en": en}, short, ""

    def _place(self, rng: random.Random, seen: set[str]) -> tuple[dict, dict, str]:
        while True:
            root = rng.choice(SYLLABLES_1)
            if rng.random() < 0.5:
                root += rng.choice(SYLLABLES_2)
            kk_s, ru_s, en_s = rng.choice(LOC_SUFFIX)
            kk = root + kk_s
            if kk not in seen:
                seen.add(kk)
                break
        names = {"kk": kk, "ru": to_ru(root) + ru_s, "en": to_en(to_ru(root)) + en_s}
        return names, dict(names), ""

    def entities(self) -> None:
        from entities.linking.keys import lookup_key, translit_key
        from entities.models import Alias, Entity

        rng = random.Random(f"{self.seed}-entities")
        seen: set[str] = set()
        makers = {"PER": self._person, "ORG": self._organisation, "LOC": self._place}
        self.entity_list: list[_Entity] = []
        confirmed_until = int(self.n_entities * 0.3)
        for rank in range(self.n_entities):  # ids follow popularity: the first is the most
            kind = rng.choices(["PER", "ORG", "LOC"], weights=[45, 30, 25])[0]
            names, short, gender = makers[kind](rng, seen)
            entity = _Entity(self._id(Entity), kind, names, short, gender)
            self.entity_list.append(entity)
            confirmed = rank < confirmed_until
            self.rows.add(
                Entity,
                {
                    "id": entity.id,
                    "type": kind,
                    "name_kk": names["kk"],
                    "name_ru": names["ru"],
                    "name_en": names["en"],
                    "gender": gender,
                    "status": "confirmed" if confirmed else "proposed",
                    "proposal_key": "" if confirmed else lookup_key(names["kk"]),
                    "wikidata_id": f"Q{900_000 + rank}" if rank < 2_000 else "",
                    "description": "",
                },
            )
            keys: set[str] = set()
            forms = [(names[lang], lang, "name") for lang in ("kk", "ru", "en")]
            forms += [
                (short[lang], lang, "abbreviation" if kind == "ORG" else "name")
                for lang in ("kk", "ru", "en")
                if short[lang] != names[lang]
            ]
            for text, language, alias_kind in forms:
                key = lookup_key(text)
                if key in keys:
                    continue
                keys.add(key)
                self.rows.add(
                    Alias,
                    {
                        "id": self._id(Alias),
                        "entity_id": entity.id,
                        "text": text,
                        "language": language,
                        "key": key,
                        "kind": alias_kind,
                        "translit_key": translit_key(text),
                        "origin": "kb",
                    },
                )
            if len(self.rows.pending.get(Entity, ())) >= 5_000:
                self.rows.flush(Entity, Alias)
                self.rows.commit()
        self.rows.flush(Entity, Alias)
        self.rows.commit()
        self.entity_cum = _zipf_cum(self.n_entities, 1.0, 3.0)
        self.report.entities = self.n_entities

    def _pick_entities(self, rng: random.Random, k: int) -> list[_Entity]:
        chosen: dict[int, _Entity] = {}
        total = self.entity_cum[-1]
        tries = 0
        while len(chosen) < k and tries < k * 6:
            tries += 1
            index = bisect.bisect_left(self.entity_cum, rng.random() * total)
            entity = self.entity_list[min(index, self.n_entities - 1)]
            chosen[entity.id] = entity
        return list(chosen.values())

    # -- texts ---------------------------------------------------------------------------------

    @staticmethod
    def _inflect(text: str, language: str) -> str:
        if text.isupper():  # an abbreviation: ҚТХ-ның, АО-а
            text += "-"
        if language == "kk":
            return text + ("ның" if text[-1] in "аеиоуыіәөұүэюя" else "тың")
        if language == "ru":
            return text + "а" if text[-1] not in "аеиоуыэюяь" else text[:-1] + "ы"
        return text + "'s"

    def _slots(
        self, rng: random.Random, language: str, entities: list[_Entity], count: int
    ) -> list[_Slot]:
        slots = []
        weights = [1.0 / (i + 1) ** 0.7 for i in range(len(entities))]
        order = list(entities) + rng.choices(entities, weights=weights, k=count - len(entities))
        for entity in order[:count]:
            roll = rng.random()
            if roll < 0.62:
                text, method, confidence = entity.names[language], "exact", 1.0
            elif roll < 0.9:
                text, method, confidence = entity.short[language], "exact", 1.0
            else:
                text, method, confidence = (
                    self._inflect(entity.short[language], language),
                    "inflection",
                    0.9,
                )
            review = rng.random()
            linked = True
            if review < 0.02:
                review_status = "rejected"
            elif review < 0.17:
                review_status = "confirmed"
            else:
                review_status = "suggested"
                if review > 0.98:
                    linked, method, confidence = False, "fuzzy", 0.7
            slots.append(_Slot(entity, text, method, confidence, review_status, linked))
        return slots

    def _figure_piece(self, rng: random.Random, language: str, story_value: Decimal | None):
        kind = "money" if story_value is not None else rng.choice(["money", "percent", "quantity"])
        if kind == "money":
            random_value = Decimal(rng.randint(1, 999)) / 10
            billions = story_value if story_value is not None else random_value
            unit = rng.choice(["USD", "KZT"]) if story_value is None else "USD"
            number = f"{billions}".replace(".", "," if language != "en" else ".")
            if language == "kk":
                text = f"{number} млрд {'доллар' if unit == 'USD' else 'теңге'}"
            elif language == "ru":
                text = f"{number} млрд {'долларов' if unit == 'USD' else 'тенге'}"
            else:
                text = f"${number} billion" if unit == "USD" else f"{number} billion tenge"
            value = billions * 1_000_000_000
        elif kind == "percent":
            value = Decimal(rng.randint(1, 999)) / 10
            unit = "%"
            text = f"{value}".replace(".", "," if language != "en" else ".") + "%"
        else:
            value = Decimal(rng.randint(10, 9_000))
            unit = "t"
            text = f"{value} " + {"kk": "тонна", "ru": "тонн", "en": "tonnes"}[language]
        return _Piece(text, [(0, len(text), "figure", (kind, value, unit))])

    _MONTHS = {
        "kk": "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан",
        "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
        "en": "January February March April May June July August September October November "
        "December",
    }
    _TODAY = {"kk": "бүгін", "ru": "сегодня", "en": "today"}

    def _date_piece(self, rng: random.Random, language: str, day: date) -> _Piece:
        if rng.random() < 0.25:
            text = self._TODAY[language]
            return _Piece(text, [(0, len(text), "date", (day, True))])
        value = day + timedelta(days=rng.randint(-30, 30))
        month = self._MONTHS[language].split()[value.month - 1]
        text = {
            "kk": f"{value.year} жылғы {value.day} {month}",
            "ru": f"{value.day} {month} {value.year} года",
            "en": f"{value.day} {month} {value.year}",
        }[language]
        return _Piece(text, [(0, len(text), "date", (value, False))])

    def _quote_piece(self, rng: random.Random, language: str, slot: _Slot) -> _Piece:
        vocab = self.vocab[language]
        words = " ".join(rng.choices(vocab.words, cum_weights=vocab.cum_weights, k=8))
        speaker = slot.text
        if language == "en":
            text = f"“{words.capitalize()}”, {speaker} said"
            q_start = 1
            s_start = len(words) + 4
        else:
            text = f"{speaker}: «{words.capitalize()}»"
            s_start = 0
            q_start = len(speaker) + 3
        return _Piece(
            text,
            [
                (s_start, s_start + len(speaker), "mention", slot),
                (q_start, q_start + len(words), "quote", (slot, s_start)),
            ],
        )

    def _compose(
        self,
        rng: random.Random,
        language: str,
        words_needed: int,
        paragraphs: int,
        pieces: list[_Piece],
    ) -> tuple[str, list[tuple[int, int, str, Any]]]:
        """A body of ``paragraphs`` paragraphs with the pieces put in, and their absolute
        spans."""
        vocab = self.vocab[language]
        words: list[Any] = rng.choices(vocab.words, cum_weights=vocab.cum_weights, k=words_needed)
        sentences: list[list[Any]] = []
        i = 0
        while i < len(words):
            n = rng.randint(6, 15)
            sentences.append(words[i : i + n])
            i += n
        paragraphs = max(1, min(paragraphs, len(sentences)))
        for piece in pieces:
            sentence = sentences[rng.randrange(len(sentences))]
            sentence.insert(rng.randint(0, len(sentence)), piece)
        per = len(sentences) / paragraphs
        out: list[str] = []
        spans: list[tuple[int, int, str, Any]] = []
        pos = 0
        for index, sentence in enumerate(sentences):
            if index:
                sep = "\n\n" if int(index / per) != int((index - 1) / per) else " "
                out.append(sep)
                pos += len(sep)
            for w, item in enumerate(sentence):
                if w:
                    out.append(" ")
                    pos += 1
                if type(item) is str:
                    text = item.capitalize() if w == 0 else item
                else:
                    text = item.text
                    for start, end, kind, payload in item.parts:
                        if kind == "quote":  # the speaker's offset, made absolute
                            payload = (payload[0], pos + payload[1])
                        spans.append((pos + start, pos + end, kind, payload))
                out.append(text)
                pos += len(text)
            out.append(".")
            pos += 1
        return "".join(out), spans

    def _text(
        self,
        rng: random.Random,
        *,
        language: str,
        entities: list[_Entity],
        mention_count: int,
        day: date,
        paragraphs: int | None,
        story_value: Decimal | None,
    ) -> tuple[str, str, list[tuple[str, int, int, str, Any]], int]:
        """Title, body and spans (field, start, end, kind, payload) of one text."""
        slots = self._slots(rng, language, entities, mention_count) if entities else []
        title_slot = slots.pop(0) if slots and rng.random() < 0.6 else None
        pieces: list[_Piece] = []
        for slot in slots:
            if slot.entity.type == "PER" and slot.linked and rng.random() < 0.02:
                pieces.append(self._quote_piece(rng, language, slot))
            else:
                pieces.append(_Piece(slot.text, [(0, len(slot.text), "mention", slot)]))
        if story_value is not None:
            pieces.append(self._figure_piece(rng, language, story_value))
        for _ in range(rng.choice((0, 0, 1, 1, 1, 2, 3))):
            pieces.append(self._figure_piece(rng, language, None))
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            pieces.append(self._date_piece(rng, language, day))
        words_needed = max(60, int(max(mention_count, 1) * rng.uniform(9, 15)))
        if paragraphs is None:
            paragraphs = max(2, min(10, words_needed // 45))
        body, spans = self._compose(rng, language, words_needed, paragraphs, pieces)
        vocab = self.vocab[language]
        title_words = " ".join(rng.choices(vocab.words, cum_weights=vocab.cum_weights, k=7))
        all_spans = [("body", start, end, kind, payload) for start, end, kind, payload in spans]
        if title_slot is not None:
            title = f"{title_slot.text} {title_words}"
            all_spans.append(("title", 0, len(title_slot.text), "mention", title_slot))
        else:
            title = title_words.capitalize()
        return title, body, all_spans, len(body.split("\n\n"))

    def _store_spans(
        self,
        owner: dict[str, int | None],
        spans: list[tuple[str, int, int, str, Any]],
        title: str,
        body: str,
    ) -> Counter[int]:
        """Write the spans of one text; return its mention counts per linked entity."""
        from entities.extraction import EXTRACTOR_VERSION
        from entities.models import DateMention, Figure, Mention, Quote

        per_entity: Counter[int] = Counter()
        common = {**owner, "extractor_version": EXTRACTOR_VERSION}
        for field_name, start, end, kind, payload in spans:
            text = (title if field_name == "title" else body)[start:end]
            base = {**common, "field": field_name, "start": start, "end": end, "text": text}
            if kind == "mention":
                slot: _Slot = payload
                self.rows.add(
                    Mention,
                    {
                        **base,
                        "id": self._id(Mention),
                        "type": slot.entity.type,
                        "entity_id": slot.entity.id if slot.linked else None,
                        "suggested_entity_id": None if slot.linked else slot.entity.id,
                        "confidence": slot.confidence,
                        "method": slot.method,
                        "review_status": slot.review,
                    },
                )
                if slot.linked and slot.review != "rejected":
                    per_entity[slot.entity.id] += 1
            elif kind == "figure":
                figure_kind, value, unit = payload
                self.rows.add(
                    Figure,
                    {**base, "id": self._id(Figure), "kind": figure_kind, "value": value,
                     "unit": unit},
                )  # fmt: skip
            elif kind == "date":
                value, relative = payload
                self.rows.add(
                    DateMention,
                    {**base, "id": self._id(DateMention), "value": value, "relative": relative},
                )
            elif kind == "quote":
                slot, speaker_start = payload
                self.rows.add(
                    Quote,
                    {
                        **base,
                        "id": self._id(Quote),
                        "speaker_text": slot.text,
                        "speaker_start": speaker_start,
                        "speaker_end": speaker_start + len(slot.text),
                        "speaker_id": slot.entity.id,
                    },
                )
        return per_entity

    # -- articles ------------------------------------------------------------------------------

    def _timestamps(self) -> list[datetime]:
        rng = random.Random(f"{self.seed}-dates")
        first = self.end - timedelta(days=DAYS - 1)
        days = [first + timedelta(days=i) for i in range(DAYS)]
        weekday = [1.0, 1.05, 1.05, 1.0, 0.95, 0.45, 0.35]
        cum, total = [], 0.0
        for i, day in enumerate(days):
            total += weekday[day.weekday()] * (0.8 + 0.4 * i / DAYS)
            cum.append(total)
        hours = [0.2] * 7 + [1, 2, 3, 3, 3, 2.5, 2, 2.5, 3, 3, 2.5, 2, 1.5, 1, 0.6, 0.4, 0.3]
        picked = rng.choices(days, cum_weights=cum, k=self.n_articles)
        hour_list = rng.choices(range(24), weights=hours, k=self.n_articles)
        stamps = [
            datetime(d.year, d.month, d.day, h, rng.randrange(60), tzinfo=self.tz)
            for d, h in zip(picked, hour_list, strict=True)
        ]
        stamps.sort()
        return stamps

    def articles(self) -> None:
        from articles.models import Article, Translation, TranslationSegment
        from articles.text import content_hash
        from entities.extraction import EXTRACTOR_VERSION
        from entities.models import (
            DateMention,
            EntityCoverage,
            Figure,
            Mention,
            Quote,
            SearchDocument,
            Story,
            StoryArticle,
        )

        rng = self.rng
        stamps = self._timestamps()
        languages = rng.choices(
            list(LANGUAGE_SHARES), weights=list(LANGUAGE_SHARES.values()), k=self.n_articles
        )
        n_translations = round(self.n_articles * TRANSLATED_SHARE)
        translated = set(rng.sample(range(self.n_articles), n_translations))
        counts = _split_total(rng, self.n_mentions, self.n_articles + n_translations, 0.3, 1.7)
        translation_counts = iter(counts[self.n_articles :])
        statuses = ["published"] * 70 + ["approved"] * 10 + ["in_review"] * 8 + ["draft"] * 10
        statuses += ["archived"] * 2
        started = time.perf_counter()
        story_left = 0
        story: dict[str, Any] = {}
        for batch_start in range(0, self.n_articles, self.batch):
            from django.db import transaction

            with transaction.atomic():
                if self.rows.postgres and not self.rows.parallel:
                    with self.rows.connection.cursor() as cursor:
                        cursor.execute("SET LOCAL synchronous_commit = off")
                batch_end = min(batch_start + self.batch, self.n_articles)
                for n in range(batch_start, batch_end):
                    language = languages[n]
                    published_at = stamps[n]
                    day = published_at.astimezone(self.tz).date()
                    article_id = self._id(Article)
                    # Stories: runs of consecutive (so close in time) articles.
                    # A story ends within its batch, so its row is written with its members.
                    size = min(rng.randint(2, 6), batch_end - n)
                    if story_left == 0 and size >= 2 and rng.random() < STORY_SHARE / 3.6:
                        story_left = size
                        story = {
                            "id": self._id(Story),
                            "core": self._pick_entities(rng, rng.randint(2, 3)),
                            "value": Decimal(rng.randint(10, 500)) / 10,
                            "members": [],
                        }
                    in_story = story_left > 0
                    distinct = max(1, round(counts[n] / 2.5)) if counts[n] else 0
                    chosen = self._pick_entities(rng, distinct)
                    if in_story and counts[n]:
                        core = story["core"]
                        core_ids = {e.id for e in core}
                        chosen = (core + [e for e in chosen if e.id not in core_ids])[:distinct]
                    value = None
                    if in_story:
                        value = story["value"]
                        if rng.random() < 0.2:
                            value += Decimal(rng.choice((-3, -2, -1, 1, 2, 3))) / 10
                    title, body, spans, paragraphs = self._text(
                        rng,
                        language=language,
                        entities=chosen,
                        mention_count=counts[n],
                        day=day,
                        paragraphs=None,
                        story_value=value,
                    )
                    title = f"{title} #{article_id}"  # unique content hash
                    digest = content_hash(title, body)
                    source_ids, source_cum = self.sources_by_language[language]
                    source_id = rng.choices(source_ids, cum_weights=source_cum)[0]
                    status = rng.choice(statuses)
                    self.rows.add(
                        Article,
                        {
                            "id": article_id,
                            "language": language,
                            "language_confidence": 0.99,
                            "title": title,
                            "body": body,
                            "source_id": source_id,
                            "source_url": f"https://source.example/{article_id}",
                            "published_at": published_at,
                            "content_hash": digest,
                            "status": status,
                            "extraction_state": "done",
                            "extractor_version": EXTRACTOR_VERSION,
                            "extracted_content_hash": digest,
                            "extracted_at": published_at + timedelta(minutes=3),
                            "created_at": published_at,
                            "updated_at": published_at,
                        },
                    )
                    owner = {"article_id": article_id, "translation_id": None}
                    per_entity = self._store_spans(owner, spans, title, body)
                    self._coverage(article_id, None, language, source_id, day, per_entity)
                    self.rows.add(
                        SearchDocument,
                        {
                            "id": self._id(SearchDocument),
                            "article_id": article_id,
                            "translation_id": None,
                            "language": language,
                            "stems": self.stems(title, body, language, per_entity),
                            "published_at": published_at,
                        },
                    )
                    if in_story:
                        story["members"].append((article_id, published_at, title))
                        story_left -= 1
                        self.rows.add(
                            StoryArticle,
                            {
                                "id": self._id(StoryArticle),
                                "article_id": article_id,
                                "story_id": story["id"],
                                "score": round(rng.uniform(0.45, 0.95), 3),
                            },
                        )
                        if story_left == 0:
                            self._story_row(story)
                    if n in translated:
                        self._translation(
                            rng,
                            article_id=article_id,
                            article_language=language,
                            article_title=title,
                            article_body=body,
                            paragraphs=paragraphs,
                            entities=chosen or self._pick_entities(rng, 1),
                            mention_count=next(translation_counts),
                            published_at=published_at,
                            source_id=source_id,
                            story_value=value,
                        )
                self.rows.flush(
                    Article, Translation, TranslationSegment, Story, StoryArticle, Mention,
                    Figure, DateMention, Quote, EntityCoverage, SearchDocument,
                )  # fmt: skip
                self.rows.commit()
            done = min(batch_start + self.batch, self.n_articles)
            elapsed = time.perf_counter() - started
            self.progress(
                f"  {done:,} articles, {self.rows.written['entities.Mention']:,} mentions, "
                f"{elapsed:.0f} s ({done / elapsed:,.0f} articles/s)"
            )
        self.report.articles = self.n_articles
        self.report.translations = n_translations

    def _coverage(
        self,
        article_id: int,
        translation_id: int | None,
        language: str,
        source_id: int,
        day: date,
        per_entity: Counter[int],
    ) -> None:
        from entities.models import EntityCoverage

        for entity_id, count in per_entity.items():
            self.rows.add(
                EntityCoverage,
                {
                    "id": self._id(EntityCoverage),
                    "article_id": article_id,
                    "translation_id": translation_id,
                    "entity_id": entity_id,
                    "language": language,
                    "source_id": source_id,
                    "published_on": day,
                    "mentions": count,
                },
            )

    def _story_row(self, story: dict[str, Any]) -> None:
        from entities.models import Story

        members = story["members"]
        self.rows.add(
            Story,
            {
                "id": story["id"],
                "title": members[0][2],
                "article_count": len(members),
                "first_published_at": min(m[1] for m in members),
                "last_published_at": max(m[1] for m in members),
                "created_at": members[0][1],
                "updated_at": members[-1][1],
            },
        )

    def _translation(
        self,
        rng: random.Random,
        *,
        article_id: int,
        article_language: str,
        article_title: str,
        article_body: str,
        paragraphs: int,
        entities: list[_Entity],
        mention_count: int,
        published_at: datetime,
        source_id: int,
        story_value: Decimal | None,
    ) -> None:
        from articles.models import Translation, TranslationSegment
        from entities.extraction import EXTRACTOR_VERSION
        from entities.models import SearchDocument

        others = [language for language in LANGUAGE_SHARES if language != article_language]
        language = others[0] if rng.random() < 0.75 or len(others) == 1 else others[1]
        if article_language == "en":
            language = rng.choice(["kk", "ru"])
        day = published_at.astimezone(self.tz).date()
        title, body, spans, _ = self._text(
            rng,
            language=language,
            entities=entities,
            mention_count=mention_count,
            day=day,
            paragraphs=paragraphs,
            story_value=story_value,
        )
        translation_id = self._id(Translation)
        done_at = published_at + timedelta(hours=rng.randint(2, 48))
        self.rows.add(
            Translation,
            {
                "id": translation_id,
                "article_id": article_id,
                "language": language,
                "title": title,
                "body": body,
                "status": rng.choice(["approved", "published", "published", "submitted"]),
                "source_version": 1,
                "version": 1,
                "qa_checked_version": 1,
                "extraction_state": "done",
                "extractor_version": EXTRACTOR_VERSION,
                "extracted_at": done_at,
                "created_at": published_at,
                "updated_at": done_at,
            },
        )
        # The side-by-side rows: the title, then one row per source paragraph.
        sources = article_body.split("\n\n")
        targets = body.split("\n\n")
        segments = [("title", 0, article_title, title)]
        for i, source in enumerate(sources):
            last = i == len(sources) - 1
            target = "\n\n".join(targets[i:] if last else targets[i : i + 1])
            segments.append(("body", i, source, target))
        for position, (field_name, start, source, target) in enumerate(segments):
            self.rows.add(
                TranslationSegment,
                {
                    "id": self._id(TranslationSegment),
                    "translation_id": translation_id,
                    "position": position,
                    "field": field_name,
                    "source_start": start,
                    "source_count": 1,
                    "source_text": source,
                    "target_text": target,
                    "status": "done",
                    "version": 1,
                    "updated_at": done_at,
                },
            )
        owner = {"article_id": None, "translation_id": translation_id}
        per_entity = self._store_spans(owner, spans, title, body)
        self._coverage(article_id, translation_id, language, source_id, day, per_entity)
        self.rows.add(
            SearchDocument,
            {
                "id": self._id(SearchDocument),
                "article_id": article_id,
                "translation_id": translation_id,
                "language": language,
                "stems": self.stems(title, body, language, per_entity),
                "published_at": published_at,
            },
        )

    # -- the end -------------------------------------------------------------------------------

    def finish(self) -> None:
        from django.core.management.color import no_style
        from django.db import connection

        models = generated_models()
        self.rows.close()
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
        self._search_vectors()
        started = time.perf_counter()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Outside a transaction, VACUUM too: it sets the hint bits and the visibility
                # map that autovacuum would set on a desk's database, so the first page views
                # do not pay for them and index-only scans are possible.
                command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
                for model in models:
                    table = connection.ops.quote_name(model._meta.db_table)
                    cursor.execute(f"{command} {table}")
            else:
                command = "ANALYZE"
                cursor.execute(command)
        self.progress(f"  {command}: {time.perf_counter() - started:.0f} s")
        self.report.mentions = self.rows.written["entities.Mention"]
        self.report.counts = dict(self.rows.written)

    def _search_vectors(self) -> None:
        """Fill a tsvector column of the search index, if it has one that is not generated by
        the database (the search feature owns the schema; this follows it)."""
        from django.db import connection

        from entities.models import SearchDocument

        if connection.vendor != "postgresql":
            return
        table = connection.ops.quote_name(SearchDocument._meta.db_table)
        for f in SearchDocument._meta.concrete_fields:
            if f.get_internal_type() != "SearchVectorField":
                continue
            column = connection.ops.quote_name(f.column)
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET {column} = to_tsvector('simple', stems) "
                    f"WHERE {column} IS NULL"
                )
            self.progress(f"  {f.name}: filled in {time.perf_counter() - started:.0f} s")


class _SearchStems:
    """``SearchDocument.stems`` as the search feature writes it (``entities.search.documents
    .document_stems``: title, body and entity-token lines of the search feature's stems), made
    fast: the synthetic texts reuse a few thousand words, so each word is stemmed once (by the
    feature's own ``text_stems``) and looked up after. The generator's test compares the result
    with ``document_stems`` itself. Without the search feature: the lower-cased words."""

    def __init__(self) -> None:
        try:
            from entities.search import documents, stemming
        except ImportError:
            self.stemming = None
            return
        self.stemming, self.documents = stemming, documents
        self.cache: dict[tuple[str, str], list[str]] = {}

    def __call__(self, title: str, body: str, language: str, per_entity: Counter[int]) -> str:
        if self.stemming is None:
            return " ".join(re.findall(r"\w+", f"{title}\n{body}".lower()))
        documents = self.documents
        entities = [
            documents.entity_token(entity_id)
            for entity_id, count in sorted(per_entity.items())
            for _ in range(min(count, documents.ENTITY_TOKEN_REPEAT))
        ]
        lines = [self._line(self._stems(title, language)), self._line(self._stems(body, language))]
        return documents.LINE_SEPARATOR.join([*lines, self._line(entities)])

    @staticmethod
    def _line(tokens: list[str]) -> str:
        return " " + " ".join(tokens) + " "

    def _stems(self, text: str, language: str) -> list[str]:
        cache, out = self.cache, []
        for word in self.stemming.WORD.findall(text):
            stems = cache.get((word, language))
            if stems is None:
                stems = cache[(word, language)] = self.stemming.text_stems(word, language)
            out.extend(stems)
        return out


def scaled(articles: int) -> tuple[int, int]:
    """Mentions and entities for a number of articles, in the proportions of issue 8
    (100,000 articles : 2,000,000 mentions : 20,000 entities)."""
    return articles * 20, max(50, articles // 5)


def generate(
    *,
    articles: int = ARTICLES,
    mentions: int = MENTIONS,
    entities: int = ENTITIES,
    seed: int = 42,
    batch: int = 2_000,
    end: date | None = None,
    progress: Callable[[str], None] | None = None,
    parallel: bool = False,
) -> GenerationReport:
    """Fill the current database (appending after existing rows) with generated data.

    ``end`` is the last publication day (default: today), ``batch`` the articles per
    transaction; ``parallel`` (PostgreSQL) writes on a second connection while generating,
    committing each batch there: for the command line, not inside a transaction."""
    from django.conf import settings

    started = time.perf_counter()
    if end is None:
        end = datetime.now(ZoneInfo(settings.TIME_ZONE)).date()
    generator = _Generator(
        articles=articles,
        mentions=mentions,
        entities=entities,
        seed=seed,
        batch=batch,
        end=end,
        progress=progress,
        parallel=parallel,
    )
    generator._first_ids()
    generator.sources()
    generator.entities()
    (progress or (lambda m: None))(
        f"  {entities:,} entities in {time.perf_counter() - started:.0f} s"
    )
    generator.articles()
    generator.finish()
    generator.report.seconds = time.perf_counter() - started
    return generator.report


# --- the database -------------------------------------------------------------------------


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[-1].split("?", 1)[0]


def database_prepare(url: str, *, replace: bool = False) -> None:
    """Create the bench database when missing (PostgreSQL), or drop it first with ``replace``.
    Only a database whose name contains "bench" is ever created, dropped or filled."""
    name = database_name(url)
    if "bench" not in name:
        raise SystemExit(
            f"refusing to use {name!r}: the generator only writes to a database whose name "
            "contains 'bench' (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/kzeditor_bench)"
        )
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        if replace:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg
    from psycopg import sql

    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and replace:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzeditor.settings.base")
    os.environ.setdefault("DEBUG", "false")
    os.environ.pop("CELERY_BROKER_URL", None)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate_command(
    *,
    articles: int,
    mentions: int | None,
    entities: int | None,
    seed: int,
    batch: int,
    serial: bool = False,
) -> GenerationReport | None:
    """What ``run.py generate`` and ``python -m benchmarks.datagen`` do: refuse to add to a
    database that already has articles (``--replace`` drops it before), generate, print the
    figures."""
    from articles.models import Article

    default_mentions, default_entities = scaled(articles)
    mentions = default_mentions if mentions is None else mentions
    entities = default_entities if entities is None else entities
    existing = Article.objects.count()
    if existing:
        print(
            f"  the database already has {existing:,} articles: nothing generated "
            "(add --replace to drop it and generate again)"
        )
        return None
    print(
        f"  generating {articles:,} articles, {mentions:,} mentions, {entities:,} entities "
        f"(seed {seed}) into {database_name(os.environ['DATABASE_URL'])}"
    )
    report = generate(
        articles=articles,
        mentions=mentions,
        entities=entities,
        seed=seed,
        batch=batch,
        progress=lambda message: print(message, flush=True),
        parallel=not serial,
    )
    print(f"  generated in {report.seconds:.0f} s")
    for label, count in sorted(report.counts.items()):
        print(f"    {label:<32} {count:>12,}")
    return report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--articles", type=int, default=ARTICLES)
    parser.add_argument("--mentions", type=int, default=None, help="default: 20 per article")
    parser.add_argument("--entities", type=int, default=None, help="default: 1 per 5 articles")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--batch", type=int, default=2_000, help="articles per transaction")
    parser.add_argument(
        "--replace", action="store_true", help="drop the bench database and generate again"
    )
    parser.add_argument(
        "--serial", action="store_true", help="PostgreSQL: COPY on one connection, no thread"
    )


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    args = parser.parse_args(list(argv) if argv is not None else None)
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    database_prepare(url, replace=args.replace)
    django_setup(url)
    generate_command(
        articles=args.articles,
        mentions=args.mentions,
        entities=args.entities,
        seed=args.seed,
        batch=args.batch,
        serial=args.serial,
    )


if __name__ == "__main__":
    main()

"""Which figures of two articles disagree about the same thing (pure: no database).

A pair of figures is a conflict when all of these hold:

* they are in two different articles, of the same kind and unit (USD with USD, % with %);
* their values disagree beyond what the writing allows: each figure stands for an interval
  given by the precision written («7,4 млрд» is 7.35–7.45 bn, «27 млрд» is 26.5–27.5 bn; a
  written-out «27 000 000 000» is rounded to its last non-zero digit) and widened by a
  qualifier around it («более», «свыше», «астам» → at least; «до», «дейін» → at most;
  «около», «шамамен», «about» → ±10 %; «25–27 млрд» → the range). Overlapping intervals agree;
* they are within a factor of two of each other (55 bn against 7.4 bn are different deals);
* neither is corroborated: when the other article also states an agreeing value of that kind
  and unit, it is taken to be talking about the same number, and nothing is flagged;
* their sentences are about the same thing: they share a topic (a word of the same concept in
  any of kk/ru/en, ``TOPICS``: «инвестиция», «инвестиции», «investment»), and
  - within a story: they share a linked entity, or at least one of them names no entity at all
    (which only a language with a NER model can tell: English sentences need a shared entity,
    found by the aliases of the entities linked in the other articles);
  - across stories (entity detection): the entity in question is named in both sentences;
  and the sentences do not name different companies or people only (Chevron's $27 bn against
  ExxonMobil's $25 bn), nor different years only («2025 жылы» against «в 2027 году»).

Each figure pairs at most once per article pair, best evidence first. The rules are
conservative on purpose: the list is a fact-checking queue, and an editor must trust it."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import razdel

from entities.extraction.figures import parse_number

RATIO_LIMIT = Decimal(2)
APPROXIMATE = Decimal("0.10")

# -- topics --------------------------------------------------------------------------------

# A concept and the words (casefolded) that name it in Kazakh, Russian and English. «x*» is a
# prefix (the rest of the word: Kazakh and Russian endings); anything else is a regular
# expression for the whole word. Short or ambiguous stems are spelled out («цена», not «цен»,
# which would match «центр»; «газ» but not «газета»). Units and currencies are not topics: the
# figure itself carries them.
TOPICS: dict[str, tuple[str, ...]] = {
    "investment": ("инвест*", "вложен*", "влож[иа]т*", "вложил*", "салым*", "invest*"),
    "project": ("жоба*", "проект*", "project*"),
    "cost": (
        "құн(?:ы|ын|ына|ынан|ымен|ында)?", "стоимост*", "cost*", "worth",
    ),
    "budget": ("бюджет*", "budget*"),
    "agreement": (
        "келісім*", "сделк*", "сделок", "соглашен*", "контракт*", "договор*", "deal*",
        "agreement*", "contract*",
    ),
    "loan": ("несие*", "кредит*", "заём*", "заем*", "займ*", "loan*", "credit*"),
    "export": ("экспорт*", "export*"),
    "import": ("импорт*", "import*"),
    "trade": ("товарооборот*", "сауда*", "айналым*", "trade*", "turnover*"),
    "production": ("өндір*", "добыч*", "добыва*", "производ*", "output*", "produc*"),
    "tax": ("салық*", "налог*", "tax*"),
    "revenue": ("кіріс*", "түсім*", "доход*", "выручк*", "revenue*", "income*"),
    "profit": ("прибыл*", "profit*", "earnings"),
    "gdp": ("жіө*", "ввп", "gdp"),
    "inflation": ("инфляц*", "inflation*"),
    "price": (
        "баға(?:сы|сын|сына|ның|лар\\w*)?", "цен(?:а|ы|у|е|ой|ам|ами|ах)", "price*",
    ),
    "salary": ("жалақ*", "зарплат*", "заработн*", "salar*", "wage*"),
    "pension": ("зейнетақ*", "пенси*", "pension*"),
    "debt": ("қарыз*", "долг*", "задолжен*", "debt*"),
    "fine": ("айыппұл*", "штраф*", "penalt*"),
    "damage": ("залал*", "шығын*", "ущерб*", "убыт*", "damage*", "loss(?:es)?"),
    "reserves": ("қоры", "қорын", "қорлар\\w*", "резерв*", "запас*", "reserve*"),
    "oil": ("мұнай*", "нефт*", "oil"),
    "gas": ("газ(?!ет)\\w*", "gas"),
    "hydrocarbons": ("көмірсутек*", "углеводород*", "hydrocarbon*"),
    "grain": (
        "астық*", "егін*", "зерн*", "урожа*", "бидай*", "пшениц*", "grain*", "harvest*",
        "wheat",
    ),
    "coal": ("көмір(?!сутек)\\w*", "уголь", "угля", "углю", "углем", "coal"),
    "electricity": ("электр*", "электроэнерг*", "electric*"),
    "capacity": ("қуат*", "мощност*", "capacit*"),
    "population": ("халық(?!аралық)\\w*", "населен*", "жител*", "population*", "resident*"),
    "participants": ("қатысушы*", "участник*", "participant*"),
    "casualties": (
        "қаза*", "зардап*", "погиб*", "жертв*", "пострадав*", "death*", "dead", "killed",
        "victim*", "injur*",
    ),
    "unemployment": ("жұмыссыз*", "безработ*", "unemploy*"),
    "tourists": ("турист*", "tourist*"),
    "housing": ("пәтер*", "жиль*", "квартир*", "housing"),
    "subsidies": ("субсид*", "subsid*"),
    "sales": ("продаж*", "sales"),
    "assets": ("актив*", "asset*"),
    "financing": ("қаржыландыр*", "финансир*", "funding", "funded"),
    "emissions": ("шығарынд*", "выброс*", "emission*"),
    "share": ("үлес*", "доля", "доли", "долю", "долей", "stake*", "share"),
    "rate": ("мөлшерлеме*", "ставк*", "rate"),
}  # fmt: skip


def _word_pattern(word: str) -> str:
    return re.escape(word[:-1]) + r"\w*" if word.endswith("*") else word


_TOPIC_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (topic, re.compile("|".join(f"(?:{_word_pattern(w)})" for w in words)))
    for topic, words in TOPICS.items()
)
_WORD = re.compile(r"[^\W\d_]+")
_YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")


def topics_in(text: str) -> dict[str, str]:
    """The topics a text names, each with the first word (as written) that names it."""
    found: dict[str, str] = {}
    for word in _WORD.findall(text):
        folded = word.casefold()
        for topic, pattern in _TOPIC_PATTERNS:
            if topic not in found and pattern.fullmatch(folded):
                found[topic] = word
    return found


# -- sentences -------------------------------------------------------------------------------

_LINE = re.compile(r"[^\n]+")


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Sentences of a title or body as (start, end) offsets: razdel within each paragraph
    (a line of the stored body), a split before a lower-case word or a digit undone (razdel
    splits after abbreviations it does not know: «2025 ж. 1 қыркүйекте»)."""
    bounds: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        base = line.start()
        for sentence in razdel.sentenize(line.group()):
            if not sentence.text.strip():
                continue
            start, stop = base + sentence.start, base + sentence.stop
            first = text[start:stop].lstrip('-–—«"“( ')[:1]
            if bounds and bounds[-1][0] >= base and (first.islower() or first.isdigit()):
                bounds[-1] = (bounds[-1][0], stop)
            else:
                bounds.append((start, stop))
    return bounds


def sentence_around(bounds: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """The sentence holding the span (a span across sentences gets both)."""
    first = next((b for b in bounds if b[0] <= start < b[1]), None)
    last = next((b for b in bounds if b[0] < end <= b[1]), None)
    if first is None or last is None:
        return (start, end)
    return (first[0], max(first[1], last[1]))


# -- what a written figure allows ----------------------------------------------------------

_NUMBER_IN_FIGURE = re.compile(r"[0-9]+(?:[ \u00a0\u2009\u202f.,][0-9]+)*")
_BEFORE_RANGE = re.compile(
    r"(?<![0-9.,])(?P<low>[0-9]+(?:[.,][0-9]+)?)\s*(?:-|–|—|\.\.\.|…|до|to)\s*$", re.IGNORECASE
)
_BEFORE_APPROX = re.compile(
    r"(?<!\w)(?:около|порядка|примерно|приблизительно|ориентировочно|почти|чуть\s+(?:более|менее|"
    r"больше|меньше)|шамамен|шамасы|жуық|about|around|approximately|roughly|some|nearly|"
    r"almost|close\s+to|~|≈|ок\.)\s*$",
    re.IGNORECASE,
)
_BEFORE_MIN = re.compile(
    r"(?<!\w)(?:более|свыше|больше|не\s+менее|не\s+меньше|минимум|от|по\s+меньшей\s+мере|кемінде|"
    r"ең\s+кемі|more\s+than|over|at\s+least|above|in\s+excess\s+of|exceeding)(?:\s+чем)?\s*$",
    re.IGNORECASE,
)
_BEFORE_MAX = re.compile(
    r"(?<!\w)(?:до|менее|меньше|не\s+более|не\s+больше|не\s+свыше|максимум|up\s+to|under|"
    r"less\s+than|below|as\s+much\s+as|at\s+most)\s*$",
    re.IGNORECASE,
)
_AFTER_MIN = re.compile(
    r"^\s*(?:астам|артық|асады|асты|асатын|и\s+более|и\s+выше|or\s+more|plus)(?!\w)",
    re.IGNORECASE,
)
_AFTER_APPROX = re.compile(r"^\s*(?:шамасында|шамалы|жуық\w*|қаралы|шақты|or\s+so)(?!\w)", re.I)
_AFTER_MAX = re.compile(r"^\s*(?:дейін|кем|аспайды|аспайтын|or\s+less)(?!\w)", re.IGNORECASE)


def _half_step(figure_text: str, value: Decimal, decimal_comma: bool) -> tuple[Decimal, Decimal]:
    """Half the last written digit, in the figure's units, and the scale the words applied
    («7,4 млрд» → 0.05 × 10⁹ and 10⁹)."""
    match = _NUMBER_IN_FIGURE.search(figure_text)
    number = parse_number(match.group(), decimal_comma) if match else None
    if not number:
        return Decimal(0), Decimal(1)
    scale = value / number
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < 0:
        step = Decimal(1).scaleb(exponent)
    else:
        digits = str(int(number))
        zeros = len(digits) - len(digits.rstrip("0"))
        # «27 000 000 000» is a round number; «1300 тонн» is taken as written.
        step = Decimal(10) ** zeros if zeros >= 3 else Decimal(1)
    return step * scale / 2, scale


def figure_interval(
    *, text: str, start: int, end: int, figure_text: str, value: Decimal, language: str
) -> tuple[Decimal, Decimal | None, str]:
    """The values the figure at ``text[start:end]`` allows: (low, high or None for no upper
    bound, qualifier: "" exact, "min", "max", "approx" or "range")."""
    decimal_comma = language != "en"
    half, scale = _half_step(figure_text, value, decimal_comma)
    before = text[max(0, start - 40) : start]
    after = text[end : end + 20]
    if (found := _BEFORE_RANGE.search(before)) and (
        low := parse_number(found["low"], decimal_comma)
    ) is not None:
        low *= scale
        if value / 10 <= low < value:  # «25–27 млрд», not «2025 – 27 млрд»
            return low - half, value + half, "range"
    if _BEFORE_APPROX.search(before) or _AFTER_APPROX.match(after):
        return value * (1 - APPROXIMATE) - half, value * (1 + APPROXIMATE) + half, "approx"
    if _BEFORE_MIN.search(before) or _AFTER_MIN.match(after):
        return value - half, None, "min"
    if _BEFORE_MAX.search(before) or _AFTER_MAX.match(after):
        return Decimal(0), value + half, "max"
    return value - half, value + half, ""


# -- facts and pairs -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntityRef:
    id: int
    name: str
    is_subject: bool  # a person or an organisation (places are a setting, not a subject)


@dataclass(frozen=True, slots=True)
class MentionSpan:
    """A named person, organisation or place: ``entity`` when linked, else only its text."""

    field: str
    start: int
    end: int
    text: str
    is_subject: bool
    entity: EntityRef | None = None

    @property
    def key(self) -> str:
        return f"e:{self.entity.id}" if self.entity else f"t:{self.text.casefold()}"


@dataclass(frozen=True)
class FigureFacts:
    """One figure with what it is about."""

    article_id: int
    field: str
    start: int
    end: int
    text: str
    kind: str
    unit: str
    value: Decimal
    low: Decimal
    high: Decimal | None
    sentence: str
    entities: dict[int, EntityRef] = field(default_factory=dict)  # linked ones, by id
    names: frozenset[str] = frozenset()  # every name in the sentence, linked or not
    subjects: frozenset[str] = frozenset()  # the people and organisations among them
    topics: dict[str, str] = field(default_factory=dict)
    years: frozenset[str] = frozenset()
    # Whether names were looked for by a NER model (not for English yet: there only the names
    # of entities linked in the other articles are found, by their aliases).
    has_ner: bool = True

    def agrees_with(self, other: FigureFacts) -> bool:
        """The two intervals overlap: the texts may well state the same number."""
        below = other.high is not None and other.high < self.low
        above = self.high is not None and self.high < other.low
        return not (below or above)


def figure_facts(
    *,
    article_id: int,
    texts: dict[str, str],
    language: str,
    figures: Iterable[tuple[str, int, int, str, str, str, Decimal]],
    mentions: Iterable[MentionSpan],
    has_ner: bool = True,
) -> list[FigureFacts]:
    """Facts for an article's figures: (field, start, end, text, kind, unit, value) each, with
    the article's texts by field and its linked mentions."""
    by_field: dict[str, list[MentionSpan]] = {}
    for mention in mentions:
        by_field.setdefault(mention.field, []).append(mention)
    bounds: dict[str, list[tuple[int, int]]] = {}
    facts = []
    for field_name, start, end, text, kind, unit, value in figures:
        field_text = texts.get(field_name, "")
        if field_text[start:end] != text:
            continue  # the text changed since extraction; the next run brings new figures
        if field_name not in bounds:
            bounds[field_name] = (
                [(0, len(field_text))] if field_name == "title" else sentence_bounds(field_text)
            )
        s_start, s_end = sentence_around(bounds[field_name], start, end)
        sentence = field_text[s_start:s_end]
        rest = field_text[s_start:start] + " " + field_text[end:s_end]
        low, high, _qualifier = figure_interval(
            text=field_text, start=start, end=end, figure_text=text, value=value, language=language
        )
        named = [m for m in by_field.get(field_name, ()) if m.start >= s_start and m.end <= s_end]
        facts.append(
            FigureFacts(
                article_id=article_id,
                field=field_name,
                start=start,
                end=end,
                text=text,
                kind=kind,
                unit=unit,
                value=value,
                low=low,
                high=high,
                sentence=sentence.strip(),
                entities={m.entity.id: m.entity for m in named if m.entity},
                names=frozenset(m.key for m in named),
                subjects=frozenset(m.key for m in named if m.is_subject),
                topics=topics_in(rest),
                years=frozenset(_YEAR.findall(rest)),
                has_ner=has_ner,
            )
        )
    return facts


@dataclass(frozen=True)
class FoundConflict:
    a: FigureFacts  # in the article with the smaller id
    b: FigureFacts
    entities: tuple[EntityRef, ...]  # shared, subjects first
    topics: tuple[tuple[str, str, str], ...]  # (topic, word in a, word in b)
    score: int

    @property
    def fingerprint(self) -> str:
        return conflict_fingerprint(
            article_a=self.a.article_id,
            article_b=self.b.article_id,
            kind=self.a.kind,
            unit=self.a.unit,
            value_a=self.a.value,
            value_b=self.b.value,
        )

    @property
    def entity(self) -> EntityRef | None:
        return self.entities[0] if self.entities else None


def normalised_value(value: Decimal) -> str:
    """27000000000.000000, 2.7E+10 and 27000000000 all give "27000000000"."""
    return format(Decimal(value).normalize(), "f")


def conflict_fingerprint(
    *, article_a: int, article_b: int, kind: str, unit: str, value_a: Decimal, value_b: Decimal
) -> str:
    """Stable across re-extraction (figure rows are replaced, their values are not)."""
    if article_a > article_b:
        article_a, article_b, value_a, value_b = article_b, article_a, value_b, value_a
    key = "|".join(
        (
            str(article_a),
            str(article_b),
            kind,
            unit,
            normalised_value(value_a),
            normalised_value(value_b),
        )
    )
    return hashlib.sha256(key.encode()).hexdigest()


def _within_ratio(a: Decimal, b: Decimal) -> bool:
    small, large = sorted((abs(a), abs(b)))
    return small > 0 and large <= small * RATIO_LIMIT


def _evidence(
    a: FigureFacts, b: FigureFacts, *, focal_entity: int | None
) -> tuple[tuple[EntityRef, ...], tuple[tuple[str, str, str], ...]] | None:
    """What ties the two sentences together, or None when they are not about one thing."""
    topics = tuple(
        (topic, a.topics[topic], b.topics[topic]) for topic in a.topics if topic in b.topics
    )
    if not topics:
        return None
    shared_ids = a.entities.keys() & b.entities.keys()
    if focal_entity is not None and focal_entity not in shared_ids:
        return None
    if focal_entity is None and not shared_ids and not a.names & b.names:
        if a.names and b.names:
            return None  # each names someone or somewhere else, and nothing in common
        if not (a.has_ner and b.has_ner):
            return None  # a name may be there, unseen: only a shared entity will do
    if a.subjects and b.subjects and not a.subjects & b.subjects:
        return None  # Chevron's figure against ExxonMobil's
    if a.years and b.years and not a.years & b.years:
        return None  # 2025 against 2027
    shared = sorted(
        (a.entities[i] for i in shared_ids), key=lambda e: (not e.is_subject, e.name, e.id)
    )
    return tuple(shared), topics


def conflicts_between(
    facts_a: Sequence[FigureFacts],
    facts_b: Sequence[FigureFacts],
    *,
    focal_entity: int | None = None,
) -> list[FoundConflict]:
    """The conflicts between two articles' figures (one fingerprint once), best first."""
    candidates: list[tuple[tuple, FoundConflict]] = []
    for a in facts_a:
        same_a = [b for b in facts_b if b.kind == a.kind and b.unit == a.unit]
        if not same_a or any(a.agrees_with(b) for b in same_a):
            continue
        for b in same_a:
            if not _within_ratio(a.value, b.value):
                continue
            if any(b.agrees_with(x) for x in facts_a if x.kind == b.kind and x.unit == b.unit):
                continue
            evidence = _evidence(a, b, focal_entity=focal_entity)
            if evidence is None:
                continue
            entities, topics = evidence
            score = 2 * len(entities) + len(topics)
            ratio = max(a.value, b.value) / min(a.value, b.value)
            order = (-score, ratio, a.field != "body", a.start, b.start)
            candidates.append((order, FoundConflict(a, b, entities, topics, score)))
    candidates.sort(key=lambda c: c[0])
    used: set[int] = set()
    seen: set[str] = set()
    found = []
    for _order, conflict in candidates:
        keys = (id(conflict.a), id(conflict.b))
        if keys[0] in used or keys[1] in used or conflict.fingerprint in seen:
            continue
        used.update(keys)
        seen.add(conflict.fingerprint)
        found.append(conflict)
    return found


def conflicts_among(
    facts_by_article: dict[int, list[FigureFacts]],
    *,
    focal_entity: int | None = None,
    skip_pair=None,
) -> list[FoundConflict]:
    """Conflicts between every two of the articles (``skip_pair(a, b)`` leaves pairs out)."""
    article_ids = sorted(i for i, facts in facts_by_article.items() if facts)
    found: list[FoundConflict] = []
    for position, article_a in enumerate(article_ids):
        for article_b in article_ids[position + 1 :]:
            if skip_pair is not None and skip_pair(article_a, article_b):
                continue
            found.extend(
                conflicts_between(
                    facts_by_article[article_a],
                    facts_by_article[article_b],
                    focal_entity=focal_entity,
                )
            )
    return found

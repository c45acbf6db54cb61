"""Kazakh words for the figure, date and quote extractors (plain data; the engines compile it).

Kazakh is agglutinative: a case or possessive suffix is glued to the last word («тоннаны»,
«пайызға», «қыркүйекте», «Шаймергенованың»), so most fragments end with ``_REST`` (the rest of
the word) and digits and abbreviations take a hyphenated suffix («$27 млрд-тан», «20-дан»)."""

from __future__ import annotations

# The rest of a word: any letters (a suffix), never digits.
_REST = r"[^\W\d_]*"

# -- figures -----------------------------------------------------------------------------------

# «7,4» is seven point four; a comma never separates thousands in Kazakh copy.
DECIMAL_COMMA = True

# A suffix written after a hyphen on a number, symbol or abbreviation: «млрд-тан», «%-ға».
GLUED_SUFFIX = r"-[^\W\d_]{1,7}"

SCALES: tuple[tuple[str, int], ...] = (
    (r"мың" + _REST, 10**3),
    (r"тыс(?:\.|яч" + _REST + r")?", 10**3),
    (r"млн(?:" + _REST + r"|\.)?|миллион" + _REST, 10**6),
    (r"млрд(?:" + _REST + r"|\.)?|миллиард" + _REST, 10**9),
    (r"трлн(?:" + _REST + r"|\.)?|триллион" + _REST, 10**12),
)

# Words written after the number (the symbols and ISO codes are language-neutral, in figures.py).
CURRENCIES: tuple[tuple[str, str], ...] = (
    (r"(?:АҚШ\s+)?доллар" + _REST, "USD"),
    (r"теңге" + _REST + r"|тенге" + _REST, "KZT"),
    (r"еуро" + _REST + r"|евро" + _REST, "EUR"),
    (r"рубль" + _REST + r"|рубл" + _REST, "RUB"),
    (r"юань" + _REST + r"|юан" + _REST, "CNY"),
    (r"фунт\s+стерлинг" + _REST, "GBP"),
    (r"иена" + _REST + r"|йена" + _REST, "JPY"),
)

# Not «пайыздық тармақ/пункт» (percentage points): a change of a share is not a share, and
# Russian and English copy does not count «процентных пунктов», «percentage points» either.
PERCENT: tuple[str, ...] = (
    r"пайыз" + _REST + r"(?!\s+(?:тармақ|пункт))",
    r"процент" + _REST + r"(?!\s+(?:тармақ|пункт))",
)

# Longer, more specific forms first: the alternation takes the first that fits.
UNITS: tuple[tuple[str, str], ...] = (
    (r"(?-i:кВт)[·∙⋅*/\-\s]?сағ" + _REST, "kWh"),
    (r"(?-i:МВт)[·∙⋅*/\-\s]?сағ" + _REST, "MWh"),
    (r"(?-i:ГВт)[·∙⋅*/\-\s]?сағ" + _REST, "GWh"),
    (r"(?-i:кВт)", "kW"),
    (r"(?-i:МВт)", "MW"),
    (r"(?-i:ГВт)", "GW"),
    (r"киловатт" + _REST, "kW"),
    (r"мегаватт" + _REST, "MW"),
    (r"гигаватт" + _REST, "GW"),
    (r"текше\s+метр" + _REST + r"|м³|м3", "m3"),
    (r"шаршы\s+метр" + _REST + r"|м²|м2", "m2"),
    (r"шаршы\s+(?:шақырым|километр)" + _REST + r"|км²|км2", "km2"),
    (r"тонна" + _REST + r"|тонн" + _REST, "t"),
    (r"шақырым" + _REST + r"|километр" + _REST + r"|км", "km"),
    (r"гектар" + _REST + r"|га", "ha"),
    (r"баррель" + _REST + r"|баррел" + _REST, "bbl"),
    (r"килограмм" + _REST + r"|кг", "kg"),
    (r"адам(?!зат)" + _REST, "people"),
    # «1,5 млн т», but not «т.б.» (and so on) after a number.
    (r"т(?!\.\s?[а-яәғқңөұүһі]\.)", "t"),
)

# -- dates -------------------------------------------------------------------------------------

# Stems with any case suffix: «қыркүйек», «қыркүйекте», «қазандағы», «тамызда».
MONTHS: tuple[tuple[str, int], ...] = (
    (r"қаңтар" + _REST, 1),
    (r"ақпан" + _REST, 2),
    (r"наурыз" + _REST, 3),
    (r"сәуір" + _REST, 4),
    (r"мамыр" + _REST, 5),
    (r"маусым" + _REST, 6),
    (r"шілде" + _REST, 7),
    (r"тамыз" + _REST, 8),
    (r"қыркүйе[кг]" + _REST, 9),  # «қыркүйегінде»: к voices to г before a vowel
    (r"қазан" + _REST, 10),
    (r"қараша" + _REST, 11),
    (r"желтоқсан" + _REST, 12),
)

# After a year: «12 қазан 2025 жыл», «2025 ж.».
YEAR_WORDS = r"жыл" + _REST + r"|ж\."
# Before the day: «2025 жылғы 12 қазан».
YEAR_PREFIX = r"жылғы|жылдың|жылы|ж\."
DAY_SUFFIX = ""
# Between two dates of a range, besides a dash (none in Kazakh: it uses case suffixes).
RANGE_JOIN = ""
# After a range written with suffixes: «31 тамыздан 3 қыркүйекке дейін».
RANGE_CLOSE = r"дейін|шейін"

RELATIVE_DAYS: tuple[tuple[str, int], ...] = (
    (r"бүгін", 0),
    (r"кеше", -1),
    (r"ертең", 1),
    (r"бүрсігүні", 2),
    (r"алдыңғы\s+күні", -2),
)

# Only locative or «… күні» forms: a bare «жұма» is also a noun, «сенбі» rarely stands alone.
_DAY_FORM = r"(?:де|ді|\s+күні)"
WEEKDAYS: tuple[tuple[str, int], ...] = (
    (r"дүйсенбі" + _DAY_FORM, 0),
    (r"сейсенбі" + _DAY_FORM, 1),
    (r"сәрсенбі" + _DAY_FORM, 2),
    (r"бейсенбі" + _DAY_FORM, 3),
    (r"жұма(?:да|\s+күні)", 4),
    (r"сенбі" + _DAY_FORM, 5),
    (r"жексенбі" + _DAY_FORM, 6),
)
WEEKDAY_PREFIX = ""
TIME_PREFIX = r"сағат"
# English only: «September 2, 2025».
MONTH_FIRST = False

# -- quotes ------------------------------------------------------------------------------------

# The verb after a quotation: «"…", – деді Тоқаев», «"…" деп атап өтті Мемлекет басшысы».
# Not «деген»: «"…" деген бастама» introduces a name («the initiative called …»).
SPEECH_VERBS = (
    r"деді|дейді|деп\s+(?:атап\s+(?:өтті|көрсетті|айтты)|мәлімдеді|хабарлады|"
    r"түсіндірді|сендірді|қосты|айтты|жазды|санайды|есептейді|сенеді|пікір\s+білдірді|"
    r"мәлімдеме\s+жасады|ескертті|баса\s+айтты|атады|жеткізді|сөзін\s+түйіндеді)"
)
# Before a name in the nominative, introducing the quote: none in Kazakh.
ACCORDING_BEFORE = ""
# After a name in the genitive: «Гүлнар Шаймергенованың айтуынша, "…"».
ACCORDING_AFTER = (
    r"айтуынша|сөзінше|пікірінше|атап\s+өткендей|мәлімдеуінше|хабарлауынша|"
    r"сөзіне\s+қарағанда|айтқандай|пайымдауынша"
)
# A name, then this, then the quotation: «Тоқаев атап өтті: "…"».
VERBS_BEFORE_COLON = r"деді|атап\s+өтті|мәлімдеді|айтты|жазды|қосты|түсіндірді"
# «X said» after an English quotation; Kazakh puts the verb first or the speaker before.
SPEAKER_THEN_VERB = False
PRONOUNS: frozenset[str] = frozenset(
    {"ол", "олар", "оның", "олардың", "мен", "біз", "сен", "сіз", "бұл", "ал"}
)

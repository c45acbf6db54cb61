"""Russian words for the figure, date and quote extractors (plain data; the engines compile it).

Fragments match every case form a desk writes («миллиарда», «долларов», «сентября», «тонн»),
mostly by a stem followed by ``_REST`` (the rest of the word)."""

from __future__ import annotations

_REST = r"[^\W\d_]*"

# -- figures -----------------------------------------------------------------------------------

# «7,4 млрд» is seven point four billion; a comma never separates thousands in Russian copy.
DECIMAL_COMMA = True
# Russian writes no hyphenated case endings on figures that matter here.
GLUED_SUFFIX = ""

SCALES: tuple[tuple[str, int], ...] = (
    (r"тыс(?:\.|яч" + _REST + r")?", 10**3),
    (r"млн\.?|миллион" + _REST, 10**6),
    (r"млрд\.?|миллиард" + _REST, 10**9),
    (r"трлн\.?|триллион" + _REST, 10**12),
)

CURRENCIES: tuple[tuple[str, str], ...] = (
    (r"(?:американск" + _REST + r"\s+)?долл(?:ар" + _REST + r"|\.)(?:\s+США)?", "USD"),
    (r"тенге|теңге", "KZT"),
    (r"евро", "EUR"),
    (r"рубл" + _REST + r"|руб\.", "RUB"),
    (r"(?:китайск" + _REST + r"\s+)?юан" + _REST, "CNY"),
    (r"фунт" + _REST + r"(?:\s+стерлинг" + _REST + r")?", "GBP"),
    (r"иен" + _REST + r"|йен" + _REST, "JPY"),
)

# Not «процентных» (пунктов): percentage points are not a share.
PERCENT: tuple[str, ...] = (r"процент(?:а|ов|ы|ам|ами|ах|ом|у)?",)

UNITS: tuple[tuple[str, str], ...] = (
    (r"(?-i:кВт)[·∙⋅*/\-\s]?ч|киловатт-час" + _REST, "kWh"),
    (r"(?-i:МВт)[·∙⋅*/\-\s]?ч|мегаватт-час" + _REST, "MWh"),
    (r"(?-i:ГВт)[·∙⋅*/\-\s]?ч|гигаватт-час" + _REST, "GWh"),
    (r"(?-i:кВт)|киловатт" + _REST, "kW"),
    (r"(?-i:МВт)|мегаватт" + _REST, "MW"),
    (r"(?-i:ГВт)|гигаватт" + _REST, "GW"),
    (r"кубометр" + _REST + r"|куб\.\s?м|м³|м3|кубическ" + _REST + r"\s+метр" + _REST, "m3"),
    (r"кв\.\s?км|км²|км2|квадратн" + _REST + r"\s+километр" + _REST, "km2"),
    (r"кв\.\s?м|м²|м2|квадратн" + _REST + r"\s+метр" + _REST, "m2"),
    (r"тонн" + _REST, "t"),
    (r"километр" + _REST + r"|км", "km"),
    (r"гектар" + _REST + r"|га", "ha"),
    (r"баррел" + _REST, "bbl"),
    (r"килограмм" + _REST + r"|кг", "kg"),
    (r"человек|чел\.", "people"),
    # «14,2 млн т», but not «т. е.» (that is) after a number.
    (r"т(?!\.\s?[а-я]\.)", "t"),
)

# -- dates -------------------------------------------------------------------------------------

MONTHS: tuple[tuple[str, int], ...] = (
    (r"январ[ьяеюё]", 1),
    (r"феврал[ьяеюё]", 2),
    (r"марта?|марте", 3),
    (r"апрел[ьяею]", 4),
    (r"ма[йяею]", 5),
    (r"июн[ьяею]", 6),
    (r"июл[ьяею]", 7),
    (r"августа?|августе", 8),
    (r"сентябр[ьяею]", 9),
    (r"октябр[ьяею]", 10),
    (r"ноябр[ьяею]", 11),
    (r"декабр[ьяею]", 12),
)

YEAR_WORDS = r"года|году|год|г\.(?:\s?г\.)?"
YEAR_PREFIX = ""
DAY_SUFFIX = r"-?(?:го|е)"
# «с 31 августа по 3 сентября», «с 1 по 3 сентября», «от 1 до 3 сентября».
RANGE_JOIN = r"по|до"
RANGE_CLOSE = ""

RELATIVE_DAYS: tuple[tuple[str, int], ...] = (
    (r"позавчера", -2),
    (r"послезавтра", 2),
    (r"сегодня", 0),
    (r"вчера", -1),
    (r"завтра", 1),
)

# Only after «в»/«во»: a bare weekday name is often a headline or a TV listing, not a date.
WEEKDAYS: tuple[tuple[str, int], ...] = (
    (r"понедельник", 0),
    (r"вторник", 1),
    (r"среду", 2),
    (r"четверг", 3),
    (r"пятницу", 4),
    (r"субботу", 5),
    (r"воскресенье", 6),
)
WEEKDAY_PREFIX = r"во?\s+"
TIME_PREFIX = r"в"
MONTH_FIRST = False

# -- quotes ------------------------------------------------------------------------------------

# Past forms take the feminine and plural endings; present forms the plural.
SPEECH_VERBS = (
    r"(?:сказал|заявил|отметил|подчеркнул|добавил|пояснил|сообщил|заключил|резюмировал|указал|"
    r"напомнил|признал|рассказал|уточнил|констатировал|заверил|призвал|ответил|написал|"
    r"подытожил|говорил|считал|убежден|убеждён|уверен)(?:а|и|о)?|"
    r"(?:считает|говорит|отмечает|подчеркивает|подчёркивает|добавляет|поясняет|сообщает|"
    r"полагает|утверждает|уверяет)|(?:считают|говорят|отмечают|полагают|утверждают)"
)
# A name in the nominative after these: «по словам Токаева, "…"», «как заявил Токаев, "…"».
ACCORDING_BEFORE = r"по\s+словам|по\s+мнению|как\s+(?:" + SPEECH_VERBS + r")"
ACCORDING_AFTER = ""
VERBS_BEFORE_COLON = SPEECH_VERBS
SPEAKER_THEN_VERB = False
PRONOUNS: frozenset[str] = frozenset(
    {"он", "она", "они", "оно", "я", "мы", "вы", "тот", "та", "те", "этот", "эта"}
)

"""English words for the figure, date and quote extractors (plain data; the engines compile it)."""

from __future__ import annotations

# -- figures -----------------------------------------------------------------------------------

# «1,250» is one thousand two hundred and fifty; the decimal mark is the point.
DECIMAL_COMMA = False
GLUED_SUFFIX = ""

SCALES: tuple[tuple[str, int], ...] = (
    (r"thousands?", 10**3),
    # «$5m», «$3.1bn», «$1.2trn»: the short forms of financial copy.
    (r"millions?|mln|mn|m", 10**6),
    (r"billions?|bln|bn|b", 10**9),
    (r"trillions?|trln|trn|tn", 10**12),
)

CURRENCIES: tuple[tuple[str, str], ...] = (
    (r"(?:US\s+|U\.S\.\s+|American\s+)?dollars?", "USD"),
    (r"tenge", "KZT"),
    (r"euros?", "EUR"),
    (r"(?:Russian\s+)?(?:rubles?|roubles?)", "RUB"),
    (r"(?:Chinese\s+)?yuan|renminbi", "CNY"),
    (r"pounds?(?:\s+sterling)?", "GBP"),
    (r"(?:Japanese\s+)?yen", "JPY"),
)

PERCENT: tuple[str, ...] = (r"per\s?cent", r"pct")

UNITS: tuple[tuple[str, str], ...] = (
    (r"(?-i:kWh)|kilowatt[-\s]hours?", "kWh"),
    (r"(?-i:MWh)|megawatt[-\s]hours?", "MWh"),
    (r"(?-i:GWh)|gigawatt[-\s]hours?", "GWh"),
    (r"(?-i:kW)|kilowatts?", "kW"),
    (r"(?-i:MW)|megawatts?", "MW"),
    (r"(?-i:GW)|gigawatts?", "GW"),
    (r"cubic\s+met(?:er|re)s?|m³|m3|cu\.?\s?m", "m3"),
    (r"square\s+kilomet(?:er|re)s?|sq\.?\s?km|km²|km2", "km2"),
    (r"square\s+met(?:er|re)s?|sq\.?\s?m|m²|m2", "m2"),
    (r"(?:metric\s+)?(?:tonnes?|tons?)", "t"),
    (r"kilomet(?:er|re)s?|km", "km"),
    (r"hectares?|ha", "ha"),
    (r"barrels?|bbl", "bbl"),
    (r"kilograms?|kilogrammes?|kg", "kg"),
    (r"people|persons", "people"),
)

# -- dates -------------------------------------------------------------------------------------

MONTHS: tuple[tuple[str, int], ...] = (
    (r"January|Jan\.?", 1),
    (r"February|Feb\.?", 2),
    (r"March|Mar\.?", 3),
    (r"April|Apr\.?", 4),
    (r"May", 5),
    (r"June|Jun\.?", 6),
    (r"July|Jul\.?", 7),
    (r"August|Aug\.?", 8),
    (r"September|Sept?\.?", 9),
    (r"October|Oct\.?", 10),
    (r"November|Nov\.?", 11),
    (r"December|Dec\.?", 12),
)

YEAR_WORDS = ""
YEAR_PREFIX = ""
DAY_SUFFIX = r"st|nd|rd|th"
# «from 31 August to 3 September».
RANGE_JOIN = r"to|until|till|through"
RANGE_CLOSE = ""

RELATIVE_DAYS: tuple[tuple[str, int], ...] = (
    (r"the\s+day\s+before\s+yesterday", -2),
    (r"the\s+day\s+after\s+tomorrow", 2),
    (r"today", 0),
    (r"yesterday", -1),
    (r"tomorrow", 1),
)

WEEKDAYS: tuple[tuple[str, int], ...] = (
    (r"Monday", 0),
    (r"Tuesday", 1),
    (r"Wednesday", 2),
    (r"Thursday", 3),
    (r"Friday", 4),
    (r"Saturday", 5),
    (r"Sunday", 6),
)
# Only in a dating phrase («on Monday», «last Monday»): «Monday's session» is often generic.
WEEKDAY_PREFIX = r"on\s+|last\s+"
TIME_PREFIX = r"at"
# «September 2, 2025» as well as «2 September 2025».
MONTH_FIRST = True

# -- quotes ------------------------------------------------------------------------------------

SPEECH_VERBS = (
    r"said|says|added|adds|noted|notes|stressed|stresses|told|explained|warned|declared|"
    r"announced|stated|insisted|argued|wrote|replied|commented|emphasi[sz]ed|concluded|"
    r"remarked|believes|continued|recalled|acknowledged|admitted|observed"
)
ACCORDING_BEFORE = r"according\s+to"
ACCORDING_AFTER = ""
VERBS_BEFORE_COLON = SPEECH_VERBS
# “…,” Tokayev said.
SPEAKER_THEN_VERB = True
PRONOUNS: frozenset[str] = frozenset({"he", "she", "they", "it", "we", "i", "you"})

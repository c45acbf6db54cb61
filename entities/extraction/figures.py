"""Money, percentages and quantities with units, with their value as a full number.

The engine is language-neutral: a number (with thousands grouped by spaces, thin or
non-breaking spaces, a decimal comma or point), an optional scale word («млрд», «мың»,
«billion») and a currency, percent sign/word or unit from the language's lexicon
(``languages/<code>/lexicon.py``). Only scale words multiply: «1,2 ГВт» stays 1.2 GW.

A number without a currency, percent or unit is not a figure: years («2025 жылы»), ordinals
(«80 жылдығына»), plain counts («20-дан астам құжатқа»), dates and clock times are left alone.
Units are short symbols: t, kg, km, km2, m2, m3, ha, bbl, kW, MW, GW, kWh, MWh, GWh, and
"people" for counts of persons («100 мың адам», «100 тыс. человек»)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import ModuleType

from entities.extraction.lexicons import (
    LexiconLookup,
    alternation,
    language_lexicons,
    merge_overlapping,
)
from entities.extraction.types import FigureSpan

_LETTER = r"[^\W\d_]"
_SPACE = "[ \u00a0\u2009\u202f]"
# Thousands groups first («1 250 000»: a group of 1-3 digits, then groups of exactly three),
# so «1 250» is one number; otherwise digits with decimal marks or comma/point groups.
# Atomic and at most five groups (up to 10¹⁸): a long run of spaced digits (a table pasted as
# text) must not make every start position rescan and backtrack over the whole run.
_NUMBER = (
    rf"(?>[0-9]{{1,3}}(?:{_SPACE}[0-9]{{3}}){{1,5}}(?![0-9])(?:[.,][0-9]+)?"
    r"|[0-9]+(?:[.,][0-9]+)*)"
)

# Language-neutral currency signs and ISO codes.
_SYMBOLS: dict[str, str] = {
    "US$": "USD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    # ¥ is both yen and yuan; this desk writes about China far more than Japan.
    "¥": "CNY",
    "CN¥": "CNY",
    "JP¥": "JPY",
    "₸": "KZT",
    "₽": "RUB",
}
_ISO_CODES = (
    "USD", "EUR", "KZT", "RUB", "CNY", "GBP", "JPY", "CHF", "KGS", "UZS", "TRY", "AED", "KRW",
    "INR",
)  # fmt: skip
_SYMBOL_RE = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_CODE_RE = "(?-i:" + "|".join(_ISO_CODES) + ")"


@dataclass(frozen=True)
class _Compiled:
    pattern: re.Pattern[str]
    scale: LexiconLookup
    currency: LexiconLookup
    unit: LexiconLookup
    decimal_comma: bool


def _compile(lex: ModuleType) -> _Compiled:
    scale = alternation([f for f, _ in lex.SCALES])
    currency = alternation([f for f, _ in lex.CURRENCIES] + [_SYMBOL_RE, _CODE_RE])
    percent = alternation([*lex.PERCENT, "%"])
    unit = alternation([f for f, _ in lex.UNITS])
    glued = f"(?:{lex.GLUED_SUFFIX})?" if lex.GLUED_SUFFIX else ""
    sp = f"{_SPACE}?"
    pattern = (
        r"(?<![\w.,:/$€£¥₸₽])(?:"
        # «$27 млрд», «€5 million», «USD 10 mln»
        rf"(?P<sym>{_SYMBOL_RE}|{_CODE_RE}(?={_SPACE}?[0-9])){sp}(?P<snum>{_NUMBER})"
        rf"(?:{sp}(?P<sscale>{scale})(?!{_LETTER}))?"
        # «7,4 млрд долларов», «25 пайызы», «1250 тыс. тонн», «160 МВт», «12%»
        rf"|(?P<num>{_NUMBER})(?:{sp}(?P<scale>{scale})(?!{_LETTER}))?{sp}"
        rf"(?:(?P<cur>{currency})|(?P<pct>{percent})|(?P<unit>{unit}))"
        rf"){glued}(?!{_LETTER})"
    )
    return _Compiled(
        pattern=re.compile(pattern, re.IGNORECASE),
        scale=LexiconLookup(lex.SCALES),
        currency=LexiconLookup(
            (*lex.CURRENCIES, *((re.escape(s), c) for s, c in _SYMBOLS.items()))
        ),
        unit=LexiconLookup(lex.UNITS),
        decimal_comma=lex.DECIMAL_COMMA,
    )


_COMPILED: dict[str, _Compiled] = {code: _compile(lex) for code, lex in language_lexicons().items()}


def parse_number(raw: str, decimal_comma: bool) -> Decimal | None:
    """«1 250» → 1250, «7,4» → 7.4, «1,250,000» → 1250000, «1,250» → 1250 only in English."""
    digits = re.sub(f"{_SPACE}", "", raw)
    commas, points = digits.count(","), digits.count(".")
    if commas and points:
        # The last mark is the decimal one: «1,250.5» or «1.250,5».
        decimal_mark = "," if digits.rfind(",") > digits.rfind(".") else "."
        group_mark = "." if decimal_mark == "," else ","
        digits = digits.replace(group_mark, "").replace(decimal_mark, ".")
    elif commas > 1 or points > 1:
        digits = digits.replace(",", "").replace(".", "")
    elif commas == 1:
        whole, fraction = digits.split(",")
        if not decimal_comma and len(fraction) == 3:
            digits = whole + fraction
        else:
            digits = f"{whole}.{fraction}"
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def _normalise(value: Decimal) -> Decimal:
    # 7.4 × 10⁹ is Decimal("7400000000.0"); show whole numbers without a fraction.
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _figures(text: str, compiled: _Compiled) -> list[FigureSpan]:
    found: list[FigureSpan] = []
    for match in compiled.pattern.finditer(text):
        start, end = match.span()
        # «$5 млн.» at the end of a sentence: the point belongs to the sentence.
        if text[end - 1] == ".":
            end -= 1
        if match.group("sym"):
            raw, scale_word = match.group("snum"), match.group("sscale")
            symbol = match.group("sym")
            unit = _SYMBOLS.get(symbol) or _SYMBOLS.get(symbol.upper()) or symbol.upper()
            kind = "money"
        else:
            raw, scale_word = match.group("num"), match.group("scale")
            if match.group("cur"):
                kind, unit = "money", compiled.currency(match.group("cur"))
                if unit is None:  # an ISO code after the number
                    unit = match.group("cur").upper()
            elif match.group("pct"):
                kind, unit = "percent", "%"
            else:
                kind, unit = "quantity", compiled.unit(match.group("unit"))
        number = parse_number(raw, compiled.decimal_comma)
        if number is None or unit is None:
            continue
        if scale_word:
            number *= compiled.scale(scale_word) or 1
        found.append(
            FigureSpan(
                start=start,
                end=end,
                text=text[start:end],
                kind=kind,
                value=_normalise(number),
                unit=str(unit),
            )
        )
    return found


def extract_figures(text: str, language: str) -> list[FigureSpan]:
    """Figures in ``text`` in order; an unknown ``language`` tries every lexicon."""
    if not text:
        return []
    compiled = _COMPILED.get(language)
    if compiled is not None:
        return _figures(text, compiled)
    return merge_overlapping([_figures(text, c) for c in _COMPILED.values()])

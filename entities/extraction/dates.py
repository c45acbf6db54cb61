"""Calendar dates, absolute and relative, resolved to days.

Absolute: «2 сентября 2025 года», «2025 жылғы 12 қазан», «12 қазан 2025 жыл», «30 тамызда»,
ISO «2025-09-05», «05.09.2025», «September 2, 2025», «2 September 2025»; ranges
«31 тамыз – 3 қыркүйек», «1–3 сентября», «с 31 августа по 3 сентября», «31 тамыздан
3 қыркүйекке дейін». Relative: «бүгін», «вчера», «tomorrow» (optionally with a clock time,
«Бүгін, 19:52»), and weekdays in a dating phrase («в понедельник», «дүйсенбіде», «on Monday»).

Choices, all resolved against ``reference`` (the article's publication date):
* A date without a year takes the year that puts it closest to the reference (a story
  published on 2 January about «30 декабря» means last year's). A range's end follows its start.
* A weekday is the most recent such day on or before the reference: news reports what happened.
* Without a reference, relative dates and dates without a year are skipped.
* A bare year («2025 жылы», «в 2025 году») is not a day and is not emitted.
* Impossible dates («31 сентября») and ranges that end before they start are skipped."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from types import ModuleType

from entities.extraction.lexicons import (
    LexiconLookup,
    alternation,
    language_lexicons,
    merge_overlapping,
)
from entities.extraction.types import DateSpan

_LETTER = r"[^\W\d_]"
_DASH = r"\s*[–—‒-]\s*"
_DAY = r"(?<![\w.,:/])[0-3]?[0-9](?![0-9])"
_YEAR = r"(?:1[89]|20)[0-9]{2}(?![0-9])"


@dataclass(frozen=True)
class _Compiled:
    pattern: re.Pattern[str]
    month: LexiconLookup
    relative: LexiconLookup
    weekday: LexiconLookup


def _compile(lex: ModuleType) -> _Compiled:
    month = f"(?:{alternation([f for f, _ in lex.MONTHS])})(?!{_LETTER})"
    year_word = rf"(?:\s*(?:{lex.YEAR_WORDS})(?!{_LETTER}))?" if lex.YEAR_WORDS else ""
    day_suffix = f"(?:{lex.DAY_SUFFIX})?" if lex.DAY_SUFFIX else ""
    time_prefix = rf"(?:(?:{lex.TIME_PREFIX})\s+)?" if lex.TIME_PREFIX else ""

    def time(p: str) -> str:
        # «Бүгін, 19:52», «вчера в 9:05»: an optional clock time right after the day.
        return (
            rf"(?:,?\s+{time_prefix}(?P<{p}h>[01]?[0-9]|2[0-3]):(?P<{p}min>[0-5][0-9])(?![0-9:]))?"
        )

    join = rf"(?:{_DASH}|\s+(?:{lex.RANGE_JOIN})\s+)" if lex.RANGE_JOIN else _DASH

    def day_month_year(p: str, month_optional: bool = False) -> str:
        m = f"(?:\\s+(?P<{p}m>{month}))?" if month_optional else f"\\s+(?P<{p}m>{month})"
        return rf"(?P<{p}d>{_DAY}){day_suffix}{m}(?:\s+(?P<{p}y>{_YEAR}){year_word})?"

    alternatives = [
        # ISO and dotted numeric dates
        r"(?P<iy>(?<![\w.])\d{4})-(?P<im>[01][0-9])-(?P<id>[0-3][0-9])(?![0-9])",
        rf"(?P<nd>{_DAY})\.(?P<nm>[01]?[0-9])\.(?P<ny>{_YEAR})",
        # ranges before single days, so «31 тамыз – 3 қыркүйек» is one span
        day_month_year("a", month_optional=True) + join + day_month_year("b"),
    ]
    if lex.RANGE_CLOSE:
        alternatives.append(
            day_month_year("c") + r"\s+" + day_month_year("e") + rf"(?=\s+(?:{lex.RANGE_CLOSE}))"
        )
    if lex.YEAR_PREFIX:
        alternatives.append(
            rf"(?P<py>(?<![\w.,])\d{{4}})\s*(?:{lex.YEAR_PREFIX})\s+(?P<pd>{_DAY})\s+"
            rf"(?P<pm>{month})" + time("p")
        )
    if lex.MONTH_FIRST:
        alternatives.append(
            rf"(?P<fm>(?<!{_LETTER}){month})\s+(?P<fd>{_DAY}){day_suffix}"
            rf"(?:{_DASH}(?P<fd2>{_DAY}){day_suffix})?(?:,?\s+(?P<fy>{_YEAR}))?" + time("f")
        )
    alternatives.append(day_month_year("s") + time("s"))
    relative = alternation([f for f, _ in lex.RELATIVE_DAYS])
    alternatives.append(rf"(?P<rel>(?<!{_LETTER})(?:{relative})(?!{_LETTER}))" + time("r"))
    weekday = alternation([f for f, _ in lex.WEEKDAYS])
    prefix = f"(?:{lex.WEEKDAY_PREFIX})" if lex.WEEKDAY_PREFIX else ""
    alternatives.append(rf"(?<!{_LETTER}){prefix}(?P<wd>{weekday})(?!{_LETTER})" + time("w"))
    return _Compiled(
        pattern=re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE),
        month=LexiconLookup(lex.MONTHS),
        relative=LexiconLookup(lex.RELATIVE_DAYS),
        weekday=LexiconLookup(lex.WEEKDAYS),
    )


_COMPILED: dict[str, _Compiled] = {code: _compile(lex) for code, lex in language_lexicons().items()}


def _day(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _nearest(month: int, day: int, reference: datetime.date | None) -> datetime.date | None:
    """The day in the year around ``reference`` that is closest to it."""
    if reference is None:
        return None
    candidates = [_day(reference.year + k, month, day) for k in (-1, 0, 1)]
    valid = [d for d in candidates if d is not None]
    if not valid:
        return None
    return min(valid, key=lambda d: abs((d - reference).days))


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _resolve_range(
    m: re.Match[str], c: _Compiled, first: str, second: str, reference: datetime.date | None
) -> tuple[datetime.date, datetime.date] | None:
    month2 = c.month(m.group(f"{second}m"))
    month1 = c.month(m.group(f"{first}m")) if m.group(f"{first}m") else month2
    if month1 is None or month2 is None:
        return None
    day1, day2 = int(m.group(f"{first}d")), int(m.group(f"{second}d"))
    year1, year2 = _int(m.group(f"{first}y")), _int(m.group(f"{second}y"))
    if year1 is not None and year2 is not None:
        start, end = _day(year1, month1, day1), _day(year2, month2, day2)
    elif year1 is None and year2 is None:
        start = _nearest(month1, day1, reference)
        end = start and _day(start.year + (month2 < month1), month2, day2)
    else:
        known = year1 if year1 is not None else year2
        # «30 декабря – 2 января 2026 года»: the start is in the year before the given end.
        wraps = int(month2 < month1)
        if year1 is None:
            start, end = _day(known - wraps, month1, day1), _day(known, month2, day2)
        else:
            start, end = _day(known, month1, day1), _day(known + wraps, month2, day2)
    if start is None or end is None or end < start:
        return None
    return start, end


def _time(m: re.Match[str], p: str) -> str:
    hour = m.group(f"{p}h")
    return f"{int(hour):02d}:{m.group(f'{p}min')}" if hour is not None else ""


def _dates(text: str, c: _Compiled, reference: datetime.date | None) -> list[DateSpan]:
    found: list[DateSpan] = []
    for m in c.pattern.finditer(text):
        start, end = m.span()
        value: datetime.date | None = None
        value_end: datetime.date | None = None
        time, relative = "", False
        if m.group("iy"):
            value = _day(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
        elif m.group("nd"):
            value = _day(int(m.group("ny")), int(m.group("nm")), int(m.group("nd")))
        elif m.group("ad"):
            resolved = _resolve_range(m, c, "a", "b", reference)
            value, value_end = resolved if resolved else (None, None)
        elif "cd" in c.pattern.groupindex and m.group("cd"):
            resolved = _resolve_range(m, c, "c", "e", reference)
            value, value_end = resolved if resolved else (None, None)
        elif "pd" in c.pattern.groupindex and m.group("pd"):
            month = c.month(m.group("pm"))
            value = month and _day(int(m.group("py")), month, int(m.group("pd")))
            time = _time(m, "p")
        elif "fm" in c.pattern.groupindex and m.group("fm"):
            month = c.month(m.group("fm"))
            if month is not None:
                day, year = int(m.group("fd")), _int(m.group("fy"))
                value = _day(year, month, day) if year else _nearest(month, day, reference)
                if m.group("fd2") and value is not None:
                    value_end = _day(value.year, month, int(m.group("fd2")))
                    if value_end is None or value_end < value:
                        value = None
            time = _time(m, "f")
        elif m.group("sd"):
            month = c.month(m.group("sm"))
            if month is not None:
                day, year = int(m.group("sd")), _int(m.group("sy"))
                value = _day(year, month, day) if year else _nearest(month, day, reference)
            time = _time(m, "s")
        elif m.group("rel"):
            offset = c.relative(m.group("rel"))
            if reference is not None and offset is not None:
                value = reference + datetime.timedelta(days=offset)
            time, relative = _time(m, "r"), True
        elif m.group("wd"):
            weekday = c.weekday(m.group("wd"))
            if reference is not None and weekday is not None:
                back = (reference.weekday() - weekday) % 7
                value = reference - datetime.timedelta(days=back)
            start = m.start("wd")
            time, relative = _time(m, "w"), True
        if value is None:
            continue
        found.append(
            DateSpan(
                start=start,
                end=end,
                text=text[start:end],
                value=value,
                value_end=value_end,
                time=time,
                relative=relative,
            )
        )
    return found


def extract_dates(
    text: str,
    language: str,
    reference: datetime.date | datetime.datetime | None,
) -> list[DateSpan]:
    """Dates in ``text`` in order; an unknown ``language`` tries every lexicon."""
    if not text:
        return []
    if isinstance(reference, datetime.datetime):
        reference = reference.date()
    compiled = _COMPILED.get(language)
    if compiled is not None:
        return _dates(text, compiled, reference)
    return merge_overlapping([_dates(text, c, reference) for c in _COMPILED.values()])

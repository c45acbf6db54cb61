"""What a coverage question is asked about (``CoverageFilters``) and the calendar buckets of
the period matrices and charts (days, ISO weeks from Monday, calendar months)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DAY, WEEK, MONTH = "day", "week", "month"
GRANULARITIES = {DAY: _("Day"), WEEK: _("Week"), MONTH: _("Month")}
COARSER = {DAY: WEEK, WEEK: MONTH}

TEXTS, MENTIONS = "texts", "mentions"
MEASURES = {TEXTS: _("Texts"), MENTIONS: _("Mentions")}

# The period presets of the forms: days back from today (inclusive), or everything.
ALL_TIME = "all"
PERIOD_PRESETS = {"7": 7, "30": 30, "90": 90, "365": 365, ALL_TIME: None}
DEFAULT_DAYS = 30
TOP_CHOICES = (10, 20, 50, 100)
DEFAULT_TOP = 20

# More buckets than this would make a table nobody reads: the granularity gets coarser.
MAX_BUCKETS = 100


def today() -> date:
    """Today on the desk's calendar (``TIME_ZONE``), the day rows are counted in."""
    return timezone.localtime(timezone.now(), timezone.get_default_timezone()).date()


@dataclass(frozen=True)
class CoverageFilters:
    """Which coverage rows a matrix, chart or gap list reads. Dates are inclusive; ``None``
    means open (all time)."""

    start: date | None = None
    end: date | None = None
    language: str = ""
    source_id: int | None = None
    entity_type: str = ""
    entity_id: int | None = None
    entity_ids: tuple[int, ...] = ()  # several entities (a chart's series)
    top: int = DEFAULT_TOP
    granularity: str = WEEK
    measure: str = TEXTS

    @classmethod
    def last_days(cls, days: int | None = DEFAULT_DAYS, *, until: date | None = None, **kwargs):
        """The last ``days`` days up to today (inclusive); ``None``: all time."""
        if days is None:
            return cls(**kwargs)
        end = until or today()
        return cls(start=end - timedelta(days=days - 1), end=end, **kwargs)

    def but(self, **changes) -> CoverageFilters:
        return replace(self, **changes)


def bucket_start(day: date, granularity: str) -> date:
    if granularity == WEEK:
        return day - timedelta(days=day.weekday())
    if granularity == MONTH:
        return day.replace(day=1)
    return day


def bucket_end(start: date, granularity: str) -> date:
    if granularity == WEEK:
        return start + timedelta(days=6)
    if granularity == MONTH:
        following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        return following - timedelta(days=1)
    return start


def bucket_label(start: date, granularity: str) -> str:
    """Short, sortable and the same in every interface language (exports too): 2025-09-05,
    2025-W36, 2025-09."""
    if granularity == WEEK:
        year, week, _weekday = start.isocalendar()
        return f"{year}-W{week:02d}"
    if granularity == MONTH:
        return start.strftime("%Y-%m")
    return start.isoformat()


def buckets(start: date, end: date, granularity: str) -> list[date]:
    """The first day of every bucket from ``start``'s to ``end``'s, in order."""
    first, last = bucket_start(start, granularity), bucket_start(end, granularity)
    days = []
    current = first
    while current <= last:
        days.append(current)
        current = bucket_end(current, granularity) + timedelta(days=1)
    return days


def bucket_count(start: date, end: date, granularity: str) -> int:
    first, last = bucket_start(start, granularity), bucket_start(end, granularity)
    if granularity == DAY:
        return (last - first).days + 1
    if granularity == WEEK:
        return (last - first).days // 7 + 1
    return (last.year - first.year) * 12 + last.month - first.month + 1


def fitting_granularity(start: date, end: date, granularity: str) -> str:
    """``granularity``, or the first coarser one that gives at most ``MAX_BUCKETS`` buckets."""
    while bucket_count(start, end, granularity) > MAX_BUCKETS and granularity in COARSER:
        granularity = COARSER[granularity]
    return granularity

"""Recognise the layouts of the plain-text article files the desk receives.

Three layouts are known (see ``seeds/``):

``meta-lines``
    Title line, then ``- author …``, a publication-time line (``- Бүгін, 19:52``) and a
    view-counter line (``- 3``), then the body.
``photo-credit``
    Title, a ``Фото: …`` credit line, then the body, which names its source
    («…, сообщает Zakon.kz»).
``dated``
    A `` date 2025-09-05`` marker followed (on the same line or the next) by the body, which
    names its source («…, деп хабарлайды BAQ.KZ тілшісі»). There is no title line; the first
    sentence serves as the title.

Anything else still imports: the first line is the title, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from django.utils import timezone
from django.utils.translation import gettext as _

from articles.text import normalize_line, normalize_paragraphs, split_lines

TITLE_MAX_LENGTH = 500
METADATA_MAX_LENGTH = 300  # byline, photo credit


class ArticleParseError(ValueError):
    """The text cannot become an article; ``str(exc)`` says why."""


@dataclass
class ParsedArticle:
    title: str
    paragraphs: list[str]
    layout: str
    byline: str = ""
    photo_credit: str = ""
    source_name: str = ""
    source_domain: str = ""
    published_at: datetime | None = None
    warnings: list[str] = field(default_factory=list)


# -- publication times ---------------------------------------------------------------------

_RELATIVE_DAYS = {
    "бүгін": 0,
    "сегодня": 0,
    "today": 0,
    "кеше": -1,
    "вчера": -1,
    "yesterday": -1,
    "алдыңғы күні": -2,
    "позавчера": -2,
}
_RELATIVE_TIME = re.compile(
    r"^(?P<day>бүгін|сегодня|today|кеше|вчера|yesterday|алдыңғы күні|позавчера)"
    r"\s*,?\s*(?:в\s+|at\s+|сағат\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})$",
    re.IGNORECASE,
)
_NUMERIC_DATETIME = re.compile(
    r"^(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})"
    r"(?:\s*,?\s*(?P<hour>\d{1,2}):(?P<minute>\d{2}))?$"
)
_ISO_DATE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})$")


def _aware(day: date, at: time, tz: tzinfo) -> datetime:
    return timezone.make_aware(datetime.combine(day, at), tz)


def parse_publication_time(text: str, *, now: datetime) -> datetime | None:
    """«Бүгін, 19:52» / «Вчера, 10:15» / «05.09.2025, 10:00» / «2025-09-05» → aware datetime
    in the desk's time zone; relative days count from ``now``. None if not a time line."""
    tz = timezone.get_current_timezone()
    local_now = timezone.localtime(now, tz)
    value = " ".join(text.strip().split())
    try:
        if m := _RELATIVE_TIME.match(value):
            day = local_now.date() + timedelta(days=_RELATIVE_DAYS[m["day"].lower()])
            return _aware(day, time(int(m["hour"]), int(m["minute"])), tz)
        if m := _NUMERIC_DATETIME.match(value):
            day = date(int(m["year"]), int(m["month"]), int(m["day"]))
            at = time(int(m["hour"]), int(m["minute"])) if m["hour"] else time(0, 0)
            return _aware(day, at, tz)
        if m := _ISO_DATE.match(value):
            return _aware(date(int(m["year"]), int(m["month"]), int(m["day"])), time(0, 0), tz)
    except ValueError:  # 31.02.2025, 25:61 …
        return None
    return None


# -- sources named in the body ---------------------------------------------------------------

_KNOWN_SOURCES = (
    "Kazinform", "Tengrinews", "Sputnik", "ТАСС", "РИА Новости", "Интерфакс-Казахстан",
    "Хабар 24", "Khabar 24",
)  # fmt: skip
_SOURCE_TOKEN = (
    r"(?P<source>[A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі0-9][\w.\-]{0,120}\.(?:kz|ru|com|org|net|qaz)"
    + "".join(f"|{re.escape(name)}" for name in _KNOWN_SOURCES)
    + ")"
)
_SOURCE_PATTERNS = [
    # Russian: «…, сообщает Zakon.kz», «передает корреспондент Tengrinews.kz»
    re.compile(
        r"(?:сообщает|сообщают|передает|передаёт|пишет|информирует)\s+"
        r"(?:(?:корреспондент|корр\.|издание|портал|агентство)\s+)?" + _SOURCE_TOKEN,
        re.IGNORECASE,
    ),
    # Kazakh: «…, деп хабарлайды BAQ.KZ тілшісі», «деп жазады Kazinform»
    re.compile(
        r"(?:хабарлайды|жазады|мәлімдейді|хабарлады)\s+" + _SOURCE_TOKEN + r"(?P<role>\s+тілшісі)?",
        re.IGNORECASE,
    ),
    # English: «…, Kazinform reports», «reports Zakon.kz»
    re.compile(r"(?:reports|reported|according to)\s+" + _SOURCE_TOKEN, re.IGNORECASE),
]


def find_source(paragraphs: list[str]) -> tuple[str, str, str]:
    """The source named in the first paragraphs: ``(name, domain, byline)``."""
    for paragraph in paragraphs[:3]:
        for pattern in _SOURCE_PATTERNS:
            if m := pattern.search(paragraph):
                name = m["source"].rstrip(".")
                domain = name.lower() if "." in name else ""
                byline = f"{name}{m['role']}" if m.groupdict().get("role") else ""
                return name, domain, byline
    return "", "", ""


# -- layouts -------------------------------------------------------------------------------

_META_LINE = re.compile(r"^-\s+(?P<value>.+)$")
_AUTHOR = re.compile(r"^(?:author|автор|авторы?|авторы)\s*:?\s+(?P<name>.+)$", re.IGNORECASE)
_COUNTER = re.compile(r"^\d[\d\s]*$")
_PHOTO = re.compile(r"^(?:фото|photo|сурет|фотосурет)\s*:\s*(?P<credit>.+)$", re.IGNORECASE)
_DATE_MARKER = re.compile(r"^date\s+(?P<date>\d{4}-\d{2}-\d{2})\b\s*(?P<rest>.*)$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"“A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9])")


def first_sentence(paragraph: str) -> str:
    return _SENTENCE_END.split(paragraph, maxsplit=1)[0]


def _title_from(text: str, warnings: list[str]) -> str:
    title = text
    if len(title) > TITLE_MAX_LENGTH:
        title = first_sentence(title)
        if len(title) > TITLE_MAX_LENGTH:
            title = title[: TITLE_MAX_LENGTH - 1].rstrip() + "…"
        warnings.append(
            _("The title was longer than %(limit)d characters and was cut.")
            % {"limit": TITLE_MAX_LENGTH}
        )
    return title


def _title_line(line: str, warnings: list[str]) -> tuple[str, list[str]]:
    """The title from a title line, plus the whole line as body text when it had to be cut:
    an overlong «title» is really the first paragraph, and none of its text may be lost."""
    title = _title_from(line, warnings)
    return title, ([] if title == line else [line])


def _parse_meta_lines(lines: list[str], *, now: datetime) -> ParsedArticle | None:
    if len(lines) < 3 or not _META_LINE.match(lines[1]):
        return None
    parsed = ParsedArticle(title="", paragraphs=[], layout="meta-lines")
    index = 1
    while index < len(lines) and (m := _META_LINE.match(lines[index])):
        value = m["value"].strip()
        if a := _AUTHOR.match(value):
            parsed.byline = a["name"].strip()
        elif (when := parse_publication_time(value, now=now)) is not None:
            parsed.published_at = when
        elif _COUNTER.match(value):
            pass  # the site's view counter: not part of the article
        else:
            break  # a body list item, not metadata
        index += 1
    if index == 1:
        return None
    parsed.title, kept = _title_line(lines[0], parsed.warnings)
    parsed.paragraphs = kept + lines[index:]
    return parsed


def _parse_photo_credit(lines: list[str], *, now: datetime) -> ParsedArticle | None:
    for index in (1, 2):
        if index < len(lines) and (m := _PHOTO.match(lines[index])):
            parsed = ParsedArticle(title="", paragraphs=[], layout="photo-credit")
            parsed.title, kept = _title_line(lines[0], parsed.warnings)
            parsed.photo_credit = m["credit"].strip()
            parsed.paragraphs = kept + lines[1:index] + lines[index + 1 :]
            return parsed
    return None


def _parse_dated(lines: list[str], *, now: datetime) -> ParsedArticle | None:
    m = _DATE_MARKER.match(lines[0])
    if not m:
        return None
    parsed = ParsedArticle(title="", paragraphs=[], layout="dated")
    parsed.published_at = parse_publication_time(m["date"], now=now)
    if parsed.published_at is None:
        parsed.warnings.append(
            _("The date «%(date)s» is not a valid calendar date.") % {"date": m["date"]}
        )
    body = ([m["rest"]] if m["rest"] else []) + lines[1:]
    if not body:
        return parsed
    parsed.paragraphs = body
    parsed.title = _title_from(first_sentence(body[0]), parsed.warnings)
    parsed.warnings.append(
        _("The file has no title line; the first sentence is used as the title.")
    )
    return parsed


_LAYOUTS = (_parse_dated, _parse_meta_lines, _parse_photo_credit)


def parse_article_text(text: str, *, now: datetime | None = None) -> ParsedArticle:
    """Parse decoded file text into an article. Raises ``ArticleParseError`` if it has no
    title or no body."""
    now = now or timezone.now()
    lines = [normalize_line(line) for line in split_lines(text)]
    lines = [line for line in lines if line]
    if not lines:
        raise ArticleParseError(_("The file has no text."))
    for layout in _LAYOUTS:
        if (parsed := layout(lines, now=now)) is not None:
            break
    else:
        parsed = ParsedArticle(
            title="",
            paragraphs=lines[1:],
            layout="plain",
            warnings=[_("Unrecognised layout: the first line is used as the title.")],
        )
        parsed.title, kept = _title_line(lines[0], parsed.warnings)
        parsed.paragraphs = kept + parsed.paragraphs
    parsed.paragraphs = normalize_paragraphs(parsed.paragraphs)
    if not parsed.title:
        raise ArticleParseError(_("The file has no title."))
    if not parsed.paragraphs:
        raise ArticleParseError(_("The file has a title but no body text."))
    source_name, source_domain, byline = find_source(parsed.paragraphs)
    parsed.source_name, parsed.source_domain = source_name, source_domain
    parsed.byline = _clipped(
        parsed.byline or byline,
        METADATA_MAX_LENGTH,
        _("The byline was longer than %(limit)d characters and was cut."),
        parsed,
    )
    parsed.photo_credit = _clipped(
        parsed.photo_credit,
        METADATA_MAX_LENGTH,
        _("The photo credit was longer than %(limit)d characters and was cut."),
        parsed,
    )
    return parsed


def _clipped(value: str, limit: int, warning: str, parsed: ParsedArticle) -> str:
    if len(value) <= limit:
        return value
    parsed.warnings.append(warning % {"limit": limit})
    return value[: limit - 1].rstrip() + "…"

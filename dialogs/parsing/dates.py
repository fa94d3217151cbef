"""Dates in Chinese and English, absolute and relative to ``today``.

Rules:
- A month and day without a year (``12月1日``, ``12-01``, ``Dec 1``) is in the current year,
  unless that date is more than 180 days in the past: then it is next year.
- Numeric month-day uses ``-`` or ``/`` only (``12-01``, ``12/1``), month first; ``12.1`` is read
  as a decimal number, not a date.
- A bare weekday (``周五``, ``friday``) is its next occurrence, today if today is that day.
  ``下周五`` / ``next friday`` is the Friday of next week (weeks start on Monday);
  ``这周五`` / ``本周五`` / ``this friday`` the Friday of this week; ``上周五`` / ``last friday``
  the Friday of last week.
- ``25/12`` (a first number above 12) is day/month; ``12.25`` is a date only where a date is
  asked (``parse_date``), never when a date is looked for in a sentence.
- ``下个月1号`` / ``月底`` / ``end of month`` / ``end of next month``: days of this or another
  month; ``年底`` / ``end of the year`` the 31st of December.
- Holidays on fixed days (``元旦``, ``new year's day``, ``国庆``, ``劳动节``, ``圣诞节``,
  ``christmas``) are their next occurrence, today included.
- A weekday written next to a full date (``2026年12月1日（周二）``, ``Tue 1 Dec 2026``) is
  accepted and not checked: the date wins.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from chat.locale import I18n
from dialogs.model import FieldDef
from dialogs.parsing.numerals import read_english_number, read_run
from dialogs.parsing.result import Invalid, Parsed, invalid
from dialogs.parsing.text import SHORT_ANSWER_MAX, only_punctuation, remove_words, simplify
from dialogs.parsing.values import display_date, short_date

NEXT_YEAR_AFTER_DAYS = 180
MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
EN_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
CN_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_MONTH = (r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
          r"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAY = (r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?"
            r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)")
_CN_WEEK = r"(?:周|星期|礼拜)"
_CN_WEEKDAY_SUFFIX = rf"(?:\s*\(?\s*{_CN_WEEK}[一二三四五六日天]\s*\)?)?"
_EN_WEEKDAY_PREFIX = rf"(?:{_WEEKDAY},?\s+)?"
_CN_NUM = r"[0-9一二两三四五六七八九十〇零]"
_ORD = r"(?:st|nd|rd|th)?"
_COUNT = r"(?P<n>[0-9]{1,3}|[一二两三四五六七八九十]{1,3}|one|two|three|four|five|six|seven" \
         r"|eight|nine|ten|a)"


@dataclass(frozen=True)
class DateHit:
    """A date expression found in text; ``value`` is None when no such day exists (2月30日)."""

    start: int
    end: int
    value: date | None
    text: str


Builder = Callable[[re.Match[str], date], date | None]


def _ymd(m: re.Match[str], today: date) -> date | None:
    return _day(int(m["y"]), int(m["m"]), int(m["d"]))


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_day(month: int, day: int, year: str | None, today: date) -> date | None:
    if year:
        return _day(int(year), month, day)
    this_year = _day(today.year, month, day)
    if this_year is None or this_year >= today - timedelta(days=NEXT_YEAR_AFTER_DAYS):
        return this_year
    return _day(today.year + 1, month, day)


def _numeric_day_month(m: re.Match[str], today: date) -> date | None:
    """``12/25`` is month/day; ``25/12``, whose first number cannot be a month, day/month."""
    first, second = int(m["m"]), int(m["d"])
    if first > 12 >= second:
        first, second = second, first
    return _month_day(first, second, None, today)


_MONTH_OFFSETS = {"下下": 2, "下": 1, "这": 0, "本": 0, "上": -1, "next": 1, "this": 0,
                  "last": -1, "": 0}


def _month_offset(prefix: str | None) -> int:
    word = (prefix or "").rstrip("个 ").strip()
    return _MONTH_OFFSETS.get(word, 0)


def _shifted_month(today: date, offset: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 + offset
    year, month = divmod(index, 12)
    return year, month + 1


def _day_of_month(m: re.Match[str], today: date) -> date | None:
    year, month = _shifted_month(today, _month_offset(m["p"]))
    return _day(year, month, _cn_int(m["d"]))


def _month_end(m: re.Match[str], today: date) -> date | None:
    named = m.groupdict().get("mn")
    if named:  # "3月底": the end of that month, in the year a month-day would be
        month = _cn_int(named)
        if not 1 <= month <= 12:
            return None
        first = _month_day(month, 1, None, today)
        return None if first is None else _month_day(
            month, monthrange(first.year, month)[1], str(first.year), today)
    year, month = _shifted_month(today, _month_offset(m["p"]))
    return date(year, month, monthrange(year, month)[1])


def _month_start(m: re.Match[str], today: date) -> date | None:
    year, month = _shifted_month(today, _month_offset(m["p"]))
    return date(year, month, 1)


def _year_end(m: re.Match[str], today: date) -> date | None:
    prefix = m.groupdict().get("p") or m.groupdict().get("q") or ""
    nxt = prefix.strip() in ("明", "下", "下一", "next")
    return date(today.year + (1 if nxt else 0), 12, 31)


_HOLIDAYS = {
    "元旦": (1, 1), "new year's day": (1, 1), "new years day": (1, 1), "new year": (1, 1),
    "劳动节": (5, 1), "五一": (5, 1), "国庆节": (10, 1), "国庆": (10, 1),
    "圣诞节": (12, 25), "圣诞": (12, 25), "christmas day": (12, 25), "christmas": (12, 25),
}


def _holiday(m: re.Match[str], today: date) -> date | None:
    month, day = _HOLIDAYS[m.group().replace("’", "'")]
    this_year = date(today.year, month, day)
    return this_year if this_year >= today else date(today.year + 1, month, day)


def _cn_int(text: str) -> int:
    value = read_run(text)
    return int(value) if value is not None and value == int(value) else 0


def _cn_month_day(m: re.Match[str], today: date) -> date | None:
    return _month_day(_cn_int(m["m"]), _cn_int(m["d"]), m["y"], today)


def _en_month_day(m: re.Match[str], today: date) -> date | None:
    return _month_day(MONTHS[m["mon"][:3]], int(m["d"]), m["y"], today)


_RELATIVE_DAYS = {
    "大后天": 3, "后天": 2, "明天": 1, "明日": 1, "明儿": 1, "今天": 0, "今日": 0, "今儿": 0,
    "昨天": -1, "昨日": -1, "前天": -2, "the day after tomorrow": 2, "day after tomorrow": 2,
    "tomorrow": 1, "today": 0, "tonight": 0, "yesterday": -1,
}


def _relative(m: re.Match[str], today: date) -> date | None:
    return today + timedelta(days=_RELATIVE_DAYS[m.group()])


def _weekday(target: int, which: str, today: date) -> date:
    monday = today - timedelta(days=today.weekday())
    offsets = {"next": 7, "after_next": 14, "this": 0, "last": -7}
    if which in offsets:
        return monday + timedelta(days=offsets[which] + target)
    return today + timedelta(days=(target - today.weekday()) % 7)


def _cn_weekday(m: re.Match[str], today: date) -> date | None:
    prefix = m["p"] or ""
    which = ("after_next" if prefix.startswith("下下") else "next" if prefix.startswith("下")
             else "last" if prefix.startswith("上") else "this" if prefix else "coming")
    return _weekday(CN_WEEKDAYS[m["w"]], which, today)


def _en_weekday(m: re.Match[str], today: date) -> date | None:
    which = {"next": "next", "this": "this", "last": "last"}.get(m["p"] or "", "coming")
    return _weekday(EN_WEEKDAYS[m["w"][:3]], which, today)


def _in_days(m: re.Match[str], today: date) -> date | None:
    raw = m["n"]
    count = 1 if raw == "a" else (
        int(raw) if raw.isdigit() else int(read_english_number(raw) or _cn_int(raw)))
    per = 7 if m["u"][0] in "周星礼w" else 1
    return today + timedelta(days=count * per) if 0 < count * per <= 3660 else None


def _en_in_days(m: re.Match[str], today: date) -> date | None:
    unit = m["u"]
    count_text = m["n"]
    count = 1 if count_text == "a" else int(
        count_text if count_text.isdigit() else read_english_number(count_text) or 0)
    per = 7 if unit.startswith("w") else 1
    return today + timedelta(days=count * per) if 0 < count * per <= 3660 else None


_CN_MONTH_PREFIX = r"(?P<p>下下个?|下个?|这个?|本|上个?)"
_EN_MONTH_PREFIX = r"(?:the\s+|(?P<p>this|next|last)\s+)?"
_HOLIDAY_RE = "|".join(sorted((re.escape(h) for h in _HOLIDAYS), key=len, reverse=True))

_PATTERNS: tuple[tuple[re.Pattern[str], Builder], ...] = (
    (re.compile(rf"{_CN_MONTH_PREFIX}\s*月\s*(?P<d>{_CN_NUM}{{1,3}})\s*[日号]"), _day_of_month),
    (re.compile(rf"(?:(?<![0-9])(?P<mn>{_CN_NUM}{{1,3}})|{_CN_MONTH_PREFIX})?\s*月\s*(?:底|末)"),
     _month_end),
    (re.compile(rf"{_CN_MONTH_PREFIX}\s*月\s*初"), _month_start),
    (re.compile(r"(?P<p>明|今|下一?)?\s*年\s*(?:年\s*)?(?:底|末)"), _year_end),
    (re.compile(rf"(?<![a-z])end\s+of\s+{_EN_MONTH_PREFIX}month(?![a-z])"), _month_end),
    (re.compile(r"(?<![a-z])(?:(?P<p>this|next|last)\s+)?month[-\s]end(?![a-z])"), _month_end),
    (re.compile(rf"(?<![a-z])(?:start|beginning)\s+of\s+{_EN_MONTH_PREFIX}month(?![a-z])"),
     _month_start),
    (re.compile(r"(?<![a-z])(?:end\s+of\s+(?:the\s+|(?P<p>this|next)\s+)?year"
                r"|(?:(?P<q>this|next)\s+)?year[-\s]end)(?![a-z])"), _year_end),
    (re.compile(rf"(?<![a-z])(?:{_HOLIDAY_RE})(?![a-z])"), _holiday),
    (re.compile(r"(?<![0-9])(?P<y>[0-9]{4})\s*[-/.年]\s*(?P<m>[0-9]{1,2})\s*[-/.月]\s*"
                rf"(?P<d>[0-9]{{1,2}})(?![0-9])\s*[日号]?{_CN_WEEKDAY_SUFFIX}"), _ymd),
    (re.compile(rf"{_EN_WEEKDAY_PREFIX}(?<![0-9])(?P<d>[0-9]{{1,2}}){_ORD}\s+{_MONTH}"
                r"(?:,?\s+(?P<y>[0-9]{4}))?(?![a-z0-9])"), _en_month_day),
    (re.compile(rf"{_EN_WEEKDAY_PREFIX}(?<![a-z]){_MONTH}\s*(?P<d>[0-9]{{1,2}}){_ORD}"
                r"(?![0-9])(?:,?\s+(?P<y>[0-9]{4}))?(?![a-z0-9])"), _en_month_day),
    (re.compile(rf"(?:(?P<y>[0-9]{{4}})\s*年\s*)?(?<![0-9])(?P<m>{_CN_NUM}{{1,3}})\s*月\s*"
                rf"(?P<d>{_CN_NUM}{{1,3}})\s*(?:[日号](?![0-9])|(?![0-9一二三四五六七八九十]))"
                rf"{_CN_WEEKDAY_SUFFIX}"), _cn_month_day),
    (re.compile(r"(?<![0-9./-])(?P<m>[0-9]{1,2})[-/](?P<d>[0-9]{1,2})(?![0-9]|[-/.][0-9])"),
     _numeric_day_month),
    (re.compile(rf"(?<![a-z])in\s+{_COUNT}\s+(?P<u>days?|weeks?)(?![a-z])"), _en_in_days),
    (re.compile(rf"(?<![a-z0-9]){_COUNT}\s+(?P<u>days?|weeks?)\s+(?:later|from now)"),
     _en_in_days),
    (re.compile(rf"{_COUNT}\s*个?\s*(?P<u>天|日|周|星期|礼拜)\s*(?:后|以后|之后)"), _in_days),
    (re.compile("|".join(sorted(map(re.escape, _RELATIVE_DAYS), key=len, reverse=True))),
     _relative),
    (re.compile(rf"(?P<p>下下个?|下个?|这个?|本|上个?)?\s*{_CN_WEEK}(?P<w>[一二三四五六日天])"),
     _cn_weekday),
    (re.compile(rf"(?<![a-z])(?:(?P<p>next|this|last|coming)\s+)?(?P<w>{_WEEKDAY})(?![a-z])"),
     _en_weekday),
)


def find_dates(text: str, today: date) -> list[DateHit]:
    """Date expressions in lower-cased, NFKC-normalized text, left to right, not overlapping."""
    hits: list[DateHit] = []
    taken: list[tuple[int, int]] = []
    for pattern, build in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            taken.append((m.start(), m.end()))
            hits.append(DateHit(m.start(), m.end(), build(m, today), m.group()))
    return sorted(hits, key=lambda h: h.start)


_FILLERS = ("on", "the", "by", "date", "是", "在", "日期", "吧", "截止", "之前", "前")
_DOTTED = re.compile(r"(?P<m>[0-9]{1,2})\.(?P<d>[0-9]{1,2})")
EXAMPLE_AFTER_DAYS = 7  # the example day in hints and reasons: a week from today


def example_day(today: date, earliest: date | None = None, latest: date | None = None) -> date:
    """A day to show in "for example ...": never in the past, inside the field's bounds."""
    day = today + timedelta(days=EXAMPLE_AFTER_DAYS)
    if earliest is not None and day < earliest:
        day = earliest
    if latest is not None and day > latest:
        day = max(latest, earliest or latest)
    return day


def example_values(day: date) -> dict[str, Any]:
    """``{iso}`` and ``{md}`` of hint.date and parse.date.unreadable, in both languages."""
    return {"iso": day.isoformat(),
            "md": I18n(short_date(day, "zh"), short_date(day, "en"))}


def date_reason(today: date) -> Invalid:
    return invalid("parse.date.unreadable", **example_values(example_day(today)))


def parse_date(text: str, today: date) -> Parsed | Invalid:
    s = simplify(text)
    if not s or len(s) > SHORT_ANSWER_MAX:
        return date_reason(today)
    dotted = _DOTTED.fullmatch(remove_words(s, _FILLERS).strip())
    if dotted is not None:  # "12.25" where a date is asked
        value = _numeric_day_month(dotted, today)
        if value is None:
            return invalid("parse.date.no_such_day", text=dotted.group())
        return Parsed(value)
    hits = find_dates(s, today)
    rest = s
    for hit in reversed(hits):
        rest = rest[: hit.start] + " " + rest[hit.end:]
    if not hits or not only_punctuation(remove_words(rest, _FILLERS)):
        return date_reason(today)
    values = {h.value for h in hits}
    if len(values) > 1:
        return invalid("parse.date.one_only")
    value = hits[0].value
    if value is None:
        return invalid("parse.date.no_such_day", text=hits[0].text)
    return Parsed(value)


def parse_date_field(field: FieldDef, text: str, today: date) -> Parsed | Invalid:
    """A date answer to ``field``: readable, and inside its ``min`` / ``max``."""
    parsed = parse_date(text, today)
    if isinstance(parsed, Invalid):
        return parsed
    return out_of_bounds(field, parsed.value, today) or parsed


def out_of_bounds(field: FieldDef, day: date, today: date) -> Invalid | None:
    """Why ``day`` is before the field's ``min`` or after its ``max``; None when inside."""
    earliest = field.earliest.on(today) if field.earliest else None
    latest = field.latest.on(today) if field.latest else None
    if earliest is not None and day < earliest:
        return invalid("values.date_too_early", date=_both(earliest))
    if latest is not None and day > latest:
        return invalid("values.date_too_late", date=_both(latest))
    return None


def _both(day: date) -> I18n:
    return I18n(display_date(day, "zh"), display_date(day, "en"))

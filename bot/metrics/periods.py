"""Periods as people write them: a month ("2026-11"), an ISO week ("2026-W48"), a day
("2026-11-03") or a range (``--from/--to``), each ``[start, end)`` in one time zone (the
organisation's: the default calendar's, see ``bot.metrics.compute``)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.metrics.model import Period

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$", re.IGNORECASE)
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class PeriodError(ValueError):
    """A period that cannot be read; the message says what is accepted."""


def parse_period(text: str, timezone: str) -> Period:
    """``2026-11`` (a month), ``2026-W48`` (an ISO week, Monday to Monday) or ``2026-11-03``
    (a day), in ``timezone``."""
    text = text.strip()
    zone = ZoneInfo(timezone)
    if match := _MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise PeriodError(f"{text!r}: no such month; write e.g. 2026-11")
        return month_period(year, month, zone)
    if match := _WEEK.match(text):
        try:
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise PeriodError(f"{text!r}: no such week; write e.g. 2026-W48") from None
        return week_period(monday, zone)
    if _DAY.match(text):
        day = _date(text)
        return Period(_midnight(day, zone), _midnight(day + timedelta(days=1), zone), text)
    raise PeriodError(f"{text!r}: write a month (2026-11), a week (2026-W48) or a day "
                      "(2026-11-03)")


def range_period(start: str, end: str, timezone: str) -> Period:
    """``--from 2026-11-03 --to 2026-11-17``: from the first day's midnight to the second's
    (the second day itself is not included)."""
    zone = ZoneInfo(timezone)
    first, last = _date(start), _date(end)
    if last <= first:
        raise PeriodError(f"--to {end} must come after --from {start}")
    return Period(_midnight(first, zone), _midnight(last, zone), f"{first}..{last}")


def month_period(year: int, month: int, zone: ZoneInfo) -> Period:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return Period(_midnight(first, zone), _midnight(following, zone), f"{year:04d}-{month:02d}")


def week_period(monday: date, zone: ZoneInfo) -> Period:
    year, week, _ = monday.isocalendar()
    return Period(_midnight(monday, zone), _midnight(monday + timedelta(days=7), zone),
                  f"{year:04d}-W{week:02d}")


def previous(period: Period) -> Period:
    """The period just before ``period``: the month, week or day before, else a range of the
    same length ending where it starts."""
    zone = period.start.tzinfo
    assert isinstance(zone, ZoneInfo)
    if _MONTH.match(period.label):
        start = period.start.date()
        last = start - timedelta(days=1)
        return month_period(last.year, last.month, zone)
    if _WEEK.match(period.label):
        return week_period(period.start.date() - timedelta(days=7), zone)
    if _DAY.match(period.label):
        day = period.start.date() - timedelta(days=1)
        return Period(_midnight(day, zone), period.start, day.isoformat())
    first, last = period.start.date(), period.end.date()
    length = last - first
    return Period(_midnight(first - length, zone), period.start, f"{first - length}..{first}")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(f"{text!r}: write a day as 2026-11-03") from None


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone)

"""Reading ``calendars.toml``: working hours, weekdays, holidays and make-up workdays."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path
from typing import Any

from org.model import Calendar, WorkPeriod
from org.toml_tables import Report, Table, did_you_mean, read_toml, valid_timezone

CALENDAR_KEYS = ("id", "timezone", "hours", "weekdays", "holidays", "workdays")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PERIOD = re.compile(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})")


def read_calendars(path: Path, report: Report) -> dict[str, Calendar] | None:
    """The calendars in ``path`` by id, read as far as they go; None when the file is not TOML."""
    data = read_toml(path, report)
    if data is None:
        return None
    top = Table(data, report, "calendars", ("calendar",))
    calendars: dict[str, Calendar] = {}
    for number, raw in enumerate(top.tables("calendar"), 1):
        given = raw.get("id")
        named = isinstance(given, str) and given.strip()
        item = f"calendar {given}" if named else f"calendar #{number}"
        calendar = _read_calendar(Table(raw, report, item, CALENDAR_KEYS))
        if calendar is None:
            continue
        if calendar.id in calendars:
            report.add(item, "'id' is defined twice; each calendar id must be unique")
            continue
        calendars[calendar.id] = calendar
    return calendars


def _read_calendar(table: Table) -> Calendar | None:
    cid = table.text("id", required=True)
    timezone = table.text("timezone", required=True)
    if timezone is not None and not valid_timezone(timezone):
        table.problem(f"names unknown time zone {timezone!r} (e.g. Asia/Shanghai)", "timezone")
    hours = _read_hours(table)
    weekdays = _read_weekdays(table)
    holidays, workdays = _read_days(table, "holidays"), _read_days(table, "workdays")
    for both in sorted(holidays & workdays):
        table.problem(f"lists {both} as both a holiday and a workday", "workdays")
    if cid is None:
        return None
    return Calendar(cid, timezone or "", hours, weekdays, frozenset(holidays), frozenset(workdays))


def _read_hours(table: Table) -> tuple[WorkPeriod, ...]:
    texts = table.texts("hours", required=True)
    if texts == ():
        table.problem("must list at least one period like \"09:00-18:00\"", "hours")
    periods: list[tuple[str, WorkPeriod]] = []
    for text in texts or ():
        period = _period(table, text)
        if period is None:
            continue
        if periods and period.start < periods[-1][1].end:
            previous = periods[-1][0]
            table.problem(f"period {text!r} overlaps or comes before {previous!r}; list periods "
                          f"in order without overlaps", "hours")
            continue
        periods.append((text, period))
    return tuple(p for _, p in periods)


def _period(table: Table, text: str) -> WorkPeriod | None:
    match = _PERIOD.fullmatch(text.strip())
    start = _time(match.group(1), match.group(2)) if match else None
    end = _time(match.group(3), match.group(4)) if match else None
    if start is None or end is None:
        table.problem(f"period {text!r} is not written \"HH:MM-HH:MM\" (e.g. \"09:00-12:00\")",
                      "hours")
        return None
    if end <= start:
        table.problem(f"period {text!r} ends before it starts", "hours")
        return None
    return WorkPeriod(start, end)


def _time(hours: str, minutes: str) -> time | None:
    h, m = int(hours), int(minutes)
    return time(h, m) if h < 24 and m < 60 else None


def _read_weekdays(table: Table) -> frozenset[int]:
    names = table.texts("weekdays")
    if names is None:
        return frozenset(range(5)) if not table.has("weekdays") else frozenset()
    if not names:
        table.problem("must list at least one day (mon ... sun)", "weekdays")
    days = set()
    for name in names:
        if name not in WEEKDAYS:
            table.problem(f"has unknown day {name!r}{did_you_mean(name, WEEKDAYS)} "
                          f"(use {', '.join(WEEKDAYS)})", "weekdays")
        elif WEEKDAYS.index(name) in days:
            table.problem(f"lists {name!r} twice", "weekdays")
        else:
            days.add(WEEKDAYS.index(name))
    return frozenset(days)


def _read_days(table: Table, key: str) -> set[date]:
    raw: Any = table.raw(key)
    if raw is None:
        return set()
    if not isinstance(raw, list):
        table.problem("must be a list of dates written YYYY-MM-DD", key)
        return set()
    days = (table.as_day(value, f"{key}[{n}]") for n, value in enumerate(raw, 1))
    return {day for day in days if day is not None}

"""Business-time arithmetic on a calendar: when a duration such as ``4bh`` or ``2bd`` falls due.

Working time is the calendar's ``hours`` periods, read as local wall-clock time in the
calendar's time zone, on working days: a weekday listed in ``weekdays`` that is not a holiday,
or a make-up working day (调休) listed in ``workdays``, whatever day of the week it is.
Periods are half-open: 09:00-12:00 works at 09:00 and at 11:59:59, not at 12:00. They must not
overlap (the loader checks that).

Every function takes timezone-aware datetimes in any zone and returns UTC. Time is counted as
real elapsed time, so a working period that spans a daylight-saving change is as long as it
really is. The arithmetic walks working days and periods, never seconds, and skips whole days
when it can.

    due = add(calendar, opened_at, Duration(4, "bh"))
    worked = business_seconds_between(calendar, opened_at, now)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from org.model import Calendar, Duration, WorkPeriod

__all__ = [
    "MAX_IDLE_DAYS",
    "WorkMeter",
    "add",
    "business_seconds_between",
    "is_working_day",
    "is_working_time",
    "next_working_moment",
    "working_day_length",
]

MAX_IDLE_DAYS = 3 * 366
"""How many days in a row without working time mean the calendar has none at all."""

_ONE_DAY = timedelta(days=1)
_WALL_CLOCK_UNITS = {
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": _ONE_DAY,
}


def add(calendar: Calendar, start: datetime, duration: Duration) -> datetime:
    """The moment (UTC) when ``duration`` counted from ``start`` is over.

    ``s m h d`` are elapsed real time (``2d`` = 48 hours) and ignore the calendar. ``bh`` and
    ``bd`` count only working time; one ``bd`` is ``working_day_length``. Counting starts at the
    next working moment; a duration that ends exactly when a working period ends is due at that
    end (18:00), not when the next period starts. Raises ``ValueError`` for a naive ``start``
    or a calendar without working time for ``MAX_IDLE_DAYS`` days.
    """
    begin = _as_utc(start, "start")
    if duration.amount < 0:
        raise ValueError(f"cannot add a negative duration ({duration})")
    if not duration.business:
        return begin + duration.amount * _WALL_CLOCK_UNITS[duration.unit]
    return _Schedule(calendar).add_work(begin, _working_time(calendar, duration))


def add_working_time(calendar: Calendar, start: datetime, work: timedelta) -> datetime:
    """When ``work`` of working time counted from ``start`` is done (what is left of an SLA
    after a pause)."""
    if work < timedelta():
        raise ValueError(f"cannot add negative working time ({work})")
    return _Schedule(calendar).add_work(_as_utc(start, "start"), work)


def length_of(calendar: Calendar, duration: Duration) -> timedelta:
    """How much time ``duration`` is: working time for ``bh``/``bd``, elapsed time otherwise."""
    if duration.business:
        return _working_time(calendar, duration)
    return duration.amount * _WALL_CLOCK_UNITS[duration.unit]


def business_seconds_between(calendar: Calendar, start: datetime, end: datetime) -> float:
    """The working seconds in [start, end); 0 when ``end`` is not after ``start``."""
    begin, finish = _as_utc(start, "start"), _as_utc(end, "end")
    if finish <= begin:
        return 0.0
    return _Schedule(calendar).work_between(begin, finish).total_seconds()


def next_working_moment(calendar: Calendar, moment: datetime) -> datetime:
    """``moment`` itself (in UTC) if it is working time, else when working time next begins.

    Raises ``ValueError`` when the calendar has no working time for ``MAX_IDLE_DAYS`` days.
    """
    begin = _as_utc(moment, "moment")
    return next(_Schedule(calendar).spans_from(begin)).start


def is_working_time(calendar: Calendar, moment: datetime) -> bool:
    """Whether ``moment`` falls inside a working period on a working day."""
    instant = _as_utc(moment, "moment")
    schedule = _Schedule(calendar)
    spans = schedule.day_spans(schedule.local_date(instant))
    return any(span.start <= instant < span.end for span in spans)


def is_working_day(calendar: Calendar, day: date) -> bool:
    """A make-up workday (调休) always works; otherwise a listed weekday that is no holiday."""
    if day in calendar.workdays:
        return True
    return day.weekday() in calendar.weekdays and day not in calendar.holidays


def working_day_length(calendar: Calendar) -> timedelta:
    """One business day (``1bd``): the wall-clock lengths of the calendar's periods summed."""
    return sum((_period_length(period) for period in calendar.hours), timedelta())


class WorkMeter:
    """``business_seconds_between`` for many stretches on one calendar (the metrics measure
    thousands): the calendar is prepared once and each local day's spans are kept."""

    def __init__(self, calendar: Calendar) -> None:
        self._schedule = _Schedule(calendar)
        self._spans: dict[date, list[_Span]] = {}
        self._work: dict[date, timedelta] = {}

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """The working seconds in [start, end); 0 when ``end`` is not after ``start``."""
        begin, finish = _as_utc(start, "start"), _as_utc(end, "end")
        if finish <= begin:
            return 0.0
        schedule = self._schedule
        first_day, last_day = schedule.local_date(begin), schedule.local_date(finish)
        worked = timedelta()
        for day in _dates(first_day, last_day):
            if first_day < day < last_day:
                if day not in self._work:
                    self._work[day] = schedule.day_work(day)
                worked += self._work[day]
                continue
            if day not in self._spans:
                self._spans[day] = schedule.day_spans(day)
            for span in self._spans[day]:
                worked += span.overlap(begin, finish)
        return worked.total_seconds()


class _Span(NamedTuple):
    """A stretch of working time, [start, end) in UTC."""

    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def overlap(self, begin: datetime, finish: datetime) -> timedelta:
        """How much of this span lies in [begin, finish)."""
        return max(min(self.end, finish) - max(self.start, begin), timedelta())


class _Schedule:
    """A calendar ready for arithmetic: its zone and periods in order, its day's length."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self.zone = _zone(calendar)
        self.periods = tuple(sorted(calendar.hours, key=lambda period: period.start))
        self.day_length = working_day_length(calendar)

    def add_work(self, begin: datetime, work: timedelta) -> datetime:
        """When ``work`` of working time counted from ``begin`` is done."""
        first_day = self.local_date(begin)
        for day in self.working_days(first_day):
            if day != first_day:
                whole_day = self.day_work(day)
                if work > whole_day:  # not >=: work that ends at closing time ends that day
                    work -= whole_day
                    continue
            for span in self.clipped_spans(day, begin):
                if work <= span.length:
                    return span.start + work
                work -= span.length
        raise AssertionError("unreachable: working_days never ends, it raises")

    def work_between(self, begin: datetime, finish: datetime) -> timedelta:
        """The working time in [begin, finish)."""
        first_day, last_day = self.local_date(begin), self.local_date(finish)
        worked = timedelta()
        for day in _dates(first_day, last_day):
            if first_day < day < last_day:
                worked += self.day_work(day)
            else:
                worked += sum((span.overlap(begin, finish) for span in self.day_spans(day)),
                              timedelta())
        return worked

    def spans_from(self, begin: datetime) -> Iterator[_Span]:
        """The working spans after ``begin`` in order, the first cut to start at ``begin``."""
        for day in self.working_days(self.local_date(begin)):
            yield from self.clipped_spans(day, begin)

    def working_days(self, first: date) -> Iterator[date]:
        """Working days from ``first`` on; raises ``ValueError`` after ``MAX_IDLE_DAYS`` days
        in a row without working time."""
        day, idle_days = first, 0
        while True:
            if self.periods and is_working_day(self.calendar, day):
                idle_days = 0
                yield day
            else:
                idle_days += 1
                if idle_days >= MAX_IDLE_DAYS:
                    raise ValueError(self._no_working_time(first))
            day += _ONE_DAY

    def clipped_spans(self, day: date, begin: datetime) -> list[_Span]:
        """The day's working spans after ``begin``, the first cut to start at ``begin``."""
        return [_Span(max(span.start, begin), span.end)
                for span in self.day_spans(day) if span.end > begin]

    def day_spans(self, day: date) -> list[_Span]:
        """The working spans of one local day, in UTC; none on a day off."""
        if not is_working_day(self.calendar, day):
            return []
        return [_Span(self.instant(day, period.start), self.instant(day, period.end))
                for period in self.periods]

    def day_work(self, day: date) -> timedelta:
        """The working time of one whole local day; quick unless the clocks change during it."""
        if not self.periods or not is_working_day(self.calendar, day):
            return timedelta()
        opens = datetime.combine(day, self.periods[0].start)
        closes = datetime.combine(day, self.periods[-1].end)
        if self.zone.utcoffset(opens) == self.zone.utcoffset(closes):
            return self.day_length
        return sum((span.length for span in self.day_spans(day)), timedelta())

    def instant(self, day: date, clock: time) -> datetime:
        """Local wall-clock ``clock`` on ``day`` in UTC; in a DST overlap, the first one."""
        return datetime.combine(day, clock, tzinfo=self.zone).astimezone(UTC)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def _no_working_time(self, first: date) -> str:
        return (f"calendar {self.calendar.id!r} has no working time in the {MAX_IDLE_DAYS} "
                f"days from {first.isoformat()}: check its hours, weekdays, holidays and "
                f"workdays")


def _working_time(calendar: Calendar, duration: Duration) -> timedelta:
    if duration.unit == "bh":
        return timedelta(hours=duration.amount)
    return duration.amount * working_day_length(calendar)


def _dates(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += _ONE_DAY


def _period_length(period: WorkPeriod) -> timedelta:
    return datetime.combine(date.min, period.end) - datetime.combine(date.min, period.start)


def _zone(calendar: Calendar) -> ZoneInfo:
    try:
        return ZoneInfo(calendar.timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"calendar {calendar.id!r} names unknown time zone "
                         f"{calendar.timezone!r}") from error


def _as_utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)

"""Business-time arithmetic (org.business_time) on the demo calendars and small
hand-built ones: working hours, lunch breaks, weekends, holidays, make-up workdays (调休),
the year end and daylight saving time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs.loader import demo_paths, load_calendars
from org.business_time import (
    add,
    business_seconds_between,
    is_working_day,
    is_working_time,
    next_working_moment,
    working_day_length,
)
from org.durations import parse_duration
from org.model import Calendar, Duration, WorkPeriod

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


def _demo_calendars() -> dict[str, Calendar]:
    calendars, problems = load_calendars(demo_paths()[2])
    assert problems == []
    return calendars


DEMO = _demo_calendars()
CN = DEMO["cn-office"]
US = DEMO["us-office"]


def calendar(hours: tuple[str, ...] = ("09:00-17:00",), weekdays: tuple[int, ...] = (0, 1, 2, 3, 4),
             timezone_name: str = "UTC", holidays: tuple[str, ...] = (),
             workdays: tuple[str, ...] = (), cid: str = "test") -> Calendar:
    """A hand-built calendar; hours as "HH:MM-HH:MM", weekdays 0 = Monday, days as ISO dates."""
    periods = tuple(WorkPeriod(*(datetime.strptime(clock, "%H:%M").time()
                                 for clock in text.split("-"))) for text in hours)
    return Calendar(cid, timezone_name, periods, frozenset(weekdays),
                    frozenset(map(date.fromisoformat, holidays)),
                    frozenset(map(date.fromisoformat, workdays)))


# Works 00:00-06:00 every day in New York: the clocks change inside its working hours.
NIGHT_SHIFT = calendar(("00:00-06:00",), tuple(range(7)), "America/New_York", cid="night")


def at(text: str, zone: tzinfo = SHANGHAI) -> datetime:
    """``2026-03-02 10:00`` as local time in ``zone``."""
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def utc(text: str) -> datetime:
    return at(text, UTC)


def hours(amount: float) -> float:
    return amount * 3600


# --- add on cn-office (Asia/Shanghai, 09:00-12:00 + 13:30-18:00, Monday to Friday) ----------

CN_CASES = [
    # (start, duration, due), all local Shanghai time
    pytest.param("2026-03-02 10:00", "4bh", "2026-03-02 15:30", id="monday-10:00-4bh"),
    pytest.param("2026-03-02 12:30", "1bh", "2026-03-02 14:30", id="lunch-break-start"),
    pytest.param("2026-03-02 07:00", "1bh", "2026-03-02 10:00", id="early-morning-start"),
    pytest.param("2026-03-02 20:00", "1bh", "2026-03-03 10:00", id="evening-start"),
    pytest.param("2026-03-02 16:00", "2bh", "2026-03-02 18:00", id="ends-at-closing"),
    pytest.param("2026-03-02 09:00", "3bh", "2026-03-02 12:00", id="ends-at-lunch"),
    pytest.param("2026-03-02 09:00", "1bd", "2026-03-02 18:00", id="1bd-from-opening"),
    pytest.param("2026-03-02 13:30", "1bd", "2026-03-03 12:00", id="1bd-from-afternoon"),
    pytest.param("2026-03-02 10:00", "2bd", "2026-03-04 10:00", id="2bd"),
    pytest.param("2026-03-02 10:00", "15bh", "2026-03-04 10:00", id="15bh-is-2bd"),
    pytest.param("2026-03-02 18:00", "1bh", "2026-03-03 10:00", id="start-at-closing"),
    pytest.param("2026-09-30 17:59", "1bh", "2026-10-08 09:59", id="before-national-day"),
    pytest.param("2026-09-30 17:59", "4bh", "2026-10-08 14:29", id="across-national-day"),
    pytest.param("2026-10-01 10:00", "1bd", "2026-10-08 18:00", id="start-on-a-holiday"),
    pytest.param("2026-09-24 17:00", "2bh", "2026-09-28 10:00", id="mid-autumn-friday-off"),
    pytest.param("2026-10-09 17:00", "2bh", "2026-10-10 10:00", id="make-up-saturday-works"),
    pytest.param("2026-09-19 10:00", "1bh", "2026-09-20 10:00", id="make-up-sunday-works"),
    pytest.param("2026-02-14 17:00", "2bh", "2026-02-24 10:00", id="spring-festival"),
    pytest.param("2026-10-16 17:00", "2bh", "2026-10-19 10:00", id="plain-weekend-skipped"),
    pytest.param("2026-10-17 10:00", "1bh", "2026-10-19 10:00", id="start-on-plain-saturday"),
    pytest.param("2026-12-31 17:00", "1bd", "2027-01-04 17:00", id="across-the-year-end"),
    pytest.param("2027-03-05 17:00", "2bh", "2027-03-08 10:00", id="unlisted-year-weekdays"),
]


@pytest.mark.parametrize(("start", "duration", "due"), CN_CASES)
def test_add_on_the_china_office_calendar(start: str, duration: str, due: str) -> None:
    assert add(CN, at(start), parse_duration(duration)) == at(due)


def test_the_due_moment_is_in_utc() -> None:
    due = add(CN, at("2026-03-02 10:00"), Duration(4, "bh"))
    assert due.tzinfo is UTC and due == utc("2026-03-02 07:30")


def test_one_business_day_is_one_working_days_hours() -> None:
    assert working_day_length(CN) == timedelta(hours=7.5)
    assert working_day_length(US) == timedelta(hours=8)
    start = at("2026-03-02 10:15")
    assert business_seconds_between(CN, start, add(CN, start, Duration(1, "bd"))) == hours(7.5)
    assert add(CN, start, Duration(2, "bd")) == add(CN, start, Duration(15, "bh"))


@pytest.mark.parametrize("duration", ["30s", "15m", "4h", "2d"])
def test_wall_clock_units_ignore_the_calendar(duration: str) -> None:
    parsed = parse_duration(duration)
    step = {"s": timedelta(seconds=1), "m": timedelta(minutes=1), "h": timedelta(hours=1),
            "d": timedelta(days=1)}[parsed.unit]
    holiday_evening = at("2026-10-03 20:00")
    never = calendar(weekdays=())
    for cal in (CN, US, never):
        assert add(cal, holiday_evening, parsed) == holiday_evening + parsed.amount * step


def test_wall_clock_days_are_elapsed_hours_across_a_dst_change() -> None:
    assert add(US, at("2026-10-31 12:00", NEW_YORK), Duration(1, "d")) == at(
        "2026-11-01 11:00", NEW_YORK)


@pytest.mark.parametrize("zone", [UTC, SHANGHAI, NEW_YORK, ZoneInfo("Asia/Kolkata"),
                                  timezone(timedelta(hours=9))], ids=str)
def test_the_same_instant_in_any_zone_gives_the_same_due_moment(zone: tzinfo) -> None:
    start = at("2026-09-30 17:59").astimezone(zone)
    due = add(CN, start, Duration(4, "bh"))
    assert due == at("2026-10-08 14:29") and due.tzinfo is UTC
    assert due.isoformat() == "2026-10-08T06:29:00+00:00"


# --- us-office (America/New_York, 09:00-17:00) across daylight saving time ----------------

US_CASES = [
    # DST ends Sunday 2026-11-01: 09:00 on Friday is 13:00 UTC, on Monday 14:00 UTC.
    pytest.param("2026-10-30 16:00", "2bh", "2026-11-02 15:00", id="autumn-dst-end"),
    # DST starts Sunday 2026-03-08: 09:00 on Friday is 14:00 UTC, on Monday 13:00 UTC.
    pytest.param("2026-03-06 16:00", "2bh", "2026-03-09 14:00", id="spring-dst-start"),
    pytest.param("2026-11-25 16:00", "2bh", "2026-11-27 15:00", id="thanksgiving"),
    pytest.param("2026-12-31 16:00", "1bd", "2027-01-04 21:00", id="new-year"),
]


@pytest.mark.parametrize(("start", "duration", "due_utc"), US_CASES)
def test_add_on_the_us_office_calendar(start: str, duration: str, due_utc: str) -> None:
    assert add(US, at(start, NEW_YORK), parse_duration(duration)) == utc(due_utc)


def test_us_working_hours_follow_local_time_across_dst() -> None:
    assert is_working_time(US, utc("2026-10-30 13:30"))  # 09:30 EDT
    assert not is_working_time(US, utc("2026-11-02 13:30"))  # 08:30 EST
    assert is_working_time(US, utc("2026-11-02 14:30"))  # 09:30 EST
    friday, monday = at("2026-10-30 09:00", NEW_YORK), at("2026-11-02 17:00", NEW_YORK)
    assert business_seconds_between(US, friday, monday) == hours(16)


@pytest.mark.parametrize(("day", "worked"), [
    ("2026-10-31", 6),  # an ordinary night
    ("2026-11-01", 7),  # clocks go back at 02:00: 01:00-02:00 is worked twice
    ("2026-03-08", 5),  # clocks go forward at 02:00: 02:00-03:00 never happens
])
def test_a_period_spanning_a_dst_change_lasts_as_long_as_it_really_does(
        day: str, worked: int) -> None:
    midnight = at(f"{day} 00:00", NEW_YORK)
    next_midnight = at((date.fromisoformat(day) + timedelta(days=1)).isoformat(), NEW_YORK)
    assert business_seconds_between(NIGHT_SHIFT, midnight, next_midnight) == hours(worked)
    assert add(NIGHT_SHIFT, midnight, Duration(worked, "bh")) == at(f"{day} 06:00", NEW_YORK)


def test_one_business_day_is_the_nominal_length_even_on_a_dst_night() -> None:
    # 6 hours of work from midnight on 2026-11-01 end at 05:00 EST, one hour "early" by the clock
    assert add(NIGHT_SHIFT, at("2026-11-01 00:00", NEW_YORK), Duration(1, "bd")) == utc(
        "2026-11-01 10:00")


# --- working days, working time, next working moment ------------------------------------

@pytest.mark.parametrize(("day", "works"), [
    ("2026-03-02", True),   # Monday
    ("2026-03-07", False),  # Saturday
    ("2026-10-01", False),  # 国庆节, a Thursday
    ("2026-10-10", True),   # make-up Saturday
    ("2026-09-20", True),   # make-up Sunday
    ("2026-01-04", True),   # make-up Sunday after 元旦
    ("2027-01-01", False),  # 元旦 2027, a Friday
    ("2027-01-04", True),   # a Monday in a year the calendar does not list
])
def test_working_days_of_the_china_office(day: str, works: bool) -> None:
    assert is_working_day(CN, date.fromisoformat(day)) is works


@pytest.mark.parametrize(("moment", "works"), [
    ("2026-03-02 08:59:59", False),
    ("2026-03-02 09:00", True),
    ("2026-03-02 11:59:59", True),
    ("2026-03-02 12:00", False),
    ("2026-03-02 13:29:59", False),
    ("2026-03-02 13:30", True),
    ("2026-03-02 17:59:59", True),
    ("2026-03-02 18:00", False),
    ("2026-10-02 10:00", False),  # holiday
    ("2026-10-10 10:00", True),   # make-up Saturday
    ("2026-10-17 10:00", False),  # plain Saturday
])
def test_is_working_time_on_the_china_office(moment: str, works: bool) -> None:
    assert is_working_time(CN, at(moment)) is works
    assert is_working_time(CN, at(moment).astimezone(NEW_YORK)) is works


@pytest.mark.parametrize(("moment", "expected"), [
    ("2026-03-02 10:00", "2026-03-02 10:00"),
    ("2026-03-02 12:00", "2026-03-02 13:30"),
    ("2026-03-02 18:00", "2026-03-03 09:00"),
    ("2026-03-06 18:30", "2026-03-09 09:00"),
    ("2026-09-30 18:00", "2026-10-08 09:00"),
    ("2026-10-09 20:00", "2026-10-10 09:00"),
])
def test_next_working_moment_on_the_china_office(moment: str, expected: str) -> None:
    found = next_working_moment(CN, at(moment))
    assert found == at(expected) and found.tzinfo is UTC


# --- business seconds between ---------------------------------------------------------------

@pytest.mark.parametrize(("start", "end", "worked"), [
    ("2026-03-02 10:00", "2026-03-02 15:30", 4),
    ("2026-03-02 12:10", "2026-03-02 13:40", 1 / 6),
    ("2026-03-06 17:00", "2026-03-09 10:00", 2),
    ("2026-03-02 15:30", "2026-03-02 10:00", 0),  # end before start
    ("2026-03-02 10:00", "2026-03-02 10:00", 0),
    ("2026-10-01 00:00", "2026-10-08 00:00", 0),  # the whole 国庆 week off
    ("2026-09-28 00:00", "2026-10-12 00:00", 6 * 7.5),  # 3 days, holidays, 2 days + 1 make-up
    ("2026-12-31 17:00", "2027-01-04 17:00", 7.5),
])
def test_business_seconds_between_on_the_china_office(start: str, end: str,
                                                      worked: float) -> None:
    assert business_seconds_between(CN, at(start), at(end)) == pytest.approx(hours(worked))


# --- properties ---------------------------------------------------------------------------

ZONES = st.sampled_from([UTC, SHANGHAI, NEW_YORK, ZoneInfo("Europe/London")])
STARTS = st.datetimes(min_value=datetime(2025, 6, 1), max_value=datetime(2027, 6, 1),
                      timezones=ZONES)
CALENDARS = st.sampled_from([CN, US, NIGHT_SHIFT, calendar(
    ("08:00-12:00", "12:30-16:30"), (0, 1, 2, 3, 5), "Europe/Berlin",
    holidays=("2026-03-30", "2026-12-24"), workdays=("2026-03-29",), cid="berlin")])


@given(cal=CALENDARS, start=STARTS, amount=st.integers(min_value=1, max_value=300))
def test_business_hours_added_are_the_business_hours_between(
        cal: Calendar, start: datetime, amount: int) -> None:
    due = add(cal, start, Duration(amount, "bh"))
    assert business_seconds_between(cal, start, due) == hours(amount)


@given(cal=CALENDARS, start=STARTS, amount=st.integers(min_value=1, max_value=60))
def test_business_days_added_are_working_days_of_hours(
        cal: Calendar, start: datetime, amount: int) -> None:
    due = add(cal, start, Duration(amount, "bd"))
    worked = amount * working_day_length(cal).total_seconds()
    assert business_seconds_between(cal, start, due) == worked


@given(cal=CALENDARS, start=STARTS, first=st.integers(1, 40), second=st.integers(1, 40))
def test_adding_in_two_steps_is_adding_at_once(
        cal: Calendar, start: datetime, first: int, second: int) -> None:
    halfway = add(cal, start, Duration(first, "bh"))
    assert add(cal, halfway, Duration(second, "bh")) == add(cal, start,
                                                           Duration(first + second, "bh"))


@given(cal=CALENDARS, start=STARTS, amount=st.integers(1, 100))
def test_the_due_moment_closes_a_stretch_of_working_time(
        cal: Calendar, start: datetime, amount: int) -> None:
    due = add(cal, start, Duration(amount, "bh"))
    assert due > start and is_working_time(cal, due - timedelta(microseconds=1))


@given(cal=CALENDARS, start=STARTS)
def test_the_next_working_moment_is_working_time(cal: Calendar, start: datetime) -> None:
    found = next_working_moment(cal, start)
    assert found >= start and is_working_time(cal, found)
    assert business_seconds_between(cal, start, found) == 0


def test_long_durations_finish() -> None:
    start = at("2026-01-05 09:00")
    due = add(CN, start, Duration(1000, "bd"))
    assert business_seconds_between(CN, start, due) == hours(7500)


# --- calendars that cannot work, and bad input ---------------------------------------------

def test_a_calendar_without_working_days_raises_instead_of_looping() -> None:
    never = calendar(weekdays=(), cid="never")
    start = at("2026-03-02 10:00")
    with pytest.raises(ValueError, match="'never' has no working time"):
        add(never, start, Duration(1, "bh"))
    with pytest.raises(ValueError, match="no working time"):
        next_working_moment(never, start)
    assert business_seconds_between(never, start, at("2030-01-01 00:00")) == 0
    assert not is_working_time(never, start)


def test_a_calendar_without_hours_raises() -> None:
    with pytest.raises(ValueError, match="no working time"):
        add(calendar(hours=()), at("2026-03-02 10:00"), Duration(1, "bd"))


def test_only_make_up_days_can_still_be_reached() -> None:
    rare = calendar(weekdays=(), workdays=("2027-06-05",))
    assert add(rare, at("2026-03-02 10:00", UTC), Duration(2, "bh")) == utc("2027-06-05 11:00")


def test_a_make_up_day_works_even_if_also_listed_as_a_holiday() -> None:
    odd = calendar(holidays=("2026-03-07",), workdays=("2026-03-07",))
    assert is_working_time(odd, utc("2026-03-07 10:00"))


def test_unknown_time_zone_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        add(calendar(timezone_name="Mars/Olympus"), utc("2026-03-02 10:00"), Duration(1, "bh"))


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 3, 2, 10, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        add(CN, naive, Duration(1, "bh"))
    with pytest.raises(ValueError, match="timezone-aware"):
        business_seconds_between(CN, utc("2026-03-02 10:00"), naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        is_working_time(CN, naive)


def test_negative_durations_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add(CN, utc("2026-03-02 10:00"), Duration(-1, "bh"))


# --- the demo calendar data ---------------------------------------------------------------

def test_demo_make_up_days_are_weekend_days_and_holidays_are_not_make_up_days() -> None:
    for cal in DEMO.values():
        assert all(day.weekday() >= 5 for day in cal.workdays), cal.id
        assert not cal.holidays & cal.workdays, cal.id


def test_demo_us_holidays_fall_on_weekdays() -> None:
    assert all(day.weekday() < 5 for day in US.holidays)

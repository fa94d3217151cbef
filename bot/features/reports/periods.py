"""When reports go and what they cover: weekly on Monday, covering the ISO week just ended;
monthly on the first working day of the month on the organisation's calendar, covering the
month just ended. Periods are read in the organisation's time zone (``bot.metrics``); the day
is the recipient's own."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.features.reports.commands import Cadence
from bot.features.time.policy import default_calendar_id
from bot.metrics.model import Period
from bot.metrics.periods import month_period, week_period
from bot.services import Services
from org.business_time import is_working_day
from org.model import Calendar

WORKDAYS = range(5)  # Monday to Friday, without a calendar


def covered(cadence: Cadence, day: date, timezone: str) -> Period:
    """The last complete week or month before ``day``."""
    zone = ZoneInfo(timezone)
    if cadence == "weekly":
        return week_period(day - timedelta(days=day.weekday() + 7), zone)
    last = day.replace(day=1) - timedelta(days=1)
    return month_period(last.year, last.month, zone)


def is_report_day(services: Services, cadence: Cadence, day: date) -> bool:
    if cadence == "weekly":
        return day.weekday() == 0
    return day == first_working_day(organisation_calendar(services), day.year, day.month)


def first_working_day(calendar: Calendar | None, year: int, month: int) -> date:
    """The month's first day with working hours on ``calendar`` (its holidays and make-up days
    counted), else its first Monday-to-Friday day."""
    first = date(year, month, 1)
    for offset in range(31):
        day = first + timedelta(days=offset)
        if day.month != month:
            break
        if is_working_day(calendar, day) if calendar else day.weekday() in WORKDAYS:
            return day
    return first  # a calendar without a working day that month: the 1st


def organisation_calendar(services: Services) -> Calendar | None:
    """``[policies] calendar``, else the first calendar of the calendars file."""
    bundle = services.bundle
    return bundle.calendars.get(default_calendar_id(services.settings.policies.calendar, bundle))

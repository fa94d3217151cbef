"""Reminder and escalation times: the global ``[policies]`` of the config, overridden per
service by its ``[policies]`` table; quiet hours in each person's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from dialogs.model import Bundle, Service
from org.business_time import add
from org.durations import parse_duration
from org.model import Calendar, Duration, Person

CONFIRM_TIMEOUT_DEFAULT = "5bd"


@dataclass(frozen=True)
class Policy:
    approval_reminder: Duration
    approval_escalation: Duration
    task_reminder_before: Duration
    task_escalation_after: Duration
    confirm_timeout: Duration
    calendar: Calendar | None  # business durations count on it

    def after(self, start: datetime, duration: Duration) -> datetime:
        return add(self.calendar or _WALL, start, duration)


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def holds(self, moment: datetime, person: Person) -> bool:
        local = moment.astimezone(ZoneInfo(person.timezone)).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def end_after(self, moment: datetime, person: Person) -> datetime:
        """The first moment after ``moment`` outside quiet hours, for ``person``."""
        zone = ZoneInfo(person.timezone)
        local = moment.astimezone(zone)
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0,
                            microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end


def parse_quiet_hours(text: str) -> QuietHours | None:
    """``"21:00-08:00"``; empty disables. Raises ``ValueError`` naming what is wrong."""
    if not text.strip():
        return None
    start, sep, end = text.partition("-")
    try:
        if not sep:
            raise ValueError
        return QuietHours(time.fromisoformat(start.strip()), time.fromisoformat(end.strip()))
    except ValueError:
        raise ValueError(f"{text!r} is not HH:MM-HH:MM, e.g. 21:00-08:00") from None


def policy_for(
    service: Service | None, defaults: dict[str, str], bundle: Bundle
) -> Policy:
    """The effective policy: the service's own times where it has them, else the defaults."""
    own = service.policies if service else None

    def pick(name: str) -> Duration:
        mine = getattr(own, name, None) if own else None
        return mine if isinstance(mine, Duration) else parse_duration(defaults[name])

    confirm = (service.completion.confirm_timeout if service else None) or parse_duration(
        defaults.get("confirm_timeout") or CONFIRM_TIMEOUT_DEFAULT)
    calendar_id = (service.sla.calendar if service and service.sla.calendar
                   else defaults.get("calendar", ""))
    return Policy(
        approval_reminder=pick("approval_reminder"),
        approval_escalation=pick("approval_escalation"),
        task_reminder_before=pick("task_reminder_before"),
        task_escalation_after=pick("task_escalation_after"),
        confirm_timeout=confirm,
        calendar=bundle.calendars.get(calendar_id),
    )


_WALL = Calendar(id="-", timezone="UTC", hours=(), weekdays=frozenset())

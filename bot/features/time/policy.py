"""Reminder and escalation times: the global ``[policies]`` of the config, overridden per
service by its ``[policies]`` table; quiet hours in each person's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dialogs.model import Bundle, Service
from org.business_time import add
from org.durations import parse_duration
from org.model import Calendar, Duration

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
                   else default_calendar_id(defaults.get("calendar", ""), bundle))
    return Policy(
        approval_reminder=pick("approval_reminder"),
        approval_escalation=pick("approval_escalation"),
        task_reminder_before=pick("task_reminder_before"),
        task_escalation_after=pick("task_escalation_after"),
        confirm_timeout=confirm,
        calendar=bundle.calendars.get(calendar_id),
    )


def default_calendar_id(configured: str, bundle: Bundle) -> str:
    """``[policies] calendar``, or when it is empty the first calendar of the calendars file
    (an organisation with one calendar never has to name it); "" when there is none."""
    return configured or next(iter(bundle.calendars), "")


_WALL = Calendar(id="-", timezone="UTC", hours=(), weekdays=frozenset())

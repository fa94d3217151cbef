"""Quiet hours ("21:00-08:00"), in each person's time zone: reminders wait for the morning.

Below the settings (which check the text) and the time feature (which holds timers back).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from org.model import Person


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

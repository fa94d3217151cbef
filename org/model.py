"""The organisation as immutable values: people, groups, roles, departments, delegations, the
directory, calendars and durations. What ``org.directory_loader`` and ``org.calendar_loader``
produce; nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Literal

from chat.locale import I18n, Locale

DurationUnit = Literal["s", "m", "h", "d", "bh", "bd"]


@dataclass(frozen=True)
class Duration:
    """``30s 15m 4h 2d`` are wall clock; ``4bh 2bd`` are business time on a calendar."""

    amount: int
    unit: DurationUnit

    @property
    def business(self) -> bool:
        return self.unit in ("bh", "bd")

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"



@dataclass(frozen=True)
class Person:
    id: str
    name: str
    dept: str = ""
    level: int = 0
    manager: str | None = None
    roles: tuple[str, ...] = ()
    locale: Locale = "zh"
    timezone: str = "Asia/Shanghai"
    email: str | None = None
    slack: str | None = None
    wecom: str | None = None
    dingtalk: str | None = None


@dataclass(frozen=True)
class Group:
    id: str
    name: I18n
    members: tuple[str, ...]
    lead: str | None = None
    chat: dict[str, str] = field(default_factory=dict)  # optional group chat per channel


@dataclass(frozen=True)
class Role:
    id: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Dept:
    id: str
    head: str
    name: I18n | None = None  # shown on cards and in the catalog; None: the id

    def label(self, locale: str) -> str:
        return self.name.get(locale) if self.name else self.id


@dataclass(frozen=True)
class Delegation:
    from_person: str
    to_person: str
    start: date
    end: date


@dataclass(frozen=True)
class Directory:
    persons: dict[str, Person]
    groups: dict[str, Group]
    roles: dict[str, Role]
    depts: dict[str, Dept]
    delegations: tuple[Delegation, ...] = ()

    def person(self, person_id: str) -> Person | None:
        return self.persons.get(person_id)

    def dept_label(self, dept_id: str, locale: str) -> str:
        """A department's display name in ``locale``; its id when it has none or is unknown."""
        dept = self.depts.get(dept_id)
        return dept.label(locale) if dept else dept_id

    def find_by_identity(self, channel: str, native_id: str) -> Person | None:
        for person in self.persons.values():
            if getattr(person, channel, None) == native_id:
                return person
        return None


@dataclass(frozen=True)
class WorkPeriod:
    start: time
    end: time


@dataclass(frozen=True)
class Calendar:
    id: str
    timezone: str
    hours: tuple[WorkPeriod, ...]
    weekdays: frozenset[int]  # 0 = Monday
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()  # make-up working days (调休)


@dataclass(frozen=True)
class Problem:
    """One error found in an organisation's files: which file, which item, what is wrong."""

    file: str
    item: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.item}: {self.message}"


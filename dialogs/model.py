"""The service catalog, directory and calendars as immutable values.

These are what the loaders in ``dialogs.loader`` produce from the files of CATALOG.md, and what
the rest of esmbot reads. Nothing here does I/O.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from chat.locale import I18n
from org.model import Calendar, Directory, Duration

if TYPE_CHECKING:
    from dialogs.expr import Expr

FieldType = Literal["text", "number", "money", "date", "bool", "choice", "multichoice", "user"]
FIELD_TYPES: tuple[str, ...] = (
    "text", "number", "money", "date", "bool", "choice", "multichoice", "user",
)


@dataclass(frozen=True)
class Option:
    value: str
    label: I18n


@dataclass(frozen=True)
class DateBound:
    """The earliest or latest day a date field takes: a fixed day, or ``today`` moved by some
    years, months and days (``today``, ``+1y``, ``-30d``, ``+2w``; see docs/catalog.md)."""

    text: str  # as the package wrote it, for messages and ``catalog check``
    fixed: date | None = None
    years: int = 0
    months: int = 0
    days: int = 0

    def on(self, today: date) -> date:
        """The bound's day when it is ``today``."""
        if self.fixed is not None:
            return self.fixed
        month_index = today.year * 12 + today.month - 1 + self.years * 12 + self.months
        year, month = divmod(month_index, 12)
        last = monthrange(year, month + 1)[1]
        return date(year, month + 1, min(today.day, last)) + timedelta(days=self.days)


@dataclass(frozen=True)
class FieldDef:
    id: str
    type: FieldType
    ask: I18n
    label: I18n  # short name for summaries; defaults to ``ask`` without its question mark
    required: bool = True
    when: Expr | None = None
    options: tuple[Option, ...] = ()
    min: Decimal | None = None  # number/money: smallest value (dates: ``earliest``)
    max: Decimal | None = None
    min_length: int | None = None  # text
    max_length: int | None = None
    help: I18n | None = None
    earliest: DateBound | None = None  # date: the package's ``min``
    latest: DateBound | None = None  # date: the package's ``max``


@dataclass(frozen=True)
class CheckDef:
    """A ``[[check]]`` of a service: when ``when`` holds for the answers, the form says
    ``message`` and asks ``field`` again (checked before the confirmation card)."""

    when: Expr
    message: I18n
    field: str


@dataclass(frozen=True)
class ApprovalStepDef:
    approvers: tuple[str, ...]  # references: manager, manager:2, dept_head, role:x, group:x ...
    mode: Literal["all", "any"] = "all"
    quorum: int | None = None  # N of the resolved approvers; overrides mode


@dataclass(frozen=True)
class ApprovalRule:
    when: Expr | None
    steps: tuple[ApprovalStepDef, ...]
    cc: tuple[str, ...] = ()  # references told when the request is approved or rejected (抄送)


@dataclass(frozen=True)
class TaskDef:
    id: str
    title: I18n  # may contain ``{field_id}`` placeholders
    group: str
    depends_on: tuple[str, ...] = ()
    sla: Duration | None = None
    when: Expr | None = None
    description: I18n | None = None
    recovery: bool = False  # undoes access or takes back an asset ("recovery on time" metric)


@dataclass(frozen=True)
class SlaDef:
    response: Duration | None = None
    resolution: Duration | None = None
    calendar: str | None = None


@dataclass(frozen=True)
class CompletionDef:
    confirm_by_requester: bool = False
    confirm_timeout: Duration | None = None


@dataclass(frozen=True)
class PolicyDef:
    """A service's own reminder and escalation times; None keeps the global policy."""

    approval_reminder: Duration | None = None  # remind an approver after this long
    approval_escalation: Duration | None = None  # then tell their manager (or delegate)
    task_reminder_before: Duration | None = None  # remind the agent this long before due
    task_escalation_after: Duration | None = None  # after a breach, the service owner


ExceptionEffect = Literal["expedite", "defer_approval", "allow"]
EXCEPTION_EFFECTS: tuple[str, ...] = ("expedite", "defer_approval", "allow")
OTHER_REASON = "other"  # the reason that always asks for a written one


@dataclass(frozen=True)
class ExceptionReason:
    value: str
    label: I18n  # a plain string reason is its own label in both languages


@dataclass(frozen=True)
class ExceptionKind:
    """One ``[exceptions.<kind>]`` of a service package (CATALOG.md, governed exceptions)."""

    kind: str
    name: I18n
    effect: ExceptionEffect
    approver: str  # approver reference, as in approval rules
    reasons: tuple[ExceptionReason, ...]
    max_duration: Duration
    high_impact_approver: str | None = None  # impact "high" also needs this one
    resolution: Duration | None = None  # effect expedite: the resolution SLA while it holds
    review_threshold: int | None = None  # more grants than this in 30 days: a review task
    recovery: tuple[TaskDef, ...] = ()  # created when the exception ends

    def reason(self, value: str) -> ExceptionReason | None:
        return next((r for r in self.reasons if r.value == value), None)


@dataclass(frozen=True)
class Service:
    id: str
    name: I18n
    description: I18n
    department: str
    keywords: tuple[str, ...]
    owner: str  # an approver-style reference, usually group:<id>
    priority: Literal["low", "normal", "high", "urgent"]
    fields: tuple[FieldDef, ...]
    approval_rules: tuple[ApprovalRule, ...] = ()
    tasks: tuple[TaskDef, ...] = ()
    sla: SlaDef = field(default_factory=SlaDef)
    completion: CompletionDef = field(default_factory=CompletionDef)
    exceptions: tuple[ExceptionKind, ...] = ()
    policies: PolicyDef = field(default_factory=PolicyDef)
    checks: tuple[CheckDef, ...] = ()  # rules across fields, checked before confirmation
    version: str = ""  # content hash of the package file; requests keep the one they began with
    source: str = ""  # file the service came from

    def field(self, field_id: str) -> FieldDef | None:
        return next((f for f in self.fields if f.id == field_id), None)

    def exception_kind(self, kind: str) -> ExceptionKind | None:
        return next((k for k in self.exceptions if k.kind == kind), None)

    @property
    def expedite(self) -> ExceptionKind | None:
        return self.exception_kind("expedite")


@dataclass(frozen=True)
class Catalog:
    services: dict[str, Service]

    def get(self, service_id: str) -> Service | None:
        return self.services.get(service_id)

    def by_department(self) -> dict[str, list[Service]]:
        result: dict[str, list[Service]] = {}
        for service in sorted(self.services.values(), key=lambda s: (s.department, s.id)):
            result.setdefault(service.department, []).append(service)
        return result



@dataclass(frozen=True)
class Bundle:
    """Everything loaded at start: catalog, directory and calendars."""

    catalog: Catalog
    directory: Directory
    calendars: dict[str, Calendar]

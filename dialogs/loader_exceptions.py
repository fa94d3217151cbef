"""Reading ``[exceptions.<kind>]`` (governed exceptions, 例外) and their recovery tasks.

Every key of CATALOG.md's contract is read here; what needs the directory (an approver that
names nobody, a recovery task's unknown group) is checked in ``dialogs.loader_refs``.
"""

from __future__ import annotations

from typing import Any, cast

from chat.locale import I18n
from dialogs.loader_fields import LOCAL_ID, LOCAL_ID_RULE
from dialogs.loader_refs import parse_reference
from dialogs.model import (
    EXCEPTION_EFFECTS,
    ExceptionEffect,
    ExceptionKind,
    ExceptionReason,
    SlaDef,
    TaskDef,
)
from org.model import Duration
from org.toml_tables import Table, describe

KIND_KEYS = ("name", "effect", "approver", "high_impact_approver", "reasons", "max_duration",
             "resolution", "review_threshold", "recovery")
REASON_KEYS = ("value", "label")
RECOVERY_KEYS = ("id", "title", "group", "sla", "description", "recovery")
# Approver references that may name the requester themselves: never an exception's approver.
SELF_KINDS = ("field",)


def read_exceptions(top: Table, sla: SlaDef) -> tuple[ExceptionKind, ...]:
    raw = top.raw("exceptions")
    if raw is None:
        return ()
    exceptions = top.table("exceptions", list(raw) if isinstance(raw, dict) else ())
    if exceptions is None:
        return ()
    kinds = []
    for kind in exceptions.data:
        table = exceptions.table(kind, KIND_KEYS)
        if table is None:
            continue
        if not LOCAL_ID.fullmatch(kind):
            exceptions.problem(LOCAL_ID_RULE, kind)
            continue
        read = _read_kind(kind, table, sla)
        if read is not None:
            kinds.append(read)
    return tuple(kinds)


def _read_kind(kind: str, table: Table, sla: SlaDef) -> ExceptionKind | None:
    effect = table.choice("effect", EXCEPTION_EFFECTS, what="exception effect") or "allow"
    approver = _approver(table, "approver", required=True)
    high = _approver(table, "high_impact_approver")
    if high is not None and high == approver:
        table.problem("names the same approvers as 'approver'; impact high needs two different "
                      "ones", "high_impact_approver")
    reasons = _reasons(table)
    max_duration = _duration(table, "max_duration", sla, required=True)
    resolution = _duration(table, "resolution", sla)
    if resolution is not None and effect != "expedite":
        table.problem("only applies to effect \"expedite\"", "resolution")
    if effect == "expedite" and resolution is None:
        table.problem("is needed by effect \"expedite\" (the resolution SLA while it holds)",
                      "resolution")
    threshold = table.integer("review_threshold", minimum=0)
    recovery = _recovery(table)
    if approver is None or not reasons or max_duration is None:
        return None
    return ExceptionKind(kind, table.i18n("name") or I18n(kind, kind),
                         cast(ExceptionEffect, effect), approver, reasons, max_duration,
                         high, resolution, threshold, recovery)


def _approver(table: Table, key: str, *, required: bool = False) -> str | None:
    text = table.text(key, required=required)
    if text is None:
        return None
    try:
        ref = parse_reference(text)
    except ValueError as exc:
        table.say(key, str(exc))
        return None
    if ref.kind in SELF_KINDS:
        table.say(key, f"'{text}' can name the requester, who never grants their own exception")
        return None
    return text


def _reasons(table: Table) -> tuple[ExceptionReason, ...]:
    raw = table.raw("reasons", required=True)
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        table.problem("must list at least one reason", "reasons")
        return ()
    reasons: list[ExceptionReason] = []
    for number, item in enumerate(raw, 1):
        reason = _reason(table, item, number)
        if reason is None:
            continue
        if any(r.value == reason.value for r in reasons):
            table.problem(f"lists '{reason.value}' twice", "reasons")
            continue
        reasons.append(reason)
    return tuple(reasons)


def _reason(table: Table, item: Any, number: int) -> ExceptionReason | None:
    if isinstance(item, str) and item.strip():
        return ExceptionReason(item, I18n(item, item))
    if isinstance(item, dict):
        child = table.child(item, f"reasons[{number}]", REASON_KEYS)
        value, label = child.text("value", required=True), child.i18n("label", required=True)
        return ExceptionReason(value, label) if value and label else None
    table.problem(f"must be a text or a table {{ value, label }}, not {describe(item)}",
                  f"reasons[{number}]")
    return None


def _duration(table: Table, key: str, sla: SlaDef, *, required: bool = False) -> Duration | None:
    duration = table.duration(key, required=required)
    if duration is None:
        return None
    if duration.amount <= 0:
        table.problem("must be longer than nothing", key)
        return None
    if duration.business and sla.calendar is None:
        table.problem(f"'{duration}' counts business time, but the service names no "
                      "'sla.calendar'", key)
        return None
    if key == "resolution" and _longer(duration, sla.resolution):
        table.problem(f"'{duration}' is longer than the service's own resolution "
                      f"'{sla.resolution}'; an expedite must be faster", key)
    return duration


def _longer(duration: Duration, than: Duration | None) -> bool:
    """Comparable only when both count the same way (business or wall-clock)."""
    if than is None or duration.business != than.business:
        return False
    return _hours(duration) > _hours(than)


def _hours(duration: Duration) -> float:
    per_unit = {"s": 1 / 3600, "m": 1 / 60, "h": 1, "d": 24, "bh": 1, "bd": 7.5}
    return duration.amount * per_unit.get(duration.unit, 1)


def _recovery(table: Table) -> tuple[TaskDef, ...]:
    tasks: list[TaskDef] = []
    for number, raw in enumerate(table.tables("recovery"), 1):
        child = table.child(raw, f"recovery[{number}]", RECOVERY_KEYS)
        tid, title = child.text("id", required=True), child.i18n("title", required=True)
        group = child.text("group", required=True)
        if tid is not None and not LOCAL_ID.fullmatch(tid):
            child.problem(LOCAL_ID_RULE, "id")
            continue
        if any(t.id == tid for t in tasks):
            child.problem("is defined twice; recovery task ids must be unique", "id")
            continue
        if tid is None or title is None or group is None:
            continue
        tasks.append(TaskDef(tid, title, group, sla=child.duration("sla"),
                             description=child.i18n("description"),
                             recovery=child.flag("recovery", True)))
    return tuple(tasks)

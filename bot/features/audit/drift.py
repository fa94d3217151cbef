"""Where a request's rows and its trail disagree, one line per field, naming both values:

    REQ-7: answers.budget is 2500 in the table, 25000 on the trail
    REQ-7: approval[1.2].henry.state is approved in the table, pending on the trail
    REQ-7: TASK-3.assignee is mallory in the table, kate on the trail
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bot.features.audit.replay import Exception_, Replayed, Seat, Step, Task


def differences(rid: str, table: Replayed | None, trail: Replayed | None) -> list[str]:
    if table is None:
        return [f"{rid}: on the trail, not in the request table"]
    if trail is None or trail.status is None:
        return [f"{rid}: in the request table (status {table.status}), but its trail has no "
                "request.submitted"]
    found: list[str] = []
    _field(found, rid, "status", table.status, trail.status)
    _field(found, rid, "service_id", table.service, trail.service)
    _field(found, rid, "service_version", table.version, trail.version)
    _answers(found, rid, table.answers, trail.answers)
    _steps(found, rid, table.steps, trail.steps)
    _tasks(found, rid, table.tasks, trail.tasks)
    _exceptions(found, rid, table.exceptions, trail.exceptions)
    return found


def _exceptions(found: list[str], rid: str, table: Mapping[str, Exception_],
                trail: Mapping[str, Exception_]) -> None:
    for eid in sorted(set(table) | set(trail), key=lambda e: (len(e), e)):
        ours, theirs = table.get(eid), trail.get(eid)
        if ours is None or theirs is None:
            found.append(_presence(rid, eid, ours))
            continue
        for part in ("kind", "state", "end_cause"):
            _field(found, rid, f"{eid}.{part}", getattr(ours, part), getattr(theirs, part))


def _answers(found: list[str], rid: str, table: Mapping[str, Any],
             trail: Mapping[str, Any]) -> None:
    for name in sorted(set(table) | set(trail)):
        _field(found, rid, f"answers.{name}", table.get(name), trail.get(name))


def _steps(found: list[str], rid: str, table: Mapping[tuple[int, int], Step],
           trail: Mapping[tuple[int, int], Step]) -> None:
    for at in sorted(set(table) | set(trail)):
        name = f"approval[{at[0]}.{at[1]}]"
        ours, theirs = table.get(at), trail.get(at)
        if ours is None or theirs is None:
            found.append(_presence(rid, f"{name} (round {at[0]}, step {at[1]})", ours))
            continue
        for part in ("state", "mode", "required", "ended_because"):
            _field(found, rid, f"{name}.{part}", getattr(ours, part), getattr(theirs, part))
        _seats(found, rid, name, ours.seats, theirs.seats)


def _seats(found: list[str], rid: str, step: str, table: Mapping[str, Seat],
           trail: Mapping[str, Seat]) -> None:
    for approver in sorted(set(table) | set(trail)):
        ours, theirs = table.get(approver), trail.get(approver)
        name = f"{step}.{approver}"
        if ours is None or theirs is None:
            found.append(_presence(rid, f"{name} (a seat)", ours))
            continue
        for part in ("state", "decided_by", "comment"):
            _field(found, rid, f"{name}.{part}", getattr(ours, part), getattr(theirs, part))


def _tasks(found: list[str], rid: str, table: Mapping[str, Task],
           trail: Mapping[str, Task]) -> None:
    for tid in sorted(set(table) | set(trail), key=lambda t: (len(t), t)):
        ours, theirs = table.get(tid), trail.get(tid)
        if ours is None or theirs is None:
            found.append(_presence(rid, tid, ours))
            continue
        for part in ("key", "group", "state", "assignee"):
            _field(found, rid, f"{tid}.{part}", getattr(ours, part), getattr(theirs, part))


def _field(found: list[str], rid: str, name: str, table: Any, trail: Any) -> None:
    if table != trail:
        found.append(f"{rid}: {name} is {_shown(table)} in the table, {_shown(trail)} on the "
                     "trail")


def _presence(rid: str, name: str, in_table: object | None) -> str:
    return (f"{rid}: {name} is in the table, not on the trail" if in_table is not None
            else f"{rid}: {name} is on the trail, not in the table")


def _shown(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)

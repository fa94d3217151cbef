"""The SLA clocks of a request at the end of its trail, stored in its fact row
(``request_fact.open_clocks``) so that the metrics can tell the clocks at any later moment
without folding the trail again (issue 19: ``breached_open``, ``tasks_at_risk``).

A clock's state at the end of the trail (target, time used up to its last pause or stop, running
since, due time) does not depend on when it is read: at a moment T after the trail's last event
only ``late`` (T past the due time) and the running time since ``running_since`` change, and
both are arithmetic. The caller replays the trail instead when it moved at or after T.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from bot.features.time.sla import Clock
from org.durations import parse_duration
from org.model import Duration


def state_of(clocks: Sequence[Clock], groups: Mapping[str, str]) -> list[dict[str, Any]]:
    """The clocks as JSON: each with the group its task is in (task clocks)."""
    return [{"kind": c.kind, "task": c.task, "group": groups.get(c.task or "", ""),
             "target": str(c.target), "started_at": c.started_at.isoformat(),
             "running_since": _iso(c.running_since), "used_s": c.used.total_seconds(),
             "stopped_at": _iso(c.stopped_at), "due_at": _iso(c.due_at),
             "late": c.late, "expedited": c.expedited} for c in clocks]


def clocks_from(state: Sequence[Mapping[str, Any]], moment: datetime
                ) -> tuple[tuple[Clock, ...], dict[str, str]]:
    """The clocks ``state`` holds as they stand at ``moment`` (after the trail's last event),
    and the group of each task clock's task."""
    clocks: list[Clock] = []
    groups: dict[str, str] = {}
    for item in state:
        running_since, due_at = _moment(item["running_since"]), _moment(item["due_at"])
        late = (due_at is not None and moment > due_at) if running_since is not None else bool(
            item["late"])
        clocks.append(Clock(
            kind=str(item["kind"]), task=item["task"], target=_duration(str(item["target"])),
            started_at=_moment(item["started_at"]) or moment, running_since=running_since,
            used=timedelta(seconds=float(item["used_s"])),
            stopped_at=_moment(item["stopped_at"]), due_at=due_at, late=late,
            expedited=bool(item["expedited"])))
        if item["task"]:
            groups[str(item["task"])] = str(item["group"] or "")
    return tuple(clocks), groups


@lru_cache(maxsize=256)
def _duration(text: str) -> Duration:
    return parse_duration(text)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _moment(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None

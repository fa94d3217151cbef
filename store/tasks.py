"""Fulfilment tasks: create a request's graph, find, claim exactly once, move through states.

Shown to people as ``TASK-<id>``. Changes of state are conditional updates (``WHERE state IN
...``) made while the request row is locked, so of two agents claiming at once one wins.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.models import TASK_STATES, TaskRow
from store.requests import MAX_REQUEST_ID

OPEN_TASK_STATES = ("blocked", "ready", "claimed", "waiting_info")
FINISHED_TASK_STATES = ("done", "skipped")
_TASK_ID = re.compile(r"(?:TASK\s*[-#]?\s*|T\s*-?\s*|#\s*)?([0-9]{1,10})",
                      re.IGNORECASE | re.ASCII)

_TASKS_OF = (select(TaskRow).where(col(TaskRow.request_id) == bindparam("request_id"))  # once
             .order_by(col(TaskRow.id)).execution_options(populate_existing=True))


def format_task_id(number: int) -> str:
    return f"TASK-{number}"


def parse_task_id(text: str) -> int | None:
    """``TASK-7``, ``task7``, ``T-7``, ``#7``, ``7`` (also full-width) -> 7; else None."""
    match = _TASK_ID.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        return None
    number = int(match.group(1))
    return number if 1 <= number <= MAX_REQUEST_ID else None


async def create_task(
    session: AsyncSession,
    *,
    request_id: int,
    key: str,
    title: dict[str, str],
    group_id: str,
    depends_on: Sequence[str],
    state: str,
    now: datetime,
    recovery: bool = False,
) -> TaskRow:
    _check_state(state)
    row = TaskRow(request_id=request_id, key=key, title=dict(title), group_id=group_id,
                  depends_on=list(depends_on), state=state, created_at=now, updated_at=now,
                  ready_at=now if state == "ready" else None, recovery=recovery)
    session.add(row)
    await session.flush()
    return row


async def get_task(session: AsyncSession, *, task_id: int) -> TaskRow | None:
    if not 1 <= task_id <= MAX_REQUEST_ID:
        return None
    return await session.get(TaskRow, task_id, populate_existing=True)


async def tasks_of(session: AsyncSession, *, request_id: int) -> list[TaskRow]:
    return list(await session.scalars(_TASKS_OF, {"request_id": request_id}))


async def assigned_to(session: AsyncSession, *, person: str, limit: int = 50) -> list[TaskRow]:
    """Open tasks in ``person``'s hands, oldest first."""
    query = (select(TaskRow)
             .where(col(TaskRow.assignee) == person,
                    col(TaskRow.state).in_(("claimed", "waiting_info")))
             .order_by(col(TaskRow.id)).limit(limit))
    return list(await session.scalars(query))


async def queue_of(
    session: AsyncSession, *, groups: Iterable[str], limit: int = 50
) -> list[TaskRow]:
    """Ready, unclaimed tasks of these groups, oldest first."""
    query = (select(TaskRow)
             .where(col(TaskRow.group_id).in_(sorted(set(groups))),
                    col(TaskRow.state) == "ready")
             .order_by(col(TaskRow.ready_at), col(TaskRow.id)).limit(limit))
    return list(await session.scalars(query))


async def move(
    session: AsyncSession,
    *,
    task: TaskRow,
    from_states: Sequence[str],
    to_state: str,
    now: datetime,
    **values: Any,
) -> bool:
    """``task`` goes to ``to_state`` if it is in one of ``from_states``; False otherwise.

    ``values`` sets other columns in the same statement (assignee, note, ...).
    """
    _check_state(to_state)
    stamps = {"ready": "ready_at", "claimed": "claimed_at", "done": "done_at"}
    if to_state in stamps and stamps[to_state] not in values:
        values[stamps[to_state]] = now
    result = await session.execute(
        update(TaskRow)
        .where(col(TaskRow.id) == task.id, col(TaskRow.state).in_(from_states))
        .values(state=to_state, updated_at=now, **values)
        .execution_options(synchronize_session=False))
    await session.refresh(task)
    return int(getattr(result, "rowcount", 0) or 0) == 1


def _check_state(state: str) -> None:
    if state not in TASK_STATES:
        raise ValueError(f"unknown task state {state!r}")

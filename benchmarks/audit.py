"""``audit verify`` on a large trail: 100,000 requests with realistic trails on SQLite.

The database is migrated by esmbot, then filled directly with ``sqlite3`` (far faster than
turns, and the same rows and chained events the flows write): requests spread over
``DAYS`` days, of four kinds as they come in a working company (approved, fulfilled and
closed; no approval needed, fulfilled and closed; still waiting for the manager, reminded
once; rejected). Then timed: a full ``verify`` (the whole chain, its head, every request
replayed against its rows) and ``verify --since`` the last day.

    python -m benchmarks.audit --requests 100000
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.features.audit.verification import verify
from store import audit
from store.db import Database

START = datetime(2026, 8, 3, 1, 0, tzinfo=UTC)
DAYS = 100
STEP = timedelta(minutes=7)  # between the events of one request
CHUNK = 20_000


@dataclass
class Tables:
    """Rows to insert, table by table, and the chain's running end."""

    request: list[tuple[Any, ...]] = field(default_factory=list)
    approval_step: list[tuple[Any, ...]] = field(default_factory=list)
    approval_seat: list[tuple[Any, ...]] = field(default_factory=list)
    task: list[tuple[Any, ...]] = field(default_factory=list)
    audit_event: list[tuple[Any, ...]] = field(default_factory=list)
    seq: int = 0
    prev: str = audit.GENESIS_HASH

    def event(self, at: datetime, actor: str, action: str, rid: str, data: dict[str, Any],
              on_behalf_of: str | None = None) -> None:
        """Chain one event on, hashed as ``store.audit.hash_of`` hashes it (``verify`` checks
        that): the canonical JSON is written out here, and stored as the event's data too."""
        self.seq += 1
        body = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        behalf = f'"{on_behalf_of}"' if on_behalf_of else "null"
        iso = _iso(at)
        content = (f'{{"action":"{action}","actor":"{actor}","at":"{iso}","data":{body},'
                   f'"on_behalf_of":{behalf},"seq":{self.seq},"subject":"{rid}"}}')
        prev, self.prev = self.prev, hashlib.sha256((self.prev + content).encode()).hexdigest()
        self.audit_event.append((self.seq, f"{iso[:10]} {iso[11:26]}", actor, on_behalf_of,
                                 action, rid, body, prev, self.prev, None))  # no source


def build(path: Path, requests: int) -> int:
    """Fill the migrated database at ``path``; returns the number of events."""
    tables = Tables()
    spacing = timedelta(days=DAYS) / requests
    with sqlite3.connect(path) as db:
        for number in range(1, requests + 1):
            _request(tables, number, START + spacing * (number - 1))
            if len(tables.audit_event) >= CHUNK:
                _flush(db, tables)
        _flush(db, tables)
        db.execute("UPDATE audit_head SET seq = ?, hash = ?, count = ?",
                   (tables.seq, tables.prev, tables.seq))
    return tables.seq


def _request(t: Tables, number: int, at: datetime) -> None:
    """One request of kind ``number % 10``: 0-3 approved, 4-6 no approval, 7-8 waiting, 9
    rejected."""
    kind = number % 10
    rid = f"REQ-{number}"
    requester, manager, agent = f"e{number % 5000}", f"m{number % 300}", f"a{number % 40}"
    answers = {"model": "std", "amount": 1000 + number % 9000, "reason": "旧电脑坏了需要更换"}
    moments = _moments(at)
    t.event(next(moments), requester, "request.submitted",
            rid, {"service": "it.laptop", "version": "1", "answers": answers})
    status, closed = "closed", None
    if kind <= 3 or kind >= 7:
        _approval(t, number, rid, requester, manager, moments, kind)
        status = {7: "pending_approval", 8: "pending_approval", 9: "rejected"}.get(kind, status)
    if kind <= 6:
        _fulfilment(t, number, rid, agent, moments)
    last = datetime.fromisoformat(t.audit_event[-1][1]).replace(tzinfo=UTC)
    closed = _time(last) if status in ("closed", "rejected") else None
    t.request.append((number, "it.laptop", "1", requester, "笔记本电脑申请", status, None,
                      json.dumps(answers, ensure_ascii=False), "zh",
                      json.dumps({"channel": "slack", "user": requester}), _time(at),
                      _time(last), closed))


def _approval(t: Tables, number: int, rid: str, requester: str, manager: str,
              moments: Iterator[datetime], kind: int) -> None:
    plan = {"approvers": [manager], "mode": "all", "required": 1}
    t.event(next(moments), requester, "approval.started", rid, {"round": 1, "steps": [plan]})
    started = next(moments)
    t.event(started, requester, "approval.step_started", rid,
            {"round": 1, "step": 1, **plan})
    state, decided_by, comment, decided_at = "pending", None, None, None
    if kind in (7, 8):
        t.event(next(moments), "esmbot", "approval.reminded", rid,
                {"to": manager, "late_seconds": 0})
    else:
        verdict = "rejected" if kind == 9 else "approved"
        comment = "预算超标" if kind == 9 else None
        decided_at = next(moments)
        t.event(decided_at, manager, f"approval.{verdict}", rid,
                {"round": 1, "step": 1, "comment": comment or ""})
        state, decided_by = verdict, manager
        if kind == 9:
            t.event(next(moments), manager, "request.rejected", rid,
                    {"by": manager, "reason": comment})
        else:
            t.event(next(moments), manager, "approval.step_approved", rid, {"round": 1, "step": 1})
            t.event(next(moments), manager, "approval.completed", rid, {"round": 1})
    t.approval_step.append((number, number, 1, 1, 1, "all", 1, state, None, None,
                            _time(started), _time(decided_at) if decided_at else None))
    t.approval_seat.append((number, number, number, manager, state, decided_by, comment,
                            _time(decided_at) if decided_at else None, None, None))


def _fulfilment(t: Tables, number: int, rid: str, agent: str,
                moments: Iterator[datetime]) -> None:
    tid = f"TASK-{number}"
    created = next(moments)
    t.event(created, "esmbot", "request.in_progress", rid, {})
    t.event(created, "esmbot", "task.created", rid,
            {"task": tid, "key": "procure", "group": "procurement", "state": "ready"})
    claimed, done = next(moments), next(moments)
    t.event(claimed, agent, "task.claimed", rid, {"task": tid})
    t.event(done, agent, "task.done", rid, {"task": tid, "note": ""})
    t.event(done, agent, "request.resolved", rid, {})
    t.event(next(moments), "esmbot", "request.closed", rid, {"confirmed": False})
    t.task.append((number, number, "procure", json.dumps({"zh": "采购笔记本", "en": "Buy"}),
                   "procurement", "[]", "done", agent, None, None, _time(created),
                   _time(created), _time(claimed), _time(done), _time(done), False))


def _moments(at: datetime) -> Iterator[datetime]:
    while True:
        yield at
        at += STEP


def _flush(db: sqlite3.Connection, t: Tables) -> None:
    statements = {
        "request": 13, "approval_step": 12, "approval_seat": 10, "task": 16, "audit_event": 10}
    for table, width in statements.items():
        rows: list[tuple[Any, ...]] = getattr(t, table)
        if rows:
            db.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * width)})", rows)
            rows.clear()


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _time(at: datetime) -> str:
    """How SQLAlchemy writes an aware UTC time to SQLite (``store.types.UtcDateTime``)."""
    iso = _iso(at)
    return f"{iso[:10]} {iso[11:26]}"


async def run(path: Path, *, requests: int) -> dict[str, Any]:
    url = f"sqlite+aiosqlite:///{path}"
    await (await Database.open(url, migrate=True)).close()
    started = time.perf_counter()
    events = build(path, requests)
    built = time.perf_counter() - started
    db = await Database.open(url, migrate=False)
    try:
        started = time.perf_counter()
        full = await verify(db)
        full_seconds = time.perf_counter() - started
        since = START + timedelta(days=DAYS - 1)
        started = time.perf_counter()
        recent = await verify(db, since=since)
        since_seconds = time.perf_counter() - started
    finally:
        await db.close()
    for report in (full, recent):
        if not report.ok or report.notes:
            raise RuntimeError(f"the built trail does not verify: {report.problems[:5]} "
                               f"{report.notes}")
    return {"requests": requests, "events": events, "build_seconds": round(built, 1),
            "full_seconds": round(full_seconds, 2),
            "full_events_per_s": round(events / full_seconds),
            "since_seconds": round(since_seconds, 2), "since_requests": recent.requests,
            "since_events": recent.events}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.audit", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/esmbot-bench-audit.db"))
    args = parser.parse_args()
    args.db.unlink(missing_ok=True)
    print(json.dumps(asyncio.run(run(args.db, requests=args.requests))))


if __name__ == "__main__":
    main()

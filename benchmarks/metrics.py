"""The monthly figures over a year of history: 100,000 requests (10 audit events each, so
1,000,000 events), on SQLite and PostgreSQL, timed through ``bot.metrics.compute.compute``
for all three layers, for one month and for the whole year as one period.

The rows are bulk-inserted (SQLAlchemy Core, the same on both databases), consistent with each
other: each request has its trail (submitted, approval started/decided for half of them, task
created/claimed/done, resolved, closed), its ``request_fact`` row, its approval step and seat,
its task, a survey for the closed ones, and every 50th an expedite exception. The audit chain's
hashes are not real (``compute`` does not verify the chain; ``benchmarks.audit`` times that).

    python -m benchmarks.metrics --requests 100000 [--postgresql URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from bot.metrics.compute import compute
from bot.metrics.model import Cut, Period
from bot.metrics.periods import month_period
from bot.services import Services
from store.db import Database
from store.models import SQLModel

START = datetime(2025, 12, 1, 1, 0, tzinfo=UTC)  # 09:00 Shanghai; 12 months to 2026-12-01
YEAR = timedelta(days=365)
SERVICES = ("it.laptop", "it.password", "hr.certificate", "fin.expense", "admin.supplies")
GROUPS = {"it.laptop": "procurement", "it.password": "it-desk", "hr.certificate": "hr-ops",
          "fin.expense": "finance", "admin.supplies": "admin"}
DEPARTMENTS = {"it.laptop": "IT", "it.password": "IT", "hr.certificate": "HR",
               "fin.expense": "Finance", "admin.supplies": "Admin"}
CHUNK = 5_000
GOAL_SECONDS = 2.0


def _tables() -> dict[str, Any]:
    return SQLModel.metadata.tables


class Rows:
    def __init__(self) -> None:
        self.by_table: dict[str, list[dict[str, Any]]] = {}
        self.seq = 0

    def add(self, table: str, **values: Any) -> None:
        self.by_table.setdefault(table, []).append(values)

    def event(self, at: datetime, actor: str, action: str, rid: str, **data: Any) -> None:
        self.seq += 1
        self.add("audit_event", seq=self.seq, at=at, actor=actor, action=action, subject=rid,
                 data=data, prev_hash="0" * 64, hash=f"{self.seq:064x}")

    def size(self) -> int:
        return sum(len(v) for v in self.by_table.values())


def _request(rows: Rows, n: int, at: datetime) -> None:
    """Request ``n``: every second one needs its manager's approval; 1 in 10 is still open;
    the others are resolved and closed; every 50th expedited."""
    service = SERVICES[n % len(SERVICES)]
    group = GROUPS[service]
    rid, tid = f"REQ-{n}", f"TASK-{n}"
    requester, manager, agent = f"e{n % 5000}", f"m{n % 300}", f"a{n % 40}"
    approval, is_open = n % 2 == 0, n % 10 == 3
    moments = _moments(at)
    submitted = next(moments)
    rows.event(submitted, requester, "request.submitted", rid, service=service, version="1")
    decided = None
    if approval:
        rows.event(submitted, requester, "approval.started", rid, round=1)
        decided = next(moments)
        rows.event(decided, manager, "approval.approved", rid, round=1, step=1)
        rows.add("approval_step", id=n, request_id=n, round=1, position=1, total=1,
                 mode="all", required=1, state="approved", started_at=submitted,
                 finished_at=decided)
        rows.add("approval_seat", id=n, step_id=n, request_id=n, approver=manager,
                 state="approved", decided_by=manager, decided_at=decided)
    ready = next(moments)
    rows.event(ready, "esmbot", "request.in_progress", rid)
    rows.event(ready, "esmbot", "task.created", rid, task=tid, key="do", group=group,
               state="ready")
    claimed = next(moments)
    rows.event(claimed, agent, "task.claimed", rid, task=tid)
    done = resolved = closed = None
    if not is_open:
        done = resolved = next(moments)
        rows.event(done, agent, "task.done", rid, task=tid)
        rows.event(resolved, agent, "request.resolved", rid)
        closed = next(moments)
        rows.event(closed, requester, "request.closed", rid, confirmed=True)
        rows.event(closed, requester, "survey.answered", rid, score=1 + n % 5)
        rows.add("survey_response", request_id=n, service_id=service, groups=[group],
                 score=1 + n % 5, sent_at=closed, answered_at=closed)
    while rows.seq < n * 10:  # ten events a request: reminders fill the rest
        rows.event(next(moments), "esmbot", "task.reminded" if is_open else "approval.cc_sent",
                   rid, task=tid)
    status = "in_progress" if is_open else "closed"
    rows.add("request", id=n, service_id=service, service_version="1", requester=requester,
             title=service, status=status, answers={}, locale="zh",
             origin={"channel": "slack", "user": requester}, created_at=submitted,
             updated_at=closed or claimed, closed_at=closed)
    rows.add("task", id=n, request_id=n, key="do", title={"zh": "办理", "en": "Do it"},
             group_id=group, depends_on=[], state="claimed" if is_open else "done",
             assignee=agent, created_at=ready, ready_at=ready, claimed_at=claimed,
             done_at=done, updated_at=done or claimed, recovery=n % 50 == 7)
    if n % 50 == 0:
        rows.add("exception_grant", id=n // 50, request_id=n, service_id=service,
                 kind="expedite", effect="expedite", state="ended", requested_by=requester,
                 reason="customer-site", impact="low", seats={}, decisions={},
                 created_at=submitted, updated_at=closed or claimed, granted_at=submitted,
                 ended_at=closed, end_cause="closed")
    _fact(rows, n, service, group, requester, submitted, decided, claimed, resolved, closed,
          status)


def _fact(rows: Rows, n: int, service: str, group: str, requester: str, submitted: datetime,
          decided: datetime | None, claimed: datetime, resolved: datetime | None,
          closed: datetime | None, status: str) -> None:
    wall = (resolved - submitted).total_seconds() if resolved else None
    statuses = [[submitted.isoformat(), "submitted"], [claimed.isoformat(), "in_progress"]]
    if resolved and closed:
        statuses += [[resolved.isoformat(), "resolved"], [closed.isoformat(), "closed"]]
    stage = {"approval": 0.0, "claim_wait": 0.0, "work": wall or 0.0, "requester_wait": 0.0,
             "confirmation": 0.0, "other": 0.0}
    rows.add("request_fact", request_id=n, service_id=service,
             service_department=DEPARTMENTS[service], requester=requester,
             requester_department="Engineering", groups=[group], status=status,
             statuses=statuses, submitted_at=submitted, first_response_at=decided or claimed,
             first_resolved_at=resolved, closed_at=closed, ended_at=closed,
             completion_wall_s=wall, completion_business_s=wall, response_target="4bh",
             response_late=n % 7 == 0, resolution_target="5bd",
             resolution_late=(n % 9 == 0) if resolved else None, expedited=n % 50 == 0,
             need_info_rounds=int(n % 11 == 0), reopens=int(n % 13 == 0), amendments=0,
             rejections=0, stage_wall=stage, stage_business=stage,
             approval_required=n % 2 == 0, approval_done_at=decided, first_claim_at=claimed,
             trail_complete=closed is not None, folded_seq=n * 10)


def _moments(at: datetime) -> Iterator[datetime]:
    while True:
        yield at
        at += timedelta(minutes=40)


ORDER = ("request", "audit_event", "approval_step", "approval_seat", "task", "survey_response",
         "exception_grant", "request_fact")


async def _flush(db: Database, rows: Rows) -> None:
    async with db.unit_of_work() as uow:
        for table in ORDER:
            values = rows.by_table.pop(table, [])
            if values:
                await uow.session.execute(insert(_tables()[table]), values)


async def build(db: Database, requests: int) -> int:
    """Fill the migrated database; returns the number of audit events."""
    rows = Rows()
    spacing = YEAR / requests
    for n in range(1, requests + 1):
        _request(rows, n, START + spacing * (n - 1))
        if rows.size() >= CHUNK * 4:
            await _flush(db, rows)
    await _flush(db, rows)
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            _tables()["audit_head"].update().values(seq=rows.seq, hash=f"{rows.seq:064x}",
                                                    count=rows.seq))
    return rows.seq


async def refold_open(db: Database, services: Services) -> int:
    """Fold the open requests' trails again with the real fold (``esmbot metrics rebuild`` for
    them): their rows then hold the SLA clocks at the end of the trail (``open_clocks``), as
    rows written by the running bot do; the bench's hand-made rows leave them out."""
    from sqlmodel import col, select

    from bot.features.time.fact_rows import rebuild_batch
    from store.models import RequestRow

    written, after = 0, 0
    while True:
        async with db.unit_of_work() as uow:
            query = (select(RequestRow).where(col(RequestRow.status) != "closed",
                                              col(RequestRow.id) > after)
                     .order_by(col(RequestRow.id)).limit(CHUNK))
            found = list(await uow.session.scalars(query))
            if not found:
                return written
            written += await rebuild_batch(uow.session, services, found)
        after = found[-1].id or 0


async def timed(db: Database, services: Services, period: Period) -> float:
    started = time.perf_counter()
    async with db.unit_of_work() as uow:
        report = await compute(uow.session, services, period, Cut(),
                               now=period.end + timedelta(hours=1))
    seconds = time.perf_counter() - started
    if not report.figures:
        raise RuntimeError("no figures computed")
    return seconds


async def run(url: str, *, requests: int) -> dict[str, Any]:
    from bot.app import build_app
    from bot.settings import Settings

    db = await Database.open(url, migrate=True)
    started = time.perf_counter()
    try:
        events = await build(db, requests)
    finally:
        await db.close()
    built = time.perf_counter() - started
    app = await build_app(Settings.model_validate({"store": {"url": url}}))
    try:
        started = time.perf_counter()
        await refold_open(app.db, app.services)
        built += time.perf_counter() - started
        zone = ZoneInfo("Asia/Shanghai")
        month = month_period(2026, 6, zone)
        year = Period(START.astimezone(zone), (START + YEAR).astimezone(zone), "year")
        first = await timed(app.db, app.services, month)  # a cold start, then warm
        month_s = min(first, await timed(app.db, app.services, month))
        year_s = await timed(app.db, app.services, year)
    finally:
        await app.close()
    return {"requests": requests, "events": events, "build_seconds": round(built, 1),
            "month_seconds": round(month_s, 3), "year_seconds": round(year_s, 3),
            "goal": f"< {GOAL_SECONDS} s per report",
            "goal_met": max(month_s, year_s) < GOAL_SECONDS}


Run = Callable[..., Coroutine[Any, Any, dict[str, Any]]]


def command_line(prog: str, doc: str | None, default_db: Path, run: Run) -> None:
    """``python -m <prog> --requests N [--db FILE | --postgresql URL]``: ``run(url,
    requests=N)`` on a fresh SQLite file (or the given database), its figures printed as JSON."""
    parser = argparse.ArgumentParser(prog=prog, description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=default_db)
    parser.add_argument("--postgresql", default="", help="a database URL instead of SQLite")
    args = parser.parse_args()
    if args.postgresql:
        url = args.postgresql
    else:
        args.db.unlink(missing_ok=True)
        url = f"sqlite+aiosqlite:///{args.db}"
    print(json.dumps(asyncio.run(run(url, requests=args.requests))))


def main() -> None:
    command_line("python -m benchmarks.metrics", __doc__, Path("/tmp/esmbot-bench-metrics.db"),
                 run)


if __name__ == "__main__":
    main()

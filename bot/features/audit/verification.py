"""``esmbot audit verify``: the chain is whole up to its head and its anchors, and every
request's rows are what its trail says.

The chain walk stops at its first bad link (what follows cannot be trusted to be in order);
the replay reports every request that differs, a batch of requests per transaction (on
PostgreSQL a repeatable-read one, so rows and trail are read at one moment). ``since`` walks
the chain from the first event at or after it and replays only the requests with an event or
a row change since then; the head and the anchors are checked either way.

It only reads, and never holds up the bot: on SQLite its transactions are plain ``BEGIN``
(WAL: one snapshot, no write lock), on PostgreSQL repeatable-read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.audit.drift import differences
from bot.features.audit.stored import every_request_id, in_tables, on_trails, request_ids_since
from store import anchors, audit
from store.anchors import Anchor
from store.db import READ_ONLY, Database
from store.requests import format_request_id

REPLAY_BATCH = 500


@dataclass(frozen=True)
class Report:
    events: int  # links of the chain checked
    requests: int  # requests replayed
    problems: tuple[str, ...]
    notes: tuple[str, ...] = ()
    chain_ok: bool = True  # the chain walked and its anchors held (not the request replay)
    first_bad_seq: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


async def verify(
    db: Database, *, since: datetime | None = None, anchor: Anchor | None = None,
    secret: str = "", batch_size: int = REPLAY_BATCH,
) -> Report:
    problems: list[str] = []
    notes: list[str] = []
    async with _reading(db) as session:
        chain = await _walk(session, since)
        if not chain.ok:
            where = f" at seq {chain.first_bad_seq}" if chain.first_bad_seq else ""
            problems.append(f"chain broken{where}: {chain.reason}")
        anchored = await _anchors(session, anchor, secret, notes)
        problems += anchored
        ids = (await every_request_id(session) if since is None
               else await request_ids_since(session, since))
    unknown: set[str] = set()
    for first in range(0, len(ids), batch_size):
        batch = ids[first:first + batch_size]
        async with _reading(db) as session:
            table = await in_tables(session, batch)
            trail = await on_trails(session, batch)
        for number in batch:
            rid = format_request_id(number)
            problems += differences(rid, table.get(number), trail.get(number))
            unknown |= trail[number].unknown if number in trail else set()
    if unknown:
        notes.append("not replayed (unknown actions): " + ", ".join(sorted(unknown)))
    return Report(chain.checked, len(ids), tuple(problems), tuple(notes),
                  chain_ok=chain.ok and not anchored, first_bad_seq=chain.first_bad_seq)


@asynccontextmanager
async def _reading(db: Database) -> AsyncIterator[AsyncSession]:
    """A transaction whose statements all see one moment, and that writes nothing."""
    options: dict[str, Any] = ({"isolation_level": "REPEATABLE READ"}
                               if db.dialect == "postgresql" else {READ_ONLY: True})
    async with db.session() as session:
        await session.connection(execution_options=options)
        try:
            yield session
        finally:
            await session.rollback()


async def _walk(session: AsyncSession, since: datetime | None) -> audit.AuditVerification:
    if since is None:
        return await audit.verify(session)
    first = await audit.first_seq_since(session, since)
    if first is None:  # nothing since: only the end of the chain against its head
        head = await audit.head(session)
        first = (head.seq if head else 0) + 1
    return await audit.verify(session, from_seq=first)


async def _anchors(session: AsyncSession, given: Anchor | None, secret: str,
                   notes: list[str]) -> list[str]:
    """The chain must still hold the given anchor (from a file) and the newest stored one."""
    problems = []
    stored = await anchors.latest(session)
    for source, anchor in (("anchor file", given), ("stored anchor", stored[1] if stored
                                                    else None)):
        if anchor is None:
            continue
        if not secret:
            notes.append(f"{source}: its signature not checked (no [audit] anchor_secret)")
        problem = await anchors.check(session, anchor, secret=secret)
        if problem is not None:
            problems.append(f"{source}: {problem}")
    return problems

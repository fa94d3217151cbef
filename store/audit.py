"""The append-only, hash-chained audit trail.

Each event stores the hash of the one before it and its own hash over a canonical JSON of its
content, so ``verify`` detects a changed row (its hash no longer matches) and a removed row (a
gap in ``seq``, or a ``prev_hash`` that no longer matches). ``seq`` is assigned here, as last+1
under a lock, not by a database sequence: a sequence leaves gaps on rollback, and a gap must mean
a removed row. Appends are serialized (PostgreSQL: an advisory lock held until commit; SQLite:
``BEGIN IMMEDIATE``), so the chain never forks; the primary key on ``seq`` backs that up.
Because the lock is held until the transaction ends, the head of the chain is read once per
transaction (at its first append) and later appends of the same transaction chain on from the
head remembered in memory (``store/memo.py``; a savepoint, commit or rollback forgets it).

Removing the newest rows (truncating the tail) cannot be seen from the chain alone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store import memo, rows
from store.dialect import dialect_of
from store.models import AuditEventRow

GENESIS_HASH = "0" * 64
VERIFY_BATCH = 500
_APPEND_LOCK = text("SELECT pg_advisory_xact_lock(7304482416315465302)")
_TRAILS = "esmbot.audit.trails"  # memo: subject -> its whole trail, for ``new_subject``s
_HEAD = "esmbot.audit.head"  # memo: (seq, hash) of the newest event, the lock being held
_INSERT = insert(AuditEventRow.__table__)  # type: ignore[attr-defined]  # built once
_TABLE = AuditEventRow.__table__  # type: ignore[attr-defined]
_TRAIL = (select(_TABLE.c.at, _TABLE.c.action, _TABLE.c.data)
          .where(_TABLE.c.subject == bindparam("subject")).order_by(_TABLE.c.seq))
_HASHED = ("seq", "at", "actor", "on_behalf_of", "action", "subject", "data")  # and prev_hash
_HEAD_QUERY = (select(col(AuditEventRow.seq), col(AuditEventRow.hash))
               .order_by(col(AuditEventRow.seq).desc()).limit(1))


@dataclass(frozen=True)
class AuditVerification:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str | None = None


async def append(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    subject: str,
    data: dict[str, Any],
    now: datetime,
    on_behalf_of: str | None = None,
) -> AuditEventRow:
    """Add one event at the end of the chain (in the caller's transaction).

    The returned row is not in the session (nothing in a turn reads it back through the ORM).
    """
    if now.utcoffset() is None:
        raise ValueError(f"naive datetime {now!r}: audit times must be aware")
    head: tuple[int, str] | None = memo.recall(session, _HEAD)
    if head is None:  # the transaction's first append: take the lock, then read the head
        if dialect_of(session) == "postgresql":
            await session.execute(_APPEND_LOCK)
        head = await _head(session)
    seq, prev_hash = head
    values: dict[str, Any] = {
        "seq": seq + 1, "at": now.astimezone(UTC), "actor": actor, "on_behalf_of": on_behalf_of,
        "action": action, "subject": subject, "data": _plain_json(data), "prev_hash": prev_hash}
    values["hash"] = _hash_of(values)
    await session.execute(_INSERT, values)
    memo.remember(session, _HEAD, (values["seq"], values["hash"]))
    trails: dict[str, list[tuple[datetime, str, Any]]] | None = memo.recall(session, _TRAILS)
    if trails is not None and subject in trails:
        trails[subject].append((values["at"], action, values["data"]))
    return rows.built(AuditEventRow, values)


def new_subject(session: AsyncSession, *, subject: str) -> None:
    """``subject`` has no events before this transaction (a request it just created): its
    trail is kept in memory from here on, and ``trail_of`` answers without reading it back.
    A savepoint, commit or rollback forgets it, and ``trail_of`` reads the database again."""
    trails: dict[str, list[tuple[datetime, str, Any]]] | None = memo.recall(session, _TRAILS)
    if trails is None:
        trails = {}
        memo.remember(session, _TRAILS, trails)
    trails.setdefault(subject, [])


async def events_for(session: AsyncSession, *, subject: str) -> list[AuditEventRow]:
    """The events about ``subject`` (e.g. ``REQ-12``), oldest first."""
    query = (
        select(AuditEventRow)
        .where(col(AuditEventRow.subject) == subject)
        .order_by(col(AuditEventRow.seq))
    )
    return list(await session.scalars(query))


async def trail_of(session: AsyncSession, *, subject: str) -> list[tuple[datetime, str, Any]]:
    """``(at, action, data)`` of the events about ``subject``, oldest first: what ``events_for``
    reads, without building rows (the SLA clocks are worked out from these after most turns).
    Of a ``new_subject`` nothing is read: its events are the ones this transaction appended."""
    trails: dict[str, list[tuple[datetime, str, Any]]] | None = memo.recall(session, _TRAILS)
    if trails is not None and subject in trails:
        return list(trails[subject])
    return [(at, action, data) for at, action, data in await session.execute(
        _TRAIL, {"subject": subject})]


async def verify(session: AsyncSession, *, batch_size: int = VERIFY_BATCH) -> AuditVerification:
    """Walk the whole chain in ``seq`` order, a batch at a time; stop at the first bad link."""
    checked, expected_seq, expected_prev = 0, 1, GENESIS_HASH
    while True:
        rows = await _batch_after(session, expected_seq - 1, batch_size)
        for row in rows:
            problem = _link_problem(row, expected_seq, expected_prev)
            if problem is not None:
                bad_seq, reason = problem
                return AuditVerification(False, checked, bad_seq, reason)
            checked, expected_seq, expected_prev = checked + 1, row.seq + 1, row.hash
        if len(rows) < batch_size:
            return AuditVerification(True, checked)


def event_hash(row: AuditEventRow) -> str:
    """sha256 over the previous hash and a canonical JSON of this event's content."""
    return _hash_of({name: getattr(row, name) for name in (*_HASHED, "prev_hash")})


def _hash_of(values: dict[str, Any]) -> str:
    """``event_hash`` of an event given as its column values."""
    content = {name: values[name] for name in _HASHED}
    content["at"] = values["at"].astimezone(UTC).isoformat(timespec="microseconds")
    return hashlib.sha256((values["prev_hash"] + _canonical(content)).encode("utf-8")).hexdigest()


def _link_problem(
    row: AuditEventRow, expected_seq: int, expected_prev: str
) -> tuple[int, str] | None:
    if row.seq != expected_seq:
        missing = f"{expected_seq}" if row.seq == expected_seq + 1 else \
            f"{expected_seq}..{row.seq - 1}"
        return expected_seq, f"removed: seq {missing} missing (next present is {row.seq})"
    if row.prev_hash != expected_prev:
        return row.seq, f"removed or altered before seq {row.seq}: prev_hash does not match"
    if event_hash(row) != row.hash:
        return row.seq, f"changed: seq {row.seq} does not match its hash"
    return None


async def _head(session: AsyncSession) -> tuple[int, str]:
    """``(seq, hash)`` of the newest event; ``(0, GENESIS_HASH)`` for an empty trail."""
    last = (await session.execute(_HEAD_QUERY)).first()
    return (int(last[0]), str(last[1])) if last is not None else (0, GENESIS_HASH)


async def _batch_after(session: AsyncSession, seq: int, limit: int) -> list[AuditEventRow]:
    query = (
        select(AuditEventRow)
        .where(col(AuditEventRow.seq) > seq)
        .order_by(col(AuditEventRow.seq))
        .limit(limit)
        .execution_options(populate_existing=True)
    )
    rows = list(await session.scalars(query))
    for row in rows:
        session.expunge(row)  # keep memory flat on long trails
    return rows


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _plain_json(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as it will read back from the database (tuples -> lists, keys -> strings)."""
    plain: dict[str, Any] = json.loads(json.dumps(data, ensure_ascii=False))
    return plain

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

Removing the newest rows (truncating the tail) cannot be seen from the chain alone, so the
chain's head (seq, hash, count) is kept in its own row, ``audit_head``, written in the same
transaction as the appends: once per transaction, just before it commits (a session hook), so
the hot path has no extra statement per event. ``verify`` checks that the chain ends exactly at
the head. Removing rows and rewriting the head together is caught by comparing with a signed
anchor kept elsewhere (``store/anchors.py``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, event, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlmodel import col

from store import memo, rows
from store.dialect import dialect_of
from store.models import AuditEventRow, AuditHeadRow

GENESIS_HASH = "0" * 64
VERIFY_BATCH = 2000
_APPEND_LOCK = text("SELECT pg_advisory_xact_lock(7304482416315465302)")
_TRAILS = "esmbot.audit.trails"  # memo: subject -> its whole trail, for ``new_subject``s
_HEAD = "esmbot.audit.head"  # memo: (seq, hash) of the newest event, the lock being held
_INSERT = insert(AuditEventRow.__table__)  # type: ignore[attr-defined]  # built once
_TABLE = AuditEventRow.__table__  # type: ignore[attr-defined]
_TRAIL = (select(_TABLE.c.at, _TABLE.c.action, _TABLE.c.data)
          .where(_TABLE.c.subject == bindparam("subject")).order_by(_TABLE.c.seq))
# The hashed columns (and prev_hash). ``source`` is hashed when present: a row written before
# it existed (None) hashes as it always did, so old chains still verify.
_HASHED = ("seq", "at", "actor", "on_behalf_of", "action", "subject", "data", "source")
_HEAD_QUERY = (select(col(AuditEventRow.seq), col(AuditEventRow.hash))
               .order_by(col(AuditEventRow.seq).desc()).limit(1))
_WRITE_HEAD = "esmbot.audit.write_head"  # info: the root transaction whose appends move the head
_HEADS = AuditHeadRow.__table__  # type: ignore[attr-defined]
_HEAD_ROW = select(_HEADS.c.seq, _HEADS.c.hash, _HEADS.c.count).where(_HEADS.c.id == 1)
_MOVE_HEAD = (update(_HEADS).where(_HEADS.c.id == 1)
              .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"),
                      count=bindparam("new_seq"), updated_at=bindparam("now")))
_LINKS = (select(*(_TABLE.c[name] for name in (*_HASHED, "prev_hash", "hash")))
          .where(_TABLE.c.seq > bindparam("after")).order_by(_TABLE.c.seq)
          .limit(bindparam("limit")))
_HASH_AT = select(_TABLE.c.hash).where(_TABLE.c.seq == bindparam("seq"))


@dataclass(frozen=True)
class ChainHead:
    """The newest link as ``audit_head`` records it (``count``: events in the chain)."""

    seq: int
    hash: str
    count: int


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
    source: dict[str, str] | None = None,
) -> AuditEventRow:
    """Add one event at the end of the chain (in the caller's transaction). ``source``: where
    it came from (``Turn.source``: channel, platform event id, platform user id).

    The returned row is not in the session (nothing in a turn reads it back through the ORM).
    """
    if now.utcoffset() is None:
        raise ValueError(f"naive datetime {now!r}: audit times must be aware")
    head: tuple[int, str] | None = memo.recall(session, _HEAD)
    if head is None:  # the transaction's first append: take the lock, then read the head
        if dialect_of(session) == "postgresql":
            await session.execute(_APPEND_LOCK)
        head = await _head(session)
        sync = session.sync_session
        sync.info[_WRITE_HEAD] = sync.get_transaction()
    seq, prev_hash = head
    values: dict[str, Any] = {
        "seq": seq + 1, "at": now.astimezone(UTC), "actor": actor, "on_behalf_of": on_behalf_of,
        "action": action, "subject": subject, "data": _plain_json(data), "prev_hash": prev_hash,
        "source": _plain_json(source) if source is not None else None}
    values["hash"] = hash_of(values)
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


async def verify(
    session: AsyncSession, *, batch_size: int = VERIFY_BATCH, from_seq: int = 1
) -> AuditVerification:
    """Walk the chain in ``seq`` order, a batch at a time, from ``from_seq`` (default: the
    first event); stop at the first bad link. Then the chain must end exactly at its head
    (``audit_head``): fewer events mean the newest were removed."""
    checked, expected_seq = 0, max(from_seq, 1)
    expected_prev = GENESIS_HASH if expected_seq == 1 else await hash_at(
        session, expected_seq - 1)
    if expected_prev is None:
        return AuditVerification(False, 0, expected_seq - 1,
                                 f"removed: seq {expected_seq - 1} missing")
    while True:
        links = list(await session.execute(
            _LINKS, {"after": expected_seq - 1, "limit": batch_size}))
        for link in links:
            problem = _link_problem(link, expected_seq, expected_prev)
            if problem is not None:
                bad_seq, reason = problem
                return AuditVerification(False, checked, bad_seq, reason)
            checked, expected_seq, expected_prev = checked + 1, expected_seq + 1, link[-1]
        if len(links) < batch_size:
            recorded = await head(session)  # ahead of the walk: appended meanwhile, walk on
            if recorded is None or recorded.seq < expected_seq or not links:
                return _against_head(recorded, checked, expected_seq - 1, expected_prev,
                                     whole=from_seq <= 1)


async def head(session: AsyncSession) -> ChainHead | None:
    """What ``audit_head`` says the newest link is (None: its row was removed)."""
    found = (await session.execute(_HEAD_ROW)).first()
    return ChainHead(int(found[0]), str(found[1]), int(found[2])) if found else None


async def hash_at(session: AsyncSession, seq: int) -> str | None:
    """The stored hash of event ``seq`` (None: there is no such event)."""
    found = await session.scalar(_HASH_AT, {"seq": seq})
    return str(found) if found is not None else None


async def first_seq_since(session: AsyncSession, since: datetime) -> int | None:
    """The first event at or after ``since`` (None: nothing happened since)."""
    query = (select(_TABLE.c.seq).where(_TABLE.c.at >= since.astimezone(UTC))
             .order_by(_TABLE.c.seq).limit(1))
    found = await session.scalar(query)
    return int(found) if found is not None else None


async def subjects_from(session: AsyncSession, seq: int) -> set[str]:
    """Every subject with an event numbered ``seq`` or later."""
    query = select(_TABLE.c.subject).where(_TABLE.c.seq >= seq).distinct()
    return {str(subject) for subject in await session.scalars(query)}


async def events_about(
    session: AsyncSession, subjects: Sequence[str]
) -> Sequence[Sequence[Any]]:
    """``(subject, seq, actor, on_behalf_of, action, data)`` of every event about these
    subjects, oldest first (for replaying many trails at once)."""
    query = (select(_TABLE.c.subject, _TABLE.c.seq, _TABLE.c.actor, _TABLE.c.on_behalf_of,
                    _TABLE.c.action, _TABLE.c.data)
             .where(_TABLE.c.subject.in_(list(subjects))).order_by(_TABLE.c.seq))
    return list(await session.execute(query))


async def subjects_like(session: AsyncSession, prefix: str) -> set[str]:
    """Every subject starting with ``prefix`` (e.g. ``REQ-``)."""
    query = select(_TABLE.c.subject).where(_TABLE.c.subject.startswith(prefix)).distinct()
    return {str(subject) for subject in await session.scalars(query)}


def _against_head(
    recorded: ChainHead | None, checked: int, last_seq: int, last_hash: str, *, whole: bool
) -> AuditVerification:
    """The walk ended at ``last_seq``: does the head say the chain ends there?"""
    if recorded is None:
        return AuditVerification(False, checked, None,
                                 "the head row (audit_head) is missing: the end of the chain "
                                 "cannot be checked")
    if last_seq < recorded.seq:
        missing = f"{last_seq + 1}" if recorded.seq == last_seq + 1 else \
            f"{last_seq + 1}..{recorded.seq}"
        return AuditVerification(False, checked, last_seq + 1,
                                 f"truncated: seq {missing} removed (the chain ends at seq "
                                 f"{last_seq}, its head says {recorded.seq})")
    if last_seq > recorded.seq:
        return AuditVerification(False, checked, recorded.seq + 1,
                                 f"added outside the trail: seq {recorded.seq + 1}..{last_seq} "
                                 f"are past the head (seq {recorded.seq})")
    if last_hash != recorded.hash:
        return AuditVerification(False, checked, last_seq,
                                 f"changed: seq {last_seq} is not the event the head recorded")
    if whole and checked != recorded.count:
        return AuditVerification(False, checked, None,
                                 f"the head counts {recorded.count} event(s), the chain has "
                                 f"{checked}")
    return AuditVerification(True, checked)


@event.listens_for(Session, "before_commit")
def _write_head(sync: Session) -> None:
    """Just before a transaction that appended commits: the head row follows the chain.

    Once per transaction (not per event). The head is the one remembered by the last append,
    or, after a savepoint made the memo go, read again (the append lock is still held)."""
    if sync.get_nested_transaction() is not None:
        return  # a savepoint is released: the whole transaction commits later
    root = sync.info.pop(_WRITE_HEAD, None)
    if root is None or root is not sync.get_transaction():
        return
    remembered: tuple[int, str] | None = memo.recall_in(sync, _HEAD)
    if remembered is None:
        last = sync.execute(_HEAD_QUERY).first()
        remembered = (int(last[0]), str(last[1])) if last is not None else (0, GENESIS_HASH)
    seq, hash_ = remembered
    moved = sync.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": hash_,
                                      "now": datetime.now(UTC)})
    if not int(getattr(moved, "rowcount", 0) or 0):  # the row was removed: write it again
        sync.execute(insert(_HEADS), {"id": 1, "seq": seq, "hash": hash_, "count": seq,
                                      "updated_at": datetime.now(UTC)})


def event_hash(row: AuditEventRow) -> str:
    """sha256 over the previous hash and a canonical JSON of this event's content."""
    return hash_of({name: getattr(row, name) for name in (*_HASHED, "prev_hash")})


def hash_of(values: dict[str, Any]) -> str:
    """``event_hash`` of an event given as its column values."""
    hashed: list[Any] = [values.get(name) for name in _HASHED]
    return _chained(values["prev_hash"], *hashed)


def _chained(prev_hash: str, seq: int, at: datetime, actor: str, on_behalf_of: str | None,
             action: str, subject: str, data: Any, source: Any = None) -> str:
    """sha256 over the previous hash and a canonical JSON of the event's content."""
    content = {"seq": seq, "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
               "actor": actor, "on_behalf_of": on_behalf_of, "action": action,
               "subject": subject, "data": data}
    if source is not None:
        content["source"] = source
    return hashlib.sha256((prev_hash + _canonical(content)).encode("utf-8")).hexdigest()


def _link_problem(link: Sequence[Any], expected_seq: int, expected_prev: str
                  ) -> tuple[int, str] | None:
    """What is wrong with ``link`` (a row of ``_LINKS``: the hashed columns, ``prev_hash``,
    ``hash``) as the event after ``expected_prev``, or None."""
    seq, *content, prev_hash, stored_hash = link
    if seq != expected_seq:
        missing = f"{expected_seq}" if seq == expected_seq + 1 else \
            f"{expected_seq}..{seq - 1}"
        return expected_seq, f"removed: seq {missing} missing (next present is {seq})"
    if prev_hash != expected_prev:
        return seq, f"removed or altered before seq {seq}: prev_hash does not match"
    if _chained(prev_hash, seq, *content) != stored_hash:
        return seq, f"changed: seq {seq} does not match its hash"
    return None


async def _head(session: AsyncSession) -> tuple[int, str]:
    """``(seq, hash)`` of the newest event; ``(0, GENESIS_HASH)`` for an empty trail."""
    last = (await session.execute(_HEAD_QUERY)).first()
    return (int(last[0]), str(last[1])) if last is not None else (0, GENESIS_HASH)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _plain_json(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` as it will read back from the database (tuples -> lists, keys -> strings)."""
    plain: dict[str, Any] = json.loads(json.dumps(data, ensure_ascii=False))
    return plain

"""Requests: create, read, list newest first, status changes, REQ-n ids."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from store import requests
from store.db import Database
from store.models import RequestRow

ORIGIN = {"channel": "slack", "tenant": "T1", "conversation": "", "user": "U1", "thread": None}


async def _file(db: Database, now: datetime, requester: str = "alice",
                service_id: str = "it.laptop") -> int:
    async with db.unit_of_work() as uow:
        row = await requests.create_request(
            uow.session, service_id=service_id, service_version="sha:1", requester=requester,
            title="笔记本电脑", answers={"budget": 8000, "model": "X1"}, locale="zh-CN",
            origin=ORIGIN, now=now)
        assert row.id is not None
        return row.id


async def _get(db: Database, request_id: int) -> RequestRow:
    async with db.unit_of_work() as uow:
        row = await requests.get_request(uow.session, request_id=request_id)
    assert row is not None
    return row


async def test_a_new_request_is_submitted_with_everything_it_was_given(
    db: Database, now: datetime
) -> None:
    row = await _get(db, await _file(db, now))
    assert (row.service_id, row.service_version, row.requester) == ("it.laptop", "sha:1", "alice")
    assert row.title == "笔记本电脑"
    assert row.answers == {"budget": 8000, "model": "X1"}
    assert row.origin == ORIGIN
    assert row.status == "submitted"
    assert row.created_at == row.updated_at == now
    assert row.closed_at is None and row.status_reason is None


async def test_request_numbers_count_up_from_one(db: Database, now: datetime) -> None:
    assert [await _file(db, now) for _ in range(3)] == [1, 2, 3]


async def test_an_unknown_or_impossible_request_is_none(db: Database) -> None:
    async with db.unit_of_work() as uow:
        assert await requests.get_request(uow.session, request_id=99) is None
        assert await requests.get_request(uow.session, request_id=0) is None
        assert await requests.get_request(uow.session, request_id=2**40) is None


async def test_lists_are_newest_first_and_filter_by_requester_and_status(
    db: Database, now: datetime
) -> None:
    first = await _file(db, now)
    second = await _file(db, now + timedelta(minutes=1))
    bobs = await _file(db, now + timedelta(minutes=2), requester="bob")
    async with db.unit_of_work() as uow:
        row = await requests.get_request(uow.session, request_id=first)
        assert row is not None
        await requests.set_status(uow.session, request=row, status="in_progress", reason=None,
                                  now=now)
    async with db.unit_of_work() as uow:
        everyone = await requests.list_requests(uow.session)
        alices = await requests.list_requests(uow.session, requester="alice")
        submitted = await requests.list_requests(uow.session, requester="alice",
                                                 status="submitted")
        newest = await requests.list_requests(uow.session, limit=1)
    assert [r.id for r in everyone] == [bobs, second, first]
    assert [r.id for r in alices] == [second, first]
    assert [r.id for r in submitted] == [second]
    assert [r.id for r in newest] == [bobs]


async def test_withdrawing_closes_the_request_with_its_reason(db: Database, now: datetime) -> None:
    request_id = await _file(db, now)
    later = now + timedelta(hours=2)
    async with db.unit_of_work() as uow:
        row = await requests.get_request(uow.session, request_id=request_id)
        assert row is not None
        await requests.set_status(uow.session, request=row, status="withdrawn",
                                  reason="买错了", now=later)
    row = await _get(db, request_id)
    assert (row.status, row.status_reason) == ("withdrawn", "买错了")
    assert row.updated_at == row.closed_at == later


async def test_an_unknown_status_is_refused(db: Database, now: datetime) -> None:
    request_id = await _file(db, now)
    with pytest.raises(ValueError, match="unknown request status"):
        async with db.unit_of_work() as uow:
            row = await requests.get_request(uow.session, request_id=request_id)
            assert row is not None
            await requests.set_status(uow.session, request=row, status="lost", reason=None,
                                      now=now)


async def test_answers_can_be_replaced(db: Database, now: datetime) -> None:
    request_id = await _file(db, now)
    async with db.unit_of_work() as uow:
        row = await requests.get_request(uow.session, request_id=request_id)
        assert row is not None
        await requests.update_answers(uow.session, request=row,
                                      answers={**row.answers, "budget": 9000},
                                      now=now + timedelta(minutes=5))
    row = await _get(db, request_id)
    assert row.answers == {"budget": 9000, "model": "X1"}
    assert row.updated_at == now + timedelta(minutes=5)


@pytest.mark.parametrize("text", ["REQ-12", "req-12", "REQ12", "#12", "12", " REQ-12 ",
                                  "ＲＥＱ－１２", "＃１２", "Req 12"])
def test_request_ids_are_read_in_the_ways_people_type_them(text: str) -> None:
    assert requests.parse_request_id(text) == 12


@pytest.mark.parametrize("text", ["", "REQ-", "REQ-0", "REQ-x", "12a", "REQ--12", "RQ-12",
                                  "REQ-99999999999", "REQ-١٢", "-12"])
def test_things_that_are_not_request_ids_are_none(text: str) -> None:
    assert requests.parse_request_id(text) is None


def test_request_ids_are_formatted_req_dash_number() -> None:
    assert requests.format_request_id(12) == "REQ-12"


@given(st.text())
def test_parsing_never_raises(text: str) -> None:
    number = requests.parse_request_id(text)
    assert number is None or 1 <= number <= requests.MAX_REQUEST_ID


@given(st.integers(min_value=1, max_value=requests.MAX_REQUEST_ID))
def test_format_then_parse_gives_the_number_back(number: int) -> None:
    assert requests.parse_request_id(requests.format_request_id(number)) == number


async def test_a_turn_reads_a_request_once_and_the_next_turn_reads_it_fresh(
    db: Database, now: datetime
) -> None:
    request_id = await _file(db, now)
    async with db.unit_of_work() as uow:
        locked = await requests.lock_request(uow.session, request_id=request_id)
        assert locked is not None
        await requests.set_status(uow.session, request=locked, status="in_progress",
                                  reason=None, now=now)
        del locked
        again = await requests.get_request(uow.session, request_id=request_id)
        assert again is not None and again.status == "in_progress"
    async with db.engine.begin() as conn:  # another process closes it meanwhile
        await conn.execute(text("UPDATE request SET status = 'closed' WHERE id = :id"),
                           {"id": request_id})
    async with db.unit_of_work() as uow:
        fresh = await requests.get_request(uow.session, request_id=request_id)
        assert fresh is not None and fresh.status == "closed"


async def test_a_session_spanning_transactions_reads_a_request_fresh_in_each(
    db: Database, now: datetime
) -> None:
    request_id = await _file(db, now)
    async with db.session() as session:
        first = await requests.get_request(session, request_id=request_id)
        assert first is not None and first.status == "submitted"
        del first
        await session.commit()
        async with db.engine.begin() as conn:
            await conn.execute(text("UPDATE request SET status = 'closed' WHERE id = :id"),
                               {"id": request_id})
        again = await requests.get_request(session, request_id=request_id)
        assert again is not None and again.status == "closed"
        await session.commit()


async def test_the_row_create_returns_is_held_whole_as_a_fresh_read_would_give_it(
    db: Database, now: datetime
) -> None:
    columns = ("id", "service_id", "service_version", "requester", "title", "status",
               "status_reason", "answers", "locale", "origin", "created_at", "updated_at",
               "closed_at")
    async with db.unit_of_work() as uow:
        row = await requests.create_request(
            uow.session, service_id="it.laptop", service_version="sha:1", requester="alice",
            title="笔记本电脑", answers={"budget": 8000}, locale="zh-CN", origin=ORIGIN, now=now)
        assert row in uow.session and not uow.session.dirty  # as read: nothing left to write
        held = tuple(getattr(row, name) for name in columns)  # no attribute loads lazily
        assert await requests.get_request(uow.session, request_id=row.id or 0) is row
        await requests.set_status(uow.session, request=row, status="pending_approval",
                                  reason=None, now=now)
    fresh = await _get(db, row.id or 0)
    assert held[:5] == tuple(getattr(fresh, name) for name in columns[:5])
    assert held[6:] == tuple(getattr(fresh, name) for name in columns[6:])
    assert (held[5], fresh.status) == ("submitted", "pending_approval")


async def test_a_request_created_pending_approval_needs_no_second_write_to_say_so(
    db: Database, now: datetime
) -> None:
    written: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        written.append(statement)

    sa.event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with db.unit_of_work() as uow:
            row = await requests.create_request(
                uow.session, service_id="it.laptop", service_version="sha:1",
                requester="alice", title="笔记本电脑", answers={}, locale="zh-CN",
                origin=ORIGIN, now=now, status="pending_approval")
            written.clear()
            await requests.set_status(uow.session, request=row, status="pending_approval",
                                      reason=None, now=now)
            assert not [s for s in written if s.lstrip().upper().startswith("UPDATE")]
            later = now + timedelta(minutes=1)  # a different change is written as always
            await requests.set_status(uow.session, request=row, status="pending_approval",
                                      reason=None, now=later)
            assert [s for s in written if s.lstrip().upper().startswith("UPDATE")]
    finally:
        sa.event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    fresh = await _get(db, row.id or 0)
    assert (fresh.status, fresh.updated_at, fresh.created_at) == ("pending_approval", later, now)
    with pytest.raises(ValueError, match="not 'closed'"):
        async with db.unit_of_work() as uow:
            await requests.create_request(
                uow.session, service_id="it.laptop", service_version="sha:1",
                requester="alice", title="t", answers={}, locale="zh-CN", origin=ORIGIN,
                now=now, status="closed")

"""An auditor's questions, as journeys: alice files a 25,000 laptop, bob approves; then someone
with the database password changes things behind the bot's back, and ``audit verify`` names
what changed. On SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.testing import ChatDriver
from store import anchors
from tests.audit.steps import (
    alice_files_and_bob_approves,
    answers_of,
    check,
    cut_the_tail,
    last_seq,
    set_answers,
    sql,
    take_anchor,
)


async def test_an_untouched_database_verifies(chat: ChatDriver) -> None:
    await alice_files_and_bob_approves(chat)
    anchor = await take_anchor(chat)
    await chat.click("henry", "同意")
    report = await check(chat, anchor=anchor)
    assert report.ok, report.problems
    assert report.events == await last_seq(chat) and report.requests == 1
    assert (await check(chat, since=chat.clock.now - timedelta(hours=1))).ok


async def test_deleting_the_last_audit_row_is_named(chat: ChatDriver) -> None:
    await alice_files_and_bob_approves(chat)
    removed = await cut_the_tail(chat, with_head=False)
    report = await check(chat)
    assert not report.ok
    assert f"chain broken at seq {removed}: truncated: seq {removed} removed" in \
        report.problems[0]
    # what the removed event did is missing too: step 2 started, on the rows only
    assert "REQ-1: approval[1.2].state is pending in the table, waiting on the trail" in \
        report.problems


async def test_deleting_the_last_row_and_the_head_is_caught_by_the_anchor(
    chat: ChatDriver,
) -> None:
    await alice_files_and_bob_approves(chat)
    anchor = await take_anchor(chat)
    removed = await cut_the_tail(chat, with_head=True)
    await sql(chat, "DELETE FROM audit_anchor")  # the copy in the database goes too
    report = await check(chat, anchor=anchor)
    assert not any(p.startswith("chain broken") for p in report.problems)  # the chain is whole
    assert (f"anchor file: truncated: the chain has no seq {removed}, which the anchor of "
            f"{anchor.at.isoformat()} signed") in report.problems


async def test_the_stored_anchor_catches_it_too(chat: ChatDriver) -> None:
    await alice_files_and_bob_approves(chat)
    await take_anchor(chat)
    removed = await cut_the_tail(chat, with_head=True)
    report = await check(chat)
    assert any(p.startswith(f"stored anchor: truncated: the chain has no seq {removed}")
               for p in report.problems)


async def test_a_forged_tail_forks_from_the_anchor(chat: ChatDriver) -> None:
    """The newest row rewritten with a valid hash (the hash is not secret), head to match."""
    await alice_files_and_bob_approves(chat)
    anchor = await take_anchor(chat)
    async with chat.app.db.unit_of_work() as uow:
        from store import audit

        row = (await audit.events_for(uow.session, subject="REQ-1"))[-1]
        values = {n: getattr(row, n) for n in (*audit._HASHED, "prev_hash")}
        values["actor"] = "mallory"
        forged = audit.hash_of(values)
    await sql(chat, "UPDATE audit_event SET actor = 'mallory', hash = :h WHERE seq = :seq",
              h=forged, seq=row.seq)
    await sql(chat, "UPDATE audit_head SET hash = :h", h=forged)
    report = await check(chat, anchor=anchor)
    assert f"anchor file: forked: seq {row.seq} is not the event the anchor of " \
        f"{anchor.at.isoformat()} signed" in report.problems


async def test_an_anchor_signed_with_another_secret_is_refused(chat: ChatDriver) -> None:
    await alice_files_and_bob_approves(chat)
    anchor = anchors.sign(1, "0" * 64, chat.clock.now, "not-our-secret")
    report = await check(chat, anchor=anchor)
    assert any("is not signed with the configured anchor_secret" in p for p in report.problems)


async def test_deleting_a_middle_row_is_named(chat: ChatDriver) -> None:
    await alice_files_and_bob_approves(chat)
    await sql(chat, "DELETE FROM audit_event WHERE action = 'approval.approved'")
    report = await check(chat)
    assert report.problems[0] == \
        "chain broken at seq 4: removed: seq 4 missing (next present is 5)"
    assert "REQ-1: approval[1.1].bob.state is approved in the table, retired on the trail" in \
        report.problems
    assert "REQ-1: approval[1.1].bob.decided_by is bob in the table, (none) on the trail" in \
        report.problems


async def test_an_edited_answer_is_named(chat: ChatDriver) -> None:
    await alice_files_and_bob_approves(chat)
    answers = await answers_of(chat, 1)
    assert answers["amount"] in (25000, "25000", 25000.0)
    await set_answers(chat, 1, {**answers, "amount": 2500})
    report = await check(chat)
    assert report.problems == ("REQ-1: answers.amount is 2500 in the table, 25000 on the trail",)


async def test_a_flipped_status_is_named(chat: ChatDriver) -> None:
    await alice_files_and_bob_approves(chat)
    await sql(chat, "UPDATE request SET status = 'in_progress' WHERE id = 1")
    report = await check(chat)
    assert report.problems == (
        "REQ-1: status is in_progress in the table, pending_approval on the trail",)


async def test_a_changed_approver_and_task_holder_are_named(chat: ChatDriver) -> None:
    await alice_files_and_bob_approves(chat)
    await chat.click("henry", "同意")
    await chat.click("kate", "认领")
    await sql(chat, "UPDATE approval_seat SET decided_by = 'mallory' WHERE approver = 'henry'")
    await sql(chat, "UPDATE task SET assignee = 'mallory' WHERE assignee = 'kate'")
    report = await check(chat)
    assert "REQ-1: approval[1.2].henry.decided_by is mallory in the table, henry on the trail" \
        in report.problems
    assert "REQ-1: TASK-1.assignee is mallory in the table, kate on the trail" in \
        report.problems


async def test_since_replays_only_what_moved_and_still_checks_the_end(chat: ChatDriver) -> None:
    await alice_files_and_bob_approves(chat)  # REQ-1
    chat.clock.advance(days=3)
    await alice_files_and_bob_approves(chat, budget=800)  # REQ-2, done after bob
    await sql(chat, "UPDATE request SET status = 'closed' WHERE id = 1")
    since = chat.clock.now - timedelta(days=1)
    recent = await check(chat, since=since)
    assert recent.ok and recent.requests == 1  # REQ-1 did not move on its trail since
    assert recent.events < await last_seq(chat)
    assert "REQ-1: status is closed in the table, pending_approval on the trail" in \
        (await check(chat)).problems
    removed = await cut_the_tail(chat, with_head=False)
    assert f"truncated: seq {removed} removed" in (await check(chat, since=since)).problems[0]


async def test_without_the_secret_an_anchor_is_still_compared(chat: ChatDriver) -> None:
    from bot.features.audit.verification import verify

    await alice_files_and_bob_approves(chat)
    anchor = await take_anchor(chat)
    removed = await cut_the_tail(chat, with_head=True)
    report = await verify(chat.app.db, anchor=anchor)
    assert any(p.startswith(f"anchor file: truncated: the chain has no seq {removed}")
               for p in report.problems)
    assert "anchor file: its signature not checked (no [audit] anchor_secret)" in report.notes


async def test_a_request_filed_under_another_service_is_named(chat: ChatDriver) -> None:
    await alice_files_and_bob_approves(chat)
    await sql(chat, "UPDATE request SET service_id = 'it.password' WHERE id = 1")
    assert (await check(chat)).problems == (
        "REQ-1: service_id is it.password in the table, it.laptop on the trail",)


async def test_verify_never_holds_up_the_bot_on_sqlite(tmp_path: Path) -> None:
    """While verify reads (a long walk on a large trail), another process's turn still writes:
    its transactions take no write lock."""
    from bot.features.audit.verification import _reading
    from store import audit
    from store.db import Database

    url = f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}"
    verifier, bot = await Database.open(url), await Database.open(url, migrate=False)
    try:
        async with _reading(verifier) as session:
            assert await audit.head(session) is not None  # the read snapshot is taken
            async with bot.unit_of_work() as uow:  # would wait 10 s under BEGIN IMMEDIATE
                await asyncio.wait_for(audit.append(
                    uow.session, actor="alice", action="request.commented", subject="REQ-1",
                    data={}, now=datetime.now(UTC)), timeout=3)
            assert (await audit.head(session)).seq == 0  # still its own moment
    finally:
        await verifier.close()
        await bot.close()

"""Steps of the audit journeys: a request through approval, and tampering with SQL."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import text

from bot.features.audit.verification import Report, verify
from bot.testing import ChatDriver
from store import anchors
from store.anchors import Anchor
from tests.audit.conftest import SECRET
from tests.scenario.approval_steps import file_laptop


async def alice_files_and_bob_approves(chat: ChatDriver, budget: int = 25000) -> None:
    """A laptop of ``budget``: bob (her manager) approves, then erin or henry decides."""
    await file_laptop(chat, "alice", budget)
    await chat.click("bob", "同意")


async def check(chat: ChatDriver, *, since: datetime | None = None,
                anchor: Anchor | None = None) -> Report:
    return await verify(chat.app.db, since=since, anchor=anchor, secret=SECRET)


async def sql(chat: ChatDriver, statement: str, **params: Any) -> None:
    """Change the database behind the bot's back, as someone with its password could."""
    async with chat.app.db.engine.begin() as conn:
        await conn.execute(text(statement), params)


async def scalar(chat: ChatDriver, statement: str, **params: Any) -> Any:
    async with chat.app.db.engine.connect() as conn:
        return (await conn.execute(text(statement), params)).scalar()


async def set_answers(chat: ChatDriver, request_id: int, answers: dict[str, Any]) -> None:
    cast = "CAST(:answers AS jsonb)" if chat.app.db.dialect == "postgresql" else ":answers"
    await sql(chat, f"UPDATE request SET answers = {cast} WHERE id = :id",
              answers=json.dumps(answers, ensure_ascii=False), id=request_id)


async def answers_of(chat: ChatDriver, request_id: int) -> dict[str, Any]:
    raw = await scalar(chat, "SELECT answers FROM request WHERE id = :id", id=request_id)
    found: dict[str, Any] = json.loads(raw) if isinstance(raw, str) else dict(raw)
    return found


async def take_anchor(chat: ChatDriver) -> Anchor:
    async with chat.app.db.unit_of_work() as uow:
        return await anchors.take(uow.session, secret=SECRET, now=chat.clock.now)


async def last_seq(chat: ChatDriver) -> int:
    return int(await scalar(chat, "SELECT max(seq) FROM audit_event"))


async def cut_the_tail(chat: ChatDriver, *, with_head: bool) -> int:
    """Delete the newest audit row; ``with_head``: rewrite the head to the row before it."""
    last = await last_seq(chat)
    await sql(chat, "DELETE FROM audit_event WHERE seq = :seq", seq=last)
    if with_head:
        before = await scalar(chat, "SELECT hash FROM audit_event WHERE seq = :seq",
                              seq=last - 1)
        await sql(chat, "UPDATE audit_head SET seq = :seq, hash = :hash, count = :seq",
                  seq=last - 1, hash=before)
    return last

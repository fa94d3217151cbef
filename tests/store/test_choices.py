"""The numbered choices table: one row per conversation, replaced by each message, gone when a
message offers none (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from store import choices
from store.db import Database

APPROVAL = {"buttons": [{"label": "同意", "action_id": "apr:1:bob:approve", "value": ""}],
            "ref": None}
DETAILS = {"buttons": [{"label": "详情", "action_id": "view:1", "value": ""}], "ref": None}


async def _remember(db: Database, conversation: str, shown: dict[str, Any] | None,
                    now: datetime) -> None:
    async with db.unit_of_work() as uow:
        await choices.remember(uow.session, conversation=conversation, shown=shown, now=now)


async def _recall(db: Database, conversation: str) -> dict[str, Any] | None:
    async with db.unit_of_work() as uow:
        return await choices.recall(uow.session, conversation=conversation)


async def test_the_latest_message_decides_per_conversation(db: Database, now: datetime) -> None:
    await _remember(db, "dingtalk::@bob", APPROVAL, now)
    await _remember(db, "dingtalk::@erin", DETAILS, now)
    assert await _recall(db, "dingtalk::@bob") == APPROVAL
    await _remember(db, "dingtalk::@bob", DETAILS, now)  # a newer card replaces it
    assert await _recall(db, "dingtalk::@bob") == DETAILS
    await _remember(db, "dingtalk::@bob", None, now)  # a plain text: numbers are text again
    assert await _recall(db, "dingtalk::@bob") is None
    assert await _recall(db, "dingtalk::@erin") == DETAILS
    await _remember(db, "dingtalk::@nobody", None, now)  # nothing to forget is fine

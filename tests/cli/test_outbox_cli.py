"""``esmbot outbox list|retry``: an operator sees what did not go out and sends it again."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.fake.channel import FakeChannel
from bot.services import utc_now
from chat.events import ConversationKey
from chat.replies import Text, message_to_dict
from scheduler.dispatcher import OutboxDispatcher
from store import outbox
from store.db import Database
from tests.cli.conftest import Esmbot

BOB = ConversationKey(channel="fake", tenant="T1", conversation="", user="bob")
ERIN = ConversationKey(channel="fake", tenant="T1", conversation="", user="erin")
THEN = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def store_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}"


async def seed(url: str) -> dict[str, int]:
    """A sent message, one waiting for its retry, and a dead letter."""
    db = await Database.open(url)
    try:
        async with db.unit_of_work() as uow:
            ids = {text: (await outbox.enqueue(
                uow.session, recipient=key.as_dict(), channel="fake",
                message=message_to_dict(Text(text)), now=THEN)).id
                for text, key in (("went", BOB), ("waits", ERIN), ("gave up", BOB))}
        async with db.unit_of_work() as uow:
            await outbox.mark_sent(uow.session, outbox_id=ids["went"], sent_ref=None, now=THEN)
            await outbox.mark_failed(uow.session, outbox_id=ids["waits"], error="HTTP 503",
                                     now=THEN, retry_at=THEN + timedelta(days=30))
            await outbox.mark_failed(uow.session, outbox_id=ids["gave up"],
                                     error="channel_not_found", now=THEN, retry_at=None)
    finally:
        await db.close()
    return ids


async def deliver(url: str) -> FakeChannel:
    """What a running esmbot's dispatcher sends now."""
    db = await Database.open(url)
    fake = FakeChannel()
    try:
        await OutboxDispatcher(db, {"fake": fake}, utc_now).drain()
    finally:
        await db.close()
    return fake


def test_the_operator_lists_what_waits_and_what_is_dead(esmbot: Esmbot, tmp_path: Path
                                                        ) -> None:
    ids = asyncio.run(seed(store_url(tmp_path)))
    waiting = json.loads(esmbot("outbox", "list", "--json").stdout)
    assert [(r["id"], r["state"], r["last_error"]) for r in waiting] == [
        (ids["waits"], "pending", "HTTP 503")]
    assert waiting[0]["recipient"] == outbox.recipient_key(ERIN.as_dict())
    dead = json.loads(esmbot("outbox", "list", "--dead", "--json").stdout)
    assert [(r["id"], r["state"], r["last_error"]) for r in dead] == [
        (ids["gave up"], "dead", "channel_not_found")]
    shown = esmbot("outbox", "list", "--dead").stdout
    assert str(ids["gave up"]) in shown and "channel_not_found" in shown


def test_a_dead_letter_retried_by_the_operator_is_sent(esmbot: Esmbot, tmp_path: Path) -> None:
    ids = asyncio.run(seed(store_url(tmp_path)))
    done = esmbot("outbox", "retry", str(ids["gave up"]))
    assert f"due now: {ids['gave up']}" in done.stdout
    assert json.loads(esmbot("outbox", "list", "--dead", "--json").stdout) == []
    fake = asyncio.run(deliver(store_url(tmp_path)))
    assert fake.to("bob") == [Text("gave up")]
    assert fake.to("erin") == []  # its retry is not due, and nobody asked for it


def test_retry_dead_resends_every_dead_letter_and_retry_resends_every_waiting_one(
    esmbot: Esmbot, tmp_path: Path
) -> None:
    ids = asyncio.run(seed(store_url(tmp_path)))
    assert f"due now: {ids['gave up']}" in esmbot("outbox", "retry", "--dead").stdout
    assert "nothing to retry" in esmbot("outbox", "retry", "--dead").stdout
    assert f"due now: {ids['waits']}, {ids['gave up']}" in esmbot("outbox", "retry").stdout
    fake = asyncio.run(deliver(store_url(tmp_path)))
    assert (fake.to("bob"), fake.to("erin")) == ([Text("gave up")], [Text("waits")])


def test_a_sent_or_unknown_id_is_left_and_said_so(esmbot: Esmbot, tmp_path: Path) -> None:
    ids = asyncio.run(seed(store_url(tmp_path)))
    done = esmbot("outbox", "retry", str(ids["went"]), "999", check=False)
    assert done.returncode == 1
    assert f"{ids['went']}: sent; left as it is" in done.stderr
    assert "999: no such message" in done.stderr
    assert "Traceback" not in done.stderr
    both = esmbot("outbox", "retry", "--dead", str(ids["gave up"]), check=False)
    assert both.returncode == 2 and "not both" in both.stderr
    typo = esmbot("outbox", "retry", "REQ-1", check=False)
    assert typo.returncode == 2 and "invalid int value" in typo.stderr

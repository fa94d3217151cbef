"""What waits for a person with no tab open: kept in the store (SQLite and PostgreSQL), apart
from the terminal's personas' mailbox though both share its table, handed out once, oldest
first; and the web channel's registry row."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.registry import ADAPTERS
from adapters.web.channel import MemoryMailbox, WebChannel
from bot.mailbox import StoreMailbox
from chat.replies import Card, Text
from store.db import Database
from tests.webchat.conftest import WebChat
from tests.webchat.page import Page

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


async def test_the_web_mailbox_keeps_in_order_hands_out_once_and_not_to_the_terminal(
    db: Database,
) -> None:
    web = StoreMailbox(db, lambda: NOW, channel="web")
    terminal = StoreMailbox(db, lambda: NOW)
    channel = WebChannel(web)
    key = channel.key_of("alice")
    sent = await channel.send(key, Card(title="审批 REQ-1", body="待审批"))
    await channel.update(sent, Card(title="审批 REQ-1", body="已同意"))
    await channel.send(key, Text("下一条"))

    assert await terminal.take_unseen("alice") == []  # the terminal's alice has nothing
    kept = await web.take_unseen("alice")
    assert [(f["type"], f["id"] == sent.native_id) for f in kept] == \
        [("message", True), ("update", True), ("message", False)]
    assert [f["message"]["body"] for f in kept] == ["待审批", "已同意", "下一条"]
    assert await web.take_unseen("alice") == []  # handed out once


async def test_the_web_channel_is_a_platform_row_with_nothing_to_probe(webchat: WebChat) -> None:
    [row] = [adapter for adapter in ADAPTERS if adapter.name == "web"]
    assert row.settings_key == "web"
    assert await row.probe(webchat.slack.bot.settings.web) == []
    ready = await webchat.slack.http.get("/readyz")
    assert (await ready.json())["checks"]["web"] == "ok"


async def test_a_socket_gone_under_the_channel_is_dropped_and_the_message_kept(
    webchat: WebChat,
) -> None:
    page: Page = await webchat.open(await webchat.signed_in("alice"))
    await page.socket.close()
    await page.ended.wait()
    await webchat.channel.send(webchat.channel.key_of("alice"), Text("你好"))
    assert webchat.channel.open_sockets("alice") == 0
    again = await webchat.open(await webchat.signed_in("alice"))
    await again.until(lambda f: f.get("message", {}).get("body") == "你好")


class _Dying:
    """A socket that takes ``lives`` frames and then is gone."""

    def __init__(self, lives: int) -> None:
        self.lives = lives
        self.got: list[dict[str, Any]] = []

    @property
    def closed(self) -> bool:
        return self.lives <= 0

    async def send_json(self, data: Any) -> None:
        if self.lives <= 0:
            raise ConnectionResetError("Cannot write to closing transport")
        self.lives -= 1
        self.got.append(data)


async def test_what_a_socket_dying_at_connect_did_not_get_waits_for_the_next() -> None:
    mailbox = MemoryMailbox()
    channel = WebChannel(mailbox)
    for text in ("一", "二", "三"):
        await channel.send(channel.key_of("alice"), Text(text))
    dying = _Dying(lives=1)
    with pytest.raises(ConnectionResetError):
        await channel.opened("alice", dying)
    assert [f["message"]["body"] for f in dying.got] == ["一"]
    assert channel.open_sockets("alice") == 0
    healthy = _Dying(lives=10)
    assert await channel.opened("alice", healthy) == 2
    assert [f["message"]["body"] for f in healthy.got] == ["二", "三"]
    await channel.send(channel.key_of("alice"), Text("四"))  # live now
    assert [f["message"]["body"] for f in healthy.got][-1] == "四"

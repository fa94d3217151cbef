"""DingTalk hears "received" only once its event is in the inbox: stream mode sends no ACK
while the database is unavailable (so DingTalk delivers the message again), HTTP mode answers
503; the redelivery is handled once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.dingtalk.conftest import dingtalk_settings, running, signed
from tests.dingtalk.fake_dingtalk import FakeDingTalk
from tests.dingtalk.steps import ALICE, dm
from tests.platform import database_locked, inbox_rows, with_inbox

ASKS = "我的申请"


async def test_a_stream_message_is_not_acknowledged_while_the_database_is_unavailable(
    tmp_path: Path, fake_dingtalk: FakeDingTalk,
) -> None:
    settings = with_inbox(dingtalk_settings(tmp_path, fake_dingtalk))
    async with running(settings, fake_dingtalk) as dingtalk:
        message = dingtalk.message(ALICE, ASKS, msg_id="msgDown1")
        with database_locked(tmp_path / "esmbot.db"):
            refused = fake_dingtalk.push_message(message)
            # frames are answered one at a time: once the ping is echoed, the message was done
            await fake_dingtalk.wait_for_ack(fake_dingtalk.push("SYSTEM", "ping", {}))
        assert not _acked(fake_dingtalk, refused)
        await dingtalk.settle()
        assert not [done for _, done in await inbox_rows(dingtalk.bot) if done]

        for _ in range(2):  # DingTalk delivers it again, and once more
            ack = await dingtalk.push(message)
            assert ack["code"] == 200
            await dingtalk.settle()
        assert await inbox_rows(dingtalk.bot) == [("msgDown1", True)]
        assert len(fake_dingtalk.texts_to(dm(ALICE))) == 1


async def test_an_http_callback_the_inbox_cannot_take_gets_503(
    tmp_path: Path, fake_dingtalk: FakeDingTalk, monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = with_inbox(dingtalk_settings(tmp_path, fake_dingtalk, mode="http",
                                            card_template_id=""))
    async with running(settings, fake_dingtalk) as dingtalk:
        guard = dingtalk.bot.first_use
        lock = database_locked(tmp_path / "esmbot.db")

        async def then_the_database_goes_down(*args: Any, **kwargs: Any) -> bool:
            fresh = await guard(*args, **kwargs)
            lock.__enter__()
            return fresh

        message, headers = dingtalk.message(ALICE, ASKS, msg_id="msgDown3"), signed()
        monkeypatch.setattr(dingtalk.bot, "first_use", then_the_database_goes_down)
        try:
            assert (await dingtalk.post(message, headers)).status == 503
        finally:
            lock.__exit__(None, None, None)
        monkeypatch.setattr(dingtalk.bot, "first_use", guard)
        await dingtalk.settle()
        assert not [done for _, done in await inbox_rows(dingtalk.bot) if done]
        assert (await dingtalk.post(message, headers)).status == 200  # the retry, same request
        await dingtalk.settle()
        assert await inbox_rows(dingtalk.bot) == [("msgDown3", True)]
        assert len(fake_dingtalk.texts_to(dm(ALICE))) == 1


def _acked(fake: FakeDingTalk, message_id: str) -> bool:
    return any(a.get("headers", {}).get("messageId") == message_id for a in fake.acks)


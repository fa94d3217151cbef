"""A WeCom callback is answered 200 only once its event is in the inbox, through the real
``POST /wecom/callback``: when the database fails after the replay guard let the callback in,
WeCom gets a 503 and its retry (the very same request) is handled once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.platform import database_locked, inbox_rows, with_inbox
from tests.wecom import callbacks
from tests.wecom.conftest import running, wecom_settings
from tests.wecom.fake_qyapi import FakeQyapi
from tests.wecom.steps import ALICE


async def test_a_callback_the_inbox_cannot_take_gets_an_error_and_its_retry_is_answered_once(
    tmp_path: Path, fake_qyapi: FakeQyapi, monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with running(with_inbox(wecom_settings(tmp_path, fake_qyapi)), fake_qyapi) as wecom:
        sealed = callbacks.seal(callbacks.text(ALICE, "我的申请", msg_id="7100000000000000001"))
        guard = wecom.bot.first_use
        lock = database_locked(tmp_path / "esmbot.db")

        async def then_the_database_goes_down(*args: Any, **kwargs: Any) -> bool:
            fresh = await guard(*args, **kwargs)
            lock.__enter__()
            return fresh

        monkeypatch.setattr(wecom.bot, "first_use", then_the_database_goes_down)
        try:
            response = await wecom.post("", sealed=sealed)
        finally:
            lock.__exit__(None, None, None)
        assert response.status == 503
        await wecom.settle()
        assert not [done for _, done in await inbox_rows(wecom.bot) if done]  # none processed
        assert fake_qyapi.texts_to(ALICE) == []

        monkeypatch.setattr(wecom.bot, "first_use", guard)
        for _ in range(2):  # WeCom's retry, then one more
            response = await wecom.post("", sealed=sealed)
            assert response.status == 200 and await response.text() == ""
            await wecom.settle()
        assert await inbox_rows(wecom.bot) == [("7100000000000000001", True)]
        assert len(fake_qyapi.texts_to(ALICE)) == 1

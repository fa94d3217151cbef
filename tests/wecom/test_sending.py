"""Sending through the outbox: the access token renewed, 45009 waited out, members paced."""

from __future__ import annotations

from pathlib import Path

from tests.wecom.conftest import WeComHarness, running, wecom_settings
from tests.wecom.fake_qyapi import FakeQyapi
from tests.wecom.steps import ALICE


async def test_an_expired_token_is_renewed_and_the_send_made_again(
    wecom: WeComHarness,
) -> None:
    wecom.fake.expire_token()
    await wecom.say(ALICE, "我的申请")
    [refused] = wecom.fake.calls_to("message/send", ok=False)
    assert refused.response["errcode"] == 42001
    [delivered] = wecom.fake.sends_to(ALICE)
    assert delivered.args == refused.args  # the same message, made once more
    assert len(wecom.fake.calls_to("gettoken")) == 2  # at start, then after 42001
    assert await outbox_failures(wecom) == 0  # renewed inside the send: no retry needed


async def test_an_invalid_token_is_renewed_too(wecom: WeComHarness) -> None:
    wecom.fake.fail_next("message/send", 40014)
    await wecom.say(ALICE, "我的申请")
    assert [c.response["errcode"] for c in wecom.fake.calls_to("message/send", ok=None)] == \
        [40014, 0]
    assert len(wecom.fake.calls_to("gettoken")) == 2


async def test_a_45009_is_retried_by_the_outbox_after_the_wait(
    tmp_path: Path, fake_qyapi: FakeQyapi,
) -> None:
    settings = wecom_settings(tmp_path, fake_qyapi, throttled_retry_seconds=0.2)
    async with running(settings, fake_qyapi) as wecom:
        fake_qyapi.fail_next("message/send", 45009)
        await wecom.say(ALICE, "我要申请一台笔记本，预算8000")
        [limited] = await fake_qyapi.wait_for("message/send", ok=False)
        assert limited.response["errcode"] == 45009
        delivered = await fake_qyapi.wait_for("message/send", count=2)
        assert delivered[0].args == limited.args  # the refused one went first, in order
        assert "型号" in delivered[1].text
        assert await outbox_failures(wecom) == 1


async def test_a_member_over_the_minute_budget_waits_in_the_outbox(
    tmp_path: Path, fake_qyapi: FakeQyapi,
) -> None:
    settings = wecom_settings(tmp_path, fake_qyapi, member_per_minute=1)
    async with running(settings, fake_qyapi) as wecom:
        await wecom.say(ALICE, "我要申请一台笔记本，预算8000")  # two messages for alice
        [sent] = wecom.fake.sends_to(ALICE)
        assert sent.args["msgtype"] == "text"  # the card waits its turn, WeCom never sees it
        async with wecom.bot.db.engine.connect() as conn:
            from sqlalchemy import text
            rows = (await conn.execute(text(
                "SELECT state, last_error FROM outbox WHERE state = 'pending'"))).all()
        assert len(rows) == 1 and "next in" in rows[0][1]


async def outbox_failures(wecom: WeComHarness) -> int:
    from sqlalchemy import text

    async with wecom.bot.db.engine.connect() as conn:
        rows = await conn.execute(text("SELECT attempts FROM outbox WHERE state = 'sent'"))
        return sum(row[0] - 1 for row in rows)

"""Steps the WeCom journeys share: filing the laptop request, finding cards, reading the DB."""

from __future__ import annotations

from store import audit, requests
from store.audit import AuditEventRow
from tests.wecom.conftest import WeComHarness
from tests.wecom.fake_qyapi import Call

ALICE, BOB, KATE, CAROL = "wangxiaoli", "zhaoqiang", "qianfang", "chenjing"
IT_DESK = "wr-it-desk"


async def file_the_laptop(wecom: WeComHarness) -> None:
    """alice asks in Chinese, picks the model, types the reason and submits: REQ-1."""
    await wecom.say(ALICE, "我要申请一台笔记本，预算800")
    assert "预算 ¥800.00" in "\n".join(wecom.fake.texts_to(ALICE))
    await wecom.tap(ALICE, wecom.fake.sends_to(ALICE)[-1], "标准办公本")
    assert "申请原因" in wecom.fake.texts_to(ALICE)[-1]
    await wecom.say(ALICE, "旧电脑坏了需要更换")
    await wecom.tap(ALICE, wecom.fake.sends_to(ALICE)[-1], "提交")
    assert "已提交 REQ-1" in "\n".join(wecom.fake.texts_to(ALICE))


def card_with(wecom: WeComHarness, to: str, action_id: str) -> Call:
    """The latest card sent to ``to`` with a button doing ``action_id``."""
    return next(c for c in reversed(wecom.fake.sends_to(to))
                if any(b["key"] == action_id for b in c.buttons))


async def status_of(wecom: WeComHarness, number: int = 1) -> str:
    async with wecom.bot.db.unit_of_work() as uow:
        row = await requests.get_request(uow.session, request_id=number)
    assert row is not None
    return row.status


async def trail(wecom: WeComHarness, subject: str = "REQ-1") -> list[AuditEventRow]:
    async with wecom.bot.db.unit_of_work() as uow:
        return await audit.events_for(uow.session, subject=subject)

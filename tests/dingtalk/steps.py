"""Steps the DingTalk journeys share: who is who, filing the laptop request, reading the DB."""

from __future__ import annotations

from store import audit, requests
from store.audit import AuditEventRow
from tests.dingtalk.conftest import DingTalkHarness

# staff ids from the demo directory (``dingtalk = "..."``)
ALICE, BOB, CAROL, KATE = "0100000001", "0100000002", "0100000003", "0100000011"
IT_DESK = "cid-it-desk"  # the it-desk group's chat = { dingtalk = "cid-it-desk" }
LAPTOP = "我要申请一台笔记本，预算800"


def dm(staff_id: str) -> str:
    return "@" + staff_id


async def file_the_laptop(dingtalk: DingTalkHarness) -> None:
    """alice writes to the robot, picks the model, types the reason and submits: REQ-1."""
    fake = dingtalk.fake
    await dingtalk.say(ALICE, LAPTOP)
    await dingtalk.tap(ALICE, fake.to(dm(ALICE))[-1], "标准办公本")
    assert "申请原因" in fake.texts_to(dm(ALICE))[-1]
    await dingtalk.say(ALICE, "旧电脑坏了需要更换")
    await dingtalk.tap(ALICE, fake.to(dm(ALICE))[-1], "提交")
    assert "已提交 REQ-1" in "\n".join(fake.texts_to(dm(ALICE)))


async def status_of(dingtalk: DingTalkHarness, number: int = 1) -> str:
    async with dingtalk.bot.db.unit_of_work() as uow:
        row = await requests.get_request(uow.session, request_id=number)
    assert row is not None
    return row.status


async def trail(dingtalk: DingTalkHarness, subject: str = "REQ-1") -> list[AuditEventRow]:
    async with dingtalk.bot.db.unit_of_work() as uow:
        return await audit.events_for(uow.session, subject=subject)

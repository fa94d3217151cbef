"""转交 and 抄送 on WeCom: bob's template card has a 转交 button; tapping it asks to whom, his
answer hands the seat to carol (whose card arrives, while his own is updated to say so); when
the laptop is approved, the department head 孙伟 gets the 抄送 message in the app."""

from __future__ import annotations

from tests.wecom.conftest import WeComHarness
from tests.wecom.steps import ALICE, BOB, CAROL, card_with, status_of, trail

HENRY, FRANK = "wugang", "sunwei"


async def file_a_costly_laptop(wecom: WeComHarness) -> None:
    await wecom.say(ALICE, "我要申请一台笔记本，预算8000")
    await wecom.tap(ALICE, wecom.fake.sends_to(ALICE)[-1], "标准办公本")
    await wecom.say(ALICE, "旧电脑坏了需要更换")
    await wecom.tap(ALICE, wecom.fake.sends_to(ALICE)[-1], "提交")
    assert "已提交 REQ-1" in "\n".join(wecom.fake.texts_to(ALICE))


async def test_bob_transfers_on_his_wecom_card_and_the_dept_head_is_copied(
    wecom: WeComHarness,
) -> None:
    await file_a_costly_laptop(wecom)
    approval = card_with(wecom, BOB, "apm:1:bob:transfer")
    assert [b["text"] for b in approval.buttons] == ["同意", "驳回", "退回", "详情", "转交"]

    await wecom.tap(BOB, approval, "转交")
    assert "把 REQ-1 的审批转交给谁" in wecom.fake.texts_to(BOB)[-1]
    await wecom.say(BOB, "carol 我在休假")

    assert "已把 REQ-1 的审批转交给 陈静" in "\n".join(wecom.fake.texts_to(BOB))
    assert "这一步已转交给 陈静 审批" in wecom.fake.card_now(approval).text
    assert [b["key"] for b in wecom.fake.card_now(approval).buttons] == ["st:1"]
    carols = card_with(wecom, CAROL, "apr:1:carol:approve")
    await wecom.tap(CAROL, carols, "同意")
    await wecom.tap(HENRY, card_with(wecom, HENRY, "apr:2:henry:approve"), "同意")

    assert await status_of(wecom) == "in_progress"
    copied = "\n".join(wecom.fake.texts_to(FRANK))
    assert "【抄送】王小丽 的 REQ-1「笔记本电脑申请」已审批通过" in copied
    actions = [(e.action, e.actor) for e in await trail(wecom)
               if e.action in ("approval.transferred", "approval.cc_sent")]
    assert actions == [("approval.transferred", "bob"), ("approval.cc_sent", "henry")]

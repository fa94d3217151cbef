"""转交 and 抄送 on DingTalk: bob's interactive card has a 转交 button; tapping it asks to whom,
his answer hands the seat to carol (whose card comes to her chat, while his is updated to say
so); when the laptop is approved, the department head 孙伟 gets the 抄送 message."""

from __future__ import annotations

from tests.dingtalk.conftest import DingTalkHarness
from tests.dingtalk.steps import ALICE, BOB, CAROL, dm, status_of, trail

HENRY, FRANK = "0100000008", "0100000006"


async def file_a_costly_laptop(dingtalk: DingTalkHarness) -> None:
    fake = dingtalk.fake
    await dingtalk.say(ALICE, "我要申请一台笔记本，预算8000")
    await dingtalk.tap(ALICE, fake.to(dm(ALICE))[-1], "标准办公本")
    await dingtalk.say(ALICE, "旧电脑坏了需要更换")
    await dingtalk.tap(ALICE, fake.to(dm(ALICE))[-1], "提交")
    assert "已提交 REQ-1" in "\n".join(fake.texts_to(dm(ALICE)))


async def test_bob_transfers_on_his_dingtalk_card_and_the_dept_head_is_copied(
    dingtalk: DingTalkHarness,
) -> None:
    fake = dingtalk.fake
    await file_a_costly_laptop(dingtalk)
    approval = fake.card_with(dm(BOB), "apm:1:bob:transfer")
    assert [b["text"] for b in approval.buttons] == ["同意", "驳回", "退回", "详情", "转交"]

    await dingtalk.tap(BOB, approval, "转交")
    assert "把 REQ-1 的审批转交给谁" in fake.texts_to(dm(BOB))[-1]
    await dingtalk.say(BOB, "carol 我在休假")

    assert "已把 REQ-1 的审批转交给 陈静" in "\n".join(fake.texts_to(dm(BOB)))
    assert "这一步已转交给 陈静 审批" in fake.now(approval).text
    assert [b["action_id"] for b in fake.now(approval).buttons] == ["st:1"]
    await dingtalk.tap(CAROL, fake.card_with(dm(CAROL), "apr:1:carol:approve"), "同意")
    await dingtalk.tap(HENRY, fake.card_with(dm(HENRY), "apr:2:henry:approve"), "同意")

    assert await status_of(dingtalk) == "in_progress"
    assert "【抄送】王小丽 的 REQ-1「笔记本电脑申请」已审批通过" in "\n".join(
        fake.texts_to(dm(FRANK)))
    actions = [(e.action, e.actor) for e in await trail(dingtalk)
               if e.action in ("approval.transferred", "approval.cc_sent")]
    assert actions == [("approval.transferred", "bob"), ("approval.cc_sent", "henry")]

"""转交 and 抄送 on Slack: bob's card in his DM has a 转交 button; tapping it asks to whom, his
answer hands the seat to carol (whose card comes to her DM, while his is edited to say so); when
the laptop is approved, the department head 孙伟 gets the 抄送 message in his DM."""

from __future__ import annotations

from tests.slack.conftest import SlackHarness
from tests.slack.steps import ALICE, ALICE_DM, card_with, latest_version, status_of, trail

BOB, CAROL, HENRY = "U01BOB", "U01CAROL", "U01HENRY"
BOB_DM, CAROL_DM, HENRY_DM, FRANK_DM = "D01BOB", "D01CAROL", "D01HENRY", "D01FRANK"


async def file_a_costly_laptop(slack: SlackHarness) -> None:
    await slack.say(ALICE, "我要申请一台笔记本，预算8000")
    await slack.tap(ALICE, slack.fake.posts_to(ALICE_DM)[-1], "标准办公本")
    await slack.say(ALICE, "旧电脑坏了需要更换")
    await slack.tap(ALICE, slack.fake.posts_to(ALICE_DM)[-1], "提交")
    assert "已提交 REQ-1" in "\n".join(slack.fake.texts_to(ALICE_DM))


async def test_bob_transfers_on_his_slack_card_and_the_dept_head_is_copied(
    slack: SlackHarness,
) -> None:
    await file_a_costly_laptop(slack)
    approval = card_with(slack, BOB_DM, "apm:1:bob:transfer")
    assert [b["text"]["text"] for b in approval.buttons] == ["同意", "驳回", "退回", "详情", "转交"]

    await slack.tap(BOB, approval, "转交")
    assert "把 REQ-1 的审批转交给谁" in slack.fake.texts_to(BOB_DM)[-1]
    await slack.say(BOB, "carol 我在休假")

    assert "已把 REQ-1 的审批转交给 陈静" in "\n".join(slack.fake.texts_to(BOB_DM))
    handed = latest_version(slack, approval)
    assert "这一步已转交给 陈静 审批" in str(handed.args)
    assert [b["action_id"] for b in handed.buttons] == ["st:1"]
    await slack.tap(CAROL, card_with(slack, CAROL_DM, "apr:1:carol:approve"), "同意")
    await slack.tap(HENRY, card_with(slack, HENRY_DM, "apr:2:henry:approve"), "同意")

    assert await status_of(slack) == "in_progress"
    assert "【抄送】王小丽 的 REQ-1「笔记本电脑申请」已审批通过" in "\n".join(
        slack.fake.texts_to(FRANK_DM))
    actions = [(e.action, e.actor) for e in await trail(slack)
               if e.action in ("approval.transferred", "approval.cc_sent")]
    assert actions == [("approval.transferred", "bob"), ("approval.cc_sent", "henry")]

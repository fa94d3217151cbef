"""The laptop request from first DM to closed, over signed requests to ``POST /slack/events``.

alice files in her DM; bob approves on the card in his DM; kate (procurement has no group chat)
works TASK-1 from her DM; TASK-2 goes to the IT desk's channel, where carol claims it; alice
confirms and rates. Every step waits for the app to finish (``settle``), never for time.
"""

from __future__ import annotations

from tests.slack import payloads
from tests.slack.conftest import SlackHarness
from tests.slack.steps import card_with, file_the_laptop, latest_version, status_of, trail

ALICE, BOB, KATE, CAROL = "U01ALICE", "U01BOB", "U01KATE", "U01CAROL"
ALICE_DM, BOB_DM, KATE_DM, CAROL_DM = "D01ALICE", "D01BOB", "D01KATE", "D01CAROL"
IT_DESK = "C01ITDESK"


async def test_a_laptop_goes_from_alices_dm_to_closed_through_slack(slack: SlackHarness) -> None:
    await file_the_laptop(slack)

    # bob's approval card: his DM is opened, the card posted there, then edited when he decides
    assert [c.args["users"] for c in slack.fake.calls_to("conversations.open")] == [BOB]
    approval = card_with(slack, BOB_DM, "apr:1:bob:approve")
    await slack.tap(BOB, approval, "同意")
    [decided] = slack.fake.updates_of(approval)
    assert "已同意" in decided.args["text"]
    assert [b["action_id"] for b in decided.buttons] == ["st:1"]  # no Approve/Reject any more

    # kate: procurement has no group chat, so TASK-1 comes to her DM
    assert slack.fake.calls_to("conversations.open")[-1].args["users"] == KATE
    task_1 = card_with(slack, KATE_DM, "tsk:1:claim")
    await slack.tap(KATE, task_1, "认领")
    assert "你已认领 TASK-1" in slack.fake.texts_to(KATE_DM)[-1]
    assert not slack.fake.posts_to(IT_DESK)  # TASK-2 waits for TASK-1
    await slack.tap(KATE, latest_version(slack, task_1), "完成")
    assert "已完成 TASK-1" in slack.fake.texts_to(KATE_DM)[-1]
    assert "已完成" in latest_version(slack, task_1).args["text"]

    # the IT desk: TASK-2 is posted to its channel; carol claims it there, in the card's thread
    [task_2] = slack.fake.posts_to(IT_DESK)
    assert "TASK-2" in task_2.args["text"] and "thread_ts" not in task_2.args
    await slack.tap(CAROL, task_2, "认领")
    [claimed] = [c for c in slack.fake.posts_to(IT_DESK) if c.args.get("thread_ts") == task_2.ts]
    assert "你已认领 TASK-2" in claimed.args["text"]
    assert "陈静 处理中" in latest_version(slack, task_2).args["text"]
    # the shared card only says who has it; carol's own card, with Done, comes to her DM
    own = card_with(slack, CAROL_DM, "tsk:2:done")
    await slack.tap(CAROL, own, "完成")
    assert "已完成 TASK-2" in slack.fake.texts_to(CAROL_DM)[-1]
    assert "陈静 已完成" in latest_version(slack, task_2).args["text"]
    assert "陈静 已完成" in latest_version(slack, own).args["text"]

    # alice confirms and rates, each card edited in place
    assert await status_of(slack) == "resolved"
    confirm = card_with(slack, ALICE_DM, "cfm:1:yes")
    await slack.tap(ALICE, confirm, "是，已解决")
    assert "已关闭" in latest_version(slack, confirm).args["text"]
    survey = card_with(slack, ALICE_DM, "csat:1:5")
    await slack.tap(ALICE, survey, "5")
    assert "★★★★★" in latest_version(slack, survey).args["text"]

    assert await status_of(slack) == "closed"
    actors = [(e.action, e.actor) for e in await trail(slack)
              if e.action in ("approval.approved", "task.done", "request.closed")]
    assert actors == [("approval.approved", "bob"), ("task.done", "kate"),
                      ("task.done", "carol"), ("request.closed", "alice")]
    assert not slack.fake.calls_to("chat.postMessage", ok=False)
    assert not slack.fake.calls_to("chat.update", ok=False)


async def test_a_click_on_someone_elses_approval_is_refused(slack: SlackHarness) -> None:
    await file_the_laptop(slack)
    approval = card_with(slack, BOB_DM, "apr:1:bob:approve")
    forged = payloads.block_actions(CAROL, "apr:1:bob:approve", channel=CAROL_DM,
                                    message_ts="1700000999.000001")
    assert (await slack.interact(forged)).status == 200
    await slack.settle()

    [refusal] = slack.fake.posts_to(CAROL_DM)
    assert "REQ-1 的当前环节不需要你审批" in refusal.args["text"] and not refusal.buttons
    assert await status_of(slack) == "pending_approval"
    assert not [e for e in await trail(slack) if e.action == "approval.approved"]
    assert slack.fake.updates_of(approval) == []  # bob's card still asks him
    assert not slack.fake.calls_to("chat.update")

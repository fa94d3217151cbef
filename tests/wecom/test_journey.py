"""The laptop request from first message to closed, over encrypted callbacks to
``POST /wecom/callback``, answered through a fake qyapi.

alice files in Chinese in the app; bob approves on his template card, which is then updated
with the click's single-use ResponseCode; kate (procurement has no group chat) works TASK-1 on
her card; TASK-2 goes to the IT desk's app group chat (``appchat/send``, where cards have no
buttons), and carol claims it by typing in her own app chat; alice confirms and rates. Every
step waits for the app to finish (``settle``), never for time.
"""

from __future__ import annotations

from tests.wecom.conftest import WeComHarness
from tests.wecom.steps import (
    ALICE,
    BOB,
    CAROL,
    IT_DESK,
    KATE,
    card_with,
    file_the_laptop,
    status_of,
    trail,
)


async def test_a_laptop_goes_from_alices_message_to_closed_through_wecom(
    wecom: WeComHarness,
) -> None:
    await file_the_laptop(wecom)

    # bob's approval card: a button_interaction template card, updated when he decides
    approval = card_with(wecom, BOB, "apr:1:bob:approve")
    assert approval.card["card_type"] == "button_interaction" and approval.task_id
    response = await wecom.tap(BOB, approval, "同意")
    assert await response.text() == ""  # no passive reply: the update goes through the API
    [decided] = wecom.fake.updates_of(approval)
    assert decided.args["userids"] == [BOB]
    assert decided.args["response_code"].startswith(f"code-{approval.task_id}-")
    assert decided.args["response_code"] != approval.response["response_code"]  # the click's
    shown = wecom.fake.card_now(approval)
    assert "已同意" in shown.text
    assert [b["key"] for b in shown.buttons] == ["st:1"]  # no Approve/Reject any more

    # kate: procurement has no group chat, so TASK-1 comes to her as a card
    task_1 = card_with(wecom, KATE, "tsk:1:claim")
    await wecom.tap(KATE, task_1, "认领")
    assert "你已认领 TASK-1" in wecom.fake.texts_to(KATE)[-1]
    assert not wecom.fake.sends_to(IT_DESK)  # TASK-2 waits for TASK-1
    await wecom.tap(KATE, task_1, "完成")  # on the card as it shows now
    assert "已完成 TASK-1" in wecom.fake.texts_to(KATE)[-1]
    assert "已完成" in wecom.fake.card_now(task_1).text
    assert len(wecom.fake.updates_of(task_1)) == 2

    # the IT desk: TASK-2 is posted to its app group chat, as markdown (no buttons there)
    [task_2] = wecom.fake.sends_to(IT_DESK)
    assert task_2.args["msgtype"] == "markdown" and "TASK-2" in task_2.text
    assert "认领 TASK-2" in task_2.text  # what to type instead of tapping
    await wecom.say(CAROL, "认领 TASK-2")
    assert "你已认领 TASK-2" in "\n".join(wecom.fake.texts_to(CAROL))
    # a group-chat message cannot be edited: the new state is posted to the chat
    assert "陈静 处理中" in wecom.fake.texts_to(IT_DESK)[-1]
    own = card_with(wecom, CAROL, "tsk:2:done")
    await wecom.tap(CAROL, own, "完成")
    assert "已完成 TASK-2" in wecom.fake.texts_to(CAROL)[-1]
    assert "陈静 已完成" in wecom.fake.texts_to(IT_DESK)[-1]
    assert "陈静 已完成" in wecom.fake.card_now(own).text

    # alice confirms and rates, each card updated in place
    assert await status_of(wecom) == "resolved"
    confirm = card_with(wecom, ALICE, "cfm:1:yes")
    await wecom.tap(ALICE, confirm, "是，已解决")
    assert "已关闭" in wecom.fake.card_now(confirm).text
    survey = card_with(wecom, ALICE, "csat:1:5")
    await wecom.tap(ALICE, survey, "5")
    assert "★★★★★" in wecom.fake.card_now(survey).text

    assert await status_of(wecom) == "closed"
    actors = [(e.action, e.actor) for e in await trail(wecom)
              if e.action in ("approval.approved", "task.done", "request.closed")]
    assert actors == [("approval.approved", "bob"), ("task.done", "kate"),
                      ("task.done", "carol"), ("request.closed", "alice")]
    for path in ("message/send", "message/update_template_card", "appchat/send"):
        assert not wecom.fake.calls_to(path, ok=False), path

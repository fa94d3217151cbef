"""The chat panel over a real WebSocket (aiohttp's client against the served app): a person
signed in to the console files in the browser, with the same dialogs and buttons as in chat;
the approver and the agents get their cards on their own platform (the fake Slack), and what
comes back to the requester comes to their panel."""

from __future__ import annotations

from pathlib import Path

from chat.replies import message_from_dict, plain_text
from tests.slack.fake_slack import FakeSlack
from tests.slack.steps import card_with, latest_version
from tests.webchat.conftest import WebChat, texts, web_chat, web_only, web_settings
from tests.webchat.page import Page

BOB, KATE, CAROL = "U01BOB", "U01KATE", "U01CAROL"
BOB_DM, KATE_DM, CAROL_DM, IT_DESK = "D01BOB", "D01KATE", "D01CAROL", "C01ITDESK"


async def file_the_laptop(webchat: WebChat, page: Page) -> None:
    """The laptop request, typed and clicked in the panel: REQ-1."""
    await webchat.say(page, "我要申请一台笔记本，预算800")
    await webchat.tap(page, "标准办公本")
    assert "申请原因" in texts(page)
    await webchat.say(page, "旧电脑坏了需要更换")
    await webchat.tap(page, "提交")
    assert "已提交 REQ-1" in texts(page)


async def test_filed_on_the_web_the_approver_decides_on_slack_and_the_requester_sees_it_on_the_web(
    webchat: WebChat,
) -> None:
    alice = await webchat.open(await webchat.signed_in("alice"))
    await file_the_laptop(webchat, alice)
    assert not webchat.slack.fake.posts_to("D01ALICE")  # her side stays in the browser

    # bob's card is on Slack, his own platform: he approves there
    approval = card_with(webchat.slack, BOB_DM, "apr:1:bob:approve")
    await webchat.slack.tap(BOB, approval, "同意")
    assert "已同意" in latest_version(webchat.slack, approval).args["text"]

    # alice sees it in the panel: the request's status, asked for there
    await webchat.say(alice, "REQ-1")
    [status] = [m for m in alice.cards() if getattr(m, "title", "") == "REQ-1 笔记本电脑申请"]
    assert "审批记录: 1/1: 赵强：已同意" in texts(alice)
    assert status.fields and ("状态", "处理中") in [(f.label, f.value) for f in status.fields]
    actors = [(e.action, e.actor) for e in await webchat.trail()
              if e.action in ("request.submitted", "approval.approved")]
    assert actors == [("request.submitted", "alice"), ("approval.approved", "bob")]
    sources = {e.action: e.source for e in await webchat.trail()}
    assert sources["request.submitted"]["channel"] == "web"
    assert sources["approval.approved"]["channel"] == "slack"


async def test_people_without_any_platform_id_file_approve_and_work_on_the_web_only(
    tmp_path: Path, fake_slack: FakeSlack,
) -> None:
    directory = web_only(tmp_path, "alice", "bob", "kate")
    async with web_chat(web_settings(tmp_path, fake_slack, directory), fake_slack) as webchat:
        alice = await webchat.open(await webchat.signed_in("alice"))
        await file_the_laptop(webchat, alice)
        assert not webchat.slack.fake.calls_to("chat.postMessage")  # nobody on Slack

        # bob was not connected: his card waited for him, and comes when he opens the panel
        bob = await webchat.open(await webchat.signed_in("bob"))
        await bob.until(lambda f: "apr:1:bob:approve" in str(f))
        card_id, _ = bob.card_with("apr:1:bob:approve")
        await webchat.tap(bob, "同意")
        decided = await bob.got(card_id, "update")
        assert "已同意" in plain_text(message_from_dict(decided["message"]))
        assert [b["action_id"] for b in decided["message"]["buttons"]] == ["st:1"]

        approved = [e for e in await webchat.trail() if e.action == "approval.approved"]
        assert [(e.actor, e.source["channel"]) for e in approved] == [("bob", "web")]
        assert not webchat.slack.fake.calls_to("users.lookupByEmail")  # never tried on Slack

        # kate (procurement, no group chat) works TASK-1 on the web; TASK-2 then goes to the
        # IT desk's channel on Slack: from the web panel, a group's chat on its platform
        kate = await webchat.open(await webchat.signed_in("kate"))
        await kate.until(lambda f: "tsk:1:claim" in str(f))
        await webchat.tap(kate, "认领")
        await kate.until(lambda f: "tsk:1:done" in str(f))
        await webchat.tap(kate, "完成")
        assert "已完成 TASK-1" in texts(kate)
        [task_2] = webchat.slack.fake.posts_to(IT_DESK)
        assert "TASK-2" in task_2.args["text"]

"""The chat panel in a real browser: the page's script (static/chat.js) renders what esmbot
says, sends what is typed and clicked; a request filed there shows in my requests and reaches
the approver's card on the fake Slack."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, Page

from bot.settings import PathSettings, Settings
from tests.browser.rig import Console, serving_console
from tests.webchat.conftest import web_only

BOB_DM = "D01BOB"
SNEAKY = '<img src="x" id="sneaky">旧电脑坏了'


async def tap(page: Page, label: str) -> None:
    """Click the newest button labelled ``label`` in the panel."""
    await page.locator("#chat-log").get_by_role("button", name=label, exact=True).last.click()


async def see(page: Page, text: str) -> None:
    await page.locator("#chat-log").get_by_text(text).last.wait_for()


async def test_the_chat_panel_files_a_request_that_shows_in_my_requests_and_reaches_slack(
    console: Console,
) -> None:
    page = await console.signed_in_page("alice", via_chat=False)
    await page.goto(console.url("/console/chat"))
    await page.get_by_role("status").wait_for(state="hidden")  # connected
    await page.locator("#chat-input").fill("我要申请一台笔记本，预算800")
    await page.locator("#chat-input").press("Enter")
    await see(page, "需要哪种型号")
    await tap(page, "标准办公本")
    await see(page, "申请原因")
    await page.locator("#chat-input").fill(SNEAKY)
    await page.get_by_role("button", name="发送").click()
    await see(page, "请确认")
    await tap(page, "提交")
    await see(page, "已提交 REQ-1")

    # what people typed is text on the page, never markup
    assert await page.locator("#sneaky").count() == 0
    await page.locator(".chat-card dd").get_by_text(SNEAKY).wait_for()

    await console.settle()
    [approval] = [c for c in console.fake.posts_to(BOB_DM)
                  if any(b["action_id"] == "apr:1:bob:approve" for b in c.buttons)]
    assert "REQ-1" in approval.args["text"]

    # ... and it is in her requests in the console
    await page.get_by_role("link", name="我的申请").click()
    await page.get_by_text("REQ-1").first.wait_for()
    assert "笔记本电脑申请" in await page.inner_text("main")


async def test_an_approver_on_the_web_rejects_with_a_reason_and_the_card_changes_in_place(
    tmp_path: Path, browser: Browser,
) -> None:
    directory = web_only(tmp_path, "alice", "bob")

    def with_directory(settings: Settings) -> Settings:
        return settings.model_copy(update={"directory": PathSettings(path=str(directory))})

    async with serving_console(tmp_path, browser, settings=with_directory) as console:
        alice = await console.signed_in_page("alice", via_chat=False)
        bob = await console.signed_in_page("bob", via_chat=False)
        for page in (alice, bob):
            await page.goto(console.url("/console/chat"))
            await page.get_by_role("status").wait_for(state="hidden")
        await alice.locator("#chat-input").fill("我要申请一台笔记本，预算800")
        await alice.locator("#chat-input").press("Enter")
        await tap(alice, "标准办公本")
        await see(alice, "申请原因")
        await alice.locator("#chat-input").fill("旧电脑坏了需要更换")
        await alice.locator("#chat-input").press("Enter")
        await tap(alice, "提交")
        await see(alice, "已提交 REQ-1")

        # bob's card comes to his open panel; Reject asks for the reason under the buttons
        card = bob.locator(".chat-card").filter(has_text="审批 REQ-1")
        await card.wait_for()
        await card.get_by_role("button", name="驳回", exact=True).click()
        await card.get_by_placeholder("请填写原因（必填）").fill("预算不够")
        await card.locator(".chat-reason button").click()
        await bob.locator(".chat-card").filter(has_text="已驳回").wait_for()
        assert await bob.locator(".chat-card").filter(has_text="审批 REQ-1").count() == 1
        await see(alice, "预算不够")  # the rejection, with the reason, on alice's panel
        assert not console.errors.take()

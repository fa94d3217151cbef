"""The chat panel in a real browser: the page's script (static/chat.js) renders what esmbot
says, sends what is typed and clicked, and a request filed there reaches the approver's card
on the fake Slack."""

from __future__ import annotations

from playwright.async_api import Page

from tests.browser.rig import Console

BOB_DM = "D01BOB"
SNEAKY = '<img src="x" id="sneaky">旧电脑坏了'


async def tap(page: Page, label: str) -> None:
    """Click the newest button labelled ``label`` in the panel."""
    await page.locator("#chat-log").get_by_role("button", name=label, exact=True).last.click()


async def see(page: Page, text: str) -> None:
    await page.locator("#chat-log").get_by_text(text).last.wait_for()


async def test_the_chat_panel_files_a_request_that_reaches_the_approvers_card_on_slack(
    console: Console,
) -> None:
    page = await console.signed_in_page("alice", via_chat=False)
    # the landing page (webcore's "my requests") may not be on this branch yet: only its 404
    assert not [e for e in console.errors.take() if not ("/console/: " in e and "404" in e)]
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

"""The rig itself: the browser starts, renders a blank page and Chinese text, reaches esmbot,
and catches the errors a page logs."""

from __future__ import annotations

import json

from playwright.async_api import Browser

from tests.browser.rig import VIEWPORT, Console


async def test_a_blank_page_renders_in_chromium(browser: Browser) -> None:
    page = await browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
    await page.set_content("<!doctype html><title>blank</title><body></body>")
    shot = await page.screenshot()
    assert shot.startswith(b"\x89PNG")
    assert await page.title() == "blank"


async def test_chinese_text_is_drawn_with_real_glyphs(browser: Browser) -> None:
    """Two different characters draw differently: the CJK font is there (tofu boxes would be
    the same picture)."""
    page = await browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
    await page.set_content('<!doctype html><meta charset="utf-8"><body>'
                           '<span id="a" style="font-size:48px">看</span> '
                           '<span id="b" style="font-size:48px">板</span></body>')
    first = await page.locator("#a").screenshot()
    second = await page.locator("#b").screenshot()
    assert first != second
    assert (await page.screenshot(full_page=True)).startswith(b"\x89PNG")


async def test_the_browser_reaches_esmbot_served_with_the_console_enabled(
        console: Console) -> None:
    assert console.bot.settings.web.enabled
    page = await console.page()
    response = await page.goto(console.url("/healthz"))
    assert response is not None and response.status == 200
    assert json.loads(await page.inner_text("body"))["status"] == "ok"


async def test_console_errors_and_page_errors_are_collected(console: Console) -> None:
    page = await console.page()
    await page.goto(console.url("/healthz"))
    await page.evaluate("console.error('broken on purpose')")
    await page.evaluate("setTimeout(() => { throw new Error('thrown on purpose'); }, 0)")
    await page.wait_for_timeout(100)
    seen = console.errors.take()  # taken: the fixture does not fail this test
    assert any("broken on purpose" in line for line in seen)
    assert any("thrown on purpose" in line for line in seen)


async def test_a_person_asks_for_a_link_on_the_fake_slack_and_it_signs_them_in(
        console: Console) -> None:
    link = await console.link_for("alice")  # "看板" in alice's Slack DM
    assert link.startswith(console.url("/console/signin/"))
    page = await console.page()
    await console.open_link(page, link)
    assert page.url == console.url("/console/")  # alice has no dashboard: her requests
    assert await page.locator(".who").inner_text() == "王小丽"

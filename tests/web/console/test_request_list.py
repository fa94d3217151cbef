"""The request list: filters (status, service, group, requester, period), text search over
titles and answers, pages of 25, and a period that cannot be read said so."""

from __future__ import annotations

import re
from pathlib import Path

from store import requests
from tests.scenario.approval_steps import file_expense, file_laptop
from tests.web.console.rig import Browser, ConsoleRig, console_rig, with_admin


def listed(browser: Browser) -> list[str]:
    return re.findall(r'<a href="/console/requests/(REQ-\d+)">', browser.last_html)


async def three_requests(rig: ConsoleRig) -> None:
    """REQ-1 alice's laptop (approved, with procurement), REQ-2 alice's expense (pending),
    REQ-3 bob's laptop (pending, a week later)."""
    await file_laptop(rig.chat, "alice", 800)
    await rig.chat.click("bob", "同意")
    await file_expense(rig.chat, "alice", 300)
    rig.chat.clock.advance(days=7)
    await file_laptop(rig.chat, "bob", 900)


async def test_filters_narrow_what_an_admin_sees(tmp_path: Path) -> None:
    async with console_rig(f"sqlite+aiosqlite:///{tmp_path / 'l.db'}",
                           bundle=with_admin("mia")) as rig:
        await three_requests(rig)
        mia = await rig.browser()
        await mia.sign_in_as("mia")
        await mia.get("/console/requests")
        assert listed(mia) == ["REQ-3", "REQ-2", "REQ-1"]
        await mia.get("/console/requests?status=in_progress")
        assert listed(mia) == ["REQ-1"]
        await mia.get("/console/requests?service=it.laptop")
        assert listed(mia) == ["REQ-3", "REQ-1"]
        await mia.get("/console/requests?group=procurement")
        assert listed(mia) == ["REQ-1"]
        await mia.get("/console/requests?requester=bob")
        assert listed(mia) == ["REQ-3"]
        await mia.get("/console/requests?period=2026-W48")  # the week of 2026-11-23
        assert listed(mia) == ["REQ-2", "REQ-1"]
        await mia.get("/console/requests?period=2026-W49")
        assert listed(mia) == ["REQ-3"]
        await mia.get("/console/requests?q=%E6%97%A7%E7%94%B5%E8%84%91")  # 旧电脑: an answer
        assert listed(mia) == ["REQ-3", "REQ-1"]
        await mia.get("/console/requests?service=it.laptop&requester=alice")
        assert listed(mia) == ["REQ-1"]


async def test_a_period_that_cannot_be_read_is_said_so(rig: ConsoleRig) -> None:
    await three_requests(rig)
    alice = await rig.browser()
    await alice.sign_in_as("alice")
    answer = await alice.get("/console/requests?period=last+week")
    assert answer.status == 200
    assert "不是有效的时间段" in alice.last_html and "last week" in alice.last_html


async def test_my_requests_are_mine_only(rig: ConsoleRig) -> None:
    await three_requests(rig)
    bob = await rig.browser()
    await bob.sign_in_as("bob")
    await bob.get("/console/")
    assert listed(bob) == ["REQ-3"]
    await bob.get("/console/requests")  # and what he approved as alice's manager
    assert listed(bob) == ["REQ-3", "REQ-2", "REQ-1"]


async def test_long_lists_come_in_pages(rig: ConsoleRig) -> None:
    await file_laptop(rig.chat, "alice", 800)
    async with rig.chat.app.db.unit_of_work() as uow:
        first = await requests.get_request(uow.session, request_id=1)
        assert first is not None
        for _ in range(29):
            await requests.create_request(
                uow.session, service_id=first.service_id, service_version=first.service_version,
                requester="alice", title=first.title, answers=dict(first.answers),
                locale="zh", origin={}, now=rig.chat.clock())
    alice = await rig.browser()
    await alice.sign_in_as("alice")
    await alice.get("/console/requests")
    assert len(listed(alice)) == 25 and "第 1/2 页（共 30 条）" in alice.last_html
    next_page = re.search(r'href="(/console/requests\?page=2)"', alice.last_html)
    assert next_page
    await alice.get(next_page.group(1))
    assert len(listed(alice)) == 5

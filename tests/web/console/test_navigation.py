"""Signing in leads to the dashboard of one's role, else to my requests; the bar shows the
dashboards by role."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.web.console.rig import ConsoleRig, console_rig, issue_link, with_admin


@pytest.fixture
async def with_dashboards(tmp_path: Path) -> AsyncIterator[ConsoleRig]:
    async with console_rig(f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
                           bundle=with_admin("leo")) as served:
        yield served


@pytest.mark.parametrize(("person", "lands_on", "tabs"), [
    ("mia", "/console/dashboard/compliance", ["合规"]),  # governance
    ("carol", "/console/dashboard/efficiency", ["效率", "质量"]),  # IT desk lead, owns IT
    ("leo", "/console/dashboard/efficiency", ["效率", "质量", "合规"]),  # esm-admin
    ("alice", "/console/", []),
])
async def test_each_role_lands_on_its_dashboard(with_dashboards: ConsoleRig, person: str,
                                                lands_on: str, tabs: list[str]) -> None:
    browser = await with_dashboards.browser()
    answer = await browser.open_link(await issue_link(with_dashboards.chat, person))
    assert answer.status == 303 and answer.headers["Location"] == lands_on
    await browser.get("/console/catalog")
    shown = [tab for tab in ("效率", "质量", "合规") if f">{tab}</a>" in browser.last_html]
    assert shown == tabs


async def test_signing_out_of_an_expired_page_just_leads_to_sign_in(rig: ConsoleRig) -> None:
    browser = await rig.browser()
    await browser.sign_in_as("alice")
    await browser.get("/console/")
    token = browser.csrf()
    rig.chat.clock.advance(hours=9)
    answer = await browser.post("/console/signout", {"csrf": token})
    assert answer.status == 303 and answer.headers["Location"].startswith("/console/signin")

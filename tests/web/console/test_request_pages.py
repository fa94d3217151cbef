"""The request pages: who sees what (the chat's rule, esm-admin all), the same 404 for a
request someone may not see as for one that does not exist, the story on the page and in
JSON, escaping."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from store import requests
from tests.scenario.approval_steps import file_laptop
from tests.web.console.rig import ConsoleRig, console_rig, with_admin


@pytest.fixture
async def both(db_url: str) -> AsyncIterator[ConsoleRig]:
    """On SQLite and PostgreSQL: the visibility queries are the store's."""
    async with console_rig(db_url) as served:
        yield served


async def approved_laptop(rig: ConsoleRig) -> None:
    """alice files a laptop of 800; bob (her manager) approves; tasks go to procurement."""
    await file_laptop(rig.chat, "alice", 800)
    await rig.chat.click("bob", "同意")


async def test_the_requester_sees_the_whole_story(rig: ConsoleRig) -> None:
    await approved_laptop(rig)
    alice = await rig.browser()
    await alice.sign_in_as("alice")
    page = await alice.get("/console/requests/REQ-1")
    assert page.status == 200
    html = alice.last_html
    assert "REQ-1" in html and "笔记本电脑申请" in html
    assert "旧电脑坏了需要更换" in html  # an answer
    assert "赵强 同意" in html or "同意" in html  # bob's decision on the timeline
    assert "TASK-1" in html and "TASK-2" in html
    answer = await alice.get("/console/api/requests/REQ-1")
    story = await answer.json()
    assert story["id"] == "REQ-1" and story["status"] == "in_progress"
    assert [s["decisions"][0]["state"] for s in story["steps"]] == ["approved"]
    assert [t["id"] for t in story["tasks"]] == ["TASK-1", "TASK-2"]
    assert story["timeline"][0]["action"] == "request.submitted"
    assert {c["kind"] for c in story["clocks"]} >= {"resolution"}


@pytest.mark.parametrize("person", ["alice", "bob", "kate", "carol"])
async def test_requester_approver_and_agent_may_look(both: ConsoleRig, person: str) -> None:
    await approved_laptop(both)
    browser = await both.browser()
    await browser.sign_in_as(person)
    assert (await browser.get("/console/requests/REQ-1")).status == 200
    assert (await browser.get("/console/api/requests/REQ-1")).status == 200
    await browser.get("/console/requests")
    assert "/console/requests/REQ-1" in browser.last_html


async def test_someone_unrelated_gets_the_answer_of_a_request_that_does_not_exist(
    both: ConsoleRig,
) -> None:
    await approved_laptop(both)
    grace = await both.browser()
    await grace.sign_in_as("grace")
    hidden = await grace.get("/console/requests/REQ-1")
    hidden_html = grace.last_html
    missing = await grace.get("/console/requests/REQ-99")
    assert hidden.status == missing.status == 404
    assert hidden_html == grace.last_html.replace("REQ-99", "REQ-1")
    assert "笔记本" not in hidden_html
    hidden_json = await grace.get("/console/api/requests/REQ-1")
    missing_json = await grace.get("/console/api/requests/REQ-99")
    assert hidden_json.status == missing_json.status == 404
    assert await hidden_json.json() == await missing_json.json()
    await grace.get("/console/requests")
    assert "REQ-1" not in grace.last_html


async def test_a_title_with_a_script_is_shown_as_text(rig: ConsoleRig) -> None:
    await approved_laptop(rig)
    async with rig.chat.app.db.unit_of_work() as uow:
        row = await requests.get_request(uow.session, request_id=1)
        assert row is not None
        row.title = "<script>alert(1)</script>"
    alice = await rig.browser()
    await alice.sign_in_as("alice")
    await alice.get("/console/requests/REQ-1")
    assert "<script>alert(1)</script>" not in alice.last_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in alice.last_html
    await alice.get("/console/")
    assert "&lt;script&gt;" in alice.last_html and "<script>alert" not in alice.last_html


async def test_the_department_head_copied_on_the_outcome_may_look(both: ConsoleRig) -> None:
    await file_laptop(both.chat, "alice", 8000)
    frank = await both.browser()
    await frank.sign_in_as("frank")
    assert (await frank.get("/console/requests/REQ-1")).status == 404
    await both.chat.click("bob", "同意")
    await both.chat.click("henry", "同意")  # approved: 抄送 frank, alice's department head
    assert (await frank.get("/console/requests/REQ-1")).status == 200
    assert (await frank.get("/console/api/requests/REQ-1")).status == 200
    await frank.get("/console/requests")
    assert "/console/requests/REQ-1" in frank.last_html


async def test_esm_admin_sees_every_request(tmp_path: Path) -> None:
    async with console_rig(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}",
                           bundle=with_admin("mia")) as rig:
        await approved_laptop(rig)
        mia = await rig.browser()
        await mia.sign_in_as("mia")
        assert (await mia.get("/console/requests/REQ-1")).status == 200
        await mia.get("/console/requests")
        assert "/console/requests/REQ-1" in mia.last_html

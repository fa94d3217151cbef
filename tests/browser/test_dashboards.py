"""Dashboards in a real browser, after November 2026 of tests/scenario/month_history.py: a
person asks the bot for a link ("看板"), opens it, sees their dashboard with every chart drawn
by ECharts and no console error, changes the period, follows a task at risk to its request
page; people get only the dashboards and cuts that are theirs; a link works once.

Screenshots of each dashboard and of a request page go to ``ESMBOT_SCREENSHOTS`` when it is set
(``ESMBOT_SCREENSHOTS=docs/screenshots``: the README's pictures), else to a temp folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from playwright.async_api import Page

from tests.browser.rig import ChatConsole

CHARTS = {"efficiency": ("trend", "sla", "backlog_age", "stages"),
          "quality": ("quality_rates", "csat"),
          "compliance": ("exceptions_service", "exceptions_reason", "exceptions_impact")}
NOVEMBER = "period=custom&from=2026-11-01&to=2026-12-01"


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("ESMBOT_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def charts_drawn(page: Page, layer: str) -> None:
    """Every chart container of the dashboard holds the canvas ECharts drew."""
    for chart in CHARTS[layer]:
        container = page.locator(f"#chart-{chart}")
        await container.locator("canvas").first.wait_for(state="attached")
        assert await container.get_attribute("data-drawn") == "true"


async def figure_text(page: Page, key: str) -> str:
    return await page.locator(f"#figure-{key} .value").inner_text()


async def screenshot(page: Page, folder: Path, name: str) -> None:
    await page.wait_for_timeout(600)  # ECharts' entry animation, for the picture only
    await page.screenshot(path=str(folder / name))


async def test_a_group_lead_asks_for_a_link_and_follows_a_task_at_risk_to_its_request(
        month: ChatConsole, shots: Path) -> None:
    page = await month.signed_in_page("ivan")  # "看板" in chat, then the link
    assert page.url.endswith("/console/dashboard/efficiency")
    await charts_drawn(page, "efficiency")
    assert await page.locator(".period-label").inner_text() == "2026-12"

    # the period: November, picked by hand
    await page.select_option("#period-kind", "custom")
    await page.fill("input[name=from]", "2026-11-01")
    await page.fill("input[name=to]", "2026-12-01")
    await page.click("#period-form button[type=submit]")
    await page.wait_for_url("**/console/dashboard/efficiency?**")
    assert await page.locator(".period-label").inner_text() == "2026-11-01..2026-12-01"
    await charts_drawn(page, "efficiency")
    assert await page.locator("#figure-completion_time .definition").inner_text() != ""
    await screenshot(page, shots, "dashboard-efficiency.png")

    # TASK-8 of REQ-10 is at risk; its request page tells the story
    at_risk = page.locator("#tasks-at-risk tbody tr")
    assert "TASK-8" in await at_risk.first.inner_text()
    await page.locator("#tasks-at-risk a.request-link", has_text="REQ-10").click()
    await page.wait_for_url("**/console/requests/REQ-10")
    timeline = page.locator("ol.timeline li")
    assert await timeline.count() >= 3
    await screenshot(page, shots, "request-page.png")


async def test_the_quality_dashboard_of_an_owner_counts_their_services(
        month: ChatConsole, shots: Path) -> None:
    page = await month.signed_in_page("hank", via_chat=False)  # lead and owner of hr.letter
    await page.goto(month.url(f"/console/dashboard/quality?{NOVEMBER}"))
    await charts_drawn(page, "quality")
    # hr.letter: REQ-3 resolved in November after a need-info round, scored 2
    assert await figure_text(page, "missing_information") == "1 / 1 = 100 %"
    assert "1 / 1" in await figure_text(page, "complaints")
    await screenshot(page, shots, "dashboard-quality.png")


async def test_the_compliance_dashboard_shows_exceptions_and_audit_checks(
        month: ChatConsole, shots: Path) -> None:
    page = await month.signed_in_page("gwen", via_chat=False)  # governance
    assert page.url.endswith("/console/dashboard/compliance")
    await page.goto(month.url(f"/console/dashboard/compliance?{NOVEMBER}"))
    await charts_drawn(page, "compliance")
    assert await figure_text(page, "exceptions") == "1"
    assert await page.locator("#audit-checks").count() == 1
    await screenshot(page, shots, "dashboard-compliance.png")


async def test_people_see_only_their_dashboards_and_cuts(month: ChatConsole) -> None:
    gwen = await month.signed_in_page("gwen", via_chat=False)  # governance only
    for layer in ("efficiency", "quality"):
        body = await month.refused(gwen, f"/console/dashboard/{layer}", 404)
        assert 'id="board"' not in body
    body = await month.refused(gwen, "/console/api/metrics?layer=efficiency", 404)
    assert "figures" not in json.loads(body)

    hank = await month.signed_in_page("hank", via_chat=False)  # the hr group and hr.letter
    mine = await hank.goto(month.url(f"/console/api/metrics?layer=efficiency&{NOVEMBER}"))
    assert mine is not None and mine.status == 200
    assert json.loads(await mine.text())["cut"]["group"] == "hr"
    body = await month.refused(hank, "/console/api/metrics?layer=efficiency&group=it", 403)
    assert "figures" not in json.loads(body)
    body = await month.refused(hank, "/console/dashboard/quality?service=it.reset", 403)
    assert 'id="board"' not in body


async def test_a_second_person_is_refused_the_first_ones_request_and_a_link_works_once(
        month: ChatConsole) -> None:
    link = await month.link_for("cat")  # "看板" in chat
    cat = await month.page()
    await month.open_link(cat, link)
    assert "/console/signin/" not in cat.url
    await month.refused(cat, "/console/requests/REQ-1", 404)  # ann's
    body = await month.refused(cat, "/console/api/requests/REQ-1", 404)
    assert "ann" not in body.lower()

    again = await month.page()
    await month.refused(again, link, 410)

"""Dashboards in a real browser: a person signs in with a link from chat, sees their dashboard
with every chart drawn by ECharts and no console error, changes the period, follows a task at
risk to its request; people without the dashboard get nothing."""

from __future__ import annotations

from playwright.async_api import Page

from tests.browser.rig import Console

CHARTS = {"efficiency": ("trend", "sla", "backlog_age", "stages"),
          "quality": ("quality_rates", "csat"),
          "compliance": ("exceptions_service", "exceptions_reason", "exceptions_impact")}


async def charts_drawn(page: Page, layer: str) -> None:
    for chart in CHARTS[layer]:
        container = page.locator(f"#chart-{chart}")
        await container.locator("canvas").first.wait_for(state="attached")
        assert await container.get_attribute("data-drawn") == "true"


async def test_a_group_lead_lands_on_the_efficiency_dashboard_with_its_charts(
        console: Console) -> None:
    page = await console.signed_in_page("carol", via_chat=False)
    assert page.url.endswith("/console/dashboard/efficiency")
    await charts_drawn(page, "efficiency")
    assert await page.locator(".figure").count() >= 9

"""The dashboards over HTTP after November 2026 (tests/scenario/month_history.py): the JSON is
compute()'s figures for the person's own cut, the page says every figure with its definition,
and who may see what is decided on the server (401, 404, 403, 400), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.metrics.compute import compute
from bot.metrics.definitions import of_layer
from bot.metrics.model import Cut
from bot.metrics.periods import parse_period
from bot.metrics.render import figure_json
from store import surveys
from tests.scenario.month_history import after_the_month, build_month, month_clock, org_sections
from tests.web.console.rig import ConsoleRig, console_rig, with_admin

NOVEMBER = "period=2026-11"


@pytest.fixture
async def month(db_url: str) -> AsyncIterator[ConsoleRig]:
    sections: dict[str, Any] = {**org_sections(), "clock": month_clock()}
    async with console_rig(db_url, **sections) as rig:
        await build_month(rig.chat)
        rig.chat.clock.now = after_the_month()
        yield rig


async def json_of(rig: ConsoleRig, person: str, query: str) -> tuple[int, Any]:
    browser = await rig.browser()
    await browser.sign_in_as(person)
    answer = await browser.get(f"/console/api/metrics?{query}")
    return answer.status, await answer.json()


async def test_an_owner_gets_computes_figures_for_their_first_service(
        month: ConsoleRig) -> None:
    status, shown = await json_of(month, "ivan", f"layer=quality&{NOVEMBER}")
    assert status == 200
    assert shown["cut"]["service"] == "it.laptop"  # ivan's group owns it.laptop and it.reset
    period = parse_period("2026-11", "Asia/Shanghai")
    async with month.chat.app.db.session() as session:
        report = await compute(session, month.chat.app.services, period,
                               Cut(service="it.laptop"), layers=("quality",),
                               now=after_the_month())
    assert shown["figures"] == [figure_json(f, "zh") for f in report.figures]
    assert [f["key"] for f in shown["figures"]] == [d.key for d in of_layer("quality")]
    assert all(f["definition"] for f in shown["figures"])


async def test_governance_sees_compliance_for_everything_and_nothing_else(
        month: ConsoleRig) -> None:
    status, shown = await json_of(month, "gwen", f"layer=compliance&{NOVEMBER}")
    assert status == 200
    assert set(shown["cut"].values()) == {None}
    exceptions = next(f for f in shown["figures"] if f["key"] == "exceptions")
    assert exceptions["value"] == 1 and list(exceptions["by"]["service"]) == ["it.reset"]
    assert shown["active_exceptions"] == []  # EXC-1 ended when REQ-7 closed
    for layer in ("efficiency", "quality", "nonsense"):
        status, refused = await json_of(month, "gwen", f"layer={layer}")
        assert status == 404 and "figures" not in refused


async def test_a_cut_outside_ones_scope_is_refused_and_bad_input_is_explained(
        month: ConsoleRig) -> None:
    status, refused = await json_of(month, "hank", "layer=efficiency&group=it")
    assert status == 403 and "figures" not in refused
    status, refused = await json_of(month, "hank", "layer=quality&service=it.reset")
    assert status == 403
    status, refused = await json_of(month, "hank", "layer=quality&period=2026-13")
    assert status == 400 and "2026-11" in refused["error"]
    status, refused = await json_of(month, "hank", "layer=quality&service=no.such")
    assert status == 400 and "no.such" in refused["error"]
    status, refused = await json_of(month, "ann", "layer=quality")  # a requester only
    assert status == 404


async def test_nobody_signed_in_gets_no_figures(month: ConsoleRig) -> None:
    browser = await month.browser()
    answer = await browser.get("/console/api/metrics?layer=quality")
    assert answer.status == 401
    page = await browser.get("/console/dashboard/quality")
    assert page.status == 303 and "figures" not in browser.last_html


async def test_the_page_says_each_figure_with_its_definition_and_escapes_comments(
        month: ConsoleRig) -> None:
    async with month.chat.app.db.unit_of_work() as uow:
        survey = await surveys.get_survey(uow.session, request_id=3)
        assert survey is not None
        await surveys.record_comment(uow.session, survey=survey,
                                     comment="<script>alert(1)</script> 太慢了")
    browser = await month.browser()
    await browser.sign_in_as("hank")
    answer = await browser.get(f"/console/dashboard/quality?{NOVEMBER}")
    assert answer.status == 200
    html = browser.last_html
    assert "1 / 1 = 100 %" in html  # missing information of hr.letter: REQ-3
    assert html.count('class="definition"') == len(of_layer("quality"))
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; 太慢了" in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # no inline script
    assert "unsafe-inline" not in answer.headers["Content-Security-Policy"]


@pytest.mark.parametrize("layer", ["efficiency", "quality", "compliance"])
async def test_an_esm_admin_opens_every_dashboard_with_any_cut(tmp_path: Path,
                                                             layer: str) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}"
    async with console_rig(url, bundle=with_admin("leo")) as rig:
        browser = await rig.browser()
        await browser.sign_in_as("leo")
        page = await browser.get(f"/console/dashboard/{layer}?service=it.laptop")
        assert page.status == 200
        assert f'data-layer="{layer}"' in browser.last_html
        answer = await browser.get(f"/console/api/metrics?layer={layer}&group=finance")
        assert answer.status == 200 and (await answer.json())["cut"]["group"] == "finance"


async def test_a_kept_board_is_computed_again_once_the_trail_moves(month: ConsoleRig) -> None:
    status, before = await json_of(month, "ivan", f"layer=efficiency&{NOVEMBER}")
    assert status == 200
    _status, again = await json_of(month, "ivan", f"layer=efficiency&{NOVEMBER}")
    assert again["computed_at"] == before["computed_at"]  # kept: nothing moved
    month.chat.clock.advance(minutes=5)
    await month.chat.say("mgr", "同意 REQ-8")  # the trail grows (December)
    _status, after = await json_of(month, "ivan", f"layer=efficiency&{NOVEMBER}")
    assert after["computed_at"] != before["computed_at"]

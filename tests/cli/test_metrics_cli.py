"""``esmbot metrics``: the November history of tests/metrics/test_quality_figures.py read back
as a table, JSON and CSV; bad input refused with exit code 2 and what is accepted."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from bot.testing import ChatDriver
from tests.cli.conftest import Esmbot
from tests.metrics.test_quality_figures import _november


@pytest.fixture
async def november(tmp_path: Path) -> None:
    chat = await ChatDriver.open(f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}")
    try:
        await _november(chat)
    finally:
        await chat.close()


async def test_the_table_is_grouped_by_layer_with_fractions(esmbot: Esmbot,
                                                             november: None) -> None:
    out = esmbot("metrics", "--period", "2026-11", "--layer", "quality", "--locale",
                 "en").stdout
    assert "2026-11  [2026-11-01T00:00:00+08:00 .. 2026-12-01T00:00:00+08:00)" in out
    assert "== Quality ==" in out and "== Compliance ==" not in out
    assert "Duplicate requests: 1 / 3 = 33.3 %" in out
    assert "by service: it.laptop 0 / 1 = 0 %; it.password 1 / 2 = 50 %" in out
    assert "Satisfaction (CSAT): 3.00 (answered 2 / 3 = 66.7 %)" in out
    chinese = esmbot("metrics", "--period", "2026-11", "--service", "it.password",
                     "--locale", "zh").stdout
    assert "== 质量 ==" in chinese and "重复请求率: 1 / 2 = 50 %" in chinese
    assert "service=it.password" in chinese


async def test_json_holds_the_figure_fields_with_name_and_definition(
        esmbot: Esmbot, november: None) -> None:
    data = json.loads(esmbot("metrics", "--period", "2026-11", "--json", "--locale", "en",
                             "--layer", "quality", "--layer", "compliance").stdout)
    assert data["period"]["label"] == "2026-11"
    assert data["period"]["timezone"] == "Asia/Shanghai"
    keys = [f["key"] for f in data["figures"]]
    assert keys == ["duplicates", "missing_information", "first_pass", "csat", "complaints",
                    "exceptions", "approvals_missing", "recovery_on_time", "audit_chain",
                    "audit_complete"]
    duplicates = data["figures"][0]
    assert set(duplicates) == {"key", "layer", "unit", "value", "numerator", "denominator",
                               "wall", "business", "parts", "by", "items", "name",
                               "definition"}
    assert (duplicates["numerator"], duplicates["denominator"], duplicates["value"]) == (
        1, 3, 0.3333)
    assert duplicates["name"] == "Duplicate requests"
    assert duplicates["definition"].startswith("Requests submitted in the period")
    assert duplicates["by"]["service"]["it.password"]["value"] == 0.5
    csat = data["figures"][3]
    assert csat["parts"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0}
    assert data["figures"][8]["value"] is None  # the chain was never checked


async def test_csv_has_one_row_per_figure_and_breakdown(esmbot: Esmbot,
                                                         november: None) -> None:
    out = esmbot("metrics", "--period", "2026-11", "--csv", "--layer", "quality").stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["key", "layer", "dimension", "member", "value", "numerator",
                       "denominator", "wall_mean", "wall_median", "wall_p90",
                       "business_mean", "business_median", "business_p90"]
    assert ["duplicates", "quality", "", "", "0.3333", "1", "3", "", "", "", "", "", ""] in rows
    assert ["duplicates", "quality", "service", "it.password", "0.5", "1", "2", "", "", "",
            "", "", ""] in rows
    assert ["csat", "quality", "", "", "3.0", "2", "3", "", "", "", "", "", ""] in rows


async def test_a_verification_is_recorded_and_shown(esmbot: Esmbot, november: None) -> None:
    esmbot("audit", "verify")
    data = json.loads(esmbot("metrics", "--json", "--layer", "compliance").stdout)
    chain = next(f for f in data["figures"] if f["key"] == "audit_chain")
    assert chain["value"] == 1 and chain["parts"]["checked"] > 0


@pytest.mark.parametrize(("args", "says"), [
    (("--period", "2026-13"), "no such month"),
    (("--period", "November"), "write a month (2026-11), a week (2026-W48) or a day"),
    (("--from", "2026-11-03"), "--from and --to go together"),
    (("--from", "2026-11-17", "--to", "2026-11-03"), "must come after"),
    (("--service", "it.nope"), "no service 'it.nope'; known: admin.badge"),
    (("--group", "nobody"), "no group 'nobody'; known: "),
    (("--department", "Mars"), "no department 'Mars'; known: "),
    (("--service-department", "Mars"), "no service department 'Mars'; known: "),
])
def test_bad_input_says_what_is_accepted(esmbot: Esmbot, args: tuple[str, ...],
                                         says: str) -> None:
    refused = esmbot("metrics", *args, check=False)
    assert refused.returncode == 2
    assert says in refused.stderr
    assert refused.stdout == ""


async def test_requests_list_shows_the_requests_behind_a_figure(esmbot: Esmbot,
                                                                november: None) -> None:
    """First pass counts the requests first resolved in the period: the same list."""
    resolved = json.loads(esmbot("requests", "list", "--resolved-in", "2026-11", "--json")
                          .stdout)
    assert sorted(r["id"] for r in resolved) == ["REQ-1", "REQ-2", "REQ-3"]
    password = json.loads(esmbot("requests", "list", "--resolved-in", "2026-11", "--service",
                                 "it.password", "--json").stdout)
    assert sorted(r["id"] for r in password) == ["REQ-1", "REQ-2"]
    procurement = esmbot("requests", "list", "--submitted-in", "2026-11", "--group",
                         "procurement").stdout
    assert "REQ-3" in procurement and "REQ-1 " not in procurement
    assert "(1 request(s))" in procurement
    october = esmbot("requests", "list", "--closed-in", "2026-10").stdout
    assert "(no requests)" in october
    refused = esmbot("requests", "list", "--resolved-in", "2026-13", check=False)
    assert refused.returncode == 2 and "no such month" in refused.stderr

"""The weekly report on DingTalk: dave (it-desk, owner of the IT services), kate
(procurement's lead) and mia (governance) each get it once, however often the report job
runs."""

from __future__ import annotations

from bot.features.reports.install import plan_report_timers
from tests.dingtalk.conftest import DingTalkHarness, target

STAFF = {"dave": "0100000004", "kate": "0100000011", "mia": "0100000013"}


async def weekly(dingtalk: DingTalkHarness) -> int:
    planned = await plan_report_timers(dingtalk.bot, "Asia/Shanghai")
    await dingtalk.bot.sweeper.sweep()
    await dingtalk.settle()
    return planned


def reports(dingtalk: DingTalkHarness, staff_id: str) -> list[str]:
    return [t for t in dingtalk.fake.texts_to(target(staff_id)) if "ESM 周报 2026-W47" in t]


async def test_the_weekly_report_reaches_owner_lead_and_governance_once(
    dingtalk: DingTalkHarness
) -> None:
    assert await weekly(dingtalk) >= 3
    assert await weekly(dingtalk) == 0
    dave, kate, mia = (reports(dingtalk, s) for s in STAFF.values())
    assert len(dave) == len(kate) == len(mia) == 1
    assert "【质量】密码重置" in dave[0] and "【效率】" not in dave[0]
    assert "【效率】采购组" in kate[0] and "【质量】采购申请" in kate[0]
    assert "【合规】全公司" in mia[0]

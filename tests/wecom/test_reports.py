"""The weekly report on WeCom: dave (it-desk, owner of the IT services), kate (procurement's
lead) and mia (governance) each get it once, however often the report job runs."""

from __future__ import annotations

from bot.features.reports.install import plan_report_timers
from tests.wecom.conftest import WeComHarness

MEMBERS = {"dave": "liuyang", "kate": "qianfang", "mia": "huangmin"}


async def weekly(wecom: WeComHarness) -> int:
    planned = await plan_report_timers(wecom.bot, "Asia/Shanghai")
    await wecom.bot.sweeper.sweep()
    await wecom.settle()
    return planned


def reports(wecom: WeComHarness, member: str) -> list[str]:
    return [t for t in wecom.fake.texts_to(member) if "ESM 周报 2026-W47" in t]


async def test_the_weekly_report_reaches_owner_lead_and_governance_once(
    wecom: WeComHarness
) -> None:
    assert await weekly(wecom) >= 3
    assert await weekly(wecom) == 0
    dave, kate, mia = (reports(wecom, m) for m in MEMBERS.values())
    assert len(dave) == len(kate) == len(mia) == 1
    assert "【质量】密码重置" in dave[0] and "【效率】" not in dave[0]
    assert "【效率】采购组" in kate[0] and "【质量】采购申请" in kate[0]
    assert "【合规】全公司" in mia[0]

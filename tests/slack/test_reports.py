"""The weekly report on Slack: on Monday the report cron job plans one timer per recipient;
dave (a member of it-desk, which owns the IT services), kate (procurement's lead) and mia
(governance) each get their report in their DM once, however often the job runs; in quiet
hours it waits for their end."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlmodel import col

from bot.features.reports.install import plan_report_timers
from store.models import TimerRow
from tests.slack.conftest import SlackHarness, running, slack_settings
from tests.slack.fake_slack import FakeSlack

DMS = {"dave": "D01DAVE", "kate": "D01KATE", "mia": "D01MIA"}


async def weekly(slack: SlackHarness) -> int:
    planned = await plan_report_timers(slack.bot, "Asia/Shanghai")
    await slack.bot.sweeper.sweep()
    await slack.settle()
    return planned


def reports(slack: SlackHarness, dm: str) -> list[str]:
    return [t for t in slack.fake.texts_to(dm) if "ESM 周报 2026-W47" in t]


async def test_the_weekly_report_reaches_owner_lead_and_governance_once(
    slack: SlackHarness
) -> None:
    assert await weekly(slack) >= 3
    assert await weekly(slack) == 0
    dave, kate, mia = (reports(slack, dm) for dm in DMS.values())
    assert len(dave) == len(kate) == len(mia) == 1
    assert "【质量】密码重置" in dave[0] and "【效率】" not in dave[0]
    assert "【效率】采购组" in kate[0] and "【质量】采购申请" in kate[0]
    assert "【合规】全公司" in mia[0]
    assert reports(slack, "D01ALICE") == []


async def test_in_quiet_hours_the_report_waits_on_slack(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    settings = slack_settings(tmp_path, fake_slack)
    settings = settings.model_copy(update={"policies": settings.policies.model_copy(
        update={"quiet_hours": "08:00-11:00"})})
    async with running(settings, fake_slack) as slack:  # 10:00 in Shanghai: quiet
        assert await weekly(slack) >= 3
        assert all(reports(slack, dm) == [] for dm in DMS.values())
        async with slack.bot.db.unit_of_work() as uow:
            waiting = await uow.session.scalars(select(TimerRow).where(
                col(TimerRow.kind) == "report.weekly", col(TimerRow.state) == "pending"))
            assert {t.due_at for t in waiting} == {datetime(2026, 11, 23, 3, 0, tzinfo=UTC)}

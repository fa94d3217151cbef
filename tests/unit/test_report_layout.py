"""How a report reads, on stand-in figures (the journeys use the real ``compute``): each
figure with numerator/denominator and its change (↑/↓/=), n/a for a 0 denominator, hours in
wall-clock and business hours, the tasks at risk with their requests, exceptions by reason and
the services over their review threshold, the dashboard links, the definitions; the periods
and the first working day; the typed commands."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.features.reports.commands import ShowReport, parse_report
from bot.features.reports.content import Part
from bot.features.reports.figures import change_text, value_text
from bot.features.reports.layout import Frame, report_card
from bot.features.reports.periods import covered, first_working_day
from bot.metrics.model import Cut, Figure, Period, Report, Stats
from bot.metrics.periods import parse_period
from dialogs.loader import demo_paths, load_bundle

BUNDLE = load_bundle(*demo_paths())
WEEK = parse_period("2026-W48", "Asia/Shanghai")
AT = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def rate(key: str, numerator: int, denominator: int, layer: str = "quality") -> Figure:
    value = numerator / denominator if denominator else None
    return Figure(key, layer, "rate", value=value, numerator=numerator, denominator=denominator)


def report(*figures: Figure, before: tuple[Figure, ...] = (), cut: Cut | None = None) -> Report:
    cut = cut or Cut()
    previous = Report(Period(WEEK.start, WEEK.start, "2026-W47"), cut, before, AT)
    return Report(WEEK, cut, figures, AT, previous=previous)


def test_a_rate_shows_numerator_denominator_and_its_change() -> None:
    assert value_text(rate("first_pass", 8, 10), "zh") == "8 / 10 = 80 %"
    assert value_text(rate("first_pass", 2, 3), "en") == "2 / 3 = 66.7 %"
    assert value_text(rate("first_pass", 0, 0), "zh") == "0 / 0 = 无法计算"
    assert value_text(rate("first_pass", 0, 0), "en") == "0 / 0 = n/a"
    assert change_text(rate("first_pass", 8, 10), rate("first_pass", 7, 10), "zh") \
        == "（上期 70 %，↑）"
    assert change_text(rate("first_pass", 6, 10), rate("first_pass", 7, 10), "en") \
        == " (before: 70 %, ↓)"
    assert change_text(rate("first_pass", 7, 10), rate("first_pass", 14, 20), "en") \
        == " (before: 70 %, =)"
    assert change_text(rate("first_pass", 7, 10), rate("first_pass", 0, 0), "en") == ""
    assert change_text(rate("first_pass", 7, 10), None, "zh") == ""
    assert change_text(rate("first_pass", 0, 0), rate("first_pass", 1, 2), "zh") \
        == "（上期 50 %）"


def test_hours_scores_checks_and_counts() -> None:
    hours = Figure("completion_time", "efficiency", "hours",
                   wall=Stats(4, 12.5, 10.0, 30.0), business=Stats(4, 5.0, 4.0, 9.0))
    assert value_text(hours, "zh") == "平均 12.5 小时（工作时间 5 小时，共 4 个）"
    earlier = Figure("completion_time", "efficiency", "hours", wall=Stats(2, 20.0, 20.0, 20.0))
    assert change_text(hours, earlier, "en") == " (before: 20 h, ↓)"
    csat = Figure("csat", "quality", "score", value=4.5, numerator=2, denominator=3)
    assert value_text(csat, "en") == "4.5 (answered 2 / 3)"
    chain = Figure("audit_chain", "compliance", "check", value=0, parts={"first_bad_seq": 17})
    assert value_text(chain, "zh") == "校验未通过（自第 17 条起）"
    assert value_text(Figure("audit_chain", "compliance", "check"), "en").startswith("never")
    assert value_text(Figure("backlog", "efficiency", "count", value=3), "en") == "3"


def test_a_report_for_an_owner_a_lead_and_governance_in_one_message() -> None:
    exceptions = Figure("exceptions", "compliance", "count", value=3,
                        by={"reason": {"customer_onsite": Figure("exceptions", "compliance",
                                                                  "count", value=2),
                                       "written by hand": Figure("exceptions", "compliance",
                                                                  "count", value=1)}},
                        items=("it.laptop",))
    parts = (
        Part("quality", "it.laptop", report(rate("first_pass", 8, 10),
                                            before=(rate("first_pass", 7, 10),))),
        Part("efficiency", "it-desk",
             report(Figure("tasks_at_risk", "efficiency", "count", value=1, items=("TASK-9",)),
                    cut=Cut(group="it-desk")),
             at_risk=(("TASK-9", "REQ-4"),)),
        Part("compliance", "", report(exceptions)),
    )
    frame = Frame("weekly", WEEK, "zh", public_url="https://esm.example.com/")
    card = report_card(parts, frame, BUNDLE)
    assert card.title == "ESM 周报 2026-W48（2026-11-23 至 2026-11-29）"
    body = card.body
    assert "【质量】笔记本电脑申请" in body and "8 / 10 = 80 %（上期 70 %，↑）" in body
    assert "【效率】IT 服务台" in body and "有超时风险的任务：TASK-9（REQ-4）" in body
    assert "【合规】全公司" in body
    assert "例外按原因：" in body and "written by hand 1" in body
    assert "例外超过复盘阈值的服务：笔记本电脑申请" in body
    assert body.index("【质量】") < body.index("【效率】") < body.index("【合规】")
    for layer in ("quality", "efficiency", "compliance"):
        assert f"https://esm.example.com/console/dashboard/{layer}?period=2026-W48" in body
    assert card.buttons == ()


def test_no_link_without_a_public_url_and_the_on_demand_note() -> None:
    parts = (Part("quality", "it.laptop", report(rate("first_pass", 1, 1))),)
    card = report_card(parts, Frame("monthly", parse_period("2026-11", "Asia/Shanghai"), "en",
                                    on_demand=True), BUNDLE)
    assert card.title == "ESM monthly report 2026-11 (2026-11-01 to 2026-11-30)"
    assert card.body.startswith("This covers the last complete month")
    assert "/console/" not in card.body
    empty = report_card((Part("efficiency", "it-desk", report()),),
                        Frame("weekly", WEEK, "en"), BUNDLE)
    assert "(nothing to count in this period or the one before)" in empty.body
    assert empty.footer == ""


def test_the_period_covered_is_the_last_complete_week_or_month() -> None:
    assert covered("weekly", date(2026, 11, 30), "Asia/Shanghai").label == "2026-W48"
    assert covered("weekly", date(2026, 12, 2), "Asia/Shanghai").label == "2026-W48"
    assert covered("monthly", date(2026, 12, 1), "Asia/Shanghai").label == "2026-11"
    assert covered("monthly", date(2027, 1, 4), "Asia/Shanghai").label == "2026-12"
    week = covered("weekly", date(2027, 1, 4), "Asia/Shanghai")
    assert week.label == "2026-W53" and week.start.tzinfo == ZoneInfo("Asia/Shanghai")


def test_the_first_working_day_follows_the_calendar() -> None:
    office = BUNDLE.calendars["cn-office"]
    assert first_working_day(office, 2026, 10) == date(2026, 10, 8)  # National Day holiday
    assert first_working_day(office, 2026, 11) == date(2026, 11, 2)  # the 1st is a Sunday
    assert first_working_day(office, 2026, 1) == date(2026, 1, 4)  # a make-up Sunday (调休)
    assert first_working_day(office, 2026, 12) == date(2026, 12, 1)
    assert first_working_day(None, 2026, 11) == date(2026, 11, 2)


@pytest.mark.parametrize(("text", "expected"), [
    ("本周报表", ShowReport("weekly")), ("周报", ShowReport("weekly")),
    ("report", ShowReport("weekly")), ("Weekly report", ShowReport("weekly")),
    ("本月报表", ShowReport("monthly")), ("月报", ShowReport("monthly")),
    ("monthly report。", ShowReport("monthly")),
    ("报表格式有问题", None), ("report a broken laptop", None),
])
def test_the_report_commands(text: str, expected: ShowReport | None) -> None:
    assert parse_report(text) == expected

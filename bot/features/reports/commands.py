"""Asking for one's own report: "本周报表", "周报", "report", "weekly report" (the last complete
week); "本月报表", "月报", "monthly report" (the last complete month)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.features.phrases import line_of

Cadence = Literal["weekly", "monthly"]


@dataclass(frozen=True)
class ShowReport:
    cadence: Cadence


_WEEKLY = re.compile(r"^(本周报表|周报|上周报表|报表|我的报表|report|reports|my report|"
                     r"weekly report|week report|this week's report|last week's report)$")
_MONTHLY = re.compile(r"^(本月报表|月报|上月报表|monthly report|month report|"
                      r"this month's report|last month's report)$")


def parse_report(text: str) -> ShowReport | None:
    lowered = line_of(text).lowered
    if _WEEKLY.match(lowered):
        return ShowReport("weekly")
    if _MONTHLY.match(lowered):
        return ShowReport("monthly")
    return None

"""Reports (issue 19): the weekly and monthly ESM reports pushed into chat, and the report a
person asks for ("本周报表", "report"). Who gets what (audience), when and for which period
(periods, planning, install), what it holds (content: ``bot.metrics.compute``) and how it
reads (figures, layout); the timer kinds (timers) and the typed commands (commands, flow)."""

from __future__ import annotations

from bot.features.registry import Feature
from bot.features.reports.commands import ShowReport, parse_report
from bot.features.reports.flow import show_report
from bot.features.reports.timers import ReportTimers

FEATURE = Feature(name="reports", parsers=(parse_report,), commands={ShowReport: show_report},
                  timers=ReportTimers.kinds)

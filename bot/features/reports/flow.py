"""Sending a report: the scheduled one (a timer's turn) and the one asked for in chat
("本周报表", "monthly report": the last complete week or month, which the card names)."""

from __future__ import annotations

from bot.features.reports.audience import Audience, audience_of
from bot.features.reports.commands import Cadence, ShowReport
from bot.features.reports.content import gather
from bot.features.reports.layout import Frame, report_card
from bot.features.reports.periods import covered
from bot.metrics import compute as metrics  # the module: bot.metrics imports features
from bot.metrics.model import Period
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Text


async def send_report(turn: Turn, audience: Audience, cadence: Cadence, period: Period, *,
                      on_demand: bool = False) -> None:
    """``audience``'s report for ``period``, to them."""
    locale = turn.locale_of(audience.person)
    parts = await gather(turn.session, turn.services, audience, period, turn.now)
    frame = Frame(cadence, period, locale, turn.services.settings.web.public_url, on_demand)
    await turn.tell(audience.person, report_card(parts, frame, turn.services.bundle))


async def show_report(turn: Turn, command: ShowReport) -> None:
    audience = audience_of(turn.services.bundle, turn.person.id)
    if audience.empty:
        await turn.reply(Text(say("report.nothing", turn.locale)))
        return
    period = covered(command.cadence, turn.today, metrics.organisation_timezone(turn.services))
    await send_report(turn, audience, command.cadence, period, on_demand=True)

"""The report timer kinds: at its time the recipient's report is computed and sent; in their
quiet hours it comes back when they end; someone who no longer holds a role gets nothing."""

from __future__ import annotations

from bot.features.reports.audience import audience_of
from bot.features.reports.commands import Cadence
from bot.features.reports.flow import send_report
from bot.features.time.firing import TimerKinds
from bot.metrics import compute as metrics  # the module: bot.metrics imports features
from bot.metrics.periods import PeriodError, parse_period
from scheduler.sweeper import TimerFiring, TimerHandler


class ReportTimers(TimerKinds):
    """The weekly and the monthly report."""

    def registry(self) -> dict[str, TimerHandler]:
        return {
            "report.weekly": self.weekly,
            "report.monthly": self.monthly,
        }

    async def weekly(self, firing: TimerFiring) -> None:
        await self._report(firing, "weekly")

    async def monthly(self, firing: TimerFiring) -> None:
        await self._report(firing, "monthly")

    async def _report(self, firing: TimerFiring, cadence: Cadence) -> None:
        person = self.services.bundle.directory.person(firing.timer.recipient or "")
        if person is None or await self._quiet(firing, person.id):
            return
        audience = audience_of(self.services.bundle, person.id)
        try:
            period = parse_period(str((firing.timer.payload or {}).get("period", "")),
                                  metrics.organisation_timezone(self.services))
        except PeriodError:
            return
        if not audience.empty:
            await send_report(self._digest_turn(firing, person), audience, cadence, period)

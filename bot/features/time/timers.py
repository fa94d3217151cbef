"""The time feature's own timer kind: a request that breaches its resolution target tells its
requester. (Each feature's other kinds are in its ``timers.py``.)"""

from __future__ import annotations

from bot.features.time.firing import TimerKinds
from scheduler.sweeper import TimerFiring, TimerHandler
from store.requests import format_request_id


class RequestTimers(TimerKinds):
    """The request's breach."""

    def registry(self) -> dict[str, TimerHandler]:
        return {
            "request.breach": self.request_breach,
        }

    async def request_breach(self, firing: TimerFiring) -> None:
        request = await self._open_request(firing)
        if request is None or request.status == "resolved":
            return
        turn = await self._tell_requester(firing, request, "time.request_breach")
        await turn.audit("request.breached", format_request_id(request.id or 0), {})

"""The time feature's own timer kind: a request that breaches its resolution target tells its
requester. (Each feature's other kinds are in its ``timers.py``.)"""

from __future__ import annotations

from bot.features.time.firing import TimerKinds, late_note
from chat.i18n import say
from chat.replies import Text
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
        turn = self._turn_for(firing, request)
        loc = turn.locale_of(request.requester)
        await turn.tell(request.requester, Text(say(
            "time.request_breach", loc, rid=format_request_id(request.id or 0))
            + late_note(firing, loc)))
        await turn.audit("request.breached", format_request_id(request.id or 0), {})

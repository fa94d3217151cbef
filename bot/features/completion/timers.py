"""The completion's timer kind: a resolved request the requester did not confirm closes by
itself after the confirmation timeout."""

from __future__ import annotations

from bot.features.completion import flow as completion
from bot.features.time.firing import TimerKinds, late_note
from bot.features.time.resync import resync_touched
from chat.i18n import say
from chat.replies import Text
from scheduler.sweeper import TimerFiring, TimerHandler
from store.requests import format_request_id


class CompletionTimers(TimerKinds):
    """The confirmation timeout."""

    def registry(self) -> dict[str, TimerHandler]:
        return {
            "confirm.timeout": self.confirm_timeout,
        }

    async def confirm_timeout(self, firing: TimerFiring) -> None:
        request = await self._open_request(firing)
        if request is None or request.status != "resolved":
            return
        turn = self._turn_for(firing, request)
        loc = turn.locale_of(request.requester)
        await turn.tell(request.requester, Text(say(
            "time.auto_closed", loc, rid=format_request_id(request.id or 0))
            + late_note(firing, loc)))
        await completion.close(turn, request)
        await resync_touched(turn)

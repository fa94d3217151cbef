"""The completion's timer kind: a resolved request the requester did not confirm closes by
itself after the confirmation timeout."""

from __future__ import annotations

from bot.features.completion import flow as completion
from bot.features.time.firing import TimerKinds
from bot.features.time.resync import resync_touched
from scheduler.sweeper import TimerFiring, TimerHandler


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
        turn = await self._tell_requester(firing, request, "time.auto_closed")
        await completion.close(turn, request)
        await resync_touched(turn)

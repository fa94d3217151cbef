"""Time: SLA clocks from history, timers kept in step with them, reminders, escalations,
breaches, confirmation timeouts and morning digests."""

from __future__ import annotations

from bot.turn import Turn
from store.requests import parse_request_id


async def resync_touched(turn: Turn) -> None:
    """Bring the timers of every request this turn changed in line with its history."""
    from bot.features.time.resync import resync

    for subject in sorted(turn.touched):
        request_id = parse_request_id(subject)
        if request_id is not None:
            await resync(turn, request_id)
    turn.touched.clear()

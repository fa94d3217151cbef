"""The ``notice`` timer: a message to send later (e.g. held back until quiet hours end).

Its payload is the outbox row to write when it fires: ``{"channel": ..., "recipient":
ConversationKey.as_dict(), "message": message_to_dict(...)}``. The row is correlated
``timer:<id>``, so what a timer sent can be found.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from chat.events import ConversationKey
from chat.replies import Message, message_to_dict
from scheduler.sweeper import TimerFiring, TimerHandler
from store import outbox, timers
from store.models import TimerRow

NOTICE = "notice"


async def schedule_notice(
    session: AsyncSession,
    *,
    key: ConversationKey,
    message: Message,
    due_at: datetime,
    now: datetime,
    subject: str,
    dedupe_key: str | None = None,
) -> TimerRow | None:
    """Send ``message`` to ``key`` at ``due_at`` (None: ``dedupe_key`` was used already)."""
    payload = {"channel": key.channel, "recipient": key.as_dict(),
               "message": message_to_dict(message)}
    return await timers.schedule(session, kind=NOTICE, subject=subject, due_at=due_at, now=now,
                                 recipient=key.user, payload=payload, dedupe_key=dedupe_key)


async def handle_notice(firing: TimerFiring) -> None:
    """Queue the payload's message in the outbox, in the firing's transaction."""
    payload = firing.timer.payload
    missing = {"channel", "recipient", "message"} - set(payload)
    if missing:
        raise ValueError(f"notice timer {firing.timer.id} lacks {', '.join(sorted(missing))}")
    await outbox.enqueue(firing.uow.session, channel=str(payload["channel"]),
                         recipient=dict(payload["recipient"]), message=dict(payload["message"]),
                         correlation=f"timer:{firing.timer.id}", now=firing.now)


NOTICE_HANDLERS: dict[str, TimerHandler] = {NOTICE: handle_notice}

"""Timers: many pending, a block of them due at once, fired by the real sweeper.

The bot is built as ``esmbot serve`` builds it (``build_app``: the ``notice`` kind, the sweeper
with ``[timers]`` batch size and lease from the default settings) on a fresh database, with a
clock the benchmark moves. ``pending`` notice timers are written (``due`` of them due at one
moment, the rest spread over the next 30 days), in bulk, as ``scheduler.notices`` writes them.

- idle: sweeper passes while nothing is due (what every replica pays every few seconds);
- due: the clock jumps past the moment, and passes run back to back (as the scheduler would
  run them) until every due notice's message is in the outbox.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from bot.app import BotApp, build_app
from bot.settings import Settings
from chat.events import ConversationKey
from chat.replies import Text, message_to_dict
from scheduler.notices import NOTICE
from store.models import OutboxRow, TimerRow

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Shanghai
DUE_AT = START + timedelta(hours=1)
CHUNK = 5000
IDLE_PASSES = 20


class MovableClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def run(store_url: str, *, pending: int, due: int) -> dict[str, Any]:
    clock = MovableClock(START)
    settings = Settings.model_validate({"store": {"url": store_url}})
    app = await build_app(settings, clock=clock)
    try:
        started = time.perf_counter()
        await _write_timers(app, pending=pending, due=due)
        written = time.perf_counter() - started
        idle = [await _timed_pass(app) for _ in range(IDLE_PASSES)]
        clock.now = DUE_AT + timedelta(seconds=1)
        started = time.perf_counter()
        passes = queued = 0
        while queued < due:
            fired = await app.sweeper.sweep()
            passes += 1
            queued = await _outbox_rows(app)
            if not fired and queued < due:
                raise RuntimeError(f"the sweeper fired nothing with {due - queued} due left")
        seconds = time.perf_counter() - started
    finally:
        await app.close()
    return {"pending": pending, "due": due, "seconds": round(seconds, 2), "passes": passes,
            "timers_per_s": round(due / seconds, 1),
            "batch_size": settings.timers.batch_size,
            "idle_ms_per_pass": round(statistics.median(idle) * 1000, 2),
            "write_seconds": round(written, 1)}


async def _timed_pass(app: BotApp) -> float:
    started = time.perf_counter()
    fired = await app.sweeper.sweep()
    if fired:
        raise RuntimeError("a timer fired while none was due")
    return time.perf_counter() - started


async def _write_timers(app: BotApp, *, pending: int, due: int) -> None:
    later = max(pending - due, 0)
    rows = [_notice(i, DUE_AT) for i in range(due)]
    rows += [_notice(due + i, DUE_AT + timedelta(days=1, seconds=i * 30 * 86400 // max(later, 1)))
             for i in range(later)]
    for first in range(0, len(rows), CHUNK):
        async with app.db.unit_of_work() as uow:
            await uow.session.execute(insert(TimerRow), rows[first:first + CHUNK])


def _notice(i: int, due_at: datetime) -> dict[str, Any]:
    """The row ``scheduler.notices.schedule_notice`` writes for a reminder to one person."""
    key = ConversationKey("slack", "T0BENCH", "", f"UE{i:05d}")
    message = Text(f"提醒：REQ-{i} 还在等你审批 · Reminder: REQ-{i} awaits your approval")
    return {"kind": NOTICE, "subject": f"request:{i}", "recipient": key.user,
            "payload": {"channel": key.channel, "recipient": key.as_dict(),
                        "message": message_to_dict(message)},
            "due_at": due_at, "state": "pending", "dedupe_key": None, "attempts": 0,
            "created_at": START}


async def _outbox_rows(app: BotApp) -> int:
    async with app.db.session() as session:
        return int((await session.execute(select(func.count()).select_from(OutboxRow)))
                   .scalar_one())

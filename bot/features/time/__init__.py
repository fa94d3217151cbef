"""Time: SLA clocks from history (sla, clocks, policy, spans), timers kept in step with them
(resync, recompute), what every timer handler shares (firing), planning the morning digests
(digests), the digest cron jobs and the policy calendar check (install), and its own timer kind,
a request's breach (timers). The other kinds live with their features (``approvals/timers.py``,
``tasks/timers.py``, ``completion/timers.py``); time sits below them all."""

from __future__ import annotations

from bot.features.registry import Feature
from bot.features.time.timers import RequestTimers

FEATURE = Feature(name="time", timers=RequestTimers.kinds)

"""Time: SLA clocks from history (sla, clocks, policy), timers kept in step with them (resync),
and what each timer kind does when due (timers: approval reminders and escalations, task
reminders, breaches and escalations, request breaches, confirmation timeouts; digests: the
morning digests). ``install`` checks the policy calendar and adds the digest cron jobs."""

from __future__ import annotations

from collections.abc import Mapping

from bot.features.registry import ChannelNames, Feature
from bot.features.time.digests import DigestHandlers
from bot.features.time.timers import Handlers
from bot.services import Services
from scheduler.sweeper import TimerHandler


def timer_kinds(services: Services, channels: ChannelNames) -> Mapping[str, TimerHandler]:
    return {**Handlers(services, channels).registry(),
            **DigestHandlers(services, channels).registry()}


FEATURE = Feature(name="time", timers=timer_kinds)

"""A request's SLA clocks, derived from its audit trail, and the policy that applies to it."""

from __future__ import annotations

from collections.abc import Sequence

from bot.features.time.policy import Policy, policy_for
from bot.features.time.sla import Clock, Event, request_clocks
from bot.turn import Turn
from dialogs.model import Service
from store import audit
from store.models import RequestRow
from store.requests import format_request_id


def policy_of(turn: Turn, service: Service | None) -> Policy:
    return policy_for(service, turn.services.settings.policies.durations(),
                      turn.services.bundle)


async def clocks_of(turn: Turn, request: RequestRow,
                    events: Sequence[Event] | None = None) -> list[Clock]:
    """The request's clocks now; ``events``: its trail, when the caller read it already."""
    service = turn.services.bundle.catalog.get(request.service_id)
    if service is None:
        return []
    if events is None:
        trail = await audit.trail_of(turn.session, subject=format_request_id(request.id or 0))
        events = [Event(at, action, dict(data)) for at, action, data in trail]
    return request_clocks(events, service, policy_of(turn, service).calendar, turn.now)

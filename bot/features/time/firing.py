"""What every timer kind's handler shares: a turn of the system user, the note of a late
firing, quiet hours (the timer comes back when they end), and finding the request.

Each feature's timer kinds subclass ``TimerKinds`` (e.g. ``bot.features.approvals.timers``);
every handler first re-checks its subject (the approval may be decided, the task done), then
writes its messages and any next timer, all in the sweeper's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta

from bot.features.time.spans import describe_span
from bot.features.time.subjects import number_of
from bot.quiet_hours import parse_quiet_hours
from bot.services import Services
from bot.turn import Turn
from bot.views import FINAL_STATUSES
from chat.events import ConversationKey
from chat.i18n import say
from chat.replies import Text
from org.model import Person
from scheduler.sweeper import TimerFiring, TimerHandler
from store import requests, timers
from store.models import RequestRow
from store.requests import format_request_id

SYSTEM = Person(id="esmbot", name="esmbot")
LATE_AFTER = timedelta(seconds=60)


def system_turn(services: Services, firing: TimerFiring, channel: str, tenant: str = "") -> Turn:
    key = ConversationKey(channel=channel, tenant=tenant, conversation="", user="")
    return Turn(services=services, uow=firing.uow, key=key, person=SYSTEM, now=firing.now,
                fired_by="timer", event_id=f"timer:{firing.timer.id}")


def late_note(firing: TimerFiring, locale: str) -> str:
    if firing.late_by < LATE_AFTER:
        return ""
    return say("time.late", locale, by=describe_span(firing.late_by, locale))


class TimerKinds:
    """A feature's timer kinds, bound to the running bot's services and channels."""

    def __init__(self, services: Services, channels: Callable[[], Sequence[str]]) -> None:
        self.services = services
        self.channels = channels

    @classmethod
    def kinds(
        cls, services: Services, channels: Callable[[], Sequence[str]]
    ) -> Mapping[str, TimerHandler]:
        """What ``Feature.timers`` takes: kind -> handler."""
        return cls(services, channels).registry()

    def registry(self) -> dict[str, TimerHandler]:
        raise NotImplementedError

    def _turn_for(self, firing: TimerFiring, request: RequestRow) -> Turn:
        origin = request.origin or {}
        channel = str(origin.get("channel") or self._default_channel())
        return system_turn(self.services, firing, channel, str(origin.get("tenant") or ""))

    def _default_channel(self) -> str:
        names = list(self.channels())
        return names[0] if names else "console"

    def _digest_turn(self, firing: TimerFiring, person: Person) -> Turn:
        channel = next((c for c in self.channels() if c in ("console", "fake")
                        or getattr(person, c, None)), "console")
        return system_turn(self.services, firing, channel)

    async def _quiet(self, firing: TimerFiring, person_id: str) -> bool:
        """In ``person_id``'s quiet hours the timer comes back when they end."""
        quiet = parse_quiet_hours(self.services.settings.policies.quiet_hours)
        person = self.services.bundle.directory.person(person_id)
        if quiet is None or person is None or not quiet.holds(firing.now, person):
            return False
        timer = firing.timer
        await timers.schedule(firing.uow.session, kind=timer.kind, subject=timer.subject,
                              due_at=quiet.end_after(firing.now, person), now=firing.now,
                              recipient=timer.recipient, payload=dict(timer.payload or {}))
        return True

    async def _tell_requester(self, firing: TimerFiring, request: RequestRow, key: str) -> Turn:
        """Tell the requester ``key`` (with ``rid``) in the request's channel; the turn, for
        what follows."""
        turn = self._turn_for(firing, request)
        loc = turn.locale_of(request.requester)
        await turn.tell(request.requester, Text(say(
            key, loc, rid=format_request_id(request.id or 0)) + late_note(firing, loc)))
        return turn

    async def _open_request(self, firing: TimerFiring) -> RequestRow | None:
        request_id = number_of(firing.timer.subject)
        request = await requests.lock_request(firing.uow.session, request_id=request_id)
        if request is None or request.status in FINAL_STATUSES:
            return None
        return request

"""The exceptions' timer kinds, each a row written with its cause: the reminder before the end
(to the requester and whoever granted it), the expiry, an end caused elsewhere (the request
closed or was rejected: ``store.exceptions.end_with_request``), and the nudge of approvers who
have not decided."""

from __future__ import annotations

from bot.exception_marks import kind_name
from bot.features.exceptions import ending
from bot.features.exceptions.decide import deciders
from bot.features.time.firing import TimerKinds, late_note
from bot.features.time.subjects import number_of
from bot.turn import Turn
from bot.views import local_time
from chat.i18n import say
from chat.replies import Text
from scheduler.sweeper import TimerFiring, TimerHandler
from store import exceptions as grants
from store import requests
from store.models import ExceptionGrantRow, RequestRow
from store.requests import format_request_id


class ExceptionTimers(TimerKinds):
    def registry(self) -> dict[str, TimerHandler]:
        return {
            "exception.expire": self.expire,
            "exception.remind": self.remind,
            grants.END_TIMER: self.end,
            "exception.nudge": self.nudge,
        }

    async def _found(self, firing: TimerFiring, states: tuple[str, ...]
                     ) -> tuple[Turn, RequestRow, ExceptionGrantRow] | None:
        session = firing.uow.session
        row = await grants.get(session, exception_id=number_of(firing.timer.subject))
        request = (await requests.lock_request(session, request_id=row.request_id)
                   if row else None)
        if row is None or request is None:
            return None
        row = await grants.get(session, exception_id=row.id or 0)
        if row is None or row.state not in states:
            return None
        return self._turn_for(firing, request), request, row

    async def expire(self, firing: TimerFiring) -> None:
        found = await self._found(firing, ("granted",))
        if found is not None:
            await ending.end(*found, "expired")

    async def end(self, firing: TimerFiring) -> None:
        found = await self._found(firing, grants.LIVE_STATES)
        if found is not None:
            cause = str((firing.timer.payload or {}).get("cause") or "closed")
            await ending.end(*found, cause)

    async def remind(self, firing: TimerFiring) -> None:
        found = await self._found(firing, ("granted",))
        if found is None:
            return
        turn, request, row = found
        service = turn.services.bundle.catalog.get(request.service_id)
        kind = service.exception_kind(row.kind) if service else None
        told = list(dict.fromkeys([request.requester, *deciders(row)]))
        for person_id in told:
            person = turn.services.bundle.directory.person(person_id)
            if person is None or row.ends_at is None:
                continue
            await turn.tell(person_id, Text(say(
                "exc.expiry_reminder", person.locale, eid=grants.format_exception_id(row.id or 0),
                rid=format_request_id(request.id or 0), kind=kind_name(kind, row, person.locale),
                end=local_time(row.ends_at, person)) + late_note(firing, person.locale)))
        await turn.audit("exception.reminded", format_request_id(request.id or 0),
                         {"exception": grants.format_exception_id(row.id or 0), "to": told})

    async def nudge(self, firing: TimerFiring) -> None:
        found = await self._found(firing, ("requested",))
        if found is None:
            return
        turn, request, row = found
        holders = grants.seat_holders(row)
        waiting = sorted({p for part in grants.open_parts(row) for p in holders[part]})
        for person_id in waiting:
            if await self._quiet(firing, person_id):
                continue
            loc = turn.locale_of(person_id)
            await turn.tell(person_id, Text(say(
                "exc.nudge", loc, eid=grants.format_exception_id(row.id or 0),
                rid=format_request_id(request.id or 0)) + late_note(firing, loc)))
        await turn.audit("exception.reminded", format_request_id(request.id or 0),
                         {"exception": grants.format_exception_id(row.id or 0), "to": waiting})

"""The approvals' timer kinds: a pending seat is reminded, then escalated to the approver's
manager; each morning an approver gets one digest of what waits for them."""

from __future__ import annotations

from bot.action_ids import StatusClick
from bot.delegates import delegate_of
from bot.features.approvals import flow as approval_flow
from bot.features.approvals.actions import ApprovalClick
from bot.features.time.digests import DIGEST_ITEMS, waiting_seats
from bot.features.time.firing import TimerKinds, late_note
from bot.features.time.spans import describe_span
from bot.features.time.subjects import number_of
from chat.i18n import say
from chat.replies import Button, Card, Text
from scheduler.sweeper import TimerFiring, TimerHandler
from store import approvals, requests
from store.models import ApprovalSeatRow, ApprovalStepRow, RequestRow
from store.requests import format_request_id


class ApprovalTimers(TimerKinds):
    """Reminders, escalations and the morning digest of pending approvals."""

    def registry(self) -> dict[str, TimerHandler]:
        return {
            "approval.remind": self.approval_remind,
            "approval.escalate": self.approval_escalate,
            "digest.approvals": self.digest,
        }

    async def _seat(
        self, firing: TimerFiring
    ) -> tuple[ApprovalSeatRow, ApprovalStepRow, RequestRow] | None:
        seat_id = number_of(firing.timer.subject)
        session = firing.uow.session
        seat = await approvals.get_seat(session, seat_id=seat_id)
        if seat is None or seat.state != "pending":
            return None
        step = await approvals.get_step(session, step_id=seat.step_id)
        request = await requests.get_request(session, request_id=seat.request_id)
        if step is None or step.state != "pending" or request is None:
            return None
        return seat, step, request

    async def approval_remind(self, firing: TimerFiring) -> None:
        found = await self._seat(firing)
        if found is None:
            return
        seat, step, request = found
        turn = self._turn_for(firing, request)
        approver = seat.approver
        delegate = await delegate_of(turn.session, turn.services.bundle.directory, approver,
                                     turn.today)
        to = delegate if delegate and delegate != request.requester else approver
        if await self._quiet(firing, to):
            return
        loc = turn.locale_of(to)
        waited = describe_span(firing.now - (step.started_at or firing.now), loc)
        await turn.tell(to, Text(say("time.approval_reminder", loc,
                                     rid=format_request_id(request.id or 0), waited=waited)
                                 + late_note(firing, loc)))
        seats = await approvals.seats_of(turn.session, step_id=step.id or 0)
        await approval_flow.send_card(turn, request, approval_flow.service_of(turn, request),
                                      step, seats, seat=approver, to=to)
        await turn.audit("approval.reminded", format_request_id(request.id or 0),
                         {"to": to, "late_seconds": int(firing.late_by.total_seconds())})

    async def approval_escalate(self, firing: TimerFiring) -> None:
        found = await self._seat(firing)
        if found is None:
            return
        seat, step, request = found
        turn = self._turn_for(firing, request)
        directory = turn.services.bundle.directory
        approver = directory.person(seat.approver)
        if approver is None:
            return
        to = approver.manager or (await delegate_of(turn.session, directory, approver.id,
                                                    turn.today))
        if not to or to == request.requester:
            return
        if await self._quiet(firing, to):
            return
        loc = turn.locale_of(to)
        waited = describe_span(firing.now - (step.started_at or firing.now), loc)
        await turn.tell(to, Text(say("time.approval_escalation", loc, who=approver.name,
                                     rid=format_request_id(request.id or 0), waited=waited)
                                 + late_note(firing, loc)))
        await turn.audit("approval.escalated", format_request_id(request.id or 0),
                         {"approver": approver.id, "to": to})

    async def digest(self, firing: TimerFiring) -> None:
        person = self.services.bundle.directory.person(firing.timer.recipient or "")
        if person is None:
            return
        turn = self._digest_turn(firing, person)
        seats = await waiting_seats(turn.session, self.services, person, turn.today)
        lines, buttons = [], []
        for seat, step in seats[:DIGEST_ITEMS]:
            request = await requests.get_request(turn.session, request_id=step.request_id)
            if request is None or request.requester == person.id:
                continue
            rid = format_request_id(request.id or 0)
            lines.append(f"{rid} {request.title}")
            buttons.append(Button(f"{say('apr.approve', person.locale)} {rid}",
                                  ApprovalClick(step.id or 0, seat.approver, "approve").format(),
                                  style="primary"))
            buttons.append(Button(rid, StatusClick(request.id or 0).format()))
        if not lines:
            return
        title = say("time.digest_approvals", person.locale, n=len(lines))
        await turn.tell(person.id, Card(title=title + late_note(firing, person.locale),
                                        body="\n".join(lines), buttons=tuple(buttons)))

"""What each timer kind does when it falls due. Every handler first re-checks its subject (the
approval may be decided, the task done), then writes its messages and any next timer, all in
the sweeper's transaction. A timer that fires late says by how much; during a person's quiet
hours the message waits for the morning instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from bot.access import owners_of
from bot.delegates import delegate_of
from bot.features.approvals import flow as approval_flow
from bot.features.completion import flow as completion
from bot.features.tasks.cards import title_of
from bot.features.time.clocks import policy_of
from bot.features.time.resync import resync_touched
from bot.features.time.spans import describe_span
from bot.people import name_of
from bot.quiet_hours import parse_quiet_hours
from bot.services import Services
from bot.turn import Turn
from bot.views import FINAL_STATUSES, local_time
from chat.events import ConversationKey
from chat.i18n import say
from chat.replies import Text
from org.model import Person
from scheduler.sweeper import TimerFiring, TimerHandler
from store import approvals, requests, tasks, timers
from store.models import ApprovalSeatRow, ApprovalStepRow, RequestRow, TaskRow
from store.requests import format_request_id
from store.tasks import OPEN_TASK_STATES, format_task_id

SYSTEM = Person(id="esmbot", name="esmbot")
LATE_AFTER = timedelta(seconds=60)
COALESCE_WINDOW = timedelta(minutes=10)


def system_turn(services: Services, firing: TimerFiring, channel: str, tenant: str = "") -> Turn:
    key = ConversationKey(channel=channel, tenant=tenant, conversation="", user="")
    return Turn(services=services, uow=firing.uow, key=key, person=SYSTEM, now=firing.now)


def late_note(firing: TimerFiring, locale: str) -> str:
    if firing.late_by < LATE_AFTER:
        return ""
    return say("time.late", locale, by=describe_span(firing.late_by, locale))


class Handlers:
    """The timer kinds, bound to the running bot's services and channels."""

    def __init__(self, services: Services, channels: Callable[[], Sequence[str]]) -> None:
        self.services = services
        self.channels = channels

    def registry(self) -> dict[str, TimerHandler]:
        return {
            "approval.remind": self.approval_remind,
            "approval.escalate": self.approval_escalate,
            "task.remind": self.task_remind,
            "task.breach": self.task_breach,
            "task.escalate": self.task_escalate,
            "request.breach": self.request_breach,
            "confirm.timeout": self.confirm_timeout,
        }

    # --- helpers ----------------------------------------------------------------------------

    def _turn_for(self, firing: TimerFiring, request: RequestRow) -> Turn:
        origin = request.origin or {}
        channel = str(origin.get("channel") or self._default_channel())
        return system_turn(self.services, firing, channel, str(origin.get("tenant") or ""))

    def _default_channel(self) -> str:
        names = list(self.channels())
        return names[0] if names else "console"

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

    async def _seat(
        self, firing: TimerFiring
    ) -> tuple[ApprovalSeatRow, ApprovalStepRow, RequestRow] | None:
        seat_id = int(firing.timer.subject.partition(":")[2] or 0)
        session = firing.uow.session
        seat = await approvals.get_seat(session, seat_id=seat_id)
        if seat is None or seat.state != "pending":
            return None
        step = await approvals.get_step(session, step_id=seat.step_id)
        request = await requests.get_request(session, request_id=seat.request_id)
        if step is None or step.state != "pending" or request is None:
            return None
        return seat, step, request

    async def _task(self, firing: TimerFiring) -> tuple[TaskRow, RequestRow] | None:
        task_id = int(firing.timer.subject.partition(":")[2] or 0)
        task = await tasks.get_task(firing.uow.session, task_id=task_id)
        if task is None or task.state not in OPEN_TASK_STATES or task.state == "waiting_info":
            return None
        request = await requests.get_request(firing.uow.session, request_id=task.request_id)
        return (task, request) if request is not None else None

    # --- approvals --------------------------------------------------------------------------

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

    # --- tasks ------------------------------------------------------------------------------

    async def task_remind(self, firing: TimerFiring) -> None:
        found = await self._task(firing)
        if found is None:
            return
        task, request = found
        turn = self._turn_for(firing, request)
        breach = await self._breach_at(firing, task)
        for person in self._task_people(task):
            if await self._quiet(firing, person):
                continue
            loc = turn.locale_of(person)
            due = local_time(breach, turn.services.bundle.directory.person(person) or SYSTEM) \
                if breach else "-"
            await turn.tell(person, Text(say("time.task_reminder", loc,
                                             tid=format_task_id(task.id or 0),
                                             title=title_of(task, loc), due=due)
                                         + late_note(firing, loc)))

    async def _breach_at(self, firing: TimerFiring, task: TaskRow) -> datetime | None:
        pending = await timers.pending_of(firing.uow.session, subject=f"task:{task.id}")
        return next((t.due_at for t in pending if t.kind == "task.breach"), None)

    def _task_people(self, task: TaskRow) -> list[str]:
        if task.assignee:
            return [task.assignee]
        group = self.services.bundle.directory.groups.get(task.group_id)
        return list(group.members) if group else []

    async def task_breach(self, firing: TimerFiring) -> None:
        found = await self._task(firing)
        if found is None:
            return
        task, request = found
        turn = self._turn_for(firing, request)
        group = turn.services.bundle.directory.groups.get(task.group_id)
        people = list(dict.fromkeys([*self._task_people(task),
                                     *([group.lead] if group and group.lead else [])]))
        for person in people:
            loc = turn.locale_of(person)
            await turn.tell(person, Text(say(
                "time.task_breach", loc, tid=format_task_id(task.id or 0),
                title=title_of(task, loc), who=name_of(turn.services.bundle.directory,
                                                       task.assignee) if task.assignee
                else (group.name.get(loc) if group else task.group_id))
                + late_note(firing, loc)))
        await turn.audit("task.breached", format_request_id(request.id or 0),
                         {"task": format_task_id(task.id or 0), "told": people})
        service = turn.services.bundle.catalog.get(request.service_id)
        policy = policy_of(turn, service)
        await timers.schedule(turn.session, kind="task.escalate", subject=f"task:{task.id}",
                              due_at=policy.after(firing.now, policy.task_escalation_after),
                              now=firing.now, replace=True)
        await resync_touched(turn)

    async def task_escalate(self, firing: TimerFiring) -> None:
        found = await self._task(firing)
        if found is None:
            return
        task, request = found
        turn = self._turn_for(firing, request)
        service = turn.services.bundle.catalog.get(request.service_id)
        owners = sorted(owners_of(turn.services.bundle.directory, service))
        for person in owners:
            loc = turn.locale_of(person)
            await turn.tell(person, Text(say(
                "time.task_escalation", loc, tid=format_task_id(task.id or 0),
                title=title_of(task, loc), rid=format_request_id(request.id or 0))
                + late_note(firing, loc)))
        await turn.audit("task.escalated", format_request_id(request.id or 0),
                         {"task": format_task_id(task.id or 0), "to": owners})

    # --- the request ------------------------------------------------------------------------

    async def request_breach(self, firing: TimerFiring) -> None:
        request = await self._open_request(firing)
        if request is None or request.status == "resolved":
            return
        turn = self._turn_for(firing, request)
        loc = turn.locale_of(request.requester)
        await turn.tell(request.requester, Text(say(
            "time.request_breach", loc, rid=format_request_id(request.id or 0))
            + late_note(firing, loc)))
        await turn.audit("request.breached", format_request_id(request.id or 0), {})

    async def confirm_timeout(self, firing: TimerFiring) -> None:
        request = await self._open_request(firing)
        if request is None or request.status != "resolved":
            return
        turn = self._turn_for(firing, request)
        loc = turn.locale_of(request.requester)
        await turn.tell(request.requester, Text(say(
            "time.auto_closed", loc, rid=format_request_id(request.id or 0))
            + late_note(firing, loc)))
        await completion.close(turn, request)
        await resync_touched(turn)

    async def _open_request(self, firing: TimerFiring) -> RequestRow | None:
        request_id = int(firing.timer.subject.partition(":")[2] or 0)
        request = await requests.lock_request(firing.uow.session, request_id=request_id)
        if request is None or request.status in FINAL_STATUSES:
            return None
        return request


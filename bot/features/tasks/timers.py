"""The tasks' timer kinds: a ready or claimed task is reminded, breaches its deadline (its
people and the group lead are told), then escalates to the service owners; each morning a group
lead gets one digest of the group's overdue tasks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.access import owners_of
from bot.action_ids import StatusClick
from bot.features.tasks.cards import group_name, title_of
from bot.features.time.clocks import policy_of
from bot.features.time.digests import DIGEST_ITEMS, led_groups
from bot.features.time.firing import SYSTEM, TimerKinds, late_note
from bot.features.time.resync import resync_touched
from bot.features.time.subjects import number_of, subject_of
from bot.people import name_of
from bot.views import local_time
from chat.i18n import say
from chat.replies import Button, Card, Text
from scheduler.sweeper import TimerFiring, TimerHandler
from store import requests, tasks, timers
from store.models import RequestRow, TaskRow, TimerRow
from store.requests import format_request_id
from store.tasks import OPEN_TASK_STATES, format_task_id


class TaskTimers(TimerKinds):
    """Reminders, breaches and escalations of tasks, and the overdue digest."""

    def registry(self) -> dict[str, TimerHandler]:
        return {
            "task.remind": self.task_remind,
            "task.breach": self.task_breach,
            "task.escalate": self.task_escalate,
            "digest.overdue": self.digest,
        }

    async def _task(self, firing: TimerFiring) -> tuple[TaskRow, RequestRow] | None:
        task_id = number_of(firing.timer.subject)
        task = await tasks.get_task(firing.uow.session, task_id=task_id)
        if task is None or task.state not in OPEN_TASK_STATES or task.state == "waiting_info":
            return None
        request = await requests.get_request(firing.uow.session, request_id=task.request_id)
        return (task, request) if request is not None else None

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
        pending = await timers.pending_of(firing.uow.session, subject=subject_of("task", task.id))
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
        await timers.schedule(turn.session, kind="task.escalate",
                              subject=subject_of("task", task.id),
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

    async def digest(self, firing: TimerFiring) -> None:
        person = self.services.bundle.directory.person(firing.timer.recipient or "")
        if person is None:
            return
        turn = self._digest_turn(firing, person)
        for group in led_groups(self.services, person):
            late = await overdue_tasks(turn.session, group.id)
            if not late:
                continue
            lines = [f"{format_task_id(t.id or 0)} {title_of(t, person.locale)}"
                     for t in late[:DIGEST_ITEMS]]
            buttons = tuple(Button(format_task_id(t.id or 0), StatusClick(t.request_id).format())
                            for t in late[:5])
            title = say("time.digest_overdue", person.locale,
                        group=group_name(self.services.bundle.directory, group.id,
                                         person.locale), n=len(late))
            await turn.tell(person.id, Card(title=title, body="\n".join(lines),
                                            buttons=buttons))


async def overdue_tasks(session: AsyncSession, group_id: str) -> list[TaskRow]:
    """Open tasks of the group whose deadline has passed (their breach timer fired)."""
    breached = select(col(TimerRow.id)).where(
        col(TimerRow.subject) == literal("task:") + cast(col(TaskRow.id), String),
        col(TimerRow.kind) == "task.breach", col(TimerRow.state) == "done").exists()
    query = (
        select(TaskRow)
        .where(col(TaskRow.group_id) == group_id, col(TaskRow.state).in_(OPEN_TASK_STATES),
               breached)
        .order_by(col(TaskRow.id))
    )
    return list(await session.scalars(query))

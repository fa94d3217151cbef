"""Morning digests: each approver with pending approvals gets one message listing them with
buttons; each group lead gets the group's overdue tasks.

A cron job per time zone (APScheduler, in every replica) writes one ``digest.*`` timer per
person and day, deduplicated by key, so N replicas still send one digest; the sweeper sends it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.action_ids import StatusClick
from bot.delegates import delegators_of
from bot.features.approvals.actions import ApprovalClick
from bot.features.tasks.cards import group_name, title_of
from bot.features.time.timers import late_note, system_turn
from bot.services import Services
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Button, Card
from org.model import Group, Person
from scheduler.sweeper import TimerFiring, TimerHandler
from store import approvals, requests, timers
from store.models import ApprovalSeatRow, ApprovalStepRow, TaskRow, TimerRow
from store.requests import format_request_id
from store.tasks import OPEN_TASK_STATES, format_task_id

DIGEST_ITEMS = 10


async def plan_digests(
    session: AsyncSession, services: Services, now: datetime, timezone: str
) -> int:
    """Write today's digest timers for the people in ``timezone``; returns how many are new."""
    directory = services.bundle.directory
    written = 0
    for person in directory.persons.values():
        if person.timezone != timezone:
            continue
        day = now.astimezone(_zone(timezone)).date()
        if await _waiting_seats(session, services, person, day):
            written += await _plan(session, "digest.approvals", person, day, now)
        if _led_groups(services, person):
            written += await _plan(session, "digest.overdue", person, day, now)
    return written


async def _plan(session: AsyncSession, kind: str, person: Person, day: date, now: datetime
                ) -> int:
    row = await timers.schedule(session, kind=kind, subject=f"person:{person.id}", due_at=now,
                                now=now, recipient=person.id,
                                dedupe_key=f"{kind}:{person.id}:{day.isoformat()}")
    return 1 if row is not None else 0


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _led_groups(services: Services, person: Person) -> list[Group]:
    return [g for g in services.bundle.directory.groups.values() if g.lead == person.id]


async def _waiting_seats(
    session: AsyncSession, services: Services, person: Person, day: date
) -> list[tuple[ApprovalSeatRow, ApprovalStepRow]]:
    principals = [person.id, *await delegators_of(session, services.bundle.directory,
                                                  person.id, day)]
    return list(await approvals.pending_seats_for(session, approvers=principals))


class DigestHandlers:
    def __init__(self, services: Services, channels: Callable[[], Sequence[str]]) -> None:
        self.services = services
        self.channels = channels

    def registry(self) -> dict[str, TimerHandler]:
        return {"digest.approvals": self.approvals, "digest.overdue": self.overdue}

    def _turn(self, firing: TimerFiring, person: Person) -> Turn:
        channel = next((c for c in self.channels() if c in ("console", "fake")
                        or getattr(person, c, None)), "console")
        return system_turn(self.services, firing, channel)

    async def approvals(self, firing: TimerFiring) -> None:
        person = self.services.bundle.directory.person(firing.timer.recipient or "")
        if person is None:
            return
        turn = self._turn(firing, person)
        seats = await _waiting_seats(turn.session, self.services, person, turn.today)
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

    async def overdue(self, firing: TimerFiring) -> None:
        person = self.services.bundle.directory.person(firing.timer.recipient or "")
        if person is None:
            return
        turn = self._turn(firing, person)
        for group in _led_groups(self.services, person):
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

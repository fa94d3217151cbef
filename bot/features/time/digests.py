"""Planning the morning digests: each approver with pending approvals gets one message listing
them with buttons (``bot.features.approvals.timers``); each group lead gets the group's overdue
tasks (``bot.features.tasks.timers``).

A cron job per time zone (APScheduler, in every replica) writes one ``digest.*`` timer per
person and day, deduplicated by key, so N replicas still send one digest; the sweeper sends it.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delegates import delegators_of
from bot.features.time.subjects import subject_of
from bot.services import Services
from org.model import Group, Person
from store import approvals, timers
from store.models import ApprovalSeatRow, ApprovalStepRow

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
        if await waiting_seats(session, services, person, day):
            written += await _plan(session, "digest.approvals", person, day, now)
        if led_groups(services, person):
            written += await _plan(session, "digest.overdue", person, day, now)
    return written


async def _plan(session: AsyncSession, kind: str, person: Person, day: date, now: datetime
                ) -> int:
    row = await timers.schedule(session, kind=kind, subject=subject_of("person", person.id),
                                due_at=now, now=now, recipient=person.id,
                                dedupe_key=f"{kind}:{person.id}:{day.isoformat()}")
    return 1 if row is not None else 0


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def led_groups(services: Services, person: Person) -> list[Group]:
    return [g for g in services.bundle.directory.groups.values() if g.lead == person.id]


async def waiting_seats(
    session: AsyncSession, services: Services, person: Person, day: date
) -> list[tuple[ApprovalSeatRow, ApprovalStepRow]]:
    principals = [person.id, *await delegators_of(session, services.bundle.directory,
                                                  person.id, day)]
    return list(await approvals.pending_seats_for(session, approvers=principals))

"""The ``request_fact`` rows: folded again in the transaction that extends a request's trail
(``refresh``, next to the timers' resync), and rebuilt from the trails (``rebuild``: ``esmbot
metrics rebuild``, and on start for requests that have none)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.time.clock_state import state_of
from bot.features.time.facts import Link, Origin, RequestFacts, fold
from bot.features.time.policy import policy_for
from bot.services import Services
from dialogs.model import Service
from org.model import Calendar
from scheduler.sweeper import TimerFiring, TimerHandler
from store import facts as fact_store
from store import requests
from store.db import Database
from store.facts import LinkRow
from store.models import RequestFactRow, RequestRow
from store.requests import format_request_id, parse_request_id

log = logging.getLogger("esmbot.metrics")
REBUILD_BATCH = 500


def links_from(rows: Sequence[LinkRow]) -> list[Link]:
    return [Link(seq=r.seq, at=r.at, actor=r.actor, action=r.action, data=dict(r.data or {}),
                 on_behalf_of=r.on_behalf_of) for r in rows]


def calendar_of(services: Services, service: Service | None) -> Calendar | None:
    """The calendar business hours count on: the service's, else the organisation's default."""
    return policy_for(service, services.settings.policies.durations(),
                      services.bundle).calendar


def origin_of(services: Services, request: RequestRow, service: Service | None) -> Origin:
    person = services.bundle.directory.person(request.requester)
    return Origin(request_id=request.id or 0, service_id=request.service_id,
                  requester=request.requester,
                  service_department=service.department if service else None,
                  requester_department=(person.dept or None) if person else None)


def facts_of(services: Services, request: RequestRow, links: Sequence[Link]
             ) -> RequestFacts | None:
    service = services.bundle.catalog.get(request.service_id)
    return fold(links, origin_of(services, request, service), service,
                calendar_of(services, service))


def as_row(facts: RequestFacts) -> RequestFactRow:
    return RequestFactRow(
        request_id=facts.request_id, service_id=facts.service_id,
        service_department=facts.service_department, requester=facts.requester,
        requester_department=facts.requester_department, groups=list(facts.groups),
        status=facts.status,
        statuses=[[at.isoformat(), status] for at, status in facts.statuses],
        submitted_at=facts.submitted_at, first_response_at=facts.first_response_at,
        first_resolved_at=facts.first_resolved_at, closed_at=facts.closed_at,
        ended_at=facts.ended_at, completion_wall_s=facts.completion_wall_s,
        completion_business_s=facts.completion_business_s,
        response_target=facts.response_target, response_late=facts.response_late,
        resolution_target=facts.resolution_target, resolution_late=facts.resolution_late,
        expedited=facts.expedited, need_info_rounds=facts.need_info_rounds,
        reopens=facts.reopens, amendments=facts.amendments, rejections=facts.rejections,
        resubmission_of=facts.resubmission_of, stage_wall=dict(facts.stage_wall),
        stage_business=dict(facts.stage_business),
        approval_required=facts.approval_required, approval_done_at=facts.approval_done_at,
        first_claim_at=facts.first_claim_at, deferred_approval=facts.deferred_approval,
        trail_complete=facts.trail_complete, folded_seq=facts.folded_seq,
        folded_at=facts.folded_at,
        open_clocks=None if facts.open_clocks is None else state_of(facts.open_clocks,
                                                                    facts.task_groups))


async def refresh(session: AsyncSession, services: Services, request: RequestRow,
                  rows: Sequence[LinkRow] | None = None) -> None:
    """Fold the request's trail (``rows``, when the caller read it already) into its row."""
    if rows is None:
        rows = await fact_store.links_of(session, format_request_id(request.id or 0))
    facts = facts_of(services, request, links_from(rows))
    if facts is not None:
        await fact_store.upsert(session, as_row(facts))


async def rebuild_batch(session: AsyncSession, services: Services, requests: Sequence[RequestRow]
                        ) -> int:
    """Fold ``requests`` again from their trails (read in a few queries); how many rows."""
    trails = await fact_store.links_of_many(
        session, [format_request_id(r.id or 0) for r in requests])
    rows = []
    for request in requests:
        facts = facts_of(services, request, links_from(trails[format_request_id(request.id or 0)]))
        if facts is not None:
            rows.append(as_row(facts))
    await fact_store.upsert_many(session, rows)
    return len(rows)


async def rebuild(db: Database, services: Services, *, missing_only: bool = False,
                  batch: int = REBUILD_BATCH) -> int:
    """Refold every request (``missing_only``: those without a row), ``batch`` requests per
    transaction, in id order; how many rows were written."""
    written, after = 0, 0
    while True:
        async with db.unit_of_work() as uow:
            requests = await fact_store.requests_after(uow.session, after, batch,
                                                       missing_only=missing_only)
            if not requests:
                return written
            written += await rebuild_batch(uow.session, services, requests)
        after = requests[-1].id or 0
        log.info("request facts rebuilt up to REQ-%d (%d rows)", after, written)


def refreshing(handler: TimerHandler, services: Services) -> TimerHandler:
    """``handler``, and then the rows of every request whose trail it extended: whatever a
    timer kind appends (a reminder, an escalation, a breach), the facts follow in its
    transaction."""
    async def run(firing: TimerFiring) -> None:
        session = firing.uow.session
        before = await fact_store.newest_seq(session)
        await handler(firing)
        for subject in await fact_store.requests_appended_since(session, before):
            request_id = parse_request_id(subject)
            request = None if request_id is None else await requests.get_request(
                session, request_id=request_id)
            if request is not None:
                await refresh(session, services, request)
    return run

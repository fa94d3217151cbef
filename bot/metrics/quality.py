"""The quality figures of METRICS.md (service owners): duplicates, missing information, first
pass, satisfaction (CSAT) and complaints. Each reads the requests' fact rows (``request_fact``)
of the period, or the survey rows, cut by ``bot.metrics.cuts``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.features.time.facts import status_at
from bot.metrics.cuts import facts_in, service_ids
from bot.metrics.model import Cut, Figure, Period
from bot.metrics.numbers import rate, rate_figure
from bot.services import Services
from store.models import RequestFactRow, SurveyResponseRow
from store.requests import format_request_id

LAYER = "quality"
OPEN_STATUSES = ("submitted", "pending_approval", "in_progress", "returned")
SCORES = ("1", "2", "3", "4", "5")
COMPLAINT_SCORES = (1, 2)
_BATCH = 500

Hit = Callable[[RequestFactRow], bool]


async def figures(session: AsyncSession, services: Services, period: Period, cut: Cut,
                  now: datetime) -> list[Figure]:
    submitted = await facts_in(session, "submitted_at", period, cut)
    resolved = await facts_in(session, "first_resolved_at", period, cut)
    scores = await _scores_of(session, [f.request_id for f in resolved], now)
    surveys = await _surveys(session, services, period, cut, now)
    return [
        await duplicates(session, submitted),
        share("missing_information", resolved, needed_information),
        share("first_pass", resolved, passed_first_time),
        csat(surveys, period, now),
        share("complaints", resolved,
              lambda f: f.reopens > 0 or scores.get(f.request_id) in COMPLAINT_SCORES),
    ]


def needed_information(fact: RequestFactRow) -> bool:
    return fact.need_info_rounds > 0


def passed_first_time(fact: RequestFactRow) -> bool:
    """No rejection (a resubmission of a rejected request counts as one), amendment, need-info
    round or reopen."""
    return (fact.rejections == 0 and fact.resubmission_of is None and fact.amendments == 0
            and fact.need_info_rounds == 0 and fact.reopens == 0)


def share(key: str, facts: Sequence[RequestFactRow], hit: Hit) -> Figure:
    """``hit`` requests / ``facts``, with the same by service and by group; items: the hits."""
    counted = [f for f in facts if hit(f)]
    return rate_figure(key, LAYER, len(counted), len(facts), by=_by(key, facts, hit),
                       items=tuple(format_request_id(f.request_id) for f in counted))


def _by(key: str, facts: Sequence[RequestFactRow], hit: Hit) -> dict[str, dict[str, Figure]]:
    members: dict[str, dict[str, list[RequestFactRow]]] = {"service": {}, "group": {}}
    for fact in facts:
        members["service"].setdefault(fact.service_id, []).append(fact)
        for group in dict.fromkeys(fact.groups or ()):
            members["group"].setdefault(group, []).append(fact)
    return {dimension: {member: rate_figure(key, LAYER, sum(1 for f in rows if hit(f)),
                                            len(rows))
                        for member, rows in sorted(found.items())}
            for dimension, found in members.items()}


# ------------------------------------------------------------------------------- duplicates

async def duplicates(session: AsyncSession, submitted: Sequence[RequestFactRow]) -> Figure:
    """Submitted in the period while the same requester had another request of the same
    service open (submitted earlier, and at this submission in an open status)."""
    earlier = await _same_requester(session, submitted)
    return share("duplicates", submitted,
                 lambda fact: any(_open_at(other, fact) for other in
                                  earlier.get((fact.requester, fact.service_id), ())))


async def _same_requester(session: AsyncSession, submitted: Sequence[RequestFactRow]
                          ) -> dict[tuple[str, str], list[RequestFactRow]]:
    """Every request of the period's requesters that could have been open during it: submitted
    before its end and not ended before its start."""
    found: dict[tuple[str, str], list[RequestFactRow]] = {}
    if not submitted:
        return found
    start = min(f.submitted_at for f in submitted)
    end = max(f.submitted_at for f in submitted)
    requesters = sorted({f.requester for f in submitted})
    for first in range(0, len(requesters), _BATCH):
        query = select(RequestFactRow).where(
            col(RequestFactRow.requester).in_(requesters[first:first + _BATCH]),
            col(RequestFactRow.submitted_at) <= end,
            or_(col(RequestFactRow.ended_at).is_(None), col(RequestFactRow.ended_at) > start))
        for row in (await session.execute(query)).scalars():
            found.setdefault((row.requester, row.service_id), []).append(row)
    return found


def _open_at(other: RequestFactRow, fact: RequestFactRow) -> bool:
    if (other.submitted_at, other.request_id) >= (fact.submitted_at, fact.request_id):
        return False
    return status_at(other.statuses, fact.submitted_at) in OPEN_STATUSES


# ------------------------------------------------------------------------------------- CSAT

async def _surveys(session: AsyncSession, services: Services, period: Period, cut: Cut,
                   now: datetime) -> list[SurveyResponseRow]:
    """Surveys sent or answered in the period, of the cut's services and groups."""
    query = select(SurveyResponseRow).where(or_(
        (col(SurveyResponseRow.sent_at) >= period.start)
        & (col(SurveyResponseRow.sent_at) < period.end),
        (col(SurveyResponseRow.answered_at) >= period.start)
        & (col(SurveyResponseRow.answered_at) < period.end)))
    kept = service_ids(cut, services.bundle)
    if kept is not None:
        query = query.where(col(SurveyResponseRow.service_id).in_(sorted(kept)))
    rows = [row for row in (await session.execute(query)).scalars()
            if cut.group is None or cut.group in (row.groups or ())]
    if cut.requester_department is not None:
        departments = await _requester_departments(session, [r.request_id for r in rows])
        rows = [r for r in rows if departments.get(r.request_id) == cut.requester_department]
    return rows


def csat(surveys: Sequence[SurveyResponseRow], period: Period, now: datetime) -> Figure:
    figure = _csat_of(surveys, period, now)
    by: dict[str, dict[str, Figure]] = {"service": {}, "group": {}}
    for service in sorted({s.service_id for s in surveys}):
        by["service"][service] = _csat_of([s for s in surveys if s.service_id == service],
                                          period, now)
    for group in sorted({g for s in surveys for g in (s.groups or ())}):
        by["group"][group] = _csat_of([s for s in surveys if group in (s.groups or ())],
                                      period, now)
    return Figure(key=figure.key, layer=LAYER, unit="score", value=figure.value,
                  numerator=figure.numerator, denominator=figure.denominator,
                  parts=figure.parts, by=by)


def _csat_of(surveys: Sequence[SurveyResponseRow], period: Period, now: datetime) -> Figure:
    answered = [s.score for s in surveys if s.score is not None and s.answered_at is not None
                and period.start <= s.answered_at < period.end]
    sent = [s for s in surveys if period.start <= s.sent_at < period.end]
    responded = sum(1 for s in sent if s.score is not None and s.answered_at is not None
                    and s.answered_at <= now)
    parts: dict[str, float | int | None] = {score: sum(1 for a in answered if str(a) == score)
                                            for score in SCORES}
    return Figure(key="csat", layer=LAYER, unit="score",
                  value=rate(sum(answered), len(answered)), numerator=responded,
                  denominator=len(sent), parts=parts)


async def _scores_of(session: AsyncSession, request_ids: Sequence[int], now: datetime
                     ) -> dict[int, int]:
    """The survey score each of ``request_ids`` was given (by ``now``), if any."""
    scores: dict[int, int] = {}
    for first in range(0, len(request_ids), _BATCH):
        query = select(col(SurveyResponseRow.request_id), col(SurveyResponseRow.score)).where(
            col(SurveyResponseRow.request_id).in_(request_ids[first:first + _BATCH]),
            col(SurveyResponseRow.score).is_not(None),
            col(SurveyResponseRow.answered_at) <= now)
        scores.update({int(rid): int(score or 0) for rid, score in await session.execute(query)})
    return scores


async def _requester_departments(session: AsyncSession, request_ids: Sequence[int]
                                 ) -> dict[int, str | None]:
    found: dict[int, str | None] = {}
    for first in range(0, len(request_ids), _BATCH):
        query = select(col(RequestFactRow.request_id),
                       col(RequestFactRow.requester_department)).where(
            col(RequestFactRow.request_id).in_(request_ids[first:first + _BATCH]))
        found.update({int(rid): dept for rid, dept in await session.execute(query)})
    return found


"""The quality figures of METRICS.md (service owners): duplicates, missing information, first
pass, satisfaction (CSAT) and complaints. Each reads the requests' fact rows (``request_fact``)
of the period, or the survey rows, cut by ``bot.metrics.cuts``."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.time.facts import status_at
from bot.metrics.cuts import (
    FACTS,
    FactView,
    GroupLists,
    facts_of,
    moment,
    raw,
    service_ids,
    views_in,
)
from bot.metrics.model import Cut, Figure, Period
from bot.metrics.numbers import rate, rate_figure
from bot.services import Services
from store.models import SurveyResponseRow
from store.requests import format_request_id

LAYER = "quality"
OPEN_STATUSES = ("submitted", "pending_approval", "in_progress", "returned")
SCORES = ("1", "2", "3", "4", "5")
COMPLAINT_SCORES = (1, 2)

Hit = Callable[[FactView], bool]


async def figures(session: AsyncSession, services: Services, period: Period, cut: Cut,
                  now: datetime) -> list[Figure]:
    submitted = await views_in(session, "submitted_at", period, cut)
    resolved = await views_in(session, "first_resolved_at", period, cut)
    scores = await _scores_of(session, period, now)
    surveys = await _surveys(session, services, period, cut, now)
    return [
        await duplicates(session, submitted),
        share("missing_information", resolved, needed_information),
        share("first_pass", resolved, passed_first_time),
        csat(surveys, period, now),
        share("complaints", resolved,
              lambda f: f.reopens > 0 or scores.get(f.request_id) in COMPLAINT_SCORES),
    ]


def needed_information(fact: FactView) -> bool:
    return fact.need_info_rounds > 0


def passed_first_time(fact: FactView) -> bool:
    """No rejection (a resubmission of a rejected request counts as one), amendment, need-info
    round or reopen."""
    return (fact.rejections == 0 and fact.resubmission_of is None and fact.amendments == 0
            and fact.need_info_rounds == 0 and fact.reopens == 0)


def share(key: str, facts: Sequence[FactView], hit: Hit) -> Figure:
    """``hit`` requests / ``facts``, with the same by service and by group; items: the hits."""
    hits = [hit(f) for f in facts]
    counted = [f for f, yes in zip(facts, hits, strict=True) if yes]
    return rate_figure(key, LAYER, len(counted), len(facts), by=_by(key, facts, hits),
                       items=tuple(format_request_id(f.request_id) for f in counted))


def _by(key: str, facts: Sequence[FactView], hits: Sequence[bool]
        ) -> dict[str, dict[str, Figure]]:
    """Per service and per group: [hits, requests]."""
    tally: dict[str, dict[str, list[int]]] = {"service": {}, "group": {}}
    for fact, yes in zip(facts, hits, strict=True):
        for dimension, member in (("service", fact.service_id),
                                  *(("group", g) for g in dict.fromkeys(fact.groups))):
            counts = tally[dimension].setdefault(member, [0, 0])
            counts[0] += yes
            counts[1] += 1
    return {dimension: {member: rate_figure(key, LAYER, n, d)
                        for member, (n, d) in sorted(found.items())}
            for dimension, found in tally.items()}


# ------------------------------------------------------------------------------- duplicates

async def duplicates(session: AsyncSession, submitted: Sequence[FactView]) -> Figure:
    """Submitted in the period while the same requester had another request of the same
    service open (submitted earlier, and at this submission in an open status)."""
    earlier = await _maybe_open(session, submitted)
    found = duplicate_ids(submitted, earlier)
    return share("duplicates", submitted, lambda fact: fact.request_id in found)


class _Earlier(NamedTuple):
    request_id: int
    submitted_at: datetime
    ended_at: datetime | None
    statuses: Any  # the JSON text, read only when needed


def duplicate_ids(submitted: Sequence[FactView],
                  earlier: dict[tuple[str, str], list[_Earlier]]) -> set[int]:
    """A sweep per requester and service in submission order: the requests still not ended
    are the candidates, and their status timeline says whether one was open."""
    timelines: dict[int, Any] = {}
    found: set[int] = set()
    by_pair: dict[tuple[str, str], list[FactView]] = {}
    for fact in submitted:
        by_pair.setdefault((fact.requester, fact.service_id), []).append(fact)
    for pair, facts in by_pair.items():
        others = sorted(earlier.get(pair, ()), key=lambda o: (o.submitted_at, o.request_id))
        active: list[_Earlier] = []
        taken = 0
        for fact in sorted(facts, key=lambda f: (f.submitted_at, f.request_id)):
            moment = fact.submitted_at
            while taken < len(others) and (others[taken].submitted_at,
                                           others[taken].request_id) < (moment,
                                                                        fact.request_id):
                active.append(others[taken])
                taken += 1
            active = [o for o in active if o.ended_at is None or o.ended_at > moment]
            if any(_open_at(o, moment, timelines) for o in active):
                found.add(fact.request_id)
    return found


def _open_at(other: _Earlier, moment: datetime, timelines: dict[int, Any]) -> bool:
    timeline = timelines.get(other.request_id)
    if timeline is None:
        raw = other.statuses
        timeline = timelines[other.request_id] = (json.loads(raw) if isinstance(raw, str)
                                                  else raw) or ()
    return status_at(timeline, moment) in OPEN_STATUSES


async def _maybe_open(session: AsyncSession, submitted: Sequence[FactView]
                      ) -> dict[tuple[str, str], list[_Earlier]]:
    """The requests of the period's requesters and services that may have been open during
    it: submitted before its last submission and not ended before its first."""
    found: dict[tuple[str, str], list[_Earlier]] = {}
    if not submitted:
        return found
    start = min(f.submitted_at for f in submitted)
    end = max(f.submitted_at for f in submitted)
    pairs = {(f.requester, f.service_id) for f in submitted}
    query = select(FACTS.c.requester, FACTS.c.service_id, FACTS.c.request_id,
                   raw(FACTS.c.submitted_at), raw(FACTS.c.ended_at),
                   raw(FACTS.c.statuses)).where(
        FACTS.c.submitted_at <= end,
        or_(FACTS.c.ended_at.is_(None), FACTS.c.ended_at > start))
    if len({service for _, service in pairs}) == 1:
        query = query.where(FACTS.c.service_id == next(iter(pairs))[1])
    for requester, service, rid, submitted_at, ended_at, statuses in (
            await session.execute(query)).all():
        if (requester, service) in pairs:
            found.setdefault((requester, service), []).append(_Earlier(
                rid, moment(submitted_at) or start, moment(ended_at), statuses))
    return found


# ------------------------------------------------------------------------------------- CSAT

class _Survey(NamedTuple):
    request_id: int
    service_id: str
    groups: tuple[str, ...]
    score: int | None
    sent_at: datetime
    answered_at: datetime | None


_SURVEYS = SurveyResponseRow.__table__  # type: ignore[attr-defined]
_SURVEY_COLUMNS = tuple(raw(_SURVEYS.c[name]) if name in ("groups", "sent_at", "answered_at")
                        else _SURVEYS.c[name] for name in _Survey._fields)


async def _surveys(session: AsyncSession, services: Services, period: Period, cut: Cut,
                   now: datetime) -> list[_Survey]:
    """Surveys sent or answered in the period, of the cut's services and groups."""
    table = _SURVEYS
    query = select(*_SURVEY_COLUMNS).where(or_(
        (table.c.sent_at >= period.start) & (table.c.sent_at < period.end),
        (table.c.answered_at >= period.start) & (table.c.answered_at < period.end)))
    kept = service_ids(cut, services.bundle)
    if kept is not None:
        query = query.where(table.c.service_id.in_(sorted(kept)))
    groups = GroupLists()
    rows = [_Survey(rid, service, groups(listed), score, moment(sent) or period.start,
                    moment(answered))
            for rid, service, listed, score, sent, answered in (
                await session.execute(query)).all()]
    rows = [row for row in rows if cut.group is None or cut.group in (row.groups or ())]
    if cut.requester_department is not None:
        facts = await facts_of(session, [r.request_id for r in rows])
        rows = [r for r in rows if r.request_id in facts
                and facts[r.request_id].requester_department == cut.requester_department]
    return rows


def csat(surveys: Sequence[_Survey], period: Period, now: datetime) -> Figure:
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


def _csat_of(surveys: Sequence[_Survey], period: Period, now: datetime) -> Figure:
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


async def _scores_of(session: AsyncSession, period: Period, now: datetime) -> dict[int, int]:
    """The survey score (given by ``now``) of each request first resolved in the period."""
    resolved = select(FACTS.c.request_id).where(FACTS.c.first_resolved_at >= period.start,
                                                FACTS.c.first_resolved_at < period.end)
    query = select(_SURVEYS.c.request_id, _SURVEYS.c.score).where(
        _SURVEYS.c.request_id.in_(resolved), _SURVEYS.c.score.is_not(None),
        _SURVEYS.c.answered_at <= now)
    return {int(rid): int(score) for rid, score in await session.execute(query)}

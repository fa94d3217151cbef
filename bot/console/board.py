"""What a dashboard shows, as JSON: the figures of one layer for a period and cut (from
``bot.metrics.compute.compute``), each with its name and definition in the page's language,
and what the layer adds around them (the completion trend and the tasks at risk; the survey
comments; the active exceptions and the latest audit verification and anchor).

The page (``dashboards.py``) is rendered from this and ``/console/api/metrics`` answers it, so
what the charts draw is what the page says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.metrics.compute import compute, organisation_timezone
from bot.metrics.cuts import service_ids
from bot.metrics.definitions import BY_KEY
from bot.metrics.model import Cut, Figure, Period, Stats
from bot.metrics.periods import month_period, parse_period, range_period, week_period
from bot.services import Services
from store import anchors, audit_checks
from store.exceptions import format_exception_id
from store.models import ExceptionGrantRow, SurveyResponseRow, TaskRow
from store.requests import format_request_id
from store.tasks import format_task_id, parse_task_id

TREND_WEEKS = 8
COMMENTS_SHOWN = 50
EXCEPTIONS_SHOWN = 100
PERIOD_KINDS = ("week", "month", "custom")


@dataclass(frozen=True)
class Asked:
    """A dashboard request as read from the query string."""

    period: Period
    kind: str  # week | month | custom | a label
    cut: Cut


def read_period(query: Mapping[str, str], timezone: str, now: datetime) -> tuple[Period, str]:
    """``period=week|month`` (the one ``now`` is in), a label (``2026-W48``, ``2026-11``,
    ``2026-11-03``) or ``from``/``to`` (days, ``to`` excluded); default: this month."""
    kind = (query.get("period") or "").strip() or "month"
    if query.get("from") or query.get("to") or kind == "custom":
        return range_period(query.get("from") or "", query.get("to") or "", timezone), "custom"
    today = now.astimezone(ZoneInfo(timezone)).date()
    if kind == "week":
        return week_period(today - timedelta(days=today.weekday()), ZoneInfo(timezone)), kind
    if kind == "month":
        return month_period(today.year, today.month, ZoneInfo(timezone)), kind
    return parse_period(kind, timezone), kind


def read_cut(query: Mapping[str, str]) -> Cut:
    def one(name: str) -> str | None:
        return (query.get(name) or "").strip() or None

    return Cut(service=one("service"), service_department=one("service_department"),
               group=one("group"), requester_department=one("department"))


def read_asked(query: Mapping[str, str], services: Services, now: datetime) -> Asked:
    """The period and cut asked for; ``PeriodError`` says what to write instead."""
    period, kind = read_period(query, organisation_timezone(services), now)
    return Asked(period, kind, read_cut(query))


def unknown_in_cut(cut: Cut, services: Services) -> str | None:
    """The first name in ``cut`` the catalog or directory does not know, else None."""
    bundle = services.bundle
    if cut.service is not None and cut.service not in bundle.catalog.services:
        return cut.service
    if cut.group is not None and cut.group not in bundle.directory.groups:
        return cut.group
    departments = set(bundle.directory.depts) | {s.department
                                                 for s in bundle.catalog.services.values()}
    for department in (cut.service_department, cut.requester_department):
        if department is not None and department not in departments:
            return department
    return None


# ------------------------------------------------------------------------------ the figures


def stats_json(stats: Stats | None) -> dict[str, Any] | None:
    if stats is None:
        return None
    return {"count": stats.count, "mean": _hours(stats.mean), "median": _hours(stats.median),
            "p90": _hours(stats.p90)}


def figure_json(figure: Figure, locale: str, *, described: bool = True) -> dict[str, Any]:
    """A figure as JSON: the Figure fields (hours rounded to 4 decimals) and, for a top-level
    figure, its name and definition in ``locale``."""
    shown: dict[str, Any] = {
        "key": figure.key, "layer": figure.layer, "unit": figure.unit,
        "value": _hours(figure.value), "numerator": figure.numerator,
        "denominator": figure.denominator, "wall": stats_json(figure.wall),
        "business": stats_json(figure.business),
        "parts": {name: _hours(value) for name, value in figure.parts.items()},
        "by": {dimension: {member: figure_json(sub, locale, described=False)
                           for member, sub in members.items()}
               for dimension, members in figure.by.items()},
        "items": list(figure.items),
    }
    if described:
        shown["name"], shown["definition"] = described_as(figure.key, locale)
    return shown


def described_as(key: str, locale: str) -> tuple[str, str]:
    """A figure's name and definition (``metric.<key>.name`` / ``.definition``); the key and
    nothing while the definitions' text is not in the locale files yet."""
    definition = BY_KEY.get(key)
    try:
        return (definition.name(locale), definition.text(locale)) if definition else (key, "")
    except KeyError:
        return key, ""


def _hours(value: float | int | None) -> float | int | None:
    return round(value, 4) if isinstance(value, float) else value


# ------------------------------------------------------------------------------ the board


async def board(session: AsyncSession, services: Services, layer: str, asked: Asked, *,
                now: datetime, locale: str) -> dict[str, Any]:
    """Everything the dashboard of ``layer`` shows for ``asked``, as JSON."""
    report = await compute(session, services, asked.period, asked.cut, layers=(layer,), now=now)
    shown: dict[str, Any] = {
        "layer": layer,
        "period": {"label": asked.period.label, "kind": asked.kind,
                   "start": asked.period.start.isoformat(), "end": asked.period.end.isoformat()},
        "cut": asked.cut.as_dict(),
        "computed_at": report.computed_at.isoformat(),
        "figures": [figure_json(figure, locale) for figure in report.figures],
        "labels": labels(services, locale),
    }
    extra = LAYER_EXTRAS.get(layer)
    if extra is not None:
        shown.update(await extra(session, services, asked, now, report.figures))
    return shown


def labels(services: Services, locale: str) -> dict[str, dict[str, str]]:
    """Display names of the services, groups and departments the figures are keyed by."""
    bundle = services.bundle
    return {
        "service": {s.id: s.name.get(locale) for s in bundle.catalog.services.values()},
        "group": {g.id: g.name.get(locale) for g in bundle.directory.groups.values()},
        "department": {d: bundle.directory.dept_label(d, locale) for d in bundle.directory.depts},
    }


async def efficiency_extras(session: AsyncSession, services: Services, asked: Asked,
                            now: datetime, figures: tuple[Figure, ...]) -> dict[str, Any]:
    return {"trend": await completion_trend(session, services, asked, now),
            "tasks_at_risk": await tasks_at_risk(session, figures)}


async def completion_trend(session: AsyncSession, services: Services, asked: Asked,
                           now: datetime) -> list[dict[str, Any]]:
    """Completion time per ISO week, the ``TREND_WEEKS`` weeks up to the period's end."""
    zone = asked.period.start.tzinfo
    assert isinstance(zone, ZoneInfo)
    last_day = (asked.period.end - timedelta(microseconds=1)).astimezone(zone).date()
    last_monday = last_day - timedelta(days=last_day.weekday())
    points = []
    for back in range(TREND_WEEKS - 1, -1, -1):
        week = week_period(last_monday - timedelta(weeks=back), zone)
        report = await compute(session, services, week, asked.cut, layers=("efficiency",),
                               now=now)
        figure = report.figure("completion_time")
        points.append({"week": week.label, "start": week.start.date().isoformat(),
                       "wall": stats_json(figure.wall if figure else None),
                       "business": stats_json(figure.business if figure else None)})
    return points


async def tasks_at_risk(session: AsyncSession, figures: tuple[Figure, ...]
                        ) -> list[dict[str, Any]]:
    """The tasks behind ``tasks_at_risk``, each with its request (for the link)."""
    figure = next((f for f in figures if f.key == "tasks_at_risk"), None)
    ids = [n for n in (parse_task_id(item) for item in (figure.items if figure else ()))
           if n is not None]
    if not ids:
        return []
    rows = await session.scalars(select(TaskRow).where(col(TaskRow.id).in_(ids)))
    return [{"task": format_task_id(row.id or 0), "title": row.title,
             "group": row.group_id, "assignee": row.assignee, "state": row.state,
             "request": format_request_id(row.request_id)}
            for row in sorted(rows, key=lambda row: row.id or 0)]


async def quality_extras(session: AsyncSession, services: Services, asked: Asked,
                         now: datetime, figures: tuple[Figure, ...]) -> dict[str, Any]:
    """The survey comments written in the period, newest first (the cut's services and
    groups)."""
    query = (select(SurveyResponseRow)
             .where(col(SurveyResponseRow.answered_at) >= asked.period.start,
                    col(SurveyResponseRow.answered_at) < asked.period.end,
                    col(SurveyResponseRow.comment).is_not(None))
             .order_by(col(SurveyResponseRow.answered_at).desc()))
    wanted = service_ids(asked.cut, services.bundle)
    if wanted is not None:
        query = query.where(col(SurveyResponseRow.service_id).in_(sorted(wanted)))
    comments = []
    for row in await session.scalars(query):
        if asked.cut.group is not None and asked.cut.group not in (row.groups or ()):
            continue
        comments.append({"request": format_request_id(row.request_id), "service": row.service_id,
                         "score": row.score, "comment": row.comment,
                         "at": _iso(row.answered_at)})
        if len(comments) >= COMMENTS_SHOWN:
            break
    return {"comments": comments}


async def compliance_extras(session: AsyncSession, services: Services, asked: Asked,
                            now: datetime, figures: tuple[Figure, ...]) -> dict[str, Any]:
    return {"active_exceptions": await active_exceptions(session, services, asked, now),
            "verification": await latest_verification(session),
            "anchor": await latest_anchor(session)}


async def active_exceptions(session: AsyncSession, services: Services, asked: Asked,
                            now: datetime) -> list[dict[str, Any]]:
    """Exceptions granted and not ended at min(now, period end), soonest end first."""
    at = min(now, asked.period.end)
    query = (select(ExceptionGrantRow)
             .where(col(ExceptionGrantRow.granted_at) <= at,
                    col(ExceptionGrantRow.granted_at).is_not(None))
             .order_by(col(ExceptionGrantRow.ends_at), col(ExceptionGrantRow.id)))
    wanted = service_ids(asked.cut, services.bundle)
    if wanted is not None:
        query = query.where(col(ExceptionGrantRow.service_id).in_(sorted(wanted)))
    shown = []
    for row in await session.scalars(query):
        if (row.ended_at is not None and _aware(row.ended_at) <= at) or \
                (row.ends_at is not None and _aware(row.ends_at) <= at):
            continue
        shown.append({"exception": format_exception_id(row.id or 0),
                      "request": format_request_id(row.request_id),
                      "service": row.service_id, "kind": row.kind, "reason": row.reason,
                      "impact": row.impact, "granted_at": _iso(row.granted_at),
                      "ends_at": _iso(row.ends_at)})
        if len(shown) >= EXCEPTIONS_SHOWN:
            break
    return shown


async def latest_verification(session: AsyncSession) -> dict[str, Any] | None:
    row = await audit_checks.latest(session)
    if row is None:
        return None
    return {"at": _iso(row.at), "ok": row.chain_ok, "checked": row.checked,
            "first_bad_seq": row.first_bad_seq, "problems": row.problems,
            "source": row.source}


async def latest_anchor(session: AsyncSession) -> dict[str, Any] | None:
    found = await anchors.latest(session)
    if found is None:
        return None
    _anchor_id, anchor = found
    return {"seq": anchor.seq, "hash": anchor.hash, "at": _iso(anchor.at)}


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _iso(at: datetime | None) -> str | None:
    return _aware(at).isoformat() if at is not None else None


LAYER_EXTRAS = {"efficiency": efficiency_extras, "quality": quality_extras,
                "compliance": compliance_extras}

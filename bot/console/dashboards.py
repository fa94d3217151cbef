"""The dashboards (issue 20): ``/console/dashboard/{efficiency|quality|compliance}`` and their
JSON, ``/console/api/metrics?layer=&period=&from=&to=&service=&group=&department=``.

The figures come from ``bot.metrics.compute.compute`` (``board.py``); who sees which dashboard
and cut is ``scope.py``, checked here on every page and every JSON answer: someone without the
dashboard gets 404 (nothing about it), a cut outside their scope 403. The page is rendered on
the server (every number with its definition beside it) and carries the same JSON in a
``data-board`` attribute; ``static/dashboards.js`` draws the charts from it with the vendored
ECharts (no inline script).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.console.board import Asked, board, read_asked, unknown_in_cut
from bot.console.context import bot_of
from bot.console.pages import render
from bot.console.scope import CutRefused, Scope, scope_of
from bot.console.session import page_locale, person_of, signed_in
from bot.console.shown import headline
from bot.metrics.model import LAYERS
from bot.metrics.periods import PeriodError
from bot.services import Services
from chat.i18n import say

routes = web.RouteTableDef()

# Each dashboard's charts: (chart id that dashboards.js draws, the figure it comes from).
CHARTS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "efficiency": (("trend", "completion_time"), ("sla", "sla_resolution"),
                   ("backlog_age", "backlog"), ("stages", "stage_time")),
    "quality": (("quality_rates", "first_pass"), ("csat", "csat")),
    "compliance": (("exceptions_service", "exceptions"), ("exceptions_reason", "exceptions"),
                   ("exceptions_impact", "exceptions")),
}
CHART_TITLE_KEYS = {
    "trend": "web.dash.chart.trend", "sla": "web.dash.chart.sla",
    "backlog_age": "web.dash.chart.backlog_age", "stages": "web.dash.chart.stages",
    "quality_rates": "web.dash.chart.quality_rates", "csat": "web.dash.chart.csat",
    "exceptions_service": "web.dash.chart.exceptions_service",
    "exceptions_reason": "web.dash.chart.exceptions_reason",
    "exceptions_impact": "web.dash.chart.exceptions_impact",
}
TITLE_KEYS = {"efficiency": "web.dash.title.efficiency", "quality": "web.dash.title.quality",
              "compliance": "web.dash.title.compliance"}
# Names the charts print (series, stages, age buckets), handed to dashboards.js as data-texts.
CHART_TEXT_KEYS = {
    "mean": "web.dash.series.mean", "median": "web.dash.series.median",
    "p90": "web.dash.series.p90", "hours": "web.dash.series.hours",
    "percent": "web.dash.series.percent", "count": "web.dash.series.count",
    "sla_resolution": "web.dash.series.sla_resolution",
    "sla_response": "web.dash.series.sla_response",
    "approval": "web.dash.stage.approval", "claim_wait": "web.dash.stage.claim_wait",
    "work": "web.dash.stage.work", "requester_wait": "web.dash.stage.requester_wait",
    "confirmation": "web.dash.stage.confirmation", "other": "web.dash.stage.other",
    "first_pass": "web.dash.series.first_pass",
    "missing_information": "web.dash.series.missing_information",
    "duplicates": "web.dash.series.duplicates", "complaints": "web.dash.series.complaints",
    "granted": "web.dash.series.granted", "none": "web.dash.series.none",
}


class Refused(Exception):
    """Why a dashboard answer is not given: ``status`` 400 (bad period or cut), 403 (a cut
    that is not yours) or 404 (not your dashboard, or no such one)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Looked:
    """One look at a dashboard: whose scope, what was asked, and the board's JSON."""

    scope: Scope
    asked: Asked
    data: dict[str, Any]


async def look(request: web.Request, layer: str) -> Looked:
    """The board of ``layer`` for the signed-in person and the query, or ``Refused``."""
    bot = bot_of(request)
    services = bot.services
    locale = page_locale(request)
    scope = scope_of(person_of(request), layer, services.bundle)
    if scope is None:
        raise Refused(404, say("web.dash.not_found", locale))
    now = services.clock()
    asked = _asked(request.query, services, now, locale)
    try:
        asked = Asked(asked.period, asked.kind, scope.cut(asked.cut))
    except CutRefused:
        raise Refused(403, say("web.dash.not_yours", locale)) from None
    async with bot.db.session() as session:
        data = await board(session, services, layer, asked, now=now, locale=locale)
    return Looked(scope, asked, data)


def _asked(query: Mapping[str, str], services: Services, now: datetime, locale: str) -> Asked:
    try:
        asked = read_asked(query, services, now)
    except PeriodError as exc:
        raise Refused(400, say("web.dash.bad_period", locale, problem=str(exc))) from None
    unknown = unknown_in_cut(asked.cut, services)
    if unknown is not None:
        raise Refused(400, say("web.dash.unknown_cut", locale, name=unknown))
    return asked


@routes.get("/dashboard/{kind}", name="console.dashboard")
@signed_in
async def dashboard_page(request: web.Request) -> web.StreamResponse:
    layer = request.match_info["kind"]
    locale = page_locale(request)
    try:
        looked = await look(request, layer if layer in LAYERS else "")
    except Refused as refused:
        return render(request, "dashboard_refused.html",
                      {"message": refused.message}, status=refused.status)
    return render(request, "dashboard.html", page_of(looked, layer, locale, bot_of(request)
                                                     .services))


@routes.get("/api/metrics")
@signed_in
async def metrics_api(request: web.Request) -> web.StreamResponse:
    try:
        looked = await look(request, request.query.get("layer", ""))
    except Refused as refused:
        return web.json_response({"error": refused.message}, status=refused.status)
    return web.json_response(looked.data)


def page_of(looked: Looked, layer: str, locale: str, services: Services) -> dict[str, Any]:
    """What dashboard.html shows: the figures in words, the charts, the selectors."""
    data = looked.data
    figures = [{**figure, "lines": headline(figure, locale)} for figure in data["figures"]]
    return {
        "layer": layer,
        "title": say(TITLE_KEYS[layer], locale),
        "board": data,
        "board_json": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        "texts_json": json.dumps({name: say(key, locale) for name, key in
                                  CHART_TEXT_KEYS.items()}, ensure_ascii=False),
        "figures": figures,
        "charts": [(chart, say(CHART_TITLE_KEYS[chart], locale)) for chart, _ in CHARTS[layer]],
        "choices": cut_choices(looked.scope, services, locale),
        "asked": {"kind": looked.asked.kind, "label": looked.asked.period.label,
                  "from": looked.asked.period.start.date().isoformat(),
                  "to": looked.asked.period.end.date().isoformat(),
                  **{k: v or "" for k, v in looked.asked.cut.as_dict().items()}},
    }


def cut_choices(scope: Scope, services: Services, locale: str) -> dict[str, list[tuple[str,
                                                                                     str]]]:
    """The services, groups and departments the selectors offer this person."""
    bundle = services.bundle
    names = {s.id: s.name.get(locale) for s in bundle.catalog.services.values()}
    groups = {g.id: g.name.get(locale) for g in bundle.directory.groups.values()}
    if scope.everything:
        service_ids, group_ids = sorted(names), sorted(groups)
    else:
        service_ids, group_ids = list(scope.services), list(scope.groups)
    return {
        "service": [(sid, names.get(sid, sid)) for sid in service_ids],
        "group": [(gid, groups.get(gid, gid)) for gid in group_ids],
        "department": [(d, bundle.directory.dept_label(d, locale))
                       for d in sorted(bundle.directory.depts)],
    }

"""Requests in the console: my requests (home), the list with filters, one request's page and
its JSON. Only what the viewer may see (``viewer.py``); anything else is a 404, the same as a
request that does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import web

from bot.console.context import bot_of
from bot.console.pages import render
from bot.console.session import page_locale, person_of, signed_in
from bot.console.story import RequestStory, story_of
from bot.console.viewer import viewer_of, visible_request
from bot.metrics.periods import PeriodError, parse_period
from bot.people import name_of
from bot.services import Services
from bot.views import local_time, service_name, status_label
from chat.i18n import say
from store import request_search
from store.models import REQUEST_STATUSES, RequestRow
from store.request_search import Filters
from store.requests import format_request_id, parse_request_id

routes = web.RouteTableDef()
PAGE_SIZE = 25
FILTER_NAMES = ("status", "service", "group", "requester", "period", "q")


@dataclass(frozen=True)
class Row:
    """One line of a list, as shown."""

    id: str
    title: str
    service: str
    status: str
    status_label: str
    requester: str
    submitted_at: str


def org_timezone(services: Services) -> str:
    """The organisation's zone for periods: the default calendar's, else ``[bot] timezone``."""
    calendars = services.bundle.calendars
    chosen = services.settings.policies.calendar
    calendar = calendars.get(chosen) if chosen else next(iter(calendars.values()), None)
    return calendar.timezone if calendar else services.settings.bot.timezone


def _filters(request: web.Request, services: Services) -> tuple[Filters, str | None]:
    """The list's filters from the query string, and what was wrong with the period."""
    query = request.query
    status = query.get("status") if query.get("status") in REQUEST_STATUSES else None
    period, problem = None, None
    if text := query.get("period", "").strip():
        try:
            period = parse_period(text, org_timezone(services))
        except PeriodError:
            problem = say("web.list.bad_period", page_locale(request), period=text)
    return Filters(status=status, service=query.get("service") or None,
                   group=query.get("group") or None, requester=query.get("requester") or None,
                   submitted_from=period.start if period else None,
                   submitted_to=period.end if period else None,
                   text=query.get("q", "")[:200]), problem


def _page_number(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    return max(1, min(int(raw), 10_000)) if raw.isdigit() else 1


def _rows(rows: list[RequestRow], request: web.Request, services: Services) -> list[Row]:
    locale = page_locale(request)
    viewer = person_of(request)
    directory = services.bundle.directory
    return [Row(id=format_request_id(r.id or 0), title=r.title,
                service=service_name(services.bundle.catalog.get(r.service_id), r, locale),
                status=r.status, status_label=status_label(r.status, locale),
                requester=name_of(directory, r.requester),
                submitted_at=local_time(r.created_at, viewer)) for r in rows]


async def _search(request: web.Request, filters: Filters, page: int) -> request_search.Page:
    bot = bot_of(request)
    async with bot.db.session() as session:
        viewer = await viewer_of(session, bot.services, person_of(request))
        return await request_search.search(session, viewer, filters,
                                           offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)


def _page_links(request: web.Request, page: int, total: int) -> dict[str, str | None]:
    kept = {name: request.query[name] for name in FILTER_NAMES if request.query.get(name)}
    last = max(1, -(-total // PAGE_SIZE))

    def link(number: int) -> str:
        return f"{request.path}?{urlencode({**kept, 'page': str(number)})}"

    return {"previous": link(page - 1) if page > 1 else None,
            "next": link(page + 1) if page < last else None, "last": str(last)}


@routes.get("/", name="console.home")
@signed_in
async def my_requests(request: web.Request) -> web.StreamResponse:
    person = person_of(request)
    page = _page_number(request)
    found = await _search(request, Filters(requester=person.id), page)
    return render(request, "home.html", {
        "rows": _rows(found.rows, request, bot_of(request).services), "total": found.total,
        "page": page, "pages": _page_links(request, page, found.total)})


@routes.get("/requests", name="console.requests")
@signed_in
async def request_list(request: web.Request) -> web.StreamResponse:
    services = bot_of(request).services
    filters, problem = _filters(request, services)
    page = _page_number(request)
    found = await _search(request, filters, page)
    locale = page_locale(request)
    bundle = services.bundle
    return render(request, "requests.html", {
        "rows": _rows(found.rows, request, services), "total": found.total, "page": page,
        "pages": _page_links(request, page, found.total), "problem": problem,
        "chosen": {name: request.query.get(name, "") for name in FILTER_NAMES},
        "statuses": [(s, status_label(s, locale)) for s in REQUEST_STATUSES],
        "services": sorted(((s.id, s.name.get(locale)) for s in
                            bundle.catalog.services.values()), key=lambda pair: pair[1]),
        "groups": sorted(((g.id, g.name.get(locale)) for g in
                          bundle.directory.groups.values()), key=lambda pair: pair[1]),
    })


async def _story(request: web.Request) -> RequestStory | None:
    number = parse_request_id(request.match_info["rid"])
    if number is None:
        return None
    bot = bot_of(request)
    person = person_of(request)
    async with bot.db.session() as session:
        row = await visible_request(session, bot.services, person, number)
        if row is None:
            return None
        return await story_of(session, bot.services, row, person, page_locale(request))


def _not_found(request: web.Request) -> web.StreamResponse:
    return render(request, "not_found.html", status=404)


@routes.get("/requests/{rid}", name="console.request")
@signed_in
async def request_page(request: web.Request) -> web.StreamResponse:
    story = await _story(request)
    return render(request, "request.html", {"story": story}) if story else _not_found(request)


@routes.get("/api/requests/{rid}", name="console.api.request")
@signed_in
async def request_json(request: web.Request) -> web.StreamResponse:
    story = await _story(request)
    if story is None:
        return web.json_response({"error": "not found"}, status=404)
    return web.json_response(story.as_json())

"""The console's navigation: what the bar at the top of every page offers this person.

An entry names a route; it shows only once that route is registered (a route module of
``app.py`` adds it), so the bar never links to a page that is not there. Dashboards show by
role: ``esm-admin`` all three; ``governance`` compliance; a group lead efficiency; a member of
a service's owning group quality.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.services import Services
from org.model import Person

DASHBOARD_ROUTE = "console.dashboard"  # /console/dashboard/{kind} (helper dashboards)
CHAT_ROUTE = "console.chat"  # /console/chat (helper webchat)
DASHBOARD_KINDS = ("efficiency", "quality", "compliance")
GOVERNANCE_ROLE = "governance"


@dataclass(frozen=True)
class NavItem:
    href: str
    label_key: str  # a chat.i18n key, e.g. "web.nav.requests"
    active: bool = False


def dashboard_kinds(person: Person, services: Services) -> tuple[str, ...]:
    """The dashboards this person's roles open, in the order of DASHBOARD_KINDS (the rule is
    ``bot.console.scope``, the one the dashboards themselves enforce)."""
    from bot.console.scope import visible_layers  # the dashboards' module, beside this one
    return visible_layers(person, services.bundle)


def has_route(request: web.Request, name: str) -> bool:
    return name in request.app.router.named_resources()


def route_url(request: web.Request, name: str, **parts: str) -> str:
    return str(request.app.router[name].url_for(**parts))


def items(request: web.Request, person: Person | None, services: Services) -> list[NavItem]:
    if person is None:
        return []
    entries = [NavItem("/console/", "web.nav.home"),
               NavItem("/console/requests", "web.nav.requests"),
               NavItem("/console/catalog", "web.nav.catalog")]
    if has_route(request, DASHBOARD_ROUTE):
        entries += [NavItem(route_url(request, DASHBOARD_ROUTE, kind=kind),
                            _DASHBOARD_KEYS[kind]) for kind in dashboard_kinds(person, services)]
    if has_route(request, CHAT_ROUTE):
        entries.append(NavItem(route_url(request, CHAT_ROUTE), "web.nav.chat"))
    return [NavItem(e.href, e.label_key, _is_current(request.path, e.href)) for e in entries]


def _is_current(path: str, href: str) -> bool:
    return path == href if href.endswith("/") else path == href or path.startswith(f"{href}/")


def landing(request: web.Request, person: Person, services: Services) -> str:
    """Where signing in leads: the dashboard of the person's role, else my requests."""
    kinds = dashboard_kinds(person, services)
    if kinds and has_route(request, DASHBOARD_ROUTE):
        return route_url(request, DASHBOARD_ROUTE, kind=kinds[0])
    return "/console/"


_DASHBOARD_KEYS = {"efficiency": "web.nav.efficiency", "quality": "web.nav.quality",
                   "compliance": "web.nav.compliance"}

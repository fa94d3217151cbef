"""Who sees what in the console: the chat's rule (``bot/visibility.py``), and ``esm-admin``
sees every request. A request someone may not see is answered exactly like one that does not
exist (404), on pages and JSON alike."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import members_of, owners_of
from bot.delegates import delegates_of
from bot.services import Services
from bot.visibility import NAMED_VIEWERS, person_may_see
from org.model import Person
from store import requests
from store.models import RequestRow
from store.request_search import Viewer

ADMIN_ROLE = "esm-admin"


def has_role(person: Person, services: Services, role: str) -> bool:
    """In the directory's role, or the role named on the person."""
    return role in person.roles or \
        person.id in members_of(services.bundle.directory, f"role:{role}")


def is_admin(person: Person, services: Services) -> bool:
    return has_role(person, services, ADMIN_ROLE)


def today_of(person: Person, services: Services) -> date:
    return services.clock().astimezone(ZoneInfo(person.timezone)).date()


async def visible_request(session: AsyncSession, services: Services, person: Person,
                          request_id: int) -> RequestRow | None:
    """The request if ``person`` may see it, else None (also when it does not exist)."""
    row = await requests.get_request(session, request_id=request_id)
    if row is None:
        return None
    if is_admin(person, services) or await person_may_see(
            session, services.bundle, person, row, today=today_of(person, services)):
        return row
    return None


async def viewer_of(session: AsyncSession, services: Services, person: Person) -> Viewer:
    """The rule as the list's query needs it."""
    if is_admin(person, services):
        return Viewer(person.id, everything=True)
    bundle = services.bundle
    directory = bundle.directory
    owned = frozenset(s.id for s in bundle.catalog.services.values()
                      if person.id in owners_of(directory, s))
    groups = frozenset(g.id for g in directory.groups.values()
                       if person.id in (*g.members, g.lead))
    delegates = await delegates_of(session, directory, directory.persons,
                                   today_of(person, services))
    deciding_for = frozenset(p for p, d in delegates.items() if d == person.id)
    return Viewer(person.id, owned_services=owned, groups=groups, deciding_for=deciding_for,
                  named_actions=NAMED_VIEWERS)

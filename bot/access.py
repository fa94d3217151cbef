"""Who may see or act on a request. Decided in the core on every action."""

from __future__ import annotations

from dialogs.model import Service
from org.model import Directory, Person
from store.models import RequestRow


def members_of(directory: Directory, reference: str) -> frozenset[str]:
    """People behind a ``group:``, ``role:`` or ``user:`` reference (owner-style references)."""
    kind, _, ident = reference.partition(":")
    if kind == "group" and (group := directory.groups.get(ident)):
        return frozenset(group.members) | ({group.lead} if group.lead else frozenset())
    if kind == "role" and (role := directory.roles.get(ident)):
        return frozenset(role.members)
    if kind == "user" and ident in directory.persons:
        return frozenset({ident})
    return frozenset()


def owners_of(directory: Directory, service: Service | None) -> frozenset[str]:
    return members_of(directory, service.owner) if service else frozenset()


def can_see(
    person: Person, request: RequestRow, service: Service | None, directory: Directory
) -> bool:
    """The requester, the service's owner group; later also its approvers and agents."""
    return person.id == request.requester or person.id in owners_of(directory, service)

"""Who gets which part of a report (CATALOG.md's reserved roles): the members of a service's
owner group its quality figures, a group's lead that group's efficiency figures, the members
of role ``governance`` the compliance figures. A person with several gets one message."""

from __future__ import annotations

from dataclasses import dataclass

from bot.access import members_of
from dialogs.model import Bundle

GOVERNANCE = "governance"


@dataclass(frozen=True)
class Audience:
    person: str
    services: tuple[str, ...] = ()  # quality: the services whose owner group they are in
    groups: tuple[str, ...] = ()  # efficiency: the groups they lead
    governance: bool = False  # compliance: a member of role governance

    @property
    def empty(self) -> bool:
        return not (self.services or self.groups or self.governance)


def audience_of(bundle: Bundle, person_id: str) -> Audience:
    directory = bundle.directory
    services = tuple(sorted(s.id for s in bundle.catalog.services.values()
                            if person_id in members_of(directory, s.owner)))
    groups = tuple(sorted(g.id for g in directory.groups.values() if g.lead == person_id))
    role = directory.roles.get(GOVERNANCE)
    return Audience(person_id, services, groups, role is not None and person_id in role.members)


def audiences(bundle: Bundle) -> list[Audience]:
    """Everyone who gets a report, in the directory's order."""
    found = (audience_of(bundle, person_id) for person_id in bundle.directory.persons)
    return [audience for audience in found if not audience.empty]


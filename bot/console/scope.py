"""Who sees which dashboard, and which cut of it (CATALOG.md's reserved roles).

- ``esm-admin``: every dashboard, every cut.
- ``governance``: the compliance dashboard, every cut.
- a fulfilment group's lead: the efficiency dashboard of their groups;
- a service owner group's members (and its lead): the efficiency and quality dashboards of
  their services.

A scoped person always looks through a cut of theirs (a group they lead or a service they
own); asking for another one is refused. Someone with no scope on a dashboard gets nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from bot.access import members_of
from bot.metrics.model import LAYERS, Cut
from dialogs.model import Bundle
from org.model import Person

ADMIN_ROLE = "esm-admin"
GOVERNANCE_ROLE = "governance"
EVERY_CUT_ROLES: Mapping[str, frozenset[str]] = {
    "efficiency": frozenset({ADMIN_ROLE}),
    "quality": frozenset({ADMIN_ROLE}),
    "compliance": frozenset({ADMIN_ROLE, GOVERNANCE_ROLE}),
}


class CutRefused(Exception):
    """A cut outside the person's scope (a service they do not own, a group they do not lead)."""


@dataclass(frozen=True)
class Scope:
    """What one person may see of one dashboard: everything, or these services and groups."""

    layer: str
    everything: bool = False
    services: tuple[str, ...] = ()  # services whose owner group they are in
    groups: tuple[str, ...] = ()  # fulfilment groups they lead

    def cut(self, asked: Cut) -> Cut:
        """The cut to compute: ``asked`` when it lies in the scope; a scoped person who named
        neither a service nor a group gets their first group (else service)."""
        if self.everything:
            return asked
        if asked.service in self.services or asked.group in self.groups:
            return asked
        if asked.service is None and asked.group is None:
            if self.groups:
                return replace(asked, group=self.groups[0])
            return replace(asked, service=self.services[0])
        raise CutRefused(f"not yours: service {asked.service}, group {asked.group}")


def scope_of(person: Person, layer: str, bundle: Bundle) -> Scope | None:
    """``person``'s scope on the dashboard of ``layer``; None: they may not see it."""
    if layer not in LAYERS:
        return None
    if EVERY_CUT_ROLES[layer] & set(person.roles):
        return Scope(layer, everything=True)
    services = owned_services(person, bundle) if layer in ("efficiency", "quality") else ()
    groups = led_groups(person, bundle) if layer == "efficiency" else ()
    if not services and not groups:
        return None
    return Scope(layer, services=services, groups=groups)


def visible_layers(person: Person, bundle: Bundle) -> tuple[str, ...]:
    """The dashboards ``person`` may open, in the order of the layers."""
    return tuple(layer for layer in LAYERS if scope_of(person, layer, bundle) is not None)


def owned_services(person: Person, bundle: Bundle) -> tuple[str, ...]:
    directory = bundle.directory
    return tuple(sorted(service.id for service in bundle.catalog.services.values()
                        if person.id in members_of(directory, service.owner)))


def led_groups(person: Person, bundle: Bundle) -> tuple[str, ...]:
    return tuple(sorted(group.id for group in bundle.directory.groups.values()
                        if group.lead == person.id))


"""How a cut (``bot.metrics.model.Cut``) picks requests, the same way in every layer:
``matches``/``keep`` on a request's fact row (it holds service, service department, groups and
requester department at submission); ``service_ids`` for rows that only know their service
(surveys, exceptions), ``needs_request`` when such rows must be joined to the fact row."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

from bot.metrics.model import Cut
from dialogs.model import Bundle


class RequestInCut(Protocol):
    """What a cut looks at on a request: a ``request_fact`` row has all four."""

    @property
    def service_id(self) -> str: ...
    @property
    def service_department(self) -> str | None: ...
    @property
    def groups(self) -> Iterable[str] | None: ...
    @property
    def requester_department(self) -> str | None: ...


_Fact = TypeVar("_Fact", bound=RequestInCut)


def matches(cut: Cut, fact: RequestInCut) -> bool:
    """Whether the request of ``fact`` is in ``cut`` (every dimension the cut names)."""
    return ((cut.service is None or fact.service_id == cut.service)
            and (cut.service_department is None
                 or fact.service_department == cut.service_department)
            and (cut.group is None or cut.group in (fact.groups or ()))
            and (cut.requester_department is None
                 or fact.requester_department == cut.requester_department))


def keep(cut: Cut, facts: Iterable[_Fact]) -> list[_Fact]:
    return [fact for fact in facts if matches(cut, fact)]


def service_ids(cut: Cut, bundle: Bundle) -> frozenset[str] | None:
    """The services a cut keeps, judged by service and service department only; None: every
    service (rows that know only their service still need the fact row for the rest)."""
    if cut.service is None and cut.service_department is None:
        return None
    return frozenset(
        service.id for service in bundle.catalog.services.values()
        if (cut.service is None or service.id == cut.service)
        and (cut.service_department is None or service.department == cut.service_department))


def needs_request(cut: Cut) -> bool:
    """Whether the cut looks beyond the service (group, requester department): rows that know
    only their service must then be joined to the request's fact row."""
    return cut.group is not None or cut.requester_department is not None

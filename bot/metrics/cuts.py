"""How a cut (``bot.metrics.model.Cut``) picks requests, the same way in every layer:
``matches``/``keep`` on a request's fact row (it holds service, service department, groups and
requester department at submission); ``service_ids`` for rows that only know their service
(surveys, exceptions), ``needs_request`` when such rows must be joined to the fact row."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol, TypeVar

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from bot.metrics.model import Cut, Period
from dialogs.model import Bundle
from store import facts
from store.models import RequestFactRow

BATCH = 500  # ids in one IN (...)


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


class FactView(NamedTuple):
    """The columns of a ``request_fact`` row the quality and compliance figures read (a
    plain tuple: loading whole ORM rows costs ten times more)."""

    request_id: int
    service_id: str
    service_department: str | None
    requester: str
    requester_department: str | None
    groups: tuple[str, ...]
    submitted_at: datetime
    first_claim_at: datetime | None
    need_info_rounds: int
    reopens: int
    amendments: int
    rejections: int
    resubmission_of: int | None
    approval_required: bool
    approval_done_at: datetime | None
    deferred_approval: bool
    trail_complete: bool


FACTS = RequestFactRow.__table__  # type: ignore[attr-defined]
_MOMENTS_OF_VIEW = ("submitted_at", "first_claim_at", "approval_done_at")


def raw(column: Any) -> Any:
    """``column`` as the driver gives it (no per-row type processing; see ``moment``)."""
    return type_coerce(column, Text)


def moment(value: Any) -> datetime | None:
    """A stored moment read raw: SQLite's UTC wall-clock text, or PostgreSQL's aware datetime
    (``store.types.UtcDateTime`` does the same, several times slower)."""
    if value is None:
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    assert isinstance(value, datetime)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


_VIEW = tuple(raw(FACTS.c[name]) if name == "groups" or name in _MOMENTS_OF_VIEW
              else FACTS.c[name] for name in FactView._fields)
_GROUPS = FactView._fields.index("groups")
_TIMES = tuple(FactView._fields.index(name) for name in _MOMENTS_OF_VIEW)


class GroupLists:
    """JSON lists of group ids, decoded once per distinct text (they repeat a lot)."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[str, ...]] = {}

    def __call__(self, raw: Any) -> tuple[str, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, str):  # a driver that decodes JSON itself
            return tuple(raw)
        found = self.seen.get(raw)
        if found is None:
            found = self.seen[raw] = tuple(json.loads(raw) or ())
        return found


def _view(row: Sequence[Any], groups: GroupLists) -> FactView:
    values = list(row)
    values[_GROUPS] = groups(values[_GROUPS])
    for index in _TIMES:
        values[index] = moment(values[index])
    return FactView._make(values)
MOMENTS = ("submitted_at", "first_resolved_at", "closed_at", "first_claim_at")


async def facts_in(session: AsyncSession, column: str, period: Period, cut: Cut
                   ) -> list[RequestFactRow]:
    """The fact rows (whole, ORM) whose ``column`` (submitted_at, first_resolved_at,
    closed_at, first_claim_at) falls in ``period``, kept by ``cut``, in request order.
    ``views_in`` reads only the columns of ``FactView``, several times faster."""
    only = [cut.service] if cut.service is not None else None
    return keep(cut, await facts.facts_between(session, column, period.start, period.end,
                                               service_ids=only))


async def views_in(session: AsyncSession, column: str, period: Period, cut: Cut
                   ) -> list[FactView]:
    """The facts whose ``column`` (one of MOMENTS) falls in ``period``, kept by ``cut``, in
    request order."""
    if column not in MOMENTS:
        raise ValueError(f"{column!r} is not one of {', '.join(MOMENTS)}")
    moment = FACTS.c[column]
    query = select(*_VIEW).where(moment >= period.start, moment < period.end)
    for name, value in (("service_id", cut.service),
                        ("service_department", cut.service_department),
                        ("requester_department", cut.requester_department)):
        if value is not None:
            query = query.where(FACTS.c[name] == value)
    rows = (await session.execute(query.order_by(FACTS.c.request_id))).all()
    groups = GroupLists()
    views = [_view(row, groups) for row in rows]
    return views if cut.group is None else keep(cut, views)


async def facts_of(session: AsyncSession, request_ids: Iterable[int]
                         ) -> dict[int, RequestInCut]:
    """The facts of ``request_ids`` (for rows that know only the request: a cut by group or
    requester department)."""
    wanted = sorted(set(request_ids))
    found: dict[int, RequestInCut] = {}
    groups = GroupLists()
    for first in range(0, len(wanted), BATCH):
        query = select(*_VIEW).where(FACTS.c.request_id.in_(wanted[first:first + BATCH]))
        found.update({view.request_id: view for view in (
            _view(row, groups) for row in await session.execute(query))})
    return found

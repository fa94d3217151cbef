"""Who approves for whom today: the directory file's delegations, overridden by chat.

A delegation made or cancelled in chat is a ``delegation`` row; for the days a live row covers,
it wins over the file (a row without ``to_person`` means "nobody": the person cancelled the
file's delegation). One hop only: a delegate's own delegate does not inherit the seat.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from org.model import Delegation, Directory
from store import delegations
from store.models import DelegationRow


async def delegate_of(
    session: AsyncSession, directory: Directory, person: str, on: date
) -> str | None:
    rows = await delegations.live_for(session, from_person=person, on=on)
    return _delegate(rows, directory, person, on)


async def delegates_of(
    session: AsyncSession, directory: Directory, people: Iterable[str], on: date
) -> dict[str, str | None]:
    """``delegate_of`` for each of ``people``, with one query."""
    wanted = set(people)
    if not wanted:
        return {}
    rows = await delegations.live_for_each(session, from_people=wanted, on=on)
    return {person: _delegate(rows.get(person, []), directory, person, on) for person in wanted}


def _delegate(rows: list[DelegationRow], directory: Directory, person: str, on: date
              ) -> str | None:
    """The newest chat row covering ``on`` wins over the file (``None`` in it: nobody)."""
    covering = [r for r in rows if r.starts_on <= on <= r.ends_on]
    if covering:
        return covering[0].to_person
    file_delegation = file_delegation_of(directory, person, on)
    return file_delegation.to_person if file_delegation else None


def file_delegation_of(directory: Directory, person: str, on: date) -> Delegation | None:
    return next((d for d in directory.delegations
                 if d.from_person == person and d.start <= on <= d.end), None)


async def delegators_of(
    session: AsyncSession, directory: Directory, delegate: str, on: date
) -> list[str]:
    """People who have ``delegate`` approving for them on ``on``."""
    candidates = set(await delegations.delegators_of(session, to_person=delegate, on=on))
    candidates |= {d.from_person for d in directory.delegations if d.to_person == delegate}
    return sorted([p for p in candidates
                   if await delegate_of(session, directory, p, on) == delegate])


async def may_act_for(
    session: AsyncSession, directory: Directory, actor: str, approver: str, on: date
) -> bool:
    """``actor`` is ``approver``, or ``approver``'s delegate on ``on``."""
    return actor == approver or await delegate_of(session, directory, approver, on) == actor

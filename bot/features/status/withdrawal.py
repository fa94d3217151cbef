"""Who hears that a request was withdrawn: everyone who approved it or was asked to, and the
agents of its tasks (the assignee, or the group of a task nobody holds yet). The requester
withdrew it and is not told again."""

from __future__ import annotations

from bot.delegates import delegates_of
from bot.people import name_of
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Text
from store import approvals, tasks
from store.models import RequestRow
from store.requests import format_request_id


async def involved_in(turn: Turn, request: RequestRow) -> list[str]:
    """Approvers (and delegates who decided or hold a seat today), then agents, sorted."""
    directory = turn.services.bundle.directory
    people = set(await approvals.people_on(turn.session, request_id=request.id or 0))
    people |= {d for d in (await delegates_of(turn.session, directory, people,
                                              turn.today)).values() if d}
    for task in await tasks.tasks_of(turn.session, request_id=request.id or 0):
        if task.assignee:
            people.add(task.assignee)
        elif task.state in ("ready", "claimed", "waiting_info"):
            group = directory.groups.get(task.group_id)
            people |= set(group.members) if group else set()
    return sorted(p for p in people - {request.requester} if directory.person(p))


async def tell_withdrawn(turn: Turn, request: RequestRow, people: list[str], reason: str
                         ) -> None:
    who = name_of(turn.services.bundle.directory, request.requester)
    for person in people:
        await turn.tell(person, Text(say(
            "withdrawal.notice", turn.locale_of(person), rid=format_request_id(request.id or 0),
            who=who, title=request.title, reason=reason)))

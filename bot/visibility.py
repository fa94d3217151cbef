"""Who may see a request: its requester, the service owner, its approvers and their delegates,
the agents of its tasks and the members of their groups, the people it was copied to (抄送),
and anyone the bot asked to act on it (an escalation or reminder sent to them: the trail's
``to``), view only.

Decided in the core on every look, never by who happened to get a card. The chat asks with
a turn (``may_see``), the web console with the person and the moment (``person_may_see``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import can_see
from bot.delegates import delegate_of
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Text
from dialogs.model import Bundle
from org.model import Person
from store import approvals, audit, requests, tasks
from store.models import RequestRow
from store.requests import format_request_id


async def may_see(turn: Turn, request: RequestRow) -> bool:
    return await person_may_see(turn.session, turn.services.bundle, turn.person, request,
                                today=turn.today)


async def person_may_see(session: AsyncSession, bundle: Bundle, viewer: Person,
                         request: RequestRow, *, today: date) -> bool:
    """The rule above for ``viewer``; ``today`` (in the viewer's zone) decides delegations."""
    service = bundle.catalog.get(request.service_id)
    if can_see(viewer, request, service, bundle.directory):
        return True
    if await _works_on(session, bundle, viewer, request):
        return True
    people = await approvals.people_on(session, request_id=request.id or 0)
    if viewer.id in people:
        return True
    for person in people:
        if await delegate_of(session, bundle.directory, person, today) == viewer.id:
            return True
    return await _named_on_trail(session, viewer, request)


# Trail events whose ``to`` (a person or a list of them) may look at the request afterwards:
# those asked to act on it (an escalation, a reminder) and those told its outcome (抄送).
NAMED_VIEWERS = frozenset({"approval.escalated", "approval.reminded", "task.escalated",
                           "approval.cc_sent",
                           "exception.requested"})  # its approvers (issue 18)


async def _named_on_trail(session: AsyncSession, viewer: Person, request: RequestRow) -> bool:
    """The request's trail sent this person an escalation, a reminder or a copy of its outcome:
    they may look at it (deciding still needs a seat, which ``approvals.flow`` checks)."""
    me = viewer.id
    for _at, action, data in await audit.trail_of(session,
                                                  subject=format_request_id(request.id or 0)):
        to = data.get("to") if action in NAMED_VIEWERS and isinstance(data, dict) else None
        if to == me or (isinstance(to, list) and me in to):
            return True
    return False


async def _works_on(session: AsyncSession, bundle: Bundle, viewer: Person,
                    request: RequestRow) -> bool:
    """An assignee of one of its tasks, or a member of a group that has one."""
    me = viewer.id
    groups = bundle.directory.groups
    for task in await tasks.tasks_of(session, request_id=request.id or 0):
        group = groups.get(task.group_id)
        if task.assignee == me or (group and me in (*group.members, group.lead)):
            return True
    return False


async def visible_request(
    turn: Turn, request_id: int, *, lock: bool = False
) -> RequestRow | None:
    """The request if this person may see it (locked for a change when ``lock``), else None
    after saying it was not found."""
    find = requests.lock_request if lock else requests.get_request
    row = await find(turn.session, request_id=request_id)
    if row is None or not await may_see(turn, row):
        await turn.reply(Text(say("req.not_found", turn.locale,
                                  rid=format_request_id(request_id))))
        return None
    return row


async def step_hidden(turn: Turn, step_id: int) -> bool:
    """A button naming approval step ``step_id`` was clicked by someone who may not see its
    request (a crafted or forwarded click): True after answering exactly as a typed REQ-n
    would ("not found"), so nothing about the request or its approvers is told. A step that
    does not exist is not hidden: the click's own handler calls it stale."""
    step = await approvals.get_step(turn.session, step_id=step_id)
    request = await requests.get_request(turn.session, request_id=step.request_id) \
        if step is not None else None
    if request is None or await may_see(turn, request):
        return False
    await turn.reply(Text(say("req.not_found", turn.locale,
                              rid=format_request_id(request.id or 0))))
    return True

"""Who may see a request: its requester, the service owner, its approvers and their delegates,
the agents of its tasks and the members of their groups, the people it was copied to (抄送),
and anyone the bot asked to act on it (an escalation or reminder sent to them: the trail's
``to``), view only.

Decided in the core on every look, never by who happened to get a card.
"""

from __future__ import annotations

from bot.access import can_see
from bot.delegates import delegate_of
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Text
from store import approvals, audit, requests, tasks
from store.models import RequestRow
from store.requests import format_request_id


async def may_see(turn: Turn, request: RequestRow) -> bool:
    bundle = turn.services.bundle
    service = bundle.catalog.get(request.service_id)
    if can_see(turn.person, request, service, bundle.directory):
        return True
    if await _works_on(turn, request):
        return True
    people = await approvals.people_on(turn.session, request_id=request.id or 0)
    if turn.person.id in people:
        return True
    for person in people:
        if await delegate_of(turn.session, bundle.directory, person, turn.today) == turn.person.id:
            return True
    return await _named_on_trail(turn, request)


# Trail events whose ``to`` (a person or a list of them) may look at the request afterwards:
# those asked to act on it (an escalation, a reminder) and those told its outcome (抄送).
NAMED_VIEWERS = frozenset({"approval.escalated", "approval.reminded", "task.escalated",
                           "approval.cc_sent",
                           "exception.requested"})  # its approvers (issue 18)


async def _named_on_trail(turn: Turn, request: RequestRow) -> bool:
    """The request's trail sent this person an escalation, a reminder or a copy of its outcome:
    they may look at it (deciding still needs a seat, which ``approvals.flow`` checks)."""
    me = turn.person.id
    for _at, action, data in await audit.trail_of(turn.session,
                                                  subject=format_request_id(request.id or 0)):
        to = data.get("to") if action in NAMED_VIEWERS and isinstance(data, dict) else None
        if to == me or (isinstance(to, list) and me in to):
            return True
    return False


async def _works_on(turn: Turn, request: RequestRow) -> bool:
    """An assignee of one of its tasks, or a member of a group that has one."""
    me = turn.person.id
    groups = turn.services.bundle.directory.groups
    for task in await tasks.tasks_of(turn.session, request_id=request.id or 0):
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

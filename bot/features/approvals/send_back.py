"""退回 / send back: instead of rejecting, an approver returns the request to its requester
with a question; the requester answers (or amends), and approval resumes at the same step.

While it is sent back the request is ``returned``: its step stays open with every seat as it
was, nobody can decide it (``decide`` refuses), its approval reminders are off and its
resolution clock is paused (``approval.sent_back`` .. ``approval.resumed`` on the trail).
An amendment that changes a field an approval rule reads restarts approval from step 1
(``bot.features.amendment``); any other answer or amendment resumes the same step.
"""

from __future__ import annotations

from bot import conversation
from bot.delegates import delegates_of
from bot.features.approvals import flow
from bot.features.approvals.sendback_ids import AnswerClick
from bot.people import name_of, names
from bot.state import PromptState
from bot.turn import Turn
from bot.visibility import visible_request
from chat.i18n import say
from chat.replies import Button, Card, Text
from dialogs.model import Service
from store import approvals, requests
from store.models import ApprovalStepRow, RequestRow

RETURNED = "returned"


def fields_the_rules_read(service: Service) -> frozenset[str]:
    """Answers an approval rule reads: in a ``when`` (which rule applies) or as a ``field:``
    approver. Changing one of them may change the chain, so approval starts again."""
    read: set[str] = set()
    for rule in service.approval_rules:
        if rule.when is not None:
            read |= rule.when.names
        for step in rule.steps:
            read |= {ref.partition(":")[2] for ref in step.approvers if ref.startswith("field:")}
    return frozenset(read)


async def send_back(turn: Turn, *, step_id: int, seat: str | None, question: str) -> None:
    """``turn.person`` (an approver of the open step, or their delegate) returns the request."""
    locked = await flow.locked_step(turn, step_id)
    if locked is None:
        return
    request, step = locked
    rid = flow.rid_of(request)
    seats = await approvals.seats_of(turn.session, step_id=step_id)
    target = await flow.seat_to_take(turn, request, step, seats, seat)
    if target is None:
        return
    if request.status == RETURNED:
        await turn.reply(Text(say("ret.already_returned", turn.locale, rid=rid)))
        return
    if not question.strip():
        await conversation.ask(turn, PromptState("send_back", request=request.id or 0,
                                                 step=step_id, seat=target.approver))
        await turn.reply(Text(say("ret.ask_question", turn.locale, rid=rid)))
        return
    await _return_to_requester(turn, request, step, target.approver, question.strip())


async def _return_to_requester(
    turn: Turn, request: RequestRow, step: ApprovalStepRow, seat: str, question: str
) -> None:
    rid = flow.rid_of(request)
    await requests.set_status(turn.session, request=request, status=RETURNED, reason=question,
                              now=turn.now)
    on_behalf = seat if seat != turn.person.id else None
    await turn.audit("approval.sent_back", rid, {
        "round": step.round, "step": step.position, "seat": seat, "question": question,
        "to": request.requester}, on_behalf_of=on_behalf)
    directory = turn.services.bundle.directory
    await conversation.ask_person(turn, request.requester, PromptState(
        "send_back_answer", request=request.id or 0, step=step.id or 0))
    loc = turn.locale_of(request.requester)
    await turn.tell(request.requester, Card(
        title=say("ret.to_requester_title", loc, rid=rid),
        body=say("ret.to_requester", loc, rid=rid, who=turn.person.name, question=question),
        buttons=(Button(say("ret.answer", loc), AnswerClick(request.id or 0).format(),
                        style="primary"),)))
    await turn.reply(Text(say("ret.sent", turn.locale, rid=rid,
                              who=name_of(directory, request.requester))))


async def ask_answer(turn: Turn, request_id: int) -> None:
    """The Answer button: the requester's next message is the answer."""
    request = await _returned_to_me(turn, request_id)
    if request is None:
        return
    step = await _open_step(turn, request)
    await conversation.ask(turn, PromptState("send_back_answer", request=request_id,
                                             step=step.id or 0 if step else 0))
    await turn.reply(Text(say("ret.ask_answer", turn.locale, rid=flow.rid_of(request))))


async def answer(turn: Turn, request_id: int, text: str) -> None:
    """The requester answers the question: approval resumes at the step that asked."""
    if not text.strip():
        await ask_answer(turn, request_id)
        return
    request = await _returned_to_me(turn, request_id, lock=True)
    if request is None:
        return
    await resume(turn, request, answer=text.strip())


async def resume(turn: Turn, request: RequestRow, *, answer: str = "", amended: str = "",
                 restarting: bool = False) -> None:
    """Back to ``pending_approval`` at the open step; its undecided approvers get the answer
    (or the amendment) and their card again. ``restarting``: the amendment changed a field a
    rule reads, the caller restarts approval from step 1 instead."""
    step = await _open_step(turn, request)
    await requests.set_status(turn.session, request=request, status="pending_approval",
                              reason=None, now=turn.now)
    rid = flow.rid_of(request)
    await turn.audit("approval.resumed", rid, {
        "round": step.round if step else 0, "step": step.position if step else 0,
        "answer": answer, "amended": amended, "restarted": restarting})
    if step is None or restarting:
        return
    seats = await approvals.seats_of(turn.session, step_id=step.id or 0)
    waiting = [s.approver for s in seats if s.state == "pending"]
    directory = turn.services.bundle.directory
    delegates = await delegates_of(turn.session, directory, waiting, turn.today)
    service = flow.service_of(turn, request)
    for approver in waiting:
        to = delegates.get(approver) or approver
        to = approver if to == request.requester else to
        key = "ret.answered_notice" if answer else "ret.amended_notice"
        await turn.tell(to, Text(say(key, turn.locale_of(to), rid=rid, who=turn.person.name,
                                     answer=answer, change=amended)))
        await flow.send_card(turn, request, service, step, seats, seat=approver, to=to)
    await turn.reply(Text(say("ret.resumed", turn.locale, rid=rid, n=step.position,
                              total=step.total,
                              names=names(directory, waiting, turn.locale))))


async def _open_step(turn: Turn, request: RequestRow) -> ApprovalStepRow | None:
    steps = await approvals.steps_of(turn.session, request_id=request.id or 0)
    return next((s for s in steps if s.state == "pending"), None)


async def _returned_to_me(
    turn: Turn, request_id: int, *, lock: bool = False
) -> RequestRow | None:
    request = await visible_request(turn, request_id, lock=lock)
    if request is None:
        return None
    rid = flow.rid_of(request)
    if request.requester != turn.person.id:
        await turn.reply(Text(say("ret.only_requester", turn.locale, rid=rid)))
        return None
    if request.status != RETURNED:
        await turn.reply(Text(say("ret.not_returned", turn.locale, rid=rid,
                                  status=flow.status_text(request, turn.locale))))
        return None
    return request


"""Where a request is, in words: the current step, who holds it, since when, what happened."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.approvals.cards import mode_text, names, seat_line
from bot.i18n import say
from bot.replies import CardField
from bot.turn import Turn
from bot.views import FINAL_STATUSES, owner_name
from store import approvals
from store.models import ApprovalStepRow, RequestRow


@dataclass(frozen=True)
class Progress:
    step: str
    holder: str
    since: datetime
    history: tuple[CardField, ...] = ()


async def progress_of(turn: Turn, request: RequestRow) -> Progress:
    loc = turn.locale
    directory = turn.services.bundle.directory
    service = turn.services.bundle.catalog.get(request.service_id)
    steps = await approvals.steps_of(turn.session, request_id=request.id or 0)
    history = await _approval_history(turn, steps)
    if request.status in FINAL_STATUSES:
        return Progress(say("req.step_done", loc), "-", request.updated_at, history)
    pending = next((s for s in steps if s.state == "pending"), None)
    if request.status == "pending_approval" and pending is not None:
        seats = await approvals.seats_of(turn.session, step_id=pending.id or 0)
        waiting = [s.approver for s in seats if s.state == "pending"]
        step = say("req.step_approval", loc, n=pending.position, total=pending.total,
                   mode=mode_text(pending, len(seats), loc))
        return Progress(step, names(directory, waiting, loc),
                        pending.started_at or request.updated_at, history)
    if request.status == "in_progress":
        return Progress(say("req.step_fulfilment", loc), owner_name(directory, service, loc),
                        request.updated_at, history)
    return Progress(say("req.step_waiting", loc), owner_name(directory, service, loc),
                    request.updated_at, history)


async def _approval_history(
    turn: Turn, steps: Sequence[ApprovalStepRow]
) -> tuple[CardField, ...]:
    lines = []
    for step in steps:
        if step.started_at is None:
            continue
        seats = await approvals.seats_of(turn.session, step_id=step.id or 0)
        decided = [seat_line(s, turn.services.bundle.directory, turn.person) for s in seats
                   if s.state in ("approved", "rejected")]
        if decided:
            lines.append(f"{step.position}/{step.total}: " + "; ".join(decided))
    if not lines:
        return ()
    return (CardField(say("req.field_approvals", turn.locale), "\n".join(lines)),)

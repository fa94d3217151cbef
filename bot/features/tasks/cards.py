"""How a fulfilment task looks in chat: the card its group and its agent get."""

from __future__ import annotations

from collections.abc import Sequence

from bot.action_ids import StatusClick
from bot.exception_marks import active_fields
from bot.features.tasks.actions import TaskClick, TaskVerb
from bot.people import name_of
from bot.views import answer_fields, local_time, service_name
from chat.i18n import say
from chat.replies import Button, Card, CardField
from dialogs.model import Service
from org.model import Directory, Person
from store.models import ExceptionGrantRow, RequestRow, TaskRow
from store.requests import format_request_id
from store.tasks import FINISHED_TASK_STATES, format_task_id


def title_of(task: TaskRow, locale: str) -> str:
    return str(task.title.get(locale) or task.title.get("zh") or task.key)


def group_name(directory: Directory, group_id: str, locale: str) -> str:
    group = directory.groups.get(group_id)
    return group.name.get(locale) if group else group_id


def waits_for(task: TaskRow, siblings: Sequence[TaskRow], locale: str) -> list[str]:
    """Titles of the tasks ``task`` still waits for."""
    return [title_of(t, locale) for t in siblings
            if t.key in task.depends_on and t.state not in FINISHED_TASK_STATES]


# One key per task state, so every key is written out (and a test can check it exists).
TASK_STATE_KEYS = {
    "blocked": "task.state_blocked", "ready": "task.state_ready",
    "claimed": "task.state_claimed", "waiting_info": "task.state_waiting_info",
    "done": "task.state_done", "skipped": "task.state_skipped",
    "cancelled": "task.state_cancelled",
}


def state_text(
    task: TaskRow, siblings: Sequence[TaskRow], viewer: Person, directory: Directory
) -> str:
    loc = viewer.locale
    who = name_of(directory, task.assignee)
    if task.state == "blocked":
        joiner = say("fmt.list_sep", loc)
        return say("task.state_blocked", loc, waits=joiner.join(waits_for(task, siblings, loc)))
    if task.state in ("claimed", "waiting_info"):
        at = local_time(task.claimed_at or task.updated_at, viewer)
        return say(TASK_STATE_KEYS[task.state], loc, who=who, at=at)
    if task.state == "done":
        return say("task.state_done", loc, who=who,
                   at=local_time(task.done_at or task.updated_at, viewer))
    return say(TASK_STATE_KEYS[task.state], loc)


def task_card(
    request: RequestRow,
    service: Service | None,
    task: TaskRow,
    siblings: Sequence[TaskRow],
    *,
    viewer: Person,
    directory: Directory,
    exceptions: Sequence[ExceptionGrantRow] = (),
) -> Card:
    loc = viewer.locale
    tid = format_task_id(task.id or 0)
    requester = directory.person(request.requester)
    facts = [
        CardField(say("task.field_request", loc),
                  f"{format_request_id(request.id or 0)} {service_name(service, request, loc)}"),
        CardField(say("req.field_requester", loc), requester.name if requester
                  else request.requester),
        CardField(say("task.field_group", loc), group_name(directory, task.group_id, loc)),
        CardField(say("task.field_state", loc), state_text(task, siblings, viewer, directory)),
        *active_fields(exceptions, service, viewer),  # an expedite, an allow ... and its end
    ]
    if task.state == "waiting_info" and task.question:
        facts.append(CardField(say("task.field_question", loc), task.question))
    if task.note:
        facts.append(CardField(say("task.field_note", loc), task.note))
    buttons, footer = _actions(task, viewer, request, loc, _in_group(directory, task, viewer))
    return Card(title=say("task.card_title", loc, tid=tid, title=title_of(task, loc)),
                fields=(*facts, *answer_fields(request, service, viewer, directory)),
                buttons=buttons, footer=footer)


def _in_group(directory: Directory, task: TaskRow, viewer: Person) -> bool:
    group = directory.groups.get(task.group_id)
    return group is not None and (viewer.id.startswith("@") or viewer.id in group.members
                                  or viewer.id == group.lead)


def _tap(task: TaskRow, verb: TaskVerb) -> str:
    return TaskClick(task.id or 0, verb).format()


def _actions(
    task: TaskRow, viewer: Person, request: RequestRow, loc: str, in_group: bool
) -> tuple[tuple[Button, ...], str]:
    tid = format_task_id(task.id or 0)
    details = Button(say("apr.details", loc), StatusClick(request.id or 0).format())
    if task.state == "ready" and in_group:
        return ((Button(say("task.claim", loc), _tap(task, "claim"), style="primary"),
                 details), say("task.footer_ready", loc, tid=tid))
    if task.state in ("claimed", "waiting_info") and task.assignee == viewer.id:
        return ((
            Button(say("task.done", loc), _tap(task, "done"), style="primary"),
            Button(say("task.info", loc), _tap(task, "info")),
            Button(say("task.handover", loc), _tap(task, "handover")),
            Button(say("task.release", loc), _tap(task, "release")),
            details,
        ), say("task.footer_mine", loc, tid=tid))
    return (details,), ""

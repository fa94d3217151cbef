"""Fulfilment, turn by turn: create a request's tasks, announce the ready ones, and let agents
claim, finish, hand over, release and ask the requester for information.

Every change locks the request row first and moves the task only from the states it may leave,
so two agents claiming at once get one owner, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot import card_updates, conversation
from bot.exception_marks import live_of
from bot.features.completion import flow as completion
from bot.features.tasks.actions import TaskCardCopy
from bot.features.tasks.cards import TASK_STATE_KEYS, group_name, task_card, title_of, waits_for
from bot.people import name_of
from bot.state import PromptState
from bot.turn import Turn
from bot.views import local_time
from bot.visibility import may_see
from chat.i18n import say
from chat.replies import Message, Text
from dialogs.engine import DialogContext
from dialogs.model import Service
from dialogs.parsing.people import parse_user
from dialogs.parsing.result import Parsed
from dialogs.tasks import plan_tasks
from org.model import Group, Person
from store import approvals, outbox, requests, tasks
from store.exceptions import REVIEW_TASK_KEY
from store.models import ExceptionGrantRow, OutboxRow, RequestRow, TaskRow
from store.requests import format_request_id
from store.tasks import FINISHED_TASK_STATES, format_task_id

GROUP_SEAT = "@group"  # the recipient part of a card's correlation when it went to a group chat


def service_of(turn: Turn, request: RequestRow) -> Service | None:
    return turn.services.bundle.catalog.get(request.service_id)


# --- starting -----------------------------------------------------------------------------


async def begin(turn: Turn, request: RequestRow) -> None:
    """Approval is complete (or was not needed): create the tasks and announce the ready ones."""
    service = service_of(turn, request)
    early = _fulfilment(await tasks.tasks_of(turn.session, request_id=request.id or 0))
    await requests.set_status(turn.session, request=request, status="in_progress", reason=None,
                              now=turn.now)
    rid = format_request_id(request.id or 0)
    await turn.audit("request.in_progress", rid, {})
    if early:  # fulfilment started before approval ended (a defer_approval exception)
        if all(t.state in FINISHED_TASK_STATES for t in early):
            await completion.resolve(turn, request)
        return
    created = await _create_tasks(turn, request, service)
    ready = [t for t in created if t.state == "ready"]
    loc = turn.locale_of(request.requester)
    directory = turn.services.bundle.directory
    if not ready:
        await completion.resolve(turn, request)
        return
    holders = say("fmt.names_sep", loc).join(
        dict.fromkeys(group_name(directory, t.group_id, loc) for t in ready))
    approved = bool(await approvals.steps_of(turn.session, request_id=request.id or 0))
    key = "apr.all_approved" if approved else "values.handed_over"  # no approval, no "approved"
    await turn.tell(request.requester, Text(say(key, loc, rid=rid, holder=holders)))
    for task in ready:
        await announce(turn, request, task)


async def start_early(turn: Turn, request: RequestRow) -> list[TaskRow]:
    """A ``defer_approval`` exception: the tasks are created and announced now, while the
    approval chain still runs (``begin`` then only moves the request on)."""
    if _fulfilment(await tasks.tasks_of(turn.session, request_id=request.id or 0)):
        return []
    created = await _create_tasks(turn, request, service_of(turn, request))
    for task in created:
        if task.state == "ready":
            await announce(turn, request, task)
    return created


def _fulfilment(siblings: Sequence[TaskRow]) -> list[TaskRow]:
    """The request's own tasks: a service's exception review (复盘) task rides on the request
    that crossed the threshold, but the request neither waits for it nor starts with it."""
    return [t for t in siblings if t.key != REVIEW_TASK_KEY]


async def _create_tasks(
    turn: Turn, request: RequestRow, service: Service | None
) -> list[TaskRow]:
    if service is None:
        return []
    directory = turn.services.bundle.directory
    ctx = DialogContext(service=service, today=turn.today, locale="zh",
                        requester=directory.person(request.requester), directory=directory)
    planned = plan_tasks(ctx, request.answers)
    skipped = {p.key for p in planned if p.skipped}
    created = []
    for plan in planned:
        waiting = [d for d in plan.depends_on if d not in skipped]
        state = "skipped" if plan.skipped else ("blocked" if waiting else "ready")
        task = await tasks.create_task(
            turn.session, request_id=request.id or 0, key=plan.key,
            title={"zh": plan.title.zh, "en": plan.title.en}, group_id=plan.group,
            depends_on=plan.depends_on, state=state, now=turn.now, recovery=plan.recovery)
        await turn.audit("task.created", format_request_id(request.id or 0), {
            "task": format_task_id(task.id or 0), "key": plan.key, "group": plan.group,
            "state": state} | ({"recovery": True} if plan.recovery else {}))
        created.append(task)
    return created


async def announce(turn: Turn, request: RequestRow, task: TaskRow) -> None:
    """A ready task goes to its group: the group chat on this channel (from the web panel:
    on the first platform where the group has one), else every member."""
    group = turn.services.bundle.directory.groups.get(task.group_id)
    if group is None:
        return
    siblings = await tasks.tasks_of(turn.session, request_id=request.id or 0)
    where = turn.group_chat(group.chat)
    if where is not None:
        marks = await live_of(turn.session, request.id or 0)
        card = _card_for(turn, request, task, siblings, _group_viewer(turn, group), marks)
        copy = TaskCardCopy(task.id or 0, GROUP_SEAT)
        await turn.post_to_chat(group.chat[where.channel], card, correlation=copy.format(),
                                on=where)
        return
    for member in _members(group):
        await send_card(turn, request, task, siblings, member)


def _members(group: Group) -> list[str]:
    return list(dict.fromkeys([*group.members, *([group.lead] if group.lead else [])]))


def _group_viewer(turn: Turn, group: Group) -> Person:
    locale = turn.services.settings.bot.default_locale
    return Person(id=GROUP_SEAT, name=group.name.get(locale), locale=locale,
                  timezone=turn.services.settings.bot.timezone)


def _card_for(
    turn: Turn, request: RequestRow, task: TaskRow, siblings: Sequence[TaskRow], viewer: Person,
    marks: Sequence[ExceptionGrantRow] = (),
) -> Message:
    """``marks``: the request's exceptions that hold or wait, shown on the card."""
    return task_card(request, service_of(turn, request), task, siblings, viewer=viewer,
                     directory=turn.services.bundle.directory, exceptions=marks)


async def send_card(
    turn: Turn, request: RequestRow, task: TaskRow, siblings: Sequence[TaskRow], to: str
) -> None:
    viewer = turn.services.bundle.directory.person(to)
    if viewer is not None:
        marks = await live_of(turn.session, request.id or 0)
        await turn.tell(to, _card_for(turn, request, task, siblings, viewer, marks),
                        correlation=TaskCardCopy(task.id or 0, to).format())


async def refresh_cards(turn: Turn, request: RequestRow, task: TaskRow) -> None:
    """Every copy of the task's card shows it as it is now."""
    siblings = await tasks.tasks_of(turn.session, request_id=request.id or 0)
    directory = turn.services.bundle.directory
    marks = await live_of(turn.session, request.id or 0)

    def render(row: OutboxRow) -> Message | None:
        copy = TaskCardCopy.parse(row.correlation or "")
        to = copy.to if copy else ""
        group = directory.groups.get(task.group_id)
        viewer = (_group_viewer(turn, group) if to == GROUP_SEAT and group
                  else directory.person(to))
        return _card_for(turn, request, task, siblings, viewer, marks) if viewer else None

    await card_updates.refresh(turn, TaskCardCopy.of_task(task.id or 0), render)


# --- finding a task and checking who may act ------------------------------------------------


async def locked_task(turn: Turn, task_id: int) -> tuple[TaskRow, RequestRow] | None:
    """The task and its request, the request locked; None after saying it was not found."""
    found = await tasks.get_task(turn.session, task_id=task_id)
    request = (await requests.lock_request(turn.session, request_id=found.request_id)
               if found else None)
    task = await tasks.get_task(turn.session, task_id=task_id) if request else None
    if task is None or request is None or not await may_see(turn, request):
        await turn.reply(Text(say("task.not_found", turn.locale,
                                  tid=format_task_id(task_id))))
        return None
    return task, request


def is_member(turn: Turn, group_id: str) -> bool:
    group = turn.services.bundle.directory.groups.get(group_id)
    return group is not None and turn.person.id in _members(group)


async def _refuse(turn: Turn, task: TaskRow, request: RequestRow, why: str, text: str) -> None:
    await turn.audit("task.refused", format_request_id(request.id or 0),
                     {"task": format_task_id(task.id or 0), "why": why})
    await turn.reply(Text(text))


async def _explain_state(turn: Turn, task: TaskRow, request: RequestRow) -> None:
    """Why nothing happened: the task is blocked, taken, or finished (audited as a refusal)."""
    tid = format_task_id(task.id or 0)
    await turn.audit("task.refused", format_request_id(request.id or 0),
                     {"task": tid, "why": task.state})
    loc = turn.locale
    directory = turn.services.bundle.directory
    if task.state == "blocked":
        siblings = await tasks.tasks_of(turn.session, request_id=request.id or 0)
        joiner = say("fmt.list_sep", loc)
        await turn.reply(Text(say("task.blocked", loc, tid=tid,
                                  waits=joiner.join(waits_for(task, siblings, loc)))))
    elif task.state in ("claimed", "waiting_info"):
        await turn.reply(Text(say("task.claimed_by_other", loc, tid=tid,
                                  who=name_of(directory, task.assignee),
                                  at=local_time(task.claimed_at or turn.now, turn.person))))
    else:
        state = say(TASK_STATE_KEYS[task.state], loc, who=name_of(directory, task.assignee),
                    at=local_time(task.done_at or task.updated_at, turn.person))
        await turn.reply(Text(say("task.finished", loc, tid=tid, state=state)))


# --- agents' actions ----------------------------------------------------------------------


async def claim(turn: Turn, task_id: int) -> None:
    found = await locked_task(turn, task_id)
    if found is None:
        return
    task, request = found
    if not is_member(turn, task.group_id):
        await _refuse(turn, task, request, "not_member", say(
            "task.not_member", turn.locale, tid=format_task_id(task_id),
            group=group_name(turn.services.bundle.directory, task.group_id, turn.locale)))
        return
    if not await tasks.move(turn.session, task=task, from_states=("ready",), to_state="claimed",
                            now=turn.now, assignee=turn.person.id):
        await _explain_state(turn, task, request)
        return
    await _claimed(turn, request, task)


async def _claimed(turn: Turn, request: RequestRow, task: TaskRow) -> None:
    rid = format_request_id(request.id or 0)
    await turn.audit("task.claimed", rid, {"task": format_task_id(task.id or 0)})
    await turn.reply(Text(say("task.you_claimed", turn.locale, tid=format_task_id(task.id or 0),
                              title=title_of(task, turn.locale))))
    await refresh_cards(turn, request, task)
    await _give_holder_a_card(turn, request, task)
    loc = turn.locale_of(request.requester)
    if request.requester != turn.person.id:
        await turn.tell(request.requester, Text(say(
            "task.requester_claimed", loc, rid=rid, who=turn.person.name,
            title=title_of(task, loc))))


async def _give_holder_a_card(turn: Turn, request: RequestRow, task: TaskRow) -> None:
    """A task claimed from a group chat: its holder gets their own card with Done and the rest
    (the group's copy only says who has it)."""
    holder = task.assignee or ""
    copy = TaskCardCopy(task.id or 0, holder)
    mine = await outbox.cards_with_prefix(turn.session, prefix=copy.format())
    viewer = turn.services.bundle.directory.person(holder)
    if viewer and not any(TaskCardCopy.parse(row.correlation or "") == copy for row in mine):
        siblings = await tasks.tasks_of(turn.session, request_id=request.id or 0)
        marks = await live_of(turn.session, request.id or 0)
        await turn.notify(holder, _card_for(turn, request, task, siblings, viewer, marks),
                          correlation=copy.format())  # their direct chat


async def finish(turn: Turn, task_id: int, note: str) -> None:
    """Done: by its agent, or by a member of its group straight from the queue."""
    found = await locked_task(turn, task_id)
    if found is None:
        return
    task, request = found
    me = turn.person.id
    allowed: tuple[str, ...]
    if task.state == "ready" and is_member(turn, task.group_id):
        allowed = ("ready",)
    elif task.state in ("claimed", "waiting_info") and task.assignee == me:
        allowed = ("claimed", "waiting_info")
    elif task.state in ("claimed", "waiting_info"):
        await _refuse(turn, task, request, "not_assignee", say(
            "task.not_assignee", turn.locale, tid=format_task_id(task_id),
            who=name_of(turn.services.bundle.directory, task.assignee)))
        return
    else:
        await _explain_state(turn, task, request)
        return
    if not await tasks.move(turn.session, task=task, from_states=allowed, to_state="done",
                            now=turn.now, assignee=me, note=note.strip() or None,
                            question=None):
        await _explain_state(turn, task, request)
        return
    await _finished(turn, request, task)


async def _finished(turn: Turn, request: RequestRow, task: TaskRow) -> None:
    rid = format_request_id(request.id or 0)
    tid = format_task_id(task.id or 0)
    await turn.audit("task.done", rid, {"task": tid, "note": task.note or ""})
    await turn.reply(Text(say("task.you_done", turn.locale, tid=tid,
                              title=title_of(task, turn.locale))))
    await refresh_cards(turn, request, task)
    loc = turn.locale_of(request.requester)
    if request.requester != turn.person.id:
        note = say("task.note", loc, note=task.note) if task.note else ""
        await turn.tell(request.requester, Text(say(
            "task.requester_done", loc, rid=rid, who=turn.person.name,
            title=title_of(task, loc), note=note).strip()))
    await _unblock(turn, request)


async def _unblock(turn: Turn, request: RequestRow) -> None:
    """Tasks whose dependencies are all finished become ready; the last one resolves."""
    siblings = await tasks.tasks_of(turn.session, request_id=request.id or 0)
    finished = {t.key for t in siblings if t.state in FINISHED_TASK_STATES}
    for task in siblings:
        if task.state == "blocked" and set(task.depends_on) <= finished:
            await tasks.move(turn.session, task=task, from_states=("blocked",),
                             to_state="ready", now=turn.now)
            await turn.audit("task.ready", format_request_id(request.id or 0),
                             {"task": format_task_id(task.id or 0)})
            await announce(turn, request, task)
    if (all(t.state in FINISHED_TASK_STATES for t in _fulfilment(siblings))
            and request.status == "in_progress"):
        await completion.resolve(turn, request)  # not while approval runs, nor once resolved


async def release(turn: Turn, task_id: int) -> None:
    found = await locked_task(turn, task_id)
    if found is None:
        return
    task, request = found
    if not await _is_assignee(turn, task, request):
        return
    await tasks.move(turn.session, task=task, from_states=("claimed", "waiting_info"),
                     to_state="ready", now=turn.now, assignee=None, question=None)
    await turn.audit("task.released", format_request_id(request.id or 0),
                     {"task": format_task_id(task_id)})
    await turn.reply(Text(say("task.released", turn.locale, tid=format_task_id(task_id),
                              group=group_name(turn.services.bundle.directory, task.group_id,
                                               turn.locale))))
    await refresh_cards(turn, request, task)


async def _is_assignee(turn: Turn, task: TaskRow, request: RequestRow) -> bool:
    if task.state in ("claimed", "waiting_info") and task.assignee == turn.person.id:
        return True
    if task.state in ("claimed", "waiting_info"):
        await _refuse(turn, task, request, "not_assignee", say(
            "task.not_assignee", turn.locale, tid=format_task_id(task.id or 0),
            who=name_of(turn.services.bundle.directory, task.assignee)))
    else:
        await _explain_state(turn, task, request)
    return False


async def ask_handover_target(turn: Turn, task_id: int) -> None:
    found = await locked_task(turn, task_id)
    if found is None or not await _may_hand_over(turn, *found):
        return
    await conversation.ask(turn, PromptState("handover", task=task_id))
    await turn.reply(Text(say("task.ask_handover", turn.locale, tid=format_task_id(task_id))))


async def _may_hand_over(turn: Turn, task: TaskRow, request: RequestRow) -> bool:
    group = turn.services.bundle.directory.groups.get(task.group_id)
    lead = group is not None and group.lead == turn.person.id
    if task.state == "ready" and is_member(turn, task.group_id):
        return True
    if task.state in ("claimed", "waiting_info") and lead:
        return True
    return await _is_assignee(turn, task, request)


async def hand_over(turn: Turn, task_id: int, target: str) -> None:
    """To a person (who then holds it) or to a group (whose queue it joins)."""
    found = await locked_task(turn, task_id)
    if found is None or not await _may_hand_over(turn, *found):
        return
    task, request = found
    target = _without_to(target)
    to_group, to_person = _handover_target(turn, target)
    if to_group is None and to_person is None:
        await conversation.ask(turn, PromptState("handover", task=task_id))
        await turn.reply(Text(say("task.handover_unknown", turn.locale, who=target)))
        return
    if to_person is not None:
        await _hand_to_person(turn, request, task, to_person)
    elif to_group is not None:
        await tasks.move(turn.session, task=task, from_states=("ready", "claimed", "waiting_info"),
                         to_state="ready", now=turn.now, assignee=None, group_id=to_group.id)
        await _handed(turn, request, task, f"group:{to_group.id}", to_group.name.get(turn.locale))
        await announce(turn, request, task)


async def _hand_to_person(turn: Turn, request: RequestRow, task: TaskRow, to: Person) -> None:
    await tasks.move(turn.session, task=task, from_states=("ready", "claimed", "waiting_info"),
                     to_state="claimed", now=turn.now, assignee=to.id)
    await _handed(turn, request, task, to.id, to.name)
    tid = format_task_id(task.id or 0)
    await turn.tell(to.id, Text(say("task.handed_to_you", to.locale, who=turn.person.name,
                                    tid=tid, title=title_of(task, to.locale))))
    siblings = await tasks.tasks_of(turn.session, request_id=request.id or 0)
    await send_card(turn, request, task, siblings, to.id)


async def _handed(turn: Turn, request: RequestRow, task: TaskRow, to: str, to_name: str) -> None:
    tid = format_task_id(task.id or 0)
    await turn.audit("task.handed_over", format_request_id(request.id or 0),
                     {"task": tid, "to": to})
    await turn.reply(Text(say("task.handed_over", turn.locale, tid=tid, to=to_name)))
    await refresh_cards(turn, request, task)


def _without_to(target: str) -> str:
    """"给 dave" / "to dave" -> "dave"."""
    text = target.strip()
    for word in ("给", "to "):
        if text.casefold().startswith(word):
            return text[len(word):].strip()
    return text


def _handover_target(turn: Turn, target: str) -> tuple[Group | None, Person | None]:
    directory = turn.services.bundle.directory
    text = target
    folded = text.casefold().removeprefix("group:")
    for group in directory.groups.values():
        if folded in (group.id.casefold(), group.name.zh.casefold(), group.name.en.casefold()):
            return group, None
    person = parse_user(text, directory)
    if isinstance(person, Parsed):
        return None, directory.person(str(person.value))
    return None, None


async def ask_question_prompt(turn: Turn, task_id: int) -> None:
    found = await locked_task(turn, task_id)
    if found is None or not await _is_assignee(turn, *found):
        return
    await conversation.ask(turn, PromptState("question", task=task_id))
    await turn.reply(Text(say("task.ask_question", turn.locale)))


async def ask_requester(turn: Turn, task_id: int, question: str) -> None:
    """"Need info": the question goes to the requester; their next message comes back here."""
    if not question.strip():
        await ask_question_prompt(turn, task_id)
        return
    found = await locked_task(turn, task_id)
    if found is None or not await _is_assignee(turn, *found):
        return
    task, request = found
    await tasks.move(turn.session, task=task, from_states=("claimed", "waiting_info"),
                     to_state="waiting_info", now=turn.now, question=question.strip())
    rid = format_request_id(request.id or 0)
    tid = format_task_id(task_id)
    await turn.audit("task.info_requested", rid, {"task": tid, "question": question.strip()})
    loc = turn.locale_of(request.requester)
    await conversation.ask_person(turn, request.requester,
                                  PromptState("info", task=task_id,
                                                              request=request.id or 0))
    await turn.tell(request.requester, Text(say(
        "task.question_to_requester", loc, who=turn.person.name, rid=rid, tid=tid,
        title=title_of(task, loc), question=question.strip())))
    requester = turn.services.bundle.directory.person(request.requester)
    await turn.reply(Text(say("task.question_sent", turn.locale,
                              who=requester.name if requester else request.requester)))
    await refresh_cards(turn, request, task)


async def answer_requester_question(turn: Turn, task_id: int, answer: str) -> None:
    """The requester's answer goes back to the agent; the task is in their hands again."""
    found = await locked_task(turn, task_id)
    if found is None:
        return
    task, request = found
    tid = format_task_id(task_id)
    if request.requester != turn.person.id or task.state != "waiting_info":
        await turn.reply(Text(say("task.no_question", turn.locale, tid=tid)))
        return
    await tasks.move(turn.session, task=task, from_states=("waiting_info",), to_state="claimed",
                     now=turn.now, claimed_at=task.claimed_at, question=None)
    await turn.audit("task.info_answered", format_request_id(request.id or 0),
                     {"task": tid, "answer": answer.strip()})
    agent = task.assignee or ""
    await turn.tell(agent, Text(say("task.answer_to_agent", turn.locale_of(agent),
                                    who=turn.person.name, tid=tid, answer=answer.strip())))
    await turn.reply(Text(say("task.answer_relayed", turn.locale,
                              who=name_of(turn.services.bundle.directory, agent))))
    await refresh_cards(turn, request, task)


async def end_for_withdrawal(turn: Turn, request: RequestRow, *, reason: str = "") -> None:
    """The requester withdrew (``reason``): open tasks are cancelled and their cards say so."""
    for task in await tasks.tasks_of(turn.session, request_id=request.id or 0):
        if await tasks.move(turn.session, task=task, from_states=tasks.OPEN_TASK_STATES,
                            to_state="cancelled", now=turn.now):
            await turn.audit("task.cancelled", format_request_id(request.id or 0),
                             {"task": format_task_id(task.id or 0), "reason": reason,
                              "because": "withdrawn"})
            await refresh_cards(turn, request, task)


async def hand_back(turn: Turn, request: RequestRow, task: TaskRow, reason: str) -> None:
    """A reopened request's task is its agent's again: they are told why, and get the card."""
    agent = task.assignee or ""
    loc = turn.locale_of(agent)
    await turn.tell(agent, Text(say("task.reopened_to_agent", loc, who=turn.person.name,
                                    rid=format_request_id(request.id or 0),
                                    tid=format_task_id(task.id or 0), reason=reason,
                                    title=str(task.title.get(loc) or task.key))))
    await refresh_cards(turn, request, task)
    siblings = await tasks.tasks_of(turn.session, request_id=request.id or 0)
    await send_card(turn, request, task, siblings, agent)

"""Agents in chat: task card clicks, "我的任务", "队列 it-desk", "完成 TASK-7 已交付"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.features.registry import Click
from bot.features.tasks import flow
from bot.features.tasks.actions import TaskClick, TaskVerb
from bot.features.tasks.cards import group_name
from bot.features.tasks.commands import MyTasks, Queue, TaskAction
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Text
from store import requests, tasks
from store.models import TaskRow

LIST_LIMIT = 10


async def click(turn: Turn, click: TaskClick, tapped: Click) -> None:
    """Claim, Done, Need info, Hand over or Release on a task card."""
    await _CLICKS[click.verb](turn, click.task)


async def _finish_without_note(turn: Turn, task_id: int) -> None:
    await flow.finish(turn, task_id, "")


_CLICKS: dict[TaskVerb, Callable[[Turn, int], Awaitable[None]]] = {
    "claim": flow.claim, "done": _finish_without_note, "release": flow.release,
    "handover": flow.ask_handover_target, "info": flow.ask_question_prompt,
}


async def act(turn: Turn, command: TaskAction) -> None:
    """"认领 TASK-7", "完成 TASK-7 已交付", "转交 TASK-7 给 bob", "问 TASK-7 ...", "TASK-7"."""
    await _ACTS.get(command.verb, _show)(turn, command)


async def _hand_over(turn: Turn, command: TaskAction) -> None:
    if command.text:
        await flow.hand_over(turn, command.task_id, command.text)
    else:
        await flow.ask_handover_target(turn, command.task_id)


async def _show(turn: Turn, command: TaskAction) -> None:
    await show(turn, command.task_id)


_ACTS: dict[str, Callable[[Turn, TaskAction], Awaitable[None]]] = {
    "claim": lambda turn, c: flow.claim(turn, c.task_id),
    "done": lambda turn, c: flow.finish(turn, c.task_id, c.text),
    "release": lambda turn, c: flow.release(turn, c.task_id),
    "handover": _hand_over,
    "ask": lambda turn, c: flow.ask_requester(turn, c.task_id, c.text),
    "reply": lambda turn, c: flow.answer_requester_question(turn, c.task_id, c.text),
}


async def show(turn: Turn, task_id: int) -> None:
    found = await flow.locked_task(turn, task_id)
    if found is None:
        return
    task, request = found
    siblings = await tasks.tasks_of(turn.session, request_id=request.id or 0)
    await flow.send_card(turn, request, task, siblings, turn.person.id)


async def my_tasks(turn: Turn, command: MyTasks | None = None) -> None:
    mine = await tasks.assigned_to(turn.session, person=turn.person.id, limit=LIST_LIMIT)
    if not mine:
        await turn.reply(Text(say("task.mine_none", turn.locale)))
        return
    await turn.reply(Text(say("task.mine_title", turn.locale, n=len(mine))))
    await _cards(turn, mine)


async def queue(turn: Turn, command: Queue) -> None:
    group_text = command.group
    directory = turn.services.bundle.directory
    mine = [g for g in directory.groups.values()
            if turn.person.id in (*g.members, g.lead)]
    if not group_text:
        if not mine:
            await turn.reply(Text(say("task.no_groups", turn.locale)))
            return
        for group in mine:
            await _group_queue(turn, group.id)
        return
    folded = group_text.casefold().removeprefix("group:")
    found = next((g for g in directory.groups.values()
                  if folded in (g.id.casefold(), g.name.zh.casefold(), g.name.en.casefold())),
                 None)
    if found is None:
        names = say("fmt.names_sep", turn.locale).join(g.id for g in mine) or "-"
        await turn.reply(Text(say("task.queue_unknown", turn.locale, group=group_text,
                                  mine=names)))
    elif found not in mine:
        await turn.reply(Text(say("task.queue_not_member", turn.locale,
                                  group=found.name.get(turn.locale))))
    else:
        await _group_queue(turn, found.id)


async def _group_queue(turn: Turn, group_id: str) -> None:
    waiting = await tasks.queue_of(turn.session, groups=[group_id], limit=LIST_LIMIT)
    name = group_name(turn.services.bundle.directory, group_id, turn.locale)
    if not waiting:
        await turn.reply(Text(say("task.queue_none", turn.locale, group=name)))
        return
    await turn.reply(Text(say("task.queue_title", turn.locale, group=name, n=len(waiting))))
    await _cards(turn, waiting)


async def _cards(turn: Turn, shown: list[TaskRow]) -> None:
    for task in shown:
        request = await requests.get_request(turn.session, request_id=task.request_id)
        if request is not None:
            siblings = await tasks.tasks_of(turn.session, request_id=request.id or 0)
            await flow.send_card(turn, request, task, siblings, turn.person.id)

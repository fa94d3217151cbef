"""Agents in chat: task card clicks, "我的任务", "队列 it-desk", "完成 TASK-7 已交付"; and the
requester's confirmation and satisfaction taps."""

from __future__ import annotations

from bot.commands import MyTasks, Queue, TaskAction, TaskCommand
from bot.features.completion import flow as completion
from bot.features.tasks import flow
from bot.features.tasks.cards import group_name
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Text
from store import requests, tasks
from store.models import TaskRow
from store.surveys import SCORES

LIST_LIMIT = 10


async def click(turn: Turn, rest: str) -> None:
    """``tsk:<id>:claim|done|info|handover|release``."""
    task_id, _, verb = rest.partition(":")
    if not task_id.isdigit():
        await _stale(turn)
    elif verb == "claim":
        await flow.claim(turn, int(task_id))
    elif verb == "done":
        await flow.finish(turn, int(task_id), "")
    elif verb == "release":
        await flow.release(turn, int(task_id))
    elif verb == "handover":
        await flow.ask_handover_target(turn, int(task_id))
    elif verb == "info":
        await flow.ask_question_prompt(turn, int(task_id))
    else:
        await _stale(turn)


async def confirm_click(turn: Turn, rest: str) -> None:
    """``cfm:<request>:yes|no``."""
    request_id, _, answer = rest.partition(":")
    if request_id.isdigit() and answer in ("yes", "no"):
        await completion.confirm(turn, int(request_id), answer)
    else:
        await _stale(turn)


async def survey_click(turn: Turn, rest: str) -> None:
    """``csat:<request>:<1-5>``."""
    request_id, _, score = rest.partition(":")
    if request_id.isdigit() and score.isdigit() and int(score) in SCORES:
        await completion.rate(turn, int(request_id), int(score))
    else:
        await _stale(turn)


async def _stale(turn: Turn) -> None:
    await turn.reply(Text(say("dlg.stale", turn.locale)))


async def run(turn: Turn, command: TaskCommand) -> None:
    if isinstance(command, MyTasks):
        await my_tasks(turn)
    elif isinstance(command, Queue):
        await queue(turn, command.group)
    else:
        await _act(turn, command)


async def _act(turn: Turn, command: TaskAction) -> None:
    verb, task_id, text = command.verb, command.task_id, command.text
    if verb == "claim":
        await flow.claim(turn, task_id)
    elif verb == "done":
        await flow.finish(turn, task_id, text)
    elif verb == "release":
        await flow.release(turn, task_id)
    elif verb == "handover":
        await (flow.hand_over(turn, task_id, text) if text
               else flow.ask_handover_target(turn, task_id))
    elif verb == "ask":
        await flow.ask_requester(turn, task_id, text)
    elif verb == "reply":
        await flow.answer_requester_question(turn, task_id, text)
    else:
        await show(turn, task_id)


async def show(turn: Turn, task_id: int) -> None:
    found = await flow.locked_task(turn, task_id)
    if found is None:
        return
    task, request = found
    siblings = await tasks.tasks_of(turn.session, request_id=request.id or 0)
    await flow.send_card(turn, request, task, siblings, turn.person.id)


async def my_tasks(turn: Turn) -> None:
    mine = await tasks.assigned_to(turn.session, person=turn.person.id, limit=LIST_LIMIT)
    if not mine:
        await turn.reply(Text(say("task.mine_none", turn.locale)))
        return
    await turn.reply(Text(say("task.mine_title", turn.locale, n=len(mine))))
    await _cards(turn, mine)


async def queue(turn: Turn, group_text: str) -> None:
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
        names = "、".join(g.id for g in mine) or "-"
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

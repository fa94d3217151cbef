"""Agents' typed commands: "我的任务", "队列 it-desk", "认领 TASK-7", "完成 TASK-7 已交付"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.features.phrases import SEP, TID, line_of, mentioned_task


@dataclass(frozen=True)
class MyTasks:
    pass


@dataclass(frozen=True)
class Queue:
    group: str  # empty: the person's own groups


@dataclass(frozen=True)
class TaskAction:
    """``claim``, ``done``, ``release``, ``handover``, ``ask``, ``reply`` or ``show`` a task."""

    verb: str
    task_id: int
    text: str = ""  # the note, the hand-over target, the question or the answer


TaskCommand = MyTasks | Queue | TaskAction

_TASK_VERBS: tuple[tuple[str, str], ...] = (
    ("claim", r"认领|领取|接单|claim|take"),
    ("done", r"完成|办完|已完成|done|finish|finished|complete|close task"),
    ("release", r"释放|退回队列|放弃|release|unclaim"),
    ("handover", r"转交|转给|移交|hand\s*over|handover|reassign|transfer"),
    ("ask", r"询问|问|需要信息|补充信息|ask|need\s*info"),
    ("reply", r"回复|答复|reply|answer"),
)
_TASK_ACTIONS = tuple(
    (verb, re.compile(rf"^(?:{words}){SEP}{TID}{SEP}(.*)$", re.DOTALL | re.IGNORECASE))
    for verb, words in _TASK_VERBS
)
_SHOW_TASK = re.compile(rf"^(?:查看|查|show|status)?\s*{TID}$", re.IGNORECASE)
_MY_TASKS = re.compile(r"^(我的任务|我手上的任务|我的工单任务|my tasks|tasks|show my tasks)$")
_QUEUE = re.compile(r"^(?:队列|待认领|待领取|queue|backlog)(?:\s+(.+))?$", re.IGNORECASE)


def parse_task(text: str) -> TaskCommand | None:
    words = line_of(text)
    if _MY_TASKS.match(words.lowered):
        return MyTasks()
    if match := _QUEUE.match(words.line):
        return Queue((match.group(1) or "").strip())
    if match := _SHOW_TASK.match(words.line):
        return TaskAction("show", int(match.group(1)))
    for verb, pattern in _TASK_ACTIONS:
        if match := words.free(pattern):
            return TaskAction(verb, int(match.group(1)), match.group(2).strip())
    return None


def parse_task_mention(text: str) -> TaskAction | None:
    """A fallback: any other mention of TASK-n shows the task ("TASK-7 怎么样了")."""
    task = mentioned_task(text)
    return TaskAction("show", task) if task is not None else None

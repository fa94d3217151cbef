"""Fulfilment: a request's tasks (flow), their cards, agents' clicks and typed commands
("我的任务", "队列 it-desk", "完成 TASK-7"), and the questions of a task (prompts).
Its timer kinds: reminders, breaches and escalations of a task, the overdue digest.
"""

from __future__ import annotations

from bot.features.completion.actions import REOPEN, ReopenClick
from bot.features.registry import Feature, on_click
from bot.features.tasks import handlers, prompts
from bot.features.tasks.actions import PREFIX, TaskClick
from bot.features.tasks.commands import MyTasks, Queue, TaskAction, parse_task, parse_task_mention
from bot.features.tasks.prompts import PROMPTS
from bot.features.tasks.timers import TaskTimers

FEATURE = Feature(
    name="tasks",
    parsers=(parse_task,),
    commands={MyTasks: handlers.my_tasks, Queue: handlers.queue, TaskAction: handlers.act},
    actions={PREFIX: on_click(TaskClick, handlers.click),
             REOPEN: on_click(ReopenClick, prompts.which_click)},
    prompts=PROMPTS,
    timers=TaskTimers.kinds,
    fallbacks=(parse_task_mention,),
)

"""Which fulfilment tasks a request gets, and with which titles. Pure.

Every task of the service is planned; one whose ``when`` does not hold is ``skipped`` (and
counts as done for the tasks that depend on it, so "set up the laptop" does not wait for a
laptop nobody ordered). Titles fill ``{field}`` placeholders with the answers as people read
them, in Chinese and in English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from chat.locale import I18n
from dialogs.engine import DialogContext, condition_env, display_answer
from dialogs.model import TaskDef

_PLACEHOLDER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)\}")


@dataclass(frozen=True)
class PlannedTask:
    key: str  # the task's id in the service package
    title: I18n
    group: str
    depends_on: tuple[str, ...]
    skipped: bool
    recovery: bool = False


def plan_tasks(ctx: DialogContext, answers: Mapping[str, Any]) -> list[PlannedTask]:
    env = condition_env(ctx.requester, answers)
    return [
        PlannedTask(
            key=task.id,
            title=I18n(zh=_title(ctx, task, answers, "zh"), en=_title(ctx, task, answers, "en")),
            group=task.group,
            depends_on=task.depends_on,
            skipped=task.when is not None and not task.when.evaluate(env),
            recovery=task.recovery,
        )
        for task in ctx.service.tasks
    ]


def _title(ctx: DialogContext, task: TaskDef, answers: Mapping[str, Any], locale: str) -> str:
    local = replace(ctx, locale=locale)

    def fill(match: re.Match[str]) -> str:
        field = ctx.service.field(match.group(1))
        if field is None or answers.get(field.id) is None:
            return "-"
        return display_answer(local, field, answers[field.id])

    return _PLACEHOLDER.sub(fill, task.title.get(locale))

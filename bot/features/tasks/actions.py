"""The ids of task buttons and the correlations of task cards.

``tsk:<task>:claim|done|info|handover|release`` is a button; ``tsk:<task>:<to>`` names the copy
of the task's card that ``<to>`` got (a person, or ``@group`` for the group chat's copy).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Self, get_args

from bot.action_ids import id_fields, numbered_choice

PREFIX = "tsk"
TaskVerb = Literal["claim", "done", "info", "handover", "release"]
_VERBS: dict[str, TaskVerb] = {verb: verb for verb in get_args(TaskVerb)}


@dataclass(frozen=True)
class TaskClick:
    task: int
    verb: TaskVerb

    @classmethod
    def parse(cls, text: str) -> Self | None:
        found: tuple[int, TaskVerb] | None = numbered_choice(text, PREFIX, _verb)
        return cls(*found) if found else None

    def format(self) -> str:
        return f"{PREFIX}:{self.task}:{self.verb}"


def _verb(text: str) -> TaskVerb | None:
    return _VERBS.get(text)


@dataclass(frozen=True)
class TaskCardCopy:
    task: int
    to: str

    @staticmethod
    def of_task(task: int) -> str:
        """The correlation prefix every copy of the task's card shares."""
        return f"{PREFIX}:{task}:"

    @classmethod
    def parse(cls, text: str) -> Self | None:
        task, to = id_fields(text, PREFIX, 2) or ("", "")
        return cls(int(task), to) if task.isdigit() and to else None

    def format(self) -> str:
        return f"{self.of_task(self.task)}{self.to}"

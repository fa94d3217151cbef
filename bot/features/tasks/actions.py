"""The ids of task buttons and the correlations of task cards.

``tsk:<task>:claim|done|info|handover|release`` is a button; ``tsk:<task>:<to>`` names the copy
of the task's card that ``<to>`` got (a person, or ``@group`` for the group chat's copy).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Self, get_args

PREFIX = "tsk"
TaskVerb = Literal["claim", "done", "info", "handover", "release"]
_VERBS: dict[str, TaskVerb] = {verb: verb for verb in get_args(TaskVerb)}


@dataclass(frozen=True)
class TaskClick:
    task: int
    verb: TaskVerb

    @classmethod
    def parse(cls, text: str) -> Self | None:
        prefix, _, rest = text.partition(":")
        task, _, verb = rest.partition(":")
        known = _VERBS.get(verb)
        if prefix != PREFIX or not task.isdigit() or known is None:
            return None
        return cls(int(task), known)

    def format(self) -> str:
        return f"{PREFIX}:{self.task}:{self.verb}"


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
        parts = text.split(":", 2)
        if len(parts) != 3 or parts[0] != PREFIX or not parts[1].isdigit():
            return None
        return cls(int(parts[1]), parts[2])

    def format(self) -> str:
        return f"{self.of_task(self.task)}{self.to}"

"""Which part is not done: a "No" at confirmation names a task ("工牌还没拿到" reopens the badge
task), or, when several tasks could be meant and the reason names none, is asked which."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot import conversation
from bot.features.completion.actions import ReopenClick
from bot.state import PromptState
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Button, Card, Text
from store import requests, tasks
from store.models import RequestRow, TaskRow
from store.requests import format_request_id

_CJK = re.compile(r"[\u4e00-\u9fff]+")
_WORD = re.compile(r"[a-z]{3,}")
_COMMON = frozenset({"the", "and", "not", "yet", "got", "get", "have", "has", "still", "haven",
                     "didn", "did", "with", "for", "was", "but"})


def _units(text: str) -> set[str]:
    """Chinese character pairs and English words, for "which task does this sentence name"."""
    lowered = text.lower()
    pairs = {run[i:i + 2] for run in _CJK.findall(lowered) for i in range(len(run) - 1)}
    return pairs | {w.rstrip("s") for w in _WORD.findall(lowered) if w not in _COMMON}


def _title_units(task: TaskRow) -> set[str]:
    return set().union(*(_units(str(title)) for title in task.title.values()), _units(task.key))


def task_meant(done: Sequence[TaskRow], reason: str, task_id: int = 0) -> TaskRow | None:
    """The finished task ``task_id`` is, or the one ``reason`` names best (None: no single one;
    the only task when there is one)."""
    if task_id:
        return next((t for t in done if t.id == task_id), None)
    if len(done) == 1:
        return done[0]
    said = _units(reason)
    scores = sorted(((len(said & _title_units(t)), t.id or 0, t) for t in done),
                    key=lambda s: s[0], reverse=True)
    if scores and scores[0][0] > 0 and (len(scores) == 1 or scores[1][0] < scores[0][0]):
        return scores[0][2]
    return None


def task_by_answer(done: Sequence[TaskRow], text: str) -> TaskRow | None:
    """A typed answer to "which part?": its number on the card, or words of its title."""
    word = text.strip()
    if word.isdigit() and 1 <= int(word) <= len(done):
        return done[int(word) - 1]
    return task_meant(done, word) if len(done) > 1 else None


async def ask_which(turn: Turn, request: RequestRow, done: Sequence[TaskRow], reason: str) -> None:
    """Several tasks could be meant: ask which, keeping the reason for the one chosen."""
    loc = turn.locale
    await conversation.ask(turn, PromptState("reopen_which", request=request.id or 0,
                                             note=reason))
    titles = [str(t.title.get(loc) or t.key) for t in done]
    await turn.reply(Card(
        title=say("digress.reopen_which", loc, rid=format_request_id(request.id or 0)),
        body="\n".join(f"{n}. {title}" for n, title in enumerate(titles, 1)),
        buttons=tuple(Button(title, ReopenClick(request.id or 0, t.id or 0).format())
                      for title, t in zip(titles, done, strict=True))))


async def answer_which(turn: Turn, request_id: int, reason: str, text: str) -> int:
    """The task a typed answer to "which part?" names (its id), or 0 after asking again."""
    done = [t for t in await tasks.tasks_of(turn.session, request_id=request_id)
            if t.state == "done"]
    task = task_by_answer(done, text)
    if task is not None:
        return task.id or 0
    request = await requests.get_request(turn.session, request_id=request_id)
    if request is not None and len(done) > 1:
        await turn.reply(Text(say("digress.reopen_which_again", turn.locale, n=len(done))))
        await ask_which(turn, request, done, reason)
    return 0

"""What a feature registers: how its typed commands parse and run, the action ids it answers,
the questions (prompts) whose answers it takes, and the timer kinds it handles.

Each feature folder exports one ``FEATURE``; ``bot.features.FEATURES`` lists them, and the
router, the prompt dispatcher and the timer installation walk that list. Two features claiming
the same command type, action prefix, prompt purpose or timer kind fail at import.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, Self, TypeVar

from bot.services import Services
from bot.state import ConversationState, PromptState
from bot.turn import Turn
from chat.i18n import say
from chat.replies import Text
from scheduler.sweeper import TimerHandler

Command = object  # any feature's frozen command dataclass (``Approve``, ``MyTasks``, ...)
CommandParser = Callable[[str], Command | None]
CommandHandler = Callable[[Turn, Any], Awaitable[None]]
ChannelNames = Callable[[], Sequence[str]]
TimerKinds = Callable[[Services, ChannelNames], Mapping[str, TimerHandler]]


@dataclass(frozen=True)
class Click:
    """A tapped button: its action id, any text the platform collected with it (a reason typed
    into a modal), and the conversation's state when it came."""

    action: str
    text: str = ""
    state: ConversationState | None = None
    asked: PromptState | None = None  # the question that was open (a tap ends it)


ActionHandler = Callable[[Turn, Click], Awaitable[None]]


class ActionCodec(Protocol):
    """A typed action id: ``parse`` the id text (None: not one of ours, or garbled)."""

    @classmethod
    def parse(cls, text: str) -> Self | None: ...

    def format(self) -> str: ...


Parsed = TypeVar("Parsed", bound=ActionCodec)


async def stale(turn: Turn) -> None:
    """A click this bot cannot act on (an old card, a garbled id)."""
    await turn.reply(Text(say("dlg.stale", turn.locale)))


def on_click(
    codec: type[Parsed], handle: Callable[[Turn, Parsed, Click], Awaitable[None]]
) -> ActionHandler:
    """An action handler: the id parsed by ``codec``, or a stale click when it does not parse."""

    async def handler(turn: Turn, click: Click) -> None:
        parsed = codec.parse(click.action)
        if parsed is None:
            await stale(turn)
            return
        await handle(turn, parsed, click)

    return handler


@dataclass(frozen=True)
class Prompt:
    """A question of a feature: ``answer`` takes the person's reply; ``kept`` is said when they
    cancel (with ``rid`` and ``tid`` of the state); ``skippable``: "skip" cancels it too;
``lasting``: it outlives digressions (see the field)."""

    answer: Callable[[Turn, PromptState, str], Awaitable[None]]
    kept: str
    skippable: bool = False
    # someone else waits for the answer (an agent's question): a command, a tap or a form
    # opened meanwhile does not drop it, and a sentence asking for a service opens that form
    lasting: bool = False


def _no_timers(services: Services, channels: ChannelNames) -> Mapping[str, TimerHandler]:
    return {}


def _keeps(turn: Turn, command: object) -> bool:
    return True


@dataclass(frozen=True)
class Feature:
    name: str
    parsers: tuple[CommandParser, ...] = ()  # tried in order; the first command found wins
    commands: Mapping[type, CommandHandler] = field(default_factory=dict)
    actions: Mapping[str, ActionHandler] = field(default_factory=dict)  # id prefix -> handler
    prompts: Mapping[str, Prompt] = field(default_factory=dict)  # purpose -> prompt
    timers: TimerKinds = _no_timers
    # whether a parsed command stands; False hands the sentence to intent matching instead
    keeps: Callable[[Turn, Any], bool] = _keeps
    # tried only when no feature's parser found a command: "REQ-12 进度如何" (any mention of
    # an id is a command), "我的电脑申请到哪了" (a question about one's requests)
    fallbacks: tuple[CommandParser, ...] = ()
    # a bare reply to the latest card ("是", "否"): tried only when no form or question is open
    replies: tuple[CommandParser, ...] = ()


@dataclass(frozen=True)
class Registry:
    """The features, merged: one table per thing a feature registers."""

    features: tuple[Feature, ...]
    parsers: tuple[CommandParser, ...]
    fallbacks: tuple[CommandParser, ...]
    replies: tuple[CommandParser, ...]
    commands: Mapping[type, tuple[Feature, CommandHandler]]
    actions: Mapping[str, ActionHandler]
    prompts: Mapping[str, Prompt]

    @classmethod
    def of(cls, features: Sequence[Feature]) -> Registry:
        return cls(
            features=tuple(features),
            parsers=tuple(p for f in features for p in f.parsers),
            fallbacks=tuple(p for f in features for p in f.fallbacks),
            replies=tuple(p for f in features for p in f.replies),
            commands=_merged("command", ((t, (f, h)) for f in features
                                         for t, h in f.commands.items())),
            actions=_merged("action prefix", (i for f in features for i in f.actions.items())),
            prompts=_merged("prompt purpose", (i for f in features for i in f.prompts.items())),
        )

    def parse_command(self, text: str) -> object | None:
        return next((c for parse in (*self.parsers, *self.fallbacks)
                     if (c := parse(text)) is not None), None)

    def parse_reply(self, text: str) -> object | None:
        """The command a bare reply is, when nothing is open that it would answer."""
        return next((c for parse in self.replies if (c := parse(text)) is not None), None)

    def timer_kinds(self, services: Services, channels: ChannelNames) -> dict[str, TimerHandler]:
        return _merged("timer kind", (i for f in self.features
                                      for i in f.timers(services, channels).items()))


Value = TypeVar("Value")


def _merged(what: str, items: Iterable[tuple[Any, Value]]) -> dict[Any, Value]:
    table: dict[Any, Value] = {}
    for key, value in items:
        if key in table:
            raise ValueError(f"two features register the {what} {key!r}")
        table[key] = value
    return table

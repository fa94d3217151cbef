"""The terminal loop: read a line, turn it into a neutral event, let the bot answer.

Interactive or piped. ``/as <person>`` switches persona; a number or a button's label clicks
the latest card's button; in ``--jsonl`` mode a line may also be ``{"click": "<action id>"}``,
``{"text": "..."}`` or ``{"as": "<person>"}``.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sys
from collections.abc import Awaitable, Callable, Collection
from typing import TextIO

from adapters.console.channel import ConsoleChannel
from chat.channel import EventSink
from chat.events import ActionInvoked, ConversationKey, InboundEvent, MessageReceived
from chat.i18n import say

LOCALE = "en"  # the terminal's own lines (personas, usage), as they always were


class ConsoleRepl:
    def __init__(
        self,
        channel: ConsoleChannel,
        sink: EventSink,
        settle: Callable[[], Awaitable[object]],
        people: Collection[str],
        *,
        stdin: TextIO | None = None,
        who: Callable[[str], str] | None = None,
        resume: Callable[[ConversationKey], Awaitable[object]] | None = None,
    ) -> None:
        """``resume``: shows the person now at the keyboard their open form's question again
        (after ``/as``, and at start), so a chat started after a restart picks up there."""
        self.channel = channel
        self.sink = sink
        self.settle = settle  # delivers what the turn queued before the next prompt
        self.people = people
        self.stdin = stdin or sys.stdin
        self.who = who  # /who: the people with names, departments and roles (the bot's view)
        self.interactive = self.stdin.isatty() and not channel.jsonl
        self.resume = resume

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if self.interactive:
                self.channel.out.write(f"\n{self.channel.persona}> ")
                self.channel.out.flush()
            line = await loop.run_in_executor(None, self.stdin.readline)
            if not line:
                return
            if not await self.handle_line(line.rstrip("\r\n")):
                return

    async def handle_line(self, line: str) -> bool:
        """Process one line; False means quit."""
        stripped = line.strip()
        if stripped in ("/quit", "/exit"):
            return False
        if not stripped:
            return True
        if stripped.startswith("/"):
            await self._meta(stripped)
            return True
        if self.channel.jsonl and stripped.startswith("{"):
            await self._json_line(stripped)
            return True
        await self._dispatch(await self._event_for(line))
        return True

    async def _meta(self, line: str) -> None:
        command, _, argument = line.partition(" ")
        if command == "/as":
            await self.switch(argument.strip())
        elif command == "/who":
            self._say(self.who(self.channel.persona) if self.who else
                      say("console.personas", LOCALE, people=", ".join(sorted(self.people))))
        else:
            self._say(say("console.usage", LOCALE))

    async def switch(self, person: str) -> None:
        if person not in self.people:
            self._say(say("console.unknown_person", LOCALE, person=person,
                          people=", ".join(sorted(self.people))))
            return
        if not self.channel.jsonl:
            self._say(say("console.now_as", LOCALE, person=person))
        shown = await self.channel.switch_to(person)
        if shown == 0 and not self.channel.jsonl:
            self._say(say("console.nothing_new", LOCALE))
        await self._resume_form()

    async def _resume_form(self) -> None:
        """The open form's question again, below what was waiting (see ``resume``)."""
        if self.resume is not None:
            await self.resume(self._key())
            await self.settle()

    async def _json_line(self, line: str) -> None:
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValueError("expected an object")
        except ValueError as exc:
            self._say(json.dumps({"error": f"not a JSON object: {exc}"}))
            return
        if "as" in data:
            await self.switch(str(data["as"]))
        elif "click" in data:
            await self._dispatch(self._click(str(data["click"])))
        elif "text" in data:
            await self._dispatch(self._message(str(data["text"])))
        else:
            self._say(json.dumps({"error": "expected one of: text, click, as"}))

    async def _event_for(self, line: str) -> InboundEvent:
        """A number or a label of the latest card's buttons clicks; anything else is text."""
        message = self._message(line)
        return await self.channel.choices.as_click(message) or message

    def _key(self) -> ConversationKey:
        return self.channel.key_of(self.channel.persona)

    def _message(self, text: str) -> MessageReceived:
        return MessageReceived(key=self._key(), event_id=secrets.token_hex(8), text=text)

    def _click(self, action_id: str) -> ActionInvoked:
        return ActionInvoked(key=self._key(), event_id=secrets.token_hex(8), action_id=action_id)

    async def _dispatch(self, event: InboundEvent) -> None:
        await self.sink(event)
        await self.settle()

    def _say(self, text: str) -> None:
        self.channel.out.write(text + "\n")
        self.channel.out.flush()

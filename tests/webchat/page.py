"""The chat panel as the page sees it: one WebSocket, the frames it got, and what it sends.

``Page`` reads every frame the server pushes (in a task) and keeps them; ``say`` and ``click``
send what chat.js sends and wait for the server's ``taken``. ``cards()`` is what the page shows
now: each message once, as its latest update made it. Waiting is for a frame, never for time
(``WAIT`` only ends a test that would otherwise hang).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from typing import Any

import aiohttp

from chat.replies import Message, message_from_dict

Frame = dict[str, Any]
WAIT = 20.0
_ids = itertools.count(1)


class Page:
    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self.frames: list[Frame] = []
        self.ended = asyncio.Event()
        self._arrived = asyncio.Condition()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for received in self.socket:
                if received.type == aiohttp.WSMsgType.TEXT:
                    async with self._arrived:
                        self.frames.append(received.json())
                        self._arrived.notify_all()
        finally:
            self.ended.set()
            async with self._arrived:
                self._arrived.notify_all()

    async def until(self, wanted: Callable[[Frame], bool]) -> Frame:
        """The first frame ``wanted`` picks, waiting for it to arrive."""
        async with asyncio.timeout(WAIT), self._arrived:
            while True:
                found = next((f for f in self.frames if wanted(f)), None)
                if found is not None:
                    return found
                if self.ended.is_set():
                    raise AssertionError(f"the socket closed; frames: {self.frames}")
                await self._arrived.wait()

    async def got(self, message_id: str, kind: str = "message") -> Frame:
        return await self.until(lambda f: f.get("type") == kind and f.get("id") == message_id)

    async def count(self, n: int) -> None:
        """At least ``n`` messages and updates have arrived."""
        await self.until(lambda f: len(self.shown_frames()) >= n)

    async def say(self, text: str) -> Frame:
        return await self._send({"type": "say", "text": text})

    async def click(self, action_id: str, *, value: str = "", message: str = "",
                    frame_id: str | None = None) -> Frame:
        return await self._send({"type": "click", "action_id": action_id, "value": value,
                                 "message": message}, frame_id)

    async def _send(self, frame: Frame, frame_id: str | None = None) -> Frame:
        frame_id = frame_id or f"f{next(_ids)}"
        await self.socket.send_json({**frame, "id": frame_id})
        return await self.until(lambda f: f.get("type") in ("taken", "refused")
                                and f.get("id") == frame_id)

    def shown_frames(self) -> list[Frame]:
        return [f for f in self.frames if f.get("type") in ("message", "update")]

    def cards(self) -> list[Message]:
        """Every message the page shows, in the order first shown, as it reads now."""
        shown: dict[str, Message] = {}
        for frame in self.shown_frames():
            shown[frame["id"]] = message_from_dict(frame["message"])
        return list(shown.values())

    def card_with(self, action_id: str) -> tuple[str, Message]:
        """The latest shown message with a button doing ``action_id``, and its id."""
        shown: dict[str, Message] = {}
        for frame in self.shown_frames():
            shown[frame["id"]] = message_from_dict(frame["message"])
        for message_id, message in reversed(shown.items()):
            buttons = getattr(message, "buttons", ()) + getattr(message, "choices", ())
            if any(b.action_id == action_id for b in buttons):
                return message_id, message
        raise AssertionError(f"no card with {action_id}; shown: {list(shown.values())}")

    async def close(self) -> None:
        await self.socket.close()
        await self._reader

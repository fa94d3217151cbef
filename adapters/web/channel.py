"""The web console's chat panel as a channel: the person's open sockets, and a mailbox.

A message for a person goes to every socket they have open (several tabs each get it); when
none is open it is kept in their mailbox (the host's, in the database) and handed to the next
socket they open, oldest first. An update (a card decided, a copy retired) replaces the shown
card by its id in every open tab; kept while they are away, the page applies it when they
come back (an update of a card it does not show is shown as a card).

Inbound, a socket's frames become neutral events of the person the bot side authenticated
(``serve`` is handed their directory id): ``say`` is a typed line (a number or a label of the
latest degraded card's choices clicks it), ``click`` a button's action id. The frame's own id
makes the event id, so a frame sent again after a reconnect is one event. Each frame is
answered ``taken`` once it is in the core's inbox, or ``refused`` (send it again) when it could
not be written.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, Protocol

from adapters.kit.choices import ChoiceStore, NumberedChoices, numbered
from adapters.kit.host import Mailbox
from adapters.kit.plumbing import NotTakenIn, Plumbing
from adapters.kit.text import clip
from chat.channel import Capabilities, ChannelError
from chat.events import ActionInvoked, ConversationKey, InboundEvent, MessageReceived, MessageRef
from chat.replies import Message, message_to_dict

CHANNEL = "web"
MAX_TEXT = 4000  # characters of one typed line; a longer one is clipped
_FRAME_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
log = logging.getLogger("esmbot.adapters.web")

Frame = dict[str, Any]


class Peer(Protocol):
    """One open socket (aiohttp's ``WebSocketResponse``)."""

    @property
    def closed(self) -> bool: ...

    async def send_json(self, data: Any) -> None: ...


class MemoryMailbox:
    """A mailbox in this process only (tests; a host without a database)."""

    def __init__(self) -> None:
        self._kept: dict[str, list[dict[str, Any]]] = defaultdict(list)

    async def deliver(self, person: str, message: dict[str, Any]) -> None:
        self._kept[person].append(dict(message))

    async def take_unseen(self, person: str) -> list[dict[str, Any]]:
        return self._kept.pop(person, [])


class WebChannel(Plumbing):
    name = CHANNEL
    capabilities = Capabilities(buttons=True, max_buttons=25, can_update=True, markdown=False)

    def __init__(self, mailbox: Mailbox, *, choices: ChoiceStore | None = None) -> None:
        super().__init__(self.name)
        self.mailbox = mailbox
        self.choices = NumberedChoices(choices)
        self._peers: dict[str, set[Peer]] = defaultdict(set)
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.on_stop(self._close_all)

    def key_of(self, person: str) -> ConversationKey:
        """The direct conversation with ``person`` (the key ``address_of`` builds on web)."""
        return ConversationKey(channel=self.name, tenant="", conversation="", user=person)

    def open_sockets(self, person: str) -> int:
        return sum(1 for peer in self._peers.get(person, ()) if not peer.closed)

    # --- outbound -----------------------------------------------------------------------------

    async def send(self, key: ConversationKey, message: Message) -> MessageRef:
        if key.conversation:
            raise ChannelError("the web panel has no group chats", permanent=True,
                               code="no_group_chat")
        ref = MessageRef(channel=self.name, conversation=key.user,
                         native_id=secrets.token_hex(8))
        await self._push(key.user, {"type": "message", "id": ref.native_id,
                                    "message": message_to_dict(message)})
        await self.choices.shown(key, numbered(message), ref)
        return ref

    async def update(self, ref: MessageRef, message: Message) -> MessageRef:
        await self._push(ref.conversation, {"type": "update", "id": ref.native_id,
                                            "message": message_to_dict(message)})
        return ref

    async def _push(self, person: str, frame: Frame) -> None:
        """``frame`` to every open socket of ``person``, or into their mailbox."""
        async with self._locks[person]:
            if await self._to_sockets(person, frame):
                return
            try:
                await self.mailbox.deliver(person, frame)
            except Exception as exc:
                raise ChannelError(f"could not keep the message ({type(exc).__name__})",
                                   code="mailbox") from exc

    async def _to_sockets(self, person: str, frame: Frame) -> int:
        reached = 0
        for peer in list(self._peers.get(person, ())):
            if peer.closed:
                self._peers[person].discard(peer)
                continue
            try:
                await peer.send_json(frame)
                reached += 1
            except (ConnectionError, RuntimeError) as exc:  # closing under our feet
                log.info("a web socket of %s closed while sending (%s)", person,
                         type(exc).__name__)
                self._peers[person].discard(peer)
        return reached

    # --- sockets ------------------------------------------------------------------------------

    async def opened(self, person: str, peer: Peer) -> int:
        """``peer`` is ``person``'s socket now; it gets what was kept for them meanwhile
        (returns how many frames)."""
        async with self._locks[person]:
            self._peers[person].add(peer)
            kept = await self.mailbox.take_unseen(person)
            for done, frame in enumerate(kept):
                try:
                    await peer.send_json(frame)
                except Exception:  # gone already: the rest waits for the next socket
                    self._peers[person].discard(peer)
                    for left in kept[done:]:
                        await self.mailbox.deliver(person, left)
                    raise
        return len(kept)

    def closed(self, person: str, peer: Peer) -> None:
        self._peers[person].discard(peer)
        if not self._peers[person]:
            del self._peers[person]  # (its lock stays: a send may hold it right now)

    async def hear(self, person: str, frame: Mapping[str, Any]) -> Frame | None:
        """One frame from ``person``'s socket: taken into the inbox (the answer to send
        back), or None when it is not a frame this channel reads."""
        event = await self._event_of(person, frame)
        if event is None:
            return None
        frame_id = event.event_id.partition("/")[2]
        try:
            await self.accept(event)
        except NotTakenIn:
            return {"type": "refused", "id": frame_id}
        return {"type": "taken", "id": frame_id}

    async def _event_of(self, person: str, frame: Mapping[str, Any]) -> InboundEvent | None:
        kind = frame.get("type")
        frame_id = str(frame.get("id") or "")
        if not _FRAME_ID.match(frame_id):
            frame_id = secrets.token_hex(8)
        key, event_id = self.key_of(person), f"{person}/{frame_id}"
        if kind == "say" and isinstance(frame.get("text"), str) and frame["text"].strip():
            said = MessageReceived(key=key, event_id=event_id,
                                   text=clip(frame["text"], MAX_TEXT))
            return await self.choices.as_click(said) or said
        if kind == "click" and isinstance(frame.get("action_id"), str) and frame["action_id"]:
            source = str(frame.get("message") or "")
            return ActionInvoked(
                key=key, event_id=event_id, action_id=clip(frame["action_id"], 200),
                value=clip(str(frame.get("value") or ""), 200),
                source=MessageRef(self.name, person, source) if source else None,
                text=clip(str(frame.get("text") or ""), MAX_TEXT))
        return None

    async def _close_all(self) -> None:
        for peers in list(self._peers.values()):
            for peer in list(peers):
                close = getattr(peer, "close", None)
                if close is not None:
                    with contextlib.suppress(Exception):
                        await close()
        self._peers.clear()

"""``WeComChannel``: the Channel protocol over WeCom's app-message API.

Sends: to a member (``conversation=""``, ``user=<UserID>``) through ``message/send``; to a group
chat (``conversation=<chatid>``) through ``appchat/send``. A card sent to a member comes back
as ``MessageRef(conversation=<UserID>, native_id=<task_id>, update_token=<response_code>,
expires_at=<+72 h>)``; ``update`` spends the card's codes (see ``adapters.wecom.codes``) on
``message/update_template_card`` and raises ``UpdateUnsupported`` when none is left, so the
outbox sends the new version as a new message. Group-chat messages and plain texts cannot be
edited on WeCom: ``update`` says so at once.

Each member gets at most ``member_per_minute`` / ``member_per_hour`` messages (WeCom drops the
excess silently): a send over budget raises ``ChannelError(retry_after=...)`` without calling
WeCom, and the outbox, which keeps each recipient's messages in order, tries again then.

Inbound events reach the core's inbox through ``receive`` before the callback is answered.
A member's reply that names one of the numbered choices of the last message they got (a card
with more than 6 buttons, degraded by the core) becomes the click (``adapters.kit.choices``);
``enter_agent`` becomes the question "帮助" (help) at most once per member every
``GREETING_INTERVAL``, since WeCom reports every time someone opens the app.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.kit.choices import ChoiceStore, NumberedChoices
from adapters.kit.errors import SetupError, rendered
from adapters.kit.plumbing import Plumbing
from adapters.wecom import render
from adapters.wecom.api import WeComApi
from adapters.wecom.codes import VALIDITY, ResponseCodes
from adapters.wecom.errors import ApiError
from adapters.wecom.inbound import CHANNEL, CardClick, Entered, Inbound
from adapters.wecom.limits import RecipientLimiter
from adapters.wecom.render import Outgoing
from chat.channel import Capabilities, ChannelError, EventSink, UpdateUnsupported
from chat.events import ConversationKey, InboundEvent, MessageReceived, MessageRef
from chat.replies import Message

log = logging.getLogger("esmbot.wecom")
GREETING_TEXT = "帮助"  # what opening the app asks the core: its help, in the member's language
GREETING_INTERVAL = timedelta(hours=12)
DEFAULT_LIMITS = ((60.0, 30), (3600.0, 1000))  # WeCom's, per member: a minute, an hour
SETUP_ERRORS = {40013: "wecom.corp_id", 40001: "wecom.secret", 40056: "wecom.agent_id"}


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_task_id() -> str:
    """A card's ``task_id``: unique per app forever (digits, letters, ``_-@``; <= 128 bytes)."""
    return f"esm-{time.time_ns():x}-{secrets.token_hex(6)}"


class WeComChannel(Plumbing):
    name = CHANNEL
    capabilities = Capabilities(buttons=True, max_buttons=render.MAX_BUTTONS, can_update=True,
                                markdown=False)

    def __init__(self, api: WeComApi, *, corp_id: str, agent_id: int,
                 limiter: RecipientLimiter | None = None,
                 clock: Callable[[], datetime] = utc_now,
                 choices: ChoiceStore | None = None) -> None:
        """``choices``: where each member's numbered choices are kept (the host's database,
        across restarts and replicas; default: this process)."""
        super().__init__(CHANNEL)
        self.api = api
        self.corp_id = corp_id
        self.agent_id = agent_id
        self.limiter = limiter if limiter is not None else RecipientLimiter(DEFAULT_LIMITS)
        self.clock = clock
        self.codes = ResponseCodes(clock)
        self.choices = NumberedChoices(choices)  # member -> the numbers of their last message
        self._greeted: dict[str, datetime] = {}

    async def start(self, sink: EventSink) -> None:
        """Opens the HTTP session and checks the credentials with a first token."""
        await super().start(sink)
        await self.api.open()
        try:
            await self.api.access_token()
        except ApiError as exc:
            key = SETUP_ERRORS.get(exc.errcode)
            if key is not None:
                raise SetupError(f"{key}: WeCom refused it ({exc})") from None
            log.warning("could not fetch a WeCom access token at start (%s); will retry", exc)
        except ChannelError as exc:
            log.warning("WeCom unreachable at start (%s); will retry on each send", exc)

    async def stop(self) -> None:
        await self.tasks.join()  # in-flight events first: they may still send
        await super().stop()
        await self.api.close()

    # --- inbound --------------------------------------------------------------------------

    async def receive(self, item: Inbound) -> None:
        """Write what a callback said to the core's inbox, its turn to follow in a tracked
        task; raises ``NotTakenIn`` when the inbox could not take it (answer an error)."""
        event = self.translate(item)
        if event is not None:
            await self.accept(event)

    def translate(self, item: Inbound) -> InboundEvent | None:
        if isinstance(item, CardClick):  # its code is good for 72 h from now, the click
            self.codes.offer(item.task_id, item.event.key.user, item.response_code)
            return item.event
        if isinstance(item, Entered):
            return self._greeting(item)
        return item  # a message naming a numbered choice becomes its click in ``prepare``

    async def prepare(self, event: InboundEvent) -> InboundEvent:
        """``event``, or the click it is when it names a numbered choice of the member's
        latest message (after the inbox took it in, and again when a row is recovered)."""
        if isinstance(event, MessageReceived):
            return await self.choices.as_click(event) or event
        return event

    def _greeting(self, entered: Entered) -> MessageReceived | None:
        user, now = entered.key.user, self.clock()
        last = self._greeted.get(user)
        if last is not None and now - last < GREETING_INTERVAL:
            return None
        self._greeted[user] = now
        return MessageReceived(entered.key, entered.event_id, GREETING_TEXT,
                               entered.received_at)

    # --- outbound -------------------------------------------------------------------------

    async def send(self, key: ConversationKey, message: Message) -> MessageRef:
        if key.conversation:
            return await self._send_to_chat(key.conversation, message)
        if not key.user:
            raise ChannelError("wecom: a message needs a member or a group chat", permanent=True)
        return await self._send_to_member(key, message)

    async def update(self, ref: MessageRef, message: Message) -> MessageRef:
        card = render.card_update(message)
        if card is None:
            raise UpdateUnsupported("wecom: a card with more than 6 buttons is sent anew")
        for code in self.codes.candidates(ref):
            payload = {"userids": [ref.conversation], "agentid": self.agent_id,
                       "response_code": code, "template_card": card}
            try:
                await self.api.call("message/update_template_card", payload)
            except ApiError as exc:
                if exc.transient:
                    raise
                self.codes.spend(code)
                log.info("response_code refused (%s); trying the next one", exc.errcode)
                continue
            self.codes.spend(code)
            return ref
        raise UpdateUnsupported("wecom: no unused response_code left for this card",
                                permanent=True)

    async def _send_to_member(self, key: ConversationKey, message: Message) -> MessageRef:
        user = key.user
        self._within_budget(user)
        task_id = new_task_id()
        outgoing = rendered(CHANNEL, lambda: render.for_person(message, task_id))
        answer = await self.api.call("message/send", {
            "touser": user, "agentid": self.agent_id, "msgtype": outgoing.msgtype,
            outgoing.msgtype: outgoing.body, "enable_duplicate_check": 0})
        if user.lower() in str(answer.get("invaliduser") or "").lower().split("|"):
            raise ChannelError(f"wecom message/send: {user} is not a member the app can reach",
                               permanent=True)
        self.limiter.record(user)
        await self.choices.shown(key, outgoing.choices)  # a reply's number picks only these
        return self._ref(user, outgoing, answer, task_id)

    async def _send_to_chat(self, chat_id: str, message: Message) -> MessageRef:
        recipient = f"chat:{chat_id}"
        self._within_budget(recipient)
        outgoing = rendered(CHANNEL, lambda: render.for_chat(message))
        await self.api.call("appchat/send", {"chatid": chat_id, "msgtype": outgoing.msgtype,
                                             outgoing.msgtype: outgoing.body, "safe": 0})
        self.limiter.record(recipient)
        return MessageRef(CHANNEL, chat_id, "")  # app group-chat messages cannot be edited

    def _within_budget(self, recipient: str) -> None:
        wait = self.limiter.wait(recipient)
        if wait > 0:
            raise ChannelError(f"wecom: {recipient} had its share of messages for now; "
                               f"next in {wait:.0f} s", retry_after=wait)

    def _ref(self, user: str, outgoing: Outgoing, answer: dict[str, Any], task_id: str
             ) -> MessageRef:
        if outgoing.msgtype != "template_card":
            return MessageRef(CHANNEL, user, str(answer.get("msgid") or ""))
        code = str(answer.get("response_code") or "") or None
        return MessageRef(CHANNEL, user, task_id, update_token=code,
                          expires_at=self.clock() + VALIDITY if code else None)


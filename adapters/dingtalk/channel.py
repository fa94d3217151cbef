"""``DingTalkChannel``: the Channel protocol over the DingTalk OpenAPI and sessionWebhooks.

Where a message goes (``ConversationKey``):
- ``conversation=""``: the one-to-one robot chat with ``user`` (a staff id):
  ``oToMessages/batchSend``, or an interactive card delivered to ``IM_ROBOT.<user>``;
- ``conversation=<openConversationId>``: that group: ``groupMessages/send``, or a card
  delivered to ``IM_GROUP.<id>`` (``user``, when set, is @-notified on webhook replies).

Texts (and, without a card template, cards as numbered markdown) go through the
conversation's ``sessionWebhook`` while it is valid; when it is not, or it fails, through the
OpenAPI. With ``card_template_id`` a ``Card`` becomes an interactive card
(``card/instances/createAndDeliver``, ``callbackType`` STREAM), returned as
``MessageRef(native_id=<outTrackId>, update_token="card")`` and updated with
``PUT /v1.0/card/instances``. Nothing else can be updated (``UpdateUnsupported``: the outbox
sends the new version as a new message).
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from adapters.dingtalk import render
from adapters.dingtalk.config import DingTalkSettings
from adapters.dingtalk.inbound import CARD_TOKEN, CHANNEL
from adapters.dingtalk.openapi import OpenApi
from adapters.dingtalk.webhooks import SessionWebhooks
from adapters.kit.choices import ChoiceStore, NumberedChoices, numbered, target_of
from adapters.kit.errors import SetupError
from adapters.kit.plumbing import Plumbing
from chat.channel import Capabilities, ChannelError, EventSink, UpdateUnsupported
from chat.events import ConversationKey, InboundEvent, MessageReceived, MessageRef
from chat.replies import Card, Message

if TYPE_CHECKING:
    from adapters.dingtalk.stream import StreamLink

log = logging.getLogger("esmbot.dingtalk")

BATCH_SEND = "/v1.0/robot/oToMessages/batchSend"
GROUP_SEND = "/v1.0/robot/groupMessages/send"
CREATE_AND_DELIVER = "/v1.0/card/instances/createAndDeliver"
CARD_INSTANCES = "/v1.0/card/instances"
CARDS_REMEMBERED = 10_000


class DingTalkChannel(Plumbing):
    name = CHANNEL

    def __init__(self, api: OpenApi, config: DingTalkSettings, *,
                 now: Callable[[], float] = time.time,
                 choices: ChoiceStore | None = None) -> None:
        """``choices``: where each conversation's numbered choices are kept (the host's
        database, across restarts and replicas; default: this process)."""
        super().__init__(CHANNEL)
        self.api = api
        self.config = config
        self.now = now
        self.templated = bool(config.card_template_id)
        # Buttons only on the template's interactive cards; without one, cards come degraded
        # to numbered choices (markdown has no buttons).
        self.capabilities = Capabilities(buttons=self.templated, max_buttons=20,
                                         can_update=self.templated, markdown=True)
        self.webhooks = SessionWebhooks(config.session_webhook_url)
        self.choices = NumberedChoices(choices)
        self.cards: dict[str, str] = {}  # outTrackId -> conversation it was delivered to
        self.link: StreamLink | None = None  # the stream connection, when there is one

    async def start(self, sink: EventSink) -> None:
        await super().start(sink)
        await self._check_credentials()

    async def send(self, key: ConversationKey, message: Message) -> MessageRef:
        if isinstance(message, Card) and self.templated and not message.choices:
            ref = await self._deliver_card(key, message)
        else:
            ref = await self._send_message(key, message)
        await self.choices.shown(key, numbered(message), ref)
        return ref

    async def prepare(self, event: InboundEvent) -> InboundEvent:
        """A message naming a numbered choice of the latest card in its chat is that click
        (after the inbox took the message in, and again when a row is recovered)."""
        if isinstance(event, MessageReceived):
            return await self.choices.as_click(event) or event
        return event

    async def update(self, ref: MessageRef, message: Message) -> MessageRef:
        if not self.templated or ref.update_token != CARD_TOKEN:
            raise UpdateUnsupported("dingtalk: only interactive cards can be updated",
                                    permanent=True)
        body = {"outTrackId": ref.native_id,
                "cardData": {"cardParamMap": render.card_params(message)}}
        try:
            answer = await self.api.call("PUT", CARD_INSTANCES, body)
        except ChannelError as exc:
            if exc.permanent:
                raise UpdateUnsupported(str(exc), permanent=True) from exc
            raise
        if answer.get("success") is False:
            raise UpdateUnsupported(f"dingtalk PUT card: {_problem(answer)}", permanent=True)
        return ref

    async def _send_message(self, key: ConversationKey, message: Message) -> MessageRef:
        target = target_of(key.conversation, key.user)
        url = self.webhooks.usable(target, int(self.now() * 1000))
        if url:
            at_user = key.user if key.conversation else ""
            try:
                await self.api.post_url(url, render.webhook_message(message, at_user=at_user))
                return MessageRef(CHANNEL, key.conversation, f"webhook-{secrets.token_hex(8)}")
            except ChannelError as exc:
                log.warning("sessionWebhook send failed (%s); using the OpenAPI", exc)
                self.webhooks.forget(target)
        msg_key, param = render.robot_message(message)
        body: dict[str, Any] = {"robotCode": self.config.robot, "msgKey": msg_key,
                                "msgParam": json.dumps(param, ensure_ascii=False)}
        if key.conversation:
            answer = await self.api.call("POST", GROUP_SEND,
                                         {**body, "openConversationId": key.conversation})
        else:
            answer = await self.api.call("POST", BATCH_SEND, {**body, "userIds": [key.user]})
            _check_batch(answer, key.user)
        query_key = str(answer.get("processQueryKey") or secrets.token_hex(8))
        return MessageRef(CHANNEL, key.conversation, query_key)

    async def _deliver_card(self, key: ConversationKey, card: Card) -> MessageRef:
        out_track_id = f"esm-{secrets.token_hex(12)}"
        body = card_delivery(self.config, key, out_track_id, render.card_params(card))
        answer = await self.api.call("POST", CREATE_AND_DELIVER, body)
        _check_delivered(answer)
        self.cards[out_track_id] = key.conversation
        if len(self.cards) > CARDS_REMEMBERED:
            self.cards.pop(next(iter(self.cards)))
        return MessageRef(CHANNEL, key.conversation, out_track_id, update_token=CARD_TOKEN)

    async def _check_credentials(self) -> None:
        try:
            await self.api.access_token()
        except ChannelError as exc:
            if exc.permanent:
                raise SetupError(
                    f"dingtalk.app_key / dingtalk.app_secret: DingTalk refused them ({exc})"
                ) from None
            log.warning("could not get a DingTalk access token yet (%s); sends will retry", exc)


def card_delivery(config: DingTalkSettings, key: ConversationKey, out_track_id: str,
                  params: dict[str, str]) -> dict[str, Any]:
    """The ``createAndDeliver`` body for a card to ``key``'s group or one-to-one chat."""
    body: dict[str, Any] = {
        "cardTemplateId": config.card_template_id,
        "outTrackId": out_track_id,
        "cardData": {"cardParamMap": params},
        "callbackType": "STREAM",
        "imGroupOpenSpaceModel": {"supportForward": True},
        "imRobotOpenSpaceModel": {"supportForward": True},
    }
    if key.conversation:
        body["openSpaceId"] = f"dtv1.card//IM_GROUP.{key.conversation}"
        body["imGroupOpenDeliverModel"] = {"robotCode": config.robot}
    else:
        body["openSpaceId"] = f"dtv1.card//IM_ROBOT.{key.user}"
        body["imRobotOpenDeliverModel"] = {"spaceType": "IM_ROBOT", "robotCode": config.robot}
    return body


def _check_batch(answer: Mapping[str, Any], user: str) -> None:
    """``batchSend`` answers 200 even when it did not deliver to a listed user."""
    if user in (answer.get("invalidStaffIdList") or []):
        raise ChannelError(f"dingtalk batchSend: {user} is not a staff id here",
                           permanent=True)
    if user in (answer.get("flowControlledStaffIdList") or []):
        raise ChannelError(f"dingtalk batchSend: flow control for {user}")


def _check_delivered(answer: Mapping[str, Any]) -> None:
    result = answer.get("result")
    results = result.get("deliverResults") if isinstance(result, Mapping) else None
    failed = [r for r in results or [] if isinstance(r, Mapping) and r.get("success") is False]
    if answer.get("success") is False or failed:
        raise ChannelError(f"dingtalk createAndDeliver: {_problem(answer)}")


def _problem(answer: Mapping[str, Any]) -> str:
    result = answer.get("result")
    results = result.get("deliverResults") if isinstance(result, Mapping) else None
    messages = [str(r.get("errorMsg")) for r in results or []
                if isinstance(r, Mapping) and r.get("errorMsg")]
    return "; ".join(messages) or str(answer.get("message") or answer)[:200]

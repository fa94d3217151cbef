"""What happens to each DingTalk request once it has arrived (by stream or HTTP): its event is
written to the core's inbox before the request is acknowledged (``accept``; a failure raises
``NotTakenIn`` and the caller answers an error, or no ACK), the turn runs in the background."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from adapters.dingtalk import frames, inbound
from adapters.dingtalk.channel import DingTalkChannel
from adapters.dingtalk.frames import Frame
from adapters.kit.choices import target_of

log = logging.getLogger("esmbot.dingtalk")
MESSAGE_ANSWER = "OK"
CARD_ANSWER: dict[str, Any] = {}  # the card stays as it is; the core updates it (PUT) if it must


class DingTalkReceiver:
    def __init__(self, channel: DingTalkChannel) -> None:
        self.channel = channel

    async def on_robot_message(self, data: Mapping[str, Any]) -> None:
        """A message to the robot: its sessionWebhook is kept, and a number or a label naming
        a numbered choice of the latest card becomes that click."""
        message = inbound.robot_message(data)
        if message is None:
            log.info("robot message ignored (type %s)", data.get("msgtype"))
            return
        key = message.event.key
        if key.conversation:
            log.debug("message in group %s (%s)", key.conversation,
                      data.get("conversationTitle") or "")
        target = target_of(key.conversation, key.user)
        if message.webhook and not self.channel.webhooks.remember(
                target, message.webhook, message.webhook_expires_ms,
                created_ms=message.created_ms, now_ms=int(self.channel.now() * 1000)):
            log.warning("sessionWebhook of a message from %s not used (not DingTalk's, or "
                        "expired)", key.user)
        await self.channel.accept(message.event)  # a numbered choice becomes its click in prepare

    async def on_card_callback(self, data: Mapping[str, Any], event_id: str) -> dict[str, Any]:
        """A click on an interactive card; the answer goes back in the acknowledgement."""
        click = inbound.card_click(data)
        if click is None:
            log.info("card callback ignored: no action, user or outTrackId")
            return CARD_ANSWER
        conversation = self.channel.cards.get(click.out_track_id)
        await self.channel.accept(inbound.click_event(click, event_id, conversation))
        return CARD_ANSWER

    async def on_stream_callback(self, frame: Frame) -> tuple[int, Any]:
        if frame.topic == frames.BOT_MESSAGE_TOPIC:
            await self.on_robot_message(frame.data())
            return 200, MESSAGE_ANSWER
        if frame.topic == frames.CARD_CALLBACK_TOPIC:
            return 200, await self.on_card_callback(frame.data(), f"card:{frame.message_id}")
        log.warning("stream callback on a topic we did not subscribe: %s", frame.topic)
        return 404, "not implemented"

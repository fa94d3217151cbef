"""The slack_bolt app: signature check, url_verification and acks are bolt's; the rest is ours.

``process_before_response=True``: the listeners only parse and start background tasks, so the
response (the ack) goes out right after them, and no listener outlives the request untracked.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import modal
from adapters.slack.receiver import SlackReceiver

ANYTHING = re.compile(".*")


def build_bolt_app(
    client: AsyncWebClient, receiver: SlackReceiver, *, signing_secret: str = "",
    socket_mode: bool = False,
) -> AsyncApp:
    """Bolt over ``client``; requests are signature-checked unless they come by Socket Mode."""
    app = AsyncApp(client=client, signing_secret=signing_secret or None,
                   request_verification_enabled=not socket_mode, process_before_response=True)

    @app.event(ANYTHING)
    async def on_event(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        receiver.on_event(body)

    @app.action(ANYTHING)
    async def on_action(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        receiver.on_action(body)

    @app.view_submission(modal.CALLBACK_ID)
    async def on_reason(ack: AsyncAck, body: dict[str, Any]) -> None:
        problems = receiver.on_view_submission(body)
        if problems:
            await ack(response_action="errors", errors=problems)
        else:
            await ack()

    return app

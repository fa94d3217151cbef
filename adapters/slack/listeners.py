"""The slack_bolt app: signature check, url_verification and acks are bolt's; the rest is ours.

``process_before_response=True``: the listeners parse, write the events to the core's inbox and
start background tasks, so the response (the ack) goes out right after them, and no listener
outlives the request untracked. A listener whose inbox write fails raises before its ack: bolt
answers 500 (Events API: Slack retries) or, over Socket Mode, sends no ack (Slack redelivers).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import modal
from adapters.slack.receiver import SlackReceiver
from adapters.slack.tenancy import foreign
from chat import telemetry

log = logging.getLogger("esmbot.slack")
ANYTHING = re.compile(".*")


def build_bolt_app(
    client: AsyncWebClient, receiver: SlackReceiver, *, signing_secret: str = "",
    socket_mode: bool = False, team_id: str = "", app_id: str = "",
) -> AsyncApp:
    """Bolt over ``client``; requests are signature-checked unless they come by Socket Mode,
    and refused when they are for another workspace or app (``adapters.slack.tenancy``)."""
    app = AsyncApp(client=client, signing_secret=signing_secret or None,
                   request_verification_enabled=not socket_mode, process_before_response=True)

    @app.middleware
    async def only_ours(body: dict[str, Any], context: AsyncBoltContext,
                        next: Callable[[], Awaitable[None]]) -> BoltResponse | None:
        authorized = context.authorize_result
        our_team = team_id or (authorized.team_id if authorized else None) or ""
        problem = foreign(body, context.team_id, our_team, app_id)
        if problem:
            log.warning("refused a Slack request: %s", problem)
            telemetry.refused("slack", telemetry.WRONG_TENANT)
            return BoltResponse(status=403, body="")
        await next()
        return None

    @app.event(ANYTHING)
    async def on_event(ack: AsyncAck, body: dict[str, Any]) -> None:
        await receiver.on_event(body)
        await ack()

    @app.action(ANYTHING)
    async def on_action(ack: AsyncAck, body: dict[str, Any]) -> None:
        await receiver.on_action(body)
        await ack()

    @app.view_submission(modal.CALLBACK_ID)
    async def on_reason(ack: AsyncAck, body: dict[str, Any]) -> None:
        problems = await receiver.on_view_submission(body)
        if problems:
            await ack(response_action="errors", errors=problems)
        else:
            await ack()

    return app

"""Socket Mode: Slack pushes the same requests over a WebSocket, no public URL needed.

``start`` asks for a WebSocket URL first, so a wrong app token stops start-up with a clear
message; the connection itself is then made (and re-made, by slack_sdk) in the background.
"""

from __future__ import annotations

import asyncio

from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.kit.errors import SetupError
from adapters.slack.errors import api_error_code


class SocketModeRunner:
    def __init__(self, bolt_app: AsyncApp, app_token: str, client: AsyncWebClient) -> None:
        self.handler = AsyncSocketModeHandler(bolt_app, app_token, web_client=client)
        self._connecting: asyncio.Task[None] | None = None

    async def start(self) -> None:
        try:
            self.handler.client.wss_uri = await self.handler.client.issue_new_wss_url()
        except SlackApiError as exc:
            code = api_error_code(exc) or "error"
            raise SetupError(f"slack.app_token: Slack refused it ({code}); it must be an "
                                  "app-level token (xapp-...) with connections:write") from None
        self._connecting = asyncio.create_task(self.handler.connect_async())

    async def stop(self) -> None:
        await self.handler.close_async()
        if self._connecting is not None:
            await asyncio.gather(self._connecting, return_exceptions=True)

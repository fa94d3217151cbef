"""Attach Slack to a running bot: the channel, and the HTTP route or the Socket Mode link."""

from __future__ import annotations

from typing import Protocol

import aiohttp
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.channel import SlackChannel
from adapters.slack.config import SlackConfig
from adapters.slack.inbound import CHANNEL
from adapters.slack.listeners import build_bolt_app
from adapters.slack.receiver import SlackReceiver
from adapters.slack.socket_mode import SocketModeRunner
from adapters.slack.web import mount
from bot import identity
from bot.channel import Channel
from dialogs.model import Bundle


class ChannelHost(Protocol):
    @property
    def bundle(self) -> Bundle: ...

    async def add_channel(self, channel: Channel) -> None: ...


class DirectoryRoster:
    """The adapter's questions about people, answered from the host's current directory."""

    def __init__(self, host: ChannelHost) -> None:
        self.host = host

    def knows(self, user_id: str) -> bool:
        return self.host.bundle.directory.find_by_identity(CHANNEL, user_id) is not None

    def reached_by_email(self, email: str) -> bool:
        return identity.reached_by_email(self.host.bundle.directory, CHANNEL, email) is not None


async def attach(host: ChannelHost, web_app: web.Application, config: SlackConfig
                 ) -> SlackChannel:
    """Mount ``POST /slack/events`` on ``web_app`` (http mode) or connect (socket mode)."""
    # One HTTP session for every Web API call: without it slack_sdk opens (and closes) a new
    # session, and so a new TLS connection, per call.
    session = aiohttp.ClientSession()
    client = AsyncWebClient(token=config.bot_token, base_url=config.api_base_url,
                            session=session)
    channel = SlackChannel(client, bot_user_id=config.bot_user_id, roster=DirectoryRoster(host))
    channel.on_stop(session.close)
    socket_mode = config.mode == "socket"
    bolt_app = build_bolt_app(client, SlackReceiver(channel),
                              signing_secret=config.signing_secret, socket_mode=socket_mode)
    if not socket_mode:
        mount(web_app, bolt_app)
    await host.add_channel(channel)
    if socket_mode:
        runner = SocketModeRunner(bolt_app, config.app_token, client)
        channel.on_stop(runner.stop)
        await runner.start()
    return channel

"""Attach Slack to a running bot: the channel, and the HTTP route or the Socket Mode link."""

from __future__ import annotations

import aiohttp
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from adapters.kit.host import ChannelHost
from adapters.kit.settings import secret
from adapters.slack.channel import SlackChannel
from adapters.slack.config import SlackSettings
from adapters.slack.inbound import CHANNEL
from adapters.slack.listeners import build_bolt_app
from adapters.slack.receiver import SlackReceiver
from adapters.slack.socket_mode import SocketModeRunner
from adapters.slack.web import mount


async def attach(host: ChannelHost, web_app: web.Application, config: SlackSettings
                 ) -> SlackChannel:
    """Mount ``POST /slack/events`` on ``web_app`` (http mode) or connect (socket mode)."""
    # One HTTP session for every Web API call: without it slack_sdk opens (and closes) a new
    # session, and so a new TLS connection, per call.
    session = aiohttp.ClientSession()
    client = AsyncWebClient(token=secret(config.bot_token), base_url=config.api_base_url,
                            session=session)
    channel = SlackChannel(client, bot_user_id=config.bot_user_id, roster=host.roster(CHANNEL))
    channel.on_stop(session.close)
    socket_mode = config.mode == "socket"
    bolt_app = build_bolt_app(client, SlackReceiver(channel),
                              signing_secret=secret(config.signing_secret), socket_mode=socket_mode,
                              team_id=config.team_id, app_id=config.app_id)
    if not socket_mode:
        mount(web_app, bolt_app, secret(config.signing_secret))
    await host.add_channel(channel)
    if socket_mode:
        runner = SocketModeRunner(bolt_app, secret(config.app_token), client)
        channel.on_stop(runner.stop)
        await runner.start()
    return channel

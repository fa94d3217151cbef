"""Attach DingTalk to a running bot: the channel, the stream link and/or the HTTP route.

- ``mode = "stream"``: one stream connection for robot messages and card clicks;
- ``mode = "http"``: robot messages at ``POST /dingtalk/callback``; with a card template a
  stream connection is still opened, for card clicks only (cards call back by STREAM).
"""

from __future__ import annotations

import aiohttp
from aiohttp import web

from adapters.dingtalk import frames
from adapters.dingtalk.channel import DingTalkChannel
from adapters.dingtalk.config import DingTalkSettings
from adapters.dingtalk.openapi import OpenApi
from adapters.dingtalk.receiver import DingTalkReceiver
from adapters.dingtalk.stream import StreamLink
from adapters.dingtalk.web import mount
from adapters.kit.host import ChannelHost
from adapters.kit.settings import secret

REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=20)


def stream_topics(config: DingTalkSettings) -> list[str]:
    topics = [frames.BOT_MESSAGE_TOPIC] if config.mode == "stream" else []
    if config.card_template_id:
        topics.append(frames.CARD_CALLBACK_TOPIC)
    return topics


async def attach(host: ChannelHost, web_app: web.Application, config: DingTalkSettings
                 ) -> DingTalkChannel:
    session = aiohttp.ClientSession(timeout=REQUEST_TIMEOUT)
    api = OpenApi(session, config.api_base_url, config.app_key, secret(config.app_secret))
    channel = DingTalkChannel(api, config, choices=host)
    channel.on_stop(session.close)
    receiver = DingTalkReceiver(channel)
    if config.mode == "http":
        mount(web_app, receiver, secret(config.app_secret), host,
              window_seconds=config.callback_window_seconds)
    await host.add_channel(channel)
    topics = stream_topics(config)
    if topics:
        link = StreamLink(session, api_base_url=config.api_base_url, client_id=config.app_key,
                          client_secret=secret(config.app_secret), topics=topics,
                          on_callback=receiver.on_stream_callback)
        channel.link = link
        channel.on_stop(link.stop)  # runs before the session closes
        await link.start()
    return channel

"""Attach WeCom to a running bot: the channel, and the callback route."""

from __future__ import annotations

from functools import partial

from aiohttp import web

from adapters.kit.choices import ChoiceStore
from adapters.kit.host import ChannelHost
from adapters.kit.settings import secret
from adapters.wecom import inbound
from adapters.wecom.api import WeComApi
from adapters.wecom.channel import WeComChannel
from adapters.wecom.config import WeComSettings
from adapters.wecom.crypto import CallbackCrypto
from adapters.wecom.limits import RecipientLimiter
from adapters.wecom.web import CallbackHandler, mount


def build_channel(config: WeComSettings, choices: ChoiceStore | None = None) -> WeComChannel:
    api = WeComApi(config.api_base_url, config.corp_id, secret(config.secret),
                   throttled_retry_seconds=config.throttled_retry_seconds)
    limiter = RecipientLimiter([(60.0, config.member_per_minute),
                                (3600.0, config.member_per_hour)])
    return WeComChannel(api, corp_id=config.corp_id, agent_id=config.agent_id, limiter=limiter,
                        choices=choices)


async def attach(host: ChannelHost, web_app: web.Application, config: WeComSettings
                 ) -> WeComChannel:
    """Mount ``GET``/``POST /wecom/callback`` on ``web_app`` and start the channel (which
    checks the CorpID and secret with a first access token)."""
    channel = build_channel(config, choices=host)
    crypto = CallbackCrypto(secret(config.token), secret(config.encoding_aes_key),
                            config.corp_id)
    translate = partial(inbound.translate, corp_id=config.corp_id, agent_id=config.agent_id)
    mount(web_app, CallbackHandler(crypto, translate, channel.receive, host,
                                   window_seconds=config.callback_window_seconds))
    await host.add_channel(channel)
    return channel

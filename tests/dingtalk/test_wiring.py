"""``esmbot serve`` wiring: DingTalk attaches only when enabled, with the right transports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from adapters.dingtalk.channel import DingTalkChannel
from adapters.dingtalk.frames import Frame
from adapters.dingtalk.stream import StreamLink
from adapters.kit.errors import SetupError
from bot.app import build_app
from bot.settings import Settings, SettingsError
from bot.web import attach_channels, make_web_app
from tests.dingtalk.conftest import dingtalk_settings
from tests.dingtalk.fake_dingtalk import OPEN_PATH, FakeDingTalk


def routes(app: web.Application) -> set[str]:
    return {r.resource.canonical for r in app.router.routes() if r.resource is not None}


async def test_nothing_is_attached_when_dingtalk_is_off(tmp_path: Path) -> None:
    bot = await build_app(Settings.model_validate(
        {"store": {"url": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"}}))
    web_app = make_web_app(bot)
    await attach_channels(bot, web_app)
    assert "dingtalk" not in bot.channels and "/dingtalk/callback" not in routes(web_app)
    await bot.close()


async def test_stream_mode_mounts_no_route(tmp_path: Path, fake_dingtalk: FakeDingTalk) -> None:
    bot = await build_app(dingtalk_settings(tmp_path, fake_dingtalk))
    web_app = make_web_app(bot)
    await attach_channels(bot, web_app)
    channel = bot.channels["dingtalk"]
    assert isinstance(channel, DingTalkChannel) and channel.link is not None
    assert "/dingtalk/callback" not in routes(web_app)
    await fake_dingtalk.wait_for_connections(1)
    await bot.close()
    assert channel.link.connections == 1


async def test_http_mode_with_a_template_streams_card_clicks_only(
    tmp_path: Path, fake_dingtalk: FakeDingTalk,
) -> None:
    bot = await build_app(dingtalk_settings(tmp_path, fake_dingtalk, mode="http"))
    web_app = make_web_app(bot)
    await attach_channels(bot, web_app)
    assert "/dingtalk/callback" in routes(web_app)
    [opened] = fake_dingtalk.calls_to(OPEN_PATH)
    assert opened.body["subscriptions"] == [
        {"type": "CALLBACK", "topic": "/v1.0/card/instances/callback"}]
    await bot.close()


async def test_a_refused_secret_stops_start_up_naming_the_key(
    tmp_path: Path, fake_dingtalk: FakeDingTalk,
) -> None:
    bot = await build_app(dingtalk_settings(tmp_path, fake_dingtalk, app_secret="wrong"))
    with pytest.raises(SettingsError, match=r"dingtalk\.app_key / dingtalk\.app_secret"):
        await attach_channels(bot, make_web_app(bot))
    await bot.close()
    assert not fake_dingtalk.calls_to(OPEN_PATH, ok=None)  # it stopped before the stream


async def test_a_gateway_that_is_down_at_start_up_is_retried_until_it_answers(
    tmp_path: Path, fake_dingtalk: FakeDingTalk,
) -> None:
    fake_dingtalk.fail_next(OPEN_PATH, status=503, code="ServiceUnavailable")
    bot = await build_app(dingtalk_settings(tmp_path, fake_dingtalk))
    await attach_channels(bot, make_web_app(bot))  # a warning, not a failure
    await fake_dingtalk.wait_for_connections(1)
    assert [c.status for c in fake_dingtalk.calls_to(OPEN_PATH, ok=None)] == [503, 200]
    await bot.close()


async def test_a_gateway_refusing_the_credentials_stops_start_up(
    fake_dingtalk: FakeDingTalk,
) -> None:
    fake_dingtalk.fail_next(OPEN_PATH, status=403, code="Forbidden.AccessDenied")
    async with aiohttp.ClientSession() as session:
        link = StreamLink(session, api_base_url=fake_dingtalk.url,
                          client_id=fake_dingtalk.app_key, client_secret="x",
                          topics=["/v1.0/im/bot/messages/get"], on_callback=never_called)
        with pytest.raises(SetupError, match=r"dingtalk\.app_key / dingtalk\.app_secret"):
            await link.start()
        await link.stop()


async def never_called(frame: Frame) -> tuple[int, Any]:
    raise AssertionError(frame)

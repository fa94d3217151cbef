"""``esmbot serve`` wiring: WeCom attaches only when enabled, and refuses bad credentials."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web

from adapters.wecom.channel import WeComChannel
from bot.app import build_app
from bot.settings import Settings, SettingsError
from bot.web import attach_channels, make_web_app
from tests.wecom.conftest import wecom_settings
from tests.wecom.fake_qyapi import FakeQyapi


def routes(app: web.Application) -> set[tuple[str, str]]:
    return {(r.method, r.resource.canonical) for r in app.router.routes()
            if r.resource is not None}


async def test_nothing_is_attached_when_wecom_is_off(tmp_path: Path) -> None:
    bot = await build_app(Settings.model_validate(
        {"store": {"url": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"}}))
    web_app = make_web_app(bot)
    await attach_channels(bot, web_app)
    assert "wecom" not in bot.channels
    assert not [r for r in routes(web_app) if r[1] == "/wecom/callback"]
    await bot.close()


async def test_enabled_mounts_the_callback_and_checks_the_secret(
    tmp_path: Path, fake_qyapi: FakeQyapi,
) -> None:
    bot = await build_app(wecom_settings(tmp_path, fake_qyapi))
    web_app = make_web_app(bot)
    await attach_channels(bot, web_app)
    assert isinstance(bot.channels["wecom"], WeComChannel)
    assert {("GET", "/wecom/callback"), ("POST", "/wecom/callback")} <= routes(web_app)
    assert len(fake_qyapi.calls_to("gettoken")) == 1
    await bot.close()


async def test_a_refused_secret_stops_start_up_naming_the_key(
    tmp_path: Path, fake_qyapi: FakeQyapi,
) -> None:
    bot = await build_app(wecom_settings(tmp_path, fake_qyapi, secret="wrong"))
    with pytest.raises(SettingsError, match=r"^wecom\.secret: WeCom refused it .*40001"):
        await attach_channels(bot, make_web_app(bot))
    await bot.close()


async def test_an_unreachable_wecom_does_not_stop_start_up(tmp_path: Path,
                                                           fake_qyapi: FakeQyapi) -> None:
    settings = wecom_settings(tmp_path, fake_qyapi, api_base_url="http://127.0.0.1:9")
    bot = await build_app(settings)
    await attach_channels(bot, make_web_app(bot))  # logged; sends retry through the outbox
    assert "wecom" in bot.channels
    await bot.close()

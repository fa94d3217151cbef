"""``esmbot serve`` wiring: Slack attaches only when enabled; Socket Mode end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aiohttp import web

from adapters.slack.channel import SlackChannel
from bot.app import build_app
from bot.settings import Settings, SettingsError
from bot.web import attach_channels, make_web_app
from tests.slack import payloads
from tests.slack.conftest import slack_settings
from tests.slack.fake_slack import FakeSlack


def routes(app: web.Application) -> set[str]:
    return {r.resource.canonical for r in app.router.routes() if r.resource is not None}


async def test_nothing_is_attached_when_slack_is_off(tmp_path: Path) -> None:
    bot = await build_app(Settings.model_validate(
        {"store": {"url": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"}}))
    web_app = make_web_app(bot)
    await attach_channels(bot, web_app)
    assert "slack" not in bot.channels and "/slack/events" not in routes(web_app)
    await bot.close()


async def test_http_mode_mounts_the_events_route(tmp_path: Path, fake_slack: FakeSlack) -> None:
    bot = await build_app(slack_settings(tmp_path, fake_slack))
    web_app = make_web_app(bot)
    await attach_channels(bot, web_app)
    assert isinstance(bot.channels["slack"], SlackChannel)
    assert "/slack/events" in routes(web_app)
    await bot.close()


async def test_a_refused_app_token_stops_start_up_naming_the_key(
    tmp_path: Path, fake_slack: FakeSlack,
) -> None:
    bot = await build_app(slack_settings(tmp_path, fake_slack, mode="socket",
                                         app_token="xapp-wrong"))
    with pytest.raises(SettingsError, match=r"slack\.app_token: Slack refused it"):
        await attach_channels(bot, make_web_app(bot))
    await bot.close()


async def test_socket_mode_takes_a_dm_acks_it_and_answers(
    tmp_path: Path, fake_slack: FakeSlack,
) -> None:
    bot = await build_app(slack_settings(tmp_path, fake_slack, mode="socket",
                                         app_token=fake_slack.app_token, signing_secret=""))
    web_app = make_web_app(bot)
    await attach_channels(bot, web_app)
    assert "/slack/events" not in routes(web_app)
    body = payloads.event_callback(payloads.dm("U01ALICE", "我要申请一台笔记本，预算8000"))
    await fake_slack.push("events_api", json.loads(json.dumps(body)), envelope_id="env-1")
    assert (await fake_slack.wait_for_ack("env-1"))["envelope_id"] == "env-1"
    channel = bot.channels["slack"]
    assert isinstance(channel, SlackChannel)
    await channel.tasks.join()
    await bot.dispatcher.drain()
    assert fake_slack.posts_to("D01ALICE")
    await bot.close()


def test_the_manifest_asks_for_what_the_adapter_uses() -> None:
    manifest = (Path(__file__).resolve().parents[2] / "adapters/slack/manifest.yaml").read_text()
    for needed in ("chat:write", "im:history", "im:write", "app_mentions:read",
                   "users:read.email", "message.im", "app_mention", "/slack/events",
                   "is_enabled: true"):
        assert needed in manifest

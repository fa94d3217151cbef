"""``esmbot doctor`` for Slack: the bot token (``auth.test``), the workspace it belongs to, and
in Socket Mode the app-level token (``apps.connections.open``, which only hands out a URL)."""

from __future__ import annotations

from typing import Any

import aiohttp

from adapters.kit.doctor import PROBE_TIMEOUT, Finding, env_name, header_time, unreachable
from adapters.kit.settings import secret
from adapters.slack.config import SlackSettings


async def findings(config: SlackSettings) -> list[Finding]:
    async with aiohttp.ClientSession(timeout=PROBE_TIMEOUT) as session:
        found = [await _bot_token(session, config)]
        if config.mode == "socket":
            app_token, _ = await _call(session, config, "apps.connections.open", "app_token",
                                       "slack: app-level token")
            found.append(app_token)
    return found


async def _bot_token(session: aiohttp.ClientSession, config: SlackSettings) -> Finding:
    seen, body = await _call(session, config, "auth.test", "bot_token", "slack: bot token")
    team = str(body.get("team_id", ""))
    if seen.ok and config.team_id and team != config.team_id:
        return Finding("slack: workspace", False, f"the bot token belongs to team {team}",
                       f"use that workspace's token, or set {env_name('slack', 'team_id')} to "
                       f"{team}", seen.platform_time)
    return seen


async def _call(session: aiohttp.ClientSession, config: SlackSettings, method: str,
                token_key: str, check: str) -> tuple[Finding, dict[str, Any]]:
    url = f"{config.api_base_url}{method}"
    token = secret(getattr(config, token_key))
    try:
        async with session.post(url, headers={"Authorization": f"Bearer {token}"}) as answer:
            body: dict[str, Any] = await answer.json(content_type=None)
            when = header_time(answer.headers)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        return unreachable(check, url, exc, env_name("slack", "api_base_url")), {}
    if not isinstance(body, dict) or not body.get("ok"):
        error = body.get("error", "not ok") if isinstance(body, dict) else "not JSON"
        return Finding(check, False, f"Slack answered {error}",
                       f"set {env_name('slack', token_key)} to the app's token", when), {}
    detail = (f"accepted (team {body.get('team_id', '?')}, bot {body.get('user_id', '?')})"
              if method == "auth.test" else "accepted")
    return Finding(check, True, detail, platform_time=when), body

"""``esmbot doctor`` for Slack: the bot token (``auth.test``), the workspace it belongs to, and
in Socket Mode the app-level token (``apps.connections.open``, which only hands out a URL)."""

from __future__ import annotations

from typing import Any

from adapters.kit.doctor import Finding, ask, env_name
from adapters.kit.settings import secret
from adapters.slack.config import SlackSettings


async def findings(config: SlackSettings) -> list[Finding]:
    found = [await _bot_token(config)]
    if config.mode == "socket":
        app_token, _ = await _call(config, "apps.connections.open", "app_token",
                                   "slack: app-level token")
        found.append(app_token)
    return found


async def _bot_token(config: SlackSettings) -> Finding:
    seen, body = await _call(config, "auth.test", "bot_token", "slack: bot token")
    team = str(body.get("team_id", ""))
    if seen.ok and config.team_id and team != config.team_id:
        return Finding("slack: workspace", False, f"the bot token belongs to team {team}",
                       f"use that workspace's token, or set {env_name('slack', 'team_id')} to "
                       f"{team}", seen.platform_time)
    return seen


async def _call(config: SlackSettings, method: str, token_key: str, check: str
                ) -> tuple[Finding, dict[str, Any]]:
    token = secret(getattr(config, token_key))
    answer = await ask(check, "POST", f"{config.api_base_url}{method}",
                       env_name("slack", "api_base_url"),
                       headers={"Authorization": f"Bearer {token}"})
    if isinstance(answer, Finding):
        return answer, {}
    body = answer.body
    if body is None or not body.get("ok"):
        error = body.get("error", "not ok") if body is not None else "not JSON"
        return Finding(check, False, f"Slack answered {error}",
                       f"set {env_name('slack', token_key)} to the app's token", answer.time), {}
    detail = (f"accepted (team {body.get('team_id', '?')}, bot {body.get('user_id', '?')})"
              if method == "auth.test" else "accepted")
    return Finding(check, True, detail, platform_time=answer.time), body

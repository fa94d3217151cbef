"""``esmbot doctor`` for DingTalk: an access token for the app's AppKey and AppSecret."""

from __future__ import annotations

from typing import Any

import aiohttp

from adapters.dingtalk.config import DingTalkSettings
from adapters.dingtalk.openapi import TOKEN_PATH
from adapters.kit.doctor import PROBE_TIMEOUT, Finding, env_name, header_time, unreachable
from adapters.kit.settings import secret

CHECK = "dingtalk: AppKey and AppSecret"


async def findings(config: DingTalkSettings) -> list[Finding]:
    url = f"{config.api_base_url}{TOKEN_PATH}"
    body = {"appKey": config.app_key, "appSecret": secret(config.app_secret)}
    try:
        async with aiohttp.ClientSession(timeout=PROBE_TIMEOUT) as session, \
                session.post(url, json=body) as answer:
            found: Any = await answer.json(content_type=None)
            when = header_time(answer.headers)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        return [unreachable(CHECK, url, exc, env_name("dingtalk", "api_base_url"))]
    if isinstance(found, dict) and found.get("accessToken"):
        return [Finding(CHECK, True, "accepted (an access token was issued)",
                        platform_time=when)]
    code = found.get("code", "?") if isinstance(found, dict) else "not JSON"
    return [Finding(CHECK, False, f"refused: {code}",
                    f"set {env_name('dingtalk', 'app_key')} and "
                    f"{env_name('dingtalk', 'app_secret')} to the app's Client ID and Client "
                    f"Secret (developer console > the app > Credentials)", when)]

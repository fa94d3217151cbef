"""``esmbot doctor`` for WeCom: ``gettoken`` with the CorpID and the app's Secret, and what each
refusal means (a wrong CorpID, a wrong Secret, this server's IP not trusted: 60020)."""

from __future__ import annotations

from typing import Any

import aiohttp

from adapters.kit.doctor import PROBE_TIMEOUT, Finding, env_name, header_time, unreachable
from adapters.kit.settings import secret
from adapters.wecom.config import WeComSettings
from adapters.wecom.errors import UNTRUSTED_IP

CHECK = "wecom: CorpID and Secret"
FIXES = {
    40013: f"set {env_name('wecom', 'corp_id')} to the CorpID in My Company > Company Info",
    40001: f"set {env_name('wecom', 'secret')} to the app's Secret (App Management > the app)",
    UNTRUSTED_IP: "add this server's public IP address to the app's Trusted IP (企业可信IP) in "
                  "App Management > the app > Trusted IP, then run esmbot doctor again",
}


async def findings(config: WeComSettings) -> list[Finding]:
    url = f"{config.api_base_url}/cgi-bin/gettoken"
    params = {"corpid": config.corp_id, "corpsecret": secret(config.secret)}
    try:
        async with aiohttp.ClientSession(timeout=PROBE_TIMEOUT) as session, \
                session.get(url, params=params) as answer:
            body: Any = await answer.json(content_type=None)
            when = header_time(answer.headers)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        return [unreachable(CHECK, url, exc, env_name("wecom", "api_base_url"))]
    code = body.get("errcode", -1) if isinstance(body, dict) else -1
    if code == 0 and body.get("access_token"):
        return [Finding(CHECK, True, "accepted (gettoken gave a token)", platform_time=when)]
    message = body.get("errmsg", "") if isinstance(body, dict) else "not JSON"
    fix = FIXES.get(code, "see WeCom's error code reference for errcode "
                          f"{code}; check {env_name('wecom', 'corp_id')} and "
                          f"{env_name('wecom', 'secret')}")
    return [Finding(CHECK, False, f"gettoken refused: errcode {code} {message}".strip(), fix,
                    when)]

"""``esmbot doctor`` for WeCom: ``gettoken`` with the CorpID and the app's Secret, and what each
refusal means (a wrong CorpID, a wrong Secret, this server's IP not trusted: 60020)."""

from __future__ import annotations

from adapters.kit.doctor import Finding, ask, env_name
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
    params = {"corpid": config.corp_id, "corpsecret": secret(config.secret)}
    answer = await ask(CHECK, "GET", f"{config.api_base_url}/cgi-bin/gettoken",
                       env_name("wecom", "api_base_url"), params=params)
    if isinstance(answer, Finding):
        return [answer]
    code = answer.get("errcode", -1)
    if code == 0 and answer.get("access_token"):
        return [Finding(CHECK, True, "accepted (gettoken gave a token)",
                        platform_time=answer.time)]
    message = answer.get("errmsg", "") if answer.body is not None else "not JSON"
    fix = FIXES.get(code, "see WeCom's error code reference for errcode "
                          f"{code}; check {env_name('wecom', 'corp_id')} and "
                          f"{env_name('wecom', 'secret')}")
    return [Finding(CHECK, False, f"gettoken refused: errcode {code} {message}".strip(), fix,
                    answer.time)]

"""``esmbot doctor`` for DingTalk: an access token for the app's AppKey and AppSecret."""

from __future__ import annotations

from adapters.dingtalk.config import DingTalkSettings
from adapters.dingtalk.openapi import TOKEN_PATH
from adapters.kit.doctor import Finding, ask, env_name
from adapters.kit.settings import secret

CHECK = "dingtalk: AppKey and AppSecret"


async def findings(config: DingTalkSettings) -> list[Finding]:
    body = {"appKey": config.app_key, "appSecret": secret(config.app_secret)}
    answer = await ask(CHECK, "POST", f"{config.api_base_url}{TOKEN_PATH}",
                       env_name("dingtalk", "api_base_url"), json=body)
    if isinstance(answer, Finding):
        return [answer]
    if answer.get("accessToken"):
        return [Finding(CHECK, True, "accepted (an access token was issued)",
                        platform_time=answer.time)]
    code = answer.get("code", "?") if answer.body is not None else "not JSON"
    return [Finding(CHECK, False, f"refused: {code}",
                    f"set {env_name('dingtalk', 'app_key')} and "
                    f"{env_name('dingtalk', 'app_secret')} to the app's Client ID and Client "
                    f"Secret (developer console > the app > Credentials)", answer.time)]

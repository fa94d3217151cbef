"""WeCom (企业微信) OAuth2 网页授权, ``snsapi_base``: the browser goes to
``open.weixin.qq.com/connect/oauth2/authorize`` (inside WeCom it comes back at once, without a
question), then ``GET /cgi-bin/auth/getuserinfo?access_token=&code=`` names the member
(``userid``; a visitor from outside the company gets an ``openid`` only, and is refused)."""

from __future__ import annotations

from urllib.parse import urlencode

import aiohttp

from adapters.kit.settings import secret
from adapters.wecom.config import WeComSettings
from bot.console.sso.providers import Attempt, SsoRefused, get_json


class WeComSignIn:
    name = "wecom"

    def __init__(self, settings: WeComSettings) -> None:
        self.settings = settings

    def authorize_url(self, *, redirect_uri: str, state: str, nonce: str) -> str:
        query = urlencode({"appid": self.settings.corp_id, "redirect_uri": redirect_uri,
                           "response_type": "code", "scope": "snsapi_base", "state": state,
                           "agentid": str(self.settings.agent_id)})
        return f"{self.settings.oauth_authorize_url}?{query}#wechat_redirect"

    async def user_id(self, http: aiohttp.ClientSession, attempt: Attempt) -> str:
        token = await self._access_token(http)
        info = await get_json(http, self.name, self._url("auth/getuserinfo"),
                              params={"access_token": token, "code": attempt.code})
        _check(info, "getuserinfo")
        userid = str(info.get("userid") or info.get("UserId") or "")
        if not userid:  # a WeChat user outside the company: openid / external_userid only
            raise SsoRefused("not_member", "wecom: getuserinfo named no member (userid)")
        return userid

    async def _access_token(self, http: aiohttp.ClientSession) -> str:
        answer = await get_json(http, self.name, self._url("gettoken"), params={
            "corpid": self.settings.corp_id, "corpsecret": secret(self.settings.secret)})
        _check(answer, "gettoken")
        return str(answer.get("access_token") or "")

    def _url(self, path: str) -> str:
        return f"{self.settings.api_base_url}/cgi-bin/{path}"


def _check(answer: dict[str, object], call: str) -> None:
    errcode = answer.get("errcode", 0)
    if errcode not in (0, None):
        raise SsoRefused("platform", f"wecom {call}: errcode {errcode}")

"""DingTalk (钉钉) browser OAuth2: ``login.dingtalk.com/oauth2/auth`` gives an ``authCode``;
``POST /v1.0/oauth2/userAccessToken`` turns it into the person's token; ``GET
/v1.0/contact/users/me`` names their ``unionId``; the directory knows people by ``userid``
(the robot's ``senderStaffId``), so ``POST oapi /topapi/user/getbyunionid`` with the app's
token gives it (``errcode`` 60121: not in this organisation)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import aiohttp

from adapters.dingtalk.config import DingTalkSettings
from adapters.kit.settings import secret
from bot.console.sso.providers import Attempt, SsoRefused, get_json, post_json

NOT_IN_ORGANISATION = 60121


class DingTalkSignIn:
    name = "dingtalk"

    def __init__(self, settings: DingTalkSettings) -> None:
        self.settings = settings

    def authorize_url(self, *, redirect_uri: str, state: str, nonce: str) -> str:
        query = urlencode({"redirect_uri": redirect_uri, "response_type": "code",
                           "client_id": self.settings.app_key, "scope": "openid",
                           "state": state, "prompt": "consent"})
        return f"{self.settings.login_base_url}/oauth2/auth?{query}"

    async def user_id(self, http: aiohttp.ClientSession, attempt: Attempt) -> str:
        user_token = await self._user_token(http, attempt.code)
        me = await get_json(http, self.name, self._api("/v1.0/contact/users/me"),
                            headers={"x-acs-dingtalk-access-token": user_token})
        union_id = str(me.get("unionId") or "")
        if not union_id:
            raise SsoRefused("platform", f"dingtalk users/me: {_code(me)}")
        return await self._userid_of(http, union_id)

    async def _user_token(self, http: aiohttp.ClientSession, code: str) -> str:
        answer = await post_json(http, self.name, self._api("/v1.0/oauth2/userAccessToken"),
                                 json={"clientId": self.settings.app_key,
                                       "clientSecret": secret(self.settings.app_secret),
                                       "code": code, "grantType": "authorization_code"})
        token = str(answer.get("accessToken") or "")
        if not token:
            raise SsoRefused("platform", f"dingtalk userAccessToken: {_code(answer)}")
        return token

    async def _userid_of(self, http: aiohttp.ClientSession, union_id: str) -> str:
        app_token = await self._app_token(http)
        answer = await post_json(
            http, self.name, f"{self.settings.oapi_base_url}/topapi/user/getbyunionid",
            params={"access_token": app_token}, json={"unionid": union_id})
        if answer.get("errcode") == NOT_IN_ORGANISATION:
            raise SsoRefused("not_member", "dingtalk getbyunionid: 60121 (not in the company)")
        userid = str((answer.get("result") or {}).get("userid") or "")
        if answer.get("errcode") not in (0, None) or not userid:
            raise SsoRefused("platform", f"dingtalk getbyunionid: errcode "
                                         f"{answer.get('errcode')}")
        return userid

    async def _app_token(self, http: aiohttp.ClientSession) -> str:
        answer = await post_json(http, self.name, self._api("/v1.0/oauth2/accessToken"),
                                 json={"appKey": self.settings.app_key,
                                       "appSecret": secret(self.settings.app_secret)})
        token = str(answer.get("accessToken") or "")
        if not token:
            raise SsoRefused("platform", f"dingtalk accessToken: {_code(answer)}")
        return token

    def _api(self, path: str) -> str:
        return f"{self.settings.api_base_url}{path}"


def _code(answer: dict[str, Any]) -> str:
    return str(answer.get("code") or answer.get("errcode") or "no answer")

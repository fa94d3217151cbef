"""Sign in with Slack (OpenID Connect): ``/openid/connect/authorize`` (with ``nonce`` and, when
``[slack] team_id`` is set, ``team``), then ``POST openid.connect.token`` gives an ``id_token``
checked here (RS256 against Slack's JWKS, ``iss`` https://slack.com, ``aud`` our client id,
our nonce, unexpired, the workspace ours); its ``https://slack.com/user_id`` is the person."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import aiohttp

from adapters.kit.settings import secret
from adapters.slack.config import SlackSettings
from bot.console.sso import id_token
from bot.console.sso.providers import Attempt, SsoRefused, get_json, post_json

ISSUER = "https://slack.com"
USER_CLAIM = "https://slack.com/user_id"
TEAM_CLAIM = "https://slack.com/team_id"


class SlackSignIn:
    name = "slack"

    def __init__(self, settings: SlackSettings) -> None:
        self.settings = settings
        self._team = settings.team_id

    def authorize_url(self, *, redirect_uri: str, state: str, nonce: str) -> str:
        query = {"response_type": "code", "scope": "openid profile email",
                 "client_id": self.settings.client_id, "state": state, "nonce": nonce,
                 "redirect_uri": redirect_uri}
        if self.settings.team_id:
            query["team"] = self.settings.team_id
        return f"{self.settings.openid_base_url}authorize?{urlencode(query)}"

    async def user_id(self, http: aiohttp.ClientSession, attempt: Attempt) -> str:
        token = await self._id_token(http, attempt)
        jwks = await get_json(http, self.name, f"{self.settings.openid_base_url}keys")
        claims = id_token.verified_claims(token, jwks)
        id_token.check_claims(claims, issuer=ISSUER, audience=self.settings.client_id,
                              nonce=attempt.nonce, now=attempt.now)
        team = await self._workspace(http)
        if claims.get(TEAM_CLAIM) != team:
            raise SsoRefused("other_workspace", f"slack: team {claims.get(TEAM_CLAIM)!r}")
        user = str(claims.get(USER_CLAIM) or "")
        if not user:
            raise SsoRefused("platform", "slack: the id_token names no user")
        return user

    async def _id_token(self, http: aiohttp.ClientSession, attempt: Attempt) -> str:
        answer = await post_json(http, self.name, self._api("openid.connect.token"), data={
            "client_id": self.settings.client_id,
            "client_secret": secret(self.settings.client_secret),
            "code": attempt.code, "redirect_uri": attempt.redirect_uri,
            "grant_type": "authorization_code"})
        token = str(answer.get("id_token") or "")
        if not answer.get("ok") or not token:
            raise SsoRefused("platform", f"slack openid.connect.token: {_error(answer)}")
        return token

    async def _workspace(self, http: aiohttp.ClientSession) -> str:
        """``[slack] team_id``, else the bot token's workspace (auth.test, asked once)."""
        if not self._team:
            answer = await post_json(http, self.name, self._api("auth.test"), headers={
                "Authorization": f"Bearer {secret(self.settings.bot_token)}"})
            self._team = str(answer.get("team_id") or "")
            if not self._team:
                raise SsoRefused("unreachable", f"slack auth.test: {_error(answer)}")
        return self._team

    def _api(self, method: str) -> str:
        return f"{self.settings.api_base_url}{method}"


def _error(answer: dict[str, Any]) -> str:
    return str(answer.get("error") or "no answer")

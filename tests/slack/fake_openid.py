""""Sign in with Slack" (OpenID Connect) on the fake Slack, for the console's single sign-on.

``GET /openid/connect/authorize`` (the person ``at_browser`` names has agreed: straight back to
``redirect_uri`` with a ``code`` bound to the ``client_id``, ``redirect_uri`` and ``nonce``
asked for), ``POST /api/openid.connect.token`` (``invalid_client_id``, ``bad_client_secret``,
``invalid_code`` for a code unknown, used or of another app, ``bad_redirect_uri``; else an
``id_token`` signed RS256 with this fake's key) and ``GET /openid/connect/keys`` (its JWKS).

    fake.openid.at_browser = ("U01ALICE", "T0DEMO")     # who is signed in, in which workspace
    fake.openid.tamper = {"aud": "another-app"}         # claims to change in the next token
    fake.openid.clock = lambda: bot_clock().timestamp() # iat/exp as the bot's clock reads
"""

from __future__ import annotations

import base64
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import yarl
from aiohttp import web
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

ISSUER = "https://slack.com"
KEY_ID = "fake-slack-key-1"


@dataclass(frozen=True)
class Grant:
    user: str
    team: str
    client_id: str
    redirect_uri: str
    nonce: str


@dataclass
class FakeSlackOpenID:
    client_id: str = "1234567890.0987654321"
    client_secret: str = "test-client-secret"
    at_browser: tuple[str, str] = ("", "")  # (user id, team id) signed in where the browser is
    tamper: dict[str, Any] = field(default_factory=dict)
    clock: Callable[[], float] = time.time
    exchanges: list[dict[str, str]] = field(default_factory=list)  # token calls (no secrets)
    _grants: dict[str, Grant] = field(default_factory=dict)
    _spent: set[str] = field(default_factory=set)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def mount(self, app: web.Application) -> None:
        """Add the routes (before the Web API's catch-all ``/api/{method}``)."""
        app.router.add_get("/openid/connect/authorize", self._authorize)
        app.router.add_get("/openid/connect/keys", self._keys)
        app.router.add_post("/api/openid.connect.token", self._token)

    def code_for(self, user: str, team: str, *, client_id: str | None = None,
                 redirect_uri: str = "", nonce: str = "") -> str:
        code = f"oidc-{next(self._ids)}"
        self._grants[code] = Grant(user, team, client_id or self.client_id, redirect_uri, nonce)
        return code

    @cached_property
    def key(self) -> rsa.RSAPrivateKey:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def id_token(self, grant: Grant, *, key: rsa.RSAPrivateKey | None = None) -> str:
        now = int(self.clock())
        claims = {"iss": ISSUER, "sub": grant.user, "aud": grant.client_id, "exp": now + 300,
                  "iat": now, "auth_time": now, "nonce": grant.nonce,
                  "https://slack.com/user_id": grant.user,
                  "https://slack.com/team_id": grant.team, "email": f"{grant.user}@example.com",
                  "email_verified": True, "name": grant.user, **self.tamper}
        self.tamper = {}
        return sign_jwt({"alg": "RS256", "kid": KEY_ID, "typ": "JWT"}, claims, key or self.key)

    async def _authorize(self, request: web.Request) -> web.Response:
        query = request.query
        if query.get("client_id") != self.client_id:
            return web.Response(status=400, text="invalid_client_id")
        if query.get("response_type") != "code" or "openid" not in query.get("scope", ""):
            return web.Response(status=400, text="response_type=code&scope=openid")
        user, team = self.at_browser
        code = self.code_for(user, team, redirect_uri=query.get("redirect_uri", ""),
                             nonce=query.get("nonce", ""))
        back = yarl.URL(query["redirect_uri"]).update_query(code=code, state=query["state"])
        raise web.HTTPFound(str(back))

    async def _keys(self, _request: web.Request) -> web.Response:
        numbers = self.key.public_key().public_numbers()
        return web.json_response({"keys": [{
            "kty": "RSA", "kid": KEY_ID, "alg": "RS256", "use": "sig",
            "n": _b64_int(numbers.n), "e": _b64_int(numbers.e)}]})

    async def _token(self, request: web.Request) -> web.Response:
        form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        self.exchanges.append({k: v for k, v in form.items() if k != "client_secret"})
        return web.json_response(self._exchange(form))

    def _exchange(self, form: dict[str, str]) -> dict[str, Any]:
        if form.get("client_id") != self.client_id:
            return {"ok": False, "error": "invalid_client_id"}
        if form.get("client_secret") != self.client_secret:
            return {"ok": False, "error": "bad_client_secret"}
        code = form.get("code", "")
        grant = self._grants.get(code)
        if grant is None or code in self._spent or grant.client_id != self.client_id:
            return {"ok": False, "error": "invalid_code"}
        if grant.redirect_uri != form.get("redirect_uri", ""):
            return {"ok": False, "error": "bad_redirect_uri"}
        self._spent.add(code)
        return {"ok": True, "access_token": f"xoxp-oidc-{next(self._ids)}",
                "token_type": "Bearer", "id_token": self.id_token(grant)}


def sign_jwt(header: dict[str, Any], claims: dict[str, Any], key: rsa.RSAPrivateKey) -> str:
    signing_input = f"{_b64_json(header)}.{_b64_json(claims)}"
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64(signature)}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64_json(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


def _b64_int(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))

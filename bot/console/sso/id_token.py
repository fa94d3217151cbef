"""An OpenID Connect ID token (a JWT) checked as Slack signs it: RS256 with a key from its
JWKS (``/openid/connect/keys``), then its claims: issuer, audience, nonce, expiry. Verified
with ``cryptography`` (already a dependency), no JWT library."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from bot.console.sso.providers import SsoRefused

LEEWAY = timedelta(seconds=60)  # clock skew between Slack and this server


def unverified_header(token: str) -> dict[str, Any]:
    return _json_part(_parts(token)[0])


def verified_claims(token: str, jwks: dict[str, Any]) -> dict[str, Any]:
    """The claims of ``token`` if one of ``jwks``' RSA keys signed it with RS256."""
    header_b64, claims_b64, signature_b64 = _parts(token)
    header = _json_part(header_b64)
    if header.get("alg") != "RS256":
        raise SsoRefused("platform", f"id_token alg {header.get('alg')!r}, not RS256")
    key = _key(jwks, str(header.get("kid") or ""))
    try:
        key.verify(_b64(signature_b64), f"{header_b64}.{claims_b64}".encode("ascii"),
                   padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise SsoRefused("platform", "id_token signature does not verify") from None
    return _json_part(claims_b64)


def check_claims(claims: dict[str, Any], *, issuer: str, audience: str, nonce: str,
                 now: datetime) -> None:
    if claims.get("iss") != issuer:
        raise SsoRefused("platform", f"id_token iss {claims.get('iss')!r}")
    audiences = claims.get("aud")
    if audience not in (audiences if isinstance(audiences, list) else [audiences]):
        raise SsoRefused("platform", "id_token aud is another app")
    if not nonce or claims.get("nonce") != nonce:
        raise SsoRefused("platform", "id_token nonce is not this sign-in's")
    expires = claims.get("exp")
    if not isinstance(expires, int | float) or \
            now - LEEWAY >= datetime.fromtimestamp(expires, now.tzinfo):
        raise SsoRefused("platform", "id_token expired")


def _parts(token: str) -> tuple[str, str, str]:
    parts = token.split(".")
    if len(parts) != 3:
        raise SsoRefused("platform", "id_token is not a JWT")
    return parts[0], parts[1], parts[2]


def _json_part(part: str) -> dict[str, Any]:
    try:
        value = json.loads(_b64(part))
    except ValueError:
        raise SsoRefused("platform", "id_token part is not JSON") from None
    if not isinstance(value, dict):
        raise SsoRefused("platform", "id_token part is not an object")
    return value


def _b64(part: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise SsoRefused("platform", "id_token is not base64url") from None


def _key(jwks: dict[str, Any], kid: str) -> rsa.RSAPublicKey:
    for jwk in jwks.get("keys") or []:
        if isinstance(jwk, dict) and jwk.get("kty") == "RSA" and jwk.get("kid") == kid:
            return rsa.RSAPublicNumbers(_integer(jwk.get("e")), _integer(jwk.get("n"))) \
                .public_key()
    raise SsoRefused("platform", f"id_token key {kid!r} is not in Slack's JWKS")


def _integer(value: object) -> int:
    return int.from_bytes(_b64(str(value or "")), "big")

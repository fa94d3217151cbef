"""The ``[wecom]`` settings section: declared here once, read by ``bot.settings`` and by the
adapter as is (``ESMBOT_WECOM__<KEY>`` overrides a key). Secrets are ``SecretStr``."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from pydantic import Field, SecretStr, ValidationInfo, field_validator

from adapters.kit.settings import Section, base_url, required_when_enabled

DEFAULT_API_BASE_URL = "https://qyapi.weixin.qq.com"
DEFAULT_OAUTH_URL = "https://open.weixin.qq.com/connect/oauth2/authorize"


class WeComSettings(Section):
    """The WeCom (企业微信) self-built app: callbacks at /wecom/callback, the qyapi API out.

    Secrets are SecretStr. The member limits default to WeCom's own (30 a minute and 1,000 an
    hour per member, beyond which WeCom drops messages without an error); they may be lowered.
    """

    enabled: bool = False
    corp_id: str = Field(default="", validate_default=True)
    agent_id: int = Field(default=0, ge=0, validate_default=True)
    # without /cgi-bin: paths are added as /cgi-bin/...
    api_base_url: Annotated[str, base_url(DEFAULT_API_BASE_URL, drop="/cgi-bin")] = \
        DEFAULT_API_BASE_URL
    # Web console single sign-on (OAuth2 网页授权): where WeCom's authorize page is.
    oauth_authorize_url: Annotated[str, base_url(DEFAULT_OAUTH_URL)] = DEFAULT_OAUTH_URL
    member_per_minute: int = Field(default=30, ge=1, le=30)
    member_per_hour: int = Field(default=1000, ge=1, le=1000)
    throttled_retry_seconds: float = Field(default=60.0, gt=0, le=3600)
    # How far a callback's signed timestamp may be from our clock; a nonce is taken once in it.
    callback_window_seconds: int = Field(default=300, ge=10, le=3600)
    secret: SecretStr = Field(default=SecretStr(""), validate_default=True)
    token: SecretStr = Field(default=SecretStr(""), validate_default=True)
    encoding_aes_key: SecretStr = Field(default=SecretStr(""), validate_default=True)

    @field_validator("corp_id")
    @classmethod
    def _required_corp_id(cls, value: str, info: ValidationInfo) -> str:
        required_when_enabled("wecom", info, bool(value.strip()),
                              ": the CorpID (ww...) from My Company > Company Info")
        return value.strip()

    @field_validator("agent_id")
    @classmethod
    def _required_agent_id(cls, value: int, info: ValidationInfo) -> int:
        required_when_enabled("wecom", info, value > 0, ": the app's AgentId, e.g. 1000002")
        return value

    @field_validator("secret", "token", "encoding_aes_key")
    @classmethod
    def _required_secret(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        secret = value.get_secret_value()
        required_when_enabled("wecom", info, bool(secret))
        if secret and info.field_name == "encoding_aes_key" and not _is_aes_key(secret):
            raise ValueError("must be the 43-character EncodingAESKey shown where the callback "
                             "URL is set (letters and digits)")
        return value


def _is_aes_key(value: str) -> bool:
    """WeCom's EncodingAESKey: 43 base64 characters that decode (with "=") to 32 bytes."""
    if len(value) != 43:
        return False
    try:
        return len(base64.b64decode(value + "=", validate=True)) == 32
    except (binascii.Error, ValueError):
        return False

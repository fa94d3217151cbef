"""The ``[wecom]`` settings section: declared here once, read by ``bot.settings`` and by the
adapter as is (``ESMBOT_WECOM__<KEY>`` overrides a key). Secrets are ``SecretStr``."""

from __future__ import annotations

import base64
import binascii

from pydantic import Field, SecretStr, ValidationInfo, field_validator

from adapters.kit.settings import Section, http_url

DEFAULT_API_BASE_URL = "https://qyapi.weixin.qq.com"


class WeComSettings(Section):
    """The WeCom (企业微信) self-built app: callbacks at /wecom/callback, the qyapi API out.

    Secrets are SecretStr. The member limits default to WeCom's own (30 a minute and 1,000 an
    hour per member, beyond which WeCom drops messages without an error); they may be lowered.
    """

    enabled: bool = False
    corp_id: str = Field(default="", validate_default=True)
    agent_id: int = Field(default=0, ge=0, validate_default=True)
    api_base_url: str = DEFAULT_API_BASE_URL  # without /cgi-bin: paths add it
    member_per_minute: int = Field(default=30, ge=1, le=30)
    member_per_hour: int = Field(default=1000, ge=1, le=1000)
    throttled_retry_seconds: float = Field(default=60.0, gt=0, le=3600)
    secret: SecretStr = Field(default=SecretStr(""), validate_default=True)
    token: SecretStr = Field(default=SecretStr(""), validate_default=True)
    encoding_aes_key: SecretStr = Field(default=SecretStr(""), validate_default=True)

    @field_validator("api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        # paths are added as /cgi-bin/...
        return http_url(value, DEFAULT_API_BASE_URL).rstrip("/").removesuffix("/cgi-bin")

    @field_validator("corp_id")
    @classmethod
    def _required_corp_id(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("enabled") and not value.strip():
            raise ValueError("required when [wecom] enabled = true: the CorpID (ww...) from "
                             "My Company > Company Info (set it here or in "
                             "ESMBOT_WECOM__CORP_ID)")
        return value.strip()

    @field_validator("agent_id")
    @classmethod
    def _required_agent_id(cls, value: int, info: ValidationInfo) -> int:
        if info.data.get("enabled") and value <= 0:
            raise ValueError("required when [wecom] enabled = true: the app's AgentId, e.g. "
                             "1000002 (set it here or in ESMBOT_WECOM__AGENT_ID)")
        return value

    @field_validator("secret", "token", "encoding_aes_key")
    @classmethod
    def _required_secret(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        name = str(info.field_name)
        secret = value.get_secret_value()
        if not secret and info.data.get("enabled"):
            raise ValueError(f"required when [wecom] enabled = true (set it here or in "
                             f"ESMBOT_WECOM__{name.upper()})")
        if secret and name == "encoding_aes_key" and not _is_aes_key(secret):
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

"""The ``[slack]`` settings section: declared here once, read by ``bot.settings`` and by the
adapter as is (``ESMBOT_SLACK__<KEY>`` overrides a key). Secrets are ``SecretStr``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator

from adapters.kit.settings import Section, http_url

DEFAULT_API_BASE_URL = "https://slack.com/api/"


class SlackSettings(Section):
    """The Slack app: HTTP (Events API + interactivity) or Socket Mode. Secrets are SecretStr."""

    enabled: bool = False
    mode: Literal["http", "socket"] = "http"
    api_base_url: str = DEFAULT_API_BASE_URL
    bot_user_id: str = ""
    bot_token: SecretStr = Field(default=SecretStr(""), validate_default=True)
    signing_secret: SecretStr = Field(default=SecretStr(""), validate_default=True)
    app_token: SecretStr = Field(default=SecretStr(""), validate_default=True)

    @field_validator("api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = http_url(value, DEFAULT_API_BASE_URL)
        return value if value.endswith("/") else value + "/"  # urljoin drops a last segment

    @field_validator("bot_token", "signing_secret", "app_token")
    @classmethod
    def _required_secret(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        if value.get_secret_value() or not info.data.get("enabled"):
            return value
        mode = info.data.get("mode")
        needed = {"bot_token": True, "signing_secret": mode == "http",
                  "app_token": mode == "socket"}[str(info.field_name)]
        if needed:
            env = f"ESMBOT_SLACK__{str(info.field_name).upper()}"
            raise ValueError(f"required when [slack] enabled = true and mode = {mode!r} "
                             f"(set it here or in {env})")
        return value

"""The ``[slack]`` settings section: declared here once, read by ``bot.settings`` and by the
adapter as is (``ESMBOT_SLACK__<KEY>`` overrides a key). Secrets are ``SecretStr``."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator

from adapters.kit.settings import Section, base_url, required_when_enabled

DEFAULT_API_BASE_URL = "https://slack.com/api/"


class SlackSettings(Section):
    """The Slack app: HTTP (Events API + interactivity) or Socket Mode. Secrets are SecretStr."""

    enabled: bool = False
    mode: Literal["http", "socket"] = "http"
    api_base_url: Annotated[str, base_url(DEFAULT_API_BASE_URL, slash=True)] = \
        DEFAULT_API_BASE_URL
    bot_user_id: str = ""
    team_id: str = ""  # empty: the bot token's workspace; requests for another are refused
    app_id: str = ""  # "Basic Information" > App ID; when set, other apps' requests are refused
    bot_token: SecretStr = Field(default=SecretStr(""), validate_default=True)
    signing_secret: SecretStr = Field(default=SecretStr(""), validate_default=True)
    app_token: SecretStr = Field(default=SecretStr(""), validate_default=True)
    # "Sign in with Slack" (OpenID Connect) into the web console: "Basic Information > App
    # Credentials" Client ID and Client Secret. Both empty: no Slack button on the sign-in page.
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")

    @field_validator("bot_token", "signing_secret", "app_token")
    @classmethod
    def _required_secret(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        mode = info.data.get("mode")
        needed = {"bot_token": True, "signing_secret": mode == "http",
                  "app_token": mode == "socket"}[str(info.field_name)]
        present = bool(value.get_secret_value()) or not needed
        required_when_enabled("slack", info, present, f" and mode = {mode!r}")
        return value

    @property
    def openid_base_url(self) -> str:
        """Where Slack's OpenID Connect pages live (authorize, keys): the Web API's host."""
        return self.api_base_url.removesuffix("/").removesuffix("/api") + "/openid/connect/"

    @property
    def signs_in(self) -> bool:
        """"Sign in with Slack" is set up (client id and secret)."""
        return bool(self.client_id and self.client_secret.get_secret_value())

"""The ``[dingtalk]`` settings section: declared here once, read by ``bot.settings`` and by the
adapter as is (``ESMBOT_DINGTALK__<KEY>`` overrides a key). The app secret is a ``SecretStr``."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator

from adapters.kit.settings import Section, base_url, required_when_enabled

DEFAULT_API_BASE_URL = "https://api.dingtalk.com"
# Where DingTalk's sessionWebhooks live; one in a message pointing anywhere else is not used.
DEFAULT_LOGIN_BASE_URL = "https://login.dingtalk.com"
DEFAULT_OAPI_BASE_URL = "https://oapi.dingtalk.com"
DEFAULT_SESSION_WEBHOOK_URL = "https://oapi.dingtalk.com/robot/sendBySession"


class DingTalkSettings(Section):
    """The DingTalk (钉钉) enterprise-internal app robot: stream mode (no public URL) or HTTP
    callbacks at /dingtalk/callback; the OpenAPI out. The app secret is a SecretStr."""

    enabled: bool = False
    mode: Literal["stream", "http"] = "stream"
    app_key: str = Field(default="", validate_default=True)
    app_secret: SecretStr = Field(default=SecretStr(""), validate_default=True)
    robot_code: str = ""  # empty: the app_key (the robot code of the app's own robot)
    card_template_id: str = ""  # empty: cards as markdown with numbered replies
    api_base_url: Annotated[str, base_url(DEFAULT_API_BASE_URL)] = DEFAULT_API_BASE_URL
    # Web console single sign-on: the browser OAuth2 login page, and the old API (a unionId to
    # the userid the directory knows).
    login_base_url: Annotated[str, base_url(DEFAULT_LOGIN_BASE_URL)] = DEFAULT_LOGIN_BASE_URL
    oapi_base_url: Annotated[str, base_url(DEFAULT_OAPI_BASE_URL)] = DEFAULT_OAPI_BASE_URL
    # HTTP mode: how far a request's signed timestamp may be from our clock. DingTalk signs
    # when it sends (and allows an hour); minutes cover clock skew and a slow network.
    callback_window_seconds: int = Field(default=300, ge=10, le=3600)
    session_webhook_url: Annotated[str, base_url(DEFAULT_SESSION_WEBHOOK_URL)] = \
        DEFAULT_SESSION_WEBHOOK_URL

    @field_validator("app_key")
    @classmethod
    def _required_app_key(cls, value: str, info: ValidationInfo) -> str:
        required_when_enabled("dingtalk", info, bool(value.strip()),
                              ": the app's AppKey (Client ID)")
        return value.strip()

    @field_validator("app_secret")
    @classmethod
    def _required_app_secret(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        required_when_enabled("dingtalk", info, bool(value.get_secret_value()),
                              ": the app's AppSecret (Client Secret)")
        return value

    @property
    def robot(self) -> str:
        return self.robot_code or self.app_key

"""Configuration: a TOML file, overridden by ``ESMBOT_<SECTION>__<KEY>`` environment variables.

Pydantic lives here, at the edge. A bad value stops start-up with the key and the reason.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)

ENV_PREFIX = "ESMBOT_"
DEFAULT_CONFIG_FILES = ("config.toml", "esmbot.toml")


class SettingsError(Exception):
    """Raised with one line per bad key: ``store.url: <reason>``."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StoreSettings(_Section):
    url: str = "sqlite+aiosqlite:///.esmbot/esmbot.db"

    @field_validator("url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "use sqlite+aiosqlite:///path/to/file.db or postgresql+asyncpg://user@host/db"
            )
        return value


class PathSettings(_Section):
    path: str = ""  # empty: the demo content shipped with esmbot


class ServerSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)  # processes sharing the port (bot/workers.py)


class BotSettings(_Section):
    default_locale: Literal["zh", "en"] = "zh"
    dialog_timeout_minutes: int = Field(default=30, ge=1, le=10080)
    timezone: str = "Asia/Shanghai"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(value)
        except (KeyError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Shanghai)") from exc
        return value


class OutboxSettings(_Section):
    max_attempts: int = Field(default=8, ge=1, le=100)
    poll_seconds: float = Field(default=2.0, gt=0, le=60)
    batch_size: int = Field(default=50, ge=1, le=1000)


class TimerSettings(_Section):
    """The timer sweeper: how often it looks, how long its claims and leader lease last."""

    sweep_seconds: float = Field(default=2.0, gt=0, le=3600)
    lease_seconds: float = Field(default=60.0, gt=0, le=86400)
    batch_size: int = Field(default=200, ge=1, le=10000)
    max_attempts: int = Field(default=5, ge=1, le=100)

    @field_validator("lease_seconds")
    @classmethod
    def _outlasts_a_sweep(cls, value: float, info: ValidationInfo) -> float:
        sweep = info.data.get("sweep_seconds")
        if sweep is not None and value <= sweep:
            raise ValueError(f"must be longer than sweep_seconds ({sweep}), or the leader "
                             "lease runs out between two sweeps")
        return value


class LoggingSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class SlackSettings(_Section):
    """The Slack app: HTTP (Events API + interactivity) or Socket Mode. Secrets are SecretStr."""

    enabled: bool = False
    mode: Literal["http", "socket"] = "http"
    api_base_url: str = "https://slack.com/api/"
    bot_user_id: str = ""
    bot_token: SecretStr = Field(default=SecretStr(""), validate_default=True)
    signing_secret: SecretStr = Field(default=SecretStr(""), validate_default=True)
    app_token: SecretStr = Field(default=SecretStr(""), validate_default=True)

    @field_validator("api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("use an http(s) URL such as https://slack.com/api/")
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


class WeComSettings(_Section):
    """The WeCom (企业微信) self-built app: callbacks at /wecom/callback, the qyapi API out.

    Secrets are SecretStr. The member limits default to WeCom's own (30 a minute and 1,000 an
    hour per member, beyond which WeCom drops messages without an error); they may be lowered.
    """

    enabled: bool = False
    corp_id: str = Field(default="", validate_default=True)
    agent_id: int = Field(default=0, ge=0, validate_default=True)
    api_base_url: str = "https://qyapi.weixin.qq.com"
    member_per_minute: int = Field(default=30, ge=1, le=30)
    member_per_hour: int = Field(default=1000, ge=1, le=1000)
    throttled_retry_seconds: float = Field(default=60.0, gt=0, le=3600)
    secret: SecretStr = Field(default=SecretStr(""), validate_default=True)
    token: SecretStr = Field(default=SecretStr(""), validate_default=True)
    encoding_aes_key: SecretStr = Field(default=SecretStr(""), validate_default=True)

    @field_validator("api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("use an http(s) URL such as https://qyapi.weixin.qq.com")
        return value.rstrip("/").removesuffix("/cgi-bin")  # paths are added as /cgi-bin/...

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
    import base64
    import binascii

    if len(value) != 43:
        return False
    try:
        return len(base64.b64decode(value + "=", validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


class DingTalkSettings(_Section):
    """The DingTalk (钉钉) enterprise-internal app robot: stream mode (no public URL) or HTTP
    callbacks at /dingtalk/callback; the OpenAPI out. The app secret is a SecretStr."""

    enabled: bool = False
    mode: Literal["stream", "http"] = "stream"
    app_key: str = Field(default="", validate_default=True)
    app_secret: SecretStr = Field(default=SecretStr(""), validate_default=True)
    robot_code: str = ""  # empty: the app_key (the robot code of the app's own robot)
    card_template_id: str = ""  # empty: cards as markdown with numbered replies
    api_base_url: str = "https://api.dingtalk.com"

    @field_validator("api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("use an http(s) URL such as https://api.dingtalk.com")
        return value.rstrip("/")

    @field_validator("app_key")
    @classmethod
    def _required_app_key(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("enabled") and not value.strip():
            raise ValueError("required when [dingtalk] enabled = true: the app's AppKey "
                             "(Client ID) (set it here or in ESMBOT_DINGTALK__APP_KEY)")
        return value.strip()

    @field_validator("app_secret")
    @classmethod
    def _required_app_secret(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        if info.data.get("enabled") and not value.get_secret_value():
            raise ValueError("required when [dingtalk] enabled = true: the app's AppSecret "
                             "(Client Secret) (set it here or in ESMBOT_DINGTALK__APP_SECRET)")
        return value


class PolicySettings(_Section):
    """Reminders and escalations; a service package's [policies] table overrides the times."""

    approval_reminder: str = "4bh"
    approval_escalation: str = "1bd"
    task_reminder_before: str = "1bh"
    task_escalation_after: str = "4bh"
    confirm_timeout: str = "5bd"
    calendar: str = "cn-office"  # counts business durations of services without [sla] calendar
    quiet_hours: str = "21:00-08:00"  # in each person's time zone; "" for none
    digest_time: str = "09:00"  # morning digests, in each person's time zone

    @field_validator("approval_reminder", "approval_escalation", "task_reminder_before",
                     "task_escalation_after", "confirm_timeout")
    @classmethod
    def _duration(cls, value: str) -> str:
        from org.durations import parse_duration

        parse_duration(value)
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        from bot.timekeeping.policy import parse_quiet_hours

        parse_quiet_hours(value)
        return value

    @field_validator("digest_time")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        from datetime import time

        try:
            time.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not HH:MM, e.g. 09:00") from None
        return value

    def durations(self) -> dict[str, str]:
        return self.model_dump()


class AuditSettings(_Section):
    """Anchors of the audit trail (``store/anchors.py``): the secret that signs them, the file
    ``esmbot audit anchor`` appends to by default, and the role told of each day's anchor."""

    anchor_secret: SecretStr = SecretStr("")
    anchor_file: str = ".esmbot/audit-anchors.jsonl"
    anchor_role: str = "governance"


class Settings(_Section):
    store: StoreSettings = StoreSettings()
    catalog: PathSettings = PathSettings()
    directory: PathSettings = PathSettings()
    calendars: PathSettings = PathSettings()
    server: ServerSettings = ServerSettings()
    bot: BotSettings = BotSettings()
    outbox: OutboxSettings = OutboxSettings()
    timers: TimerSettings = TimerSettings()
    logging: LoggingSettings = LoggingSettings()
    policies: PolicySettings = PolicySettings()
    audit: AuditSettings = AuditSettings()
    slack: SlackSettings = SlackSettings()
    wecom: WeComSettings = WeComSettings()
    dingtalk: DingTalkSettings = DingTalkSettings()


def load_settings(
    path: Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read the file (if any), apply environment overrides, validate everything."""
    environ = os.environ if environ is None else environ
    raw = _read_file(path) if path else {}
    _apply_environment(raw, environ)
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        raise SettingsError(_describe(exc, path)) from None


def find_config_file(explicit: str | None, environ: Mapping[str, str]) -> Path | None:
    """``--config`` wins, then ``ESMBOT_CONFIG``, then ./config.toml; none means defaults."""
    chosen = explicit or environ.get("ESMBOT_CONFIG")
    if chosen:
        return Path(chosen)
    return next((Path(name) for name in DEFAULT_CONFIG_FILES if Path(name).is_file()), None)


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError(f"{path}: configuration file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None


def _apply_environment(raw: dict[str, Any], environ: Mapping[str, str]) -> None:
    problems = []
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or name == "ESMBOT_CONFIG":
            continue
        section, sep, key = name[len(ENV_PREFIX):].lower().partition("__")
        if not sep or not key:
            problems.append(f"{name}: expected ESMBOT_<SECTION>__<KEY>, e.g. ESMBOT_STORE__URL")
            continue
        target = raw.setdefault(section, {})
        if not isinstance(target, dict):
            problems.append(f"{name}: [{section}] is not a section")
            continue
        target[key] = value
    if problems:
        raise SettingsError("\n".join(problems))


def _describe(exc: ValidationError, path: Path | None) -> str:
    where = f"{path}: " if path else ""
    lines = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"])
        reason = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            reason = "unknown key (see config.example.toml for the keys esmbot knows)"
        lines.append(f"{where}{key}: {reason}")
    return "\n".join(lines)

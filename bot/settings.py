"""Configuration: a TOML file, overridden by ``ESMBOT_<SECTION>__<KEY>`` environment variables.

Pydantic lives here, at the edge. A bad value stops start-up with the key and the reason. Each
platform's section (``[slack]``, ``[wecom]``, ``[dingtalk]``) is declared once, by its adapter
(``adapters/<platform>/config.py``), and handed to that adapter as is.
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

from adapters.dingtalk.config import DingTalkSettings
from adapters.slack.config import SlackSettings
from adapters.wecom.config import WeComSettings

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
    # how often each replica looks whether `esmbot reload` (or SIGHUP) asked for a reload
    reload_poll_seconds: float = Field(default=5.0, gt=0, le=3600)
    # Slow or idle connections are closed (bot/web.py): the request line and headers must
    # arrive within header_timeout_seconds, the body within body_timeout_seconds, and a kept-
    # alive connection with no request is closed after idle_timeout_seconds.
    header_timeout_seconds: float = Field(default=10.0, gt=0, le=600)
    body_timeout_seconds: float = Field(default=20.0, gt=0, le=600)
    idle_timeout_seconds: float = Field(default=30.0, gt=0, le=3600)
    # Open connections one address may hold; more are closed at once. Behind a reverse proxy
    # every request comes from the proxy's address: raise it there.
    connections_per_client: int = Field(default=100, ge=1, le=100_000)


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
    """The dispatcher: how long its claims last (renewed while a send goes on), how it retries
    (capped, jittered exponential backoff for ``retry_hours``), how often it looks."""

    lease_seconds: float = Field(default=10.0, ge=1, le=3600)
    retry_base_seconds: float = Field(default=1.0, gt=0, le=3600)
    retry_cap_seconds: float = Field(default=60.0, gt=0, le=86400)
    retry_hours: float = Field(default=24.0, gt=0, le=24 * 31)
    max_attempts: int | None = Field(default=None, ge=1, le=1_000_000)
    poll_seconds: float = Field(default=2.0, gt=0, le=60)
    batch_size: int = Field(default=50, ge=1, le=1000)


class InboundSettings(_Section):
    """How long the platform event ids (the dedupe of redeliveries) and the used callback
    signatures are kept, and how often the old ones are pruned."""

    retention_hours: float = Field(default=168.0, ge=1, le=24 * 366)
    prune_minutes: float = Field(default=10.0, gt=0, le=1440)
    # The inbox (``store.inbox``): an event taken in but not processed after grace_seconds
    # (its process died, or the database failed mid-turn) is recovered, looked for every
    # recover_seconds (and at start), under a lease of lease_seconds, up to max_attempts.
    # A platform is answered with an error when its event is not written within
    # take_in_seconds (below Slack's 3 s and WeCom's 5 s deadlines), so that it retries.
    take_in_seconds: float = Field(default=2.0, gt=0, le=60)
    grace_seconds: float = Field(default=10.0, gt=0, le=3600)
    recover_seconds: float = Field(default=5.0, gt=0, le=3600)
    lease_seconds: float = Field(default=30.0, gt=0, le=86400)
    max_attempts: int = Field(default=5, ge=1, le=100)


class RetentionSettings(_Section):
    """How long delivered outbox rows (cards older than this are no longer edited in place)
    and seen terminal messages are kept; pruned once a day. The audit trail is never pruned."""

    outbox_sent_days: float = Field(default=90.0, ge=1, le=3660)
    mailbox_days: float = Field(default=30.0, ge=1, le=3660)


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


LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class LoggingSettings(_Section):
    """``bot/logs.py``: the level, ``text`` or ``json`` lines, a level per logger (e.g.
    ``loggers = { "esmbot.pipeline" = "DEBUG", "slack_bolt" = "WARNING" }``) and whether a
    turn's person is logged as a hash of their id (the default) or the id itself."""

    level: LogLevel = "INFO"
    format: Literal["text", "json"] = "text"
    loggers: dict[str, LogLevel] = Field(default_factory=dict)
    person_ids: Literal["hashed", "raw"] = "hashed"


class PolicySettings(_Section):
    """Reminders and escalations; a service package's [policies] table overrides the times."""

    approval_reminder: str = "4bh"
    approval_escalation: str = "1bd"
    task_reminder_before: str = "1bh"
    task_escalation_after: str = "4bh"
    confirm_timeout: str = "5bd"
    # Counts business durations of services without [sla] calendar; empty: the first calendar
    # of the calendars file (the only one, in most organisations).
    calendar: str = ""
    quiet_hours: str = "21:00-08:00"  # in each person's time zone; "" for none
    digest_time: str = "09:00"  # morning digests, in each person's time zone
    exception_reminder_before: str = "1bd"  # a granted exception's end is announced this early

    @field_validator("approval_reminder", "approval_escalation", "task_reminder_before",
                     "task_escalation_after", "confirm_timeout", "exception_reminder_before")
    @classmethod
    def _duration(cls, value: str) -> str:
        from org.durations import parse_duration

        parse_duration(value)
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        from bot.quiet_hours import parse_quiet_hours

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


class MetricsSettings(_Section):
    """Prometheus ``/metrics`` (bot/observability.py): basic auth when both are set, else
    loopback clients only."""

    enabled: bool = True
    username: str = ""
    password: SecretStr = SecretStr("")


class AuditSettings(_Section):
    """Anchors of the audit trail (``store/anchors.py``): the secret that signs them, the file
    ``esmbot audit anchor`` appends to by default, and the role told of each day's anchor."""

    anchor_secret: SecretStr = SecretStr("")
    anchor_file: str = ".esmbot/audit-anchors.jsonl"
    anchor_role: str = "governance"


class WebSettings(_Section):
    """The web console (``bot/console``), served by ``esmbot serve`` on the server's port.
    ``public_url``: the address people open (links in chat, SSO redirects; https makes the
    session cookie Secure). ``session_secret`` signs session cookies: a long random string,
    preferably ``ESMBOT_WEB__SESSION_SECRET``; the console does not start without it."""

    enabled: bool = False
    public_url: str = ""
    session_secret: SecretStr = SecretStr("")
    session_hours: float = Field(default=8.0, gt=0, le=24 * 30)


class ReportSettings(_Section):
    """The weekly (Monday at ``[policies] digest_time``) and monthly (first working day) ESM
    reports pushed into chat (``bot/features/reports``)."""

    weekly: bool = True
    monthly: bool = True


class Settings(_Section):
    store: StoreSettings = StoreSettings()
    catalog: PathSettings = PathSettings()
    directory: PathSettings = PathSettings()
    calendars: PathSettings = PathSettings()
    server: ServerSettings = ServerSettings()
    bot: BotSettings = BotSettings()
    outbox: OutboxSettings = OutboxSettings()
    timers: TimerSettings = TimerSettings()
    inbound: InboundSettings = InboundSettings()
    retention: RetentionSettings = RetentionSettings()
    logging: LoggingSettings = LoggingSettings()
    policies: PolicySettings = PolicySettings()
    audit: AuditSettings = AuditSettings()
    metrics: MetricsSettings = MetricsSettings()
    web: WebSettings = WebSettings()
    reports: ReportSettings = ReportSettings()
    slack: SlackSettings = SlackSettings()
    wecom: WeComSettings = WeComSettings()
    dingtalk: DingTalkSettings = DingTalkSettings()


def load_settings(
    path: Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read the file (if any), apply environment overrides, validate everything."""
    environ = os.environ if environ is None else environ
    raw = _rebase_paths(_read_file(path), path.parent) if path else {}
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


SQLITE_PREFIX = "sqlite+aiosqlite:///"
_FILE_KEYS = (("catalog", "path"), ("directory", "path"), ("calendars", "path"),
              ("audit", "anchor_file"))


def _rebase_paths(raw: dict[str, Any], base: Path) -> dict[str, Any]:
    """Relative paths written in a configuration file are relative to that file, wherever
    esmbot is started from (environment overrides and defaults stay relative to the working
    directory)."""
    for section, key in _FILE_KEYS:
        table = raw.get(section)
        value = table.get(key) if isinstance(table, dict) else None
        if isinstance(value, str) and value and not Path(value).is_absolute():
            table[key] = str(base / value)  # type: ignore[index]
    store = raw.get("store")
    url = store.get("url") if isinstance(store, dict) else None
    if isinstance(url, str) and url.startswith(SQLITE_PREFIX):
        file = url.removeprefix(SQLITE_PREFIX)
        if file and not file.startswith((":memory:", "file:")) and not Path(file).is_absolute():
            store["url"] = SQLITE_PREFIX + str(base / file)  # type: ignore[index]
    return raw


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

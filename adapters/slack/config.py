"""What the Slack adapter needs to run, as plain values (secrets kept out of ``repr``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DEFAULT_API_BASE_URL = "https://slack.com/api/"


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str = field(repr=False)
    mode: Literal["http", "socket"] = "http"
    signing_secret: str = field(default="", repr=False)
    app_token: str = field(default="", repr=False)
    api_base_url: str = DEFAULT_API_BASE_URL
    bot_user_id: str = ""


class SlackSetupError(Exception):
    """Slack refused our credentials at start-up; the message names the setting to fix."""

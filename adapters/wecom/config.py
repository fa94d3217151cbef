"""What the WeCom adapter needs to run, as plain values (secrets kept out of ``repr``)."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_API_BASE_URL = "https://qyapi.weixin.qq.com"


@dataclass(frozen=True)
class WeComConfig:
    corp_id: str
    agent_id: int
    secret: str = field(repr=False)
    token: str = field(repr=False)
    encoding_aes_key: str = field(repr=False)
    api_base_url: str = DEFAULT_API_BASE_URL  # without /cgi-bin: paths add it
    member_per_minute: int = 30
    member_per_hour: int = 1000
    throttled_retry_seconds: float = 60.0  # how long a 45009 (API frequency limit) waits


class WeComSetupError(Exception):
    """WeCom refused our credentials at start-up; the message names the setting to fix."""

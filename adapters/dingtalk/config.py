"""What the DingTalk adapter needs to run, as plain values (the secret kept out of ``repr``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DEFAULT_API_BASE_URL = "https://api.dingtalk.com"


@dataclass(frozen=True)
class DingTalkConfig:
    app_key: str  # the app's AppKey, also the stream clientId
    app_secret: str = field(repr=False)
    mode: Literal["stream", "http"] = "stream"
    robot_code: str = ""  # empty: the AppKey, which is the robot code of an app's own robot
    card_template_id: str = ""  # empty: cards go out as markdown with numbered replies
    api_base_url: str = DEFAULT_API_BASE_URL

    @property
    def robot(self) -> str:
        return self.robot_code or self.app_key


class DingTalkSetupError(Exception):
    """DingTalk refused our credentials at start-up; the message names the setting to fix."""

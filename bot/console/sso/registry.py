"""The platforms people can sign in with: those enabled in the settings (Slack also needs
its OpenID client id and secret), in the order the sign-in page shows them."""

from __future__ import annotations

from bot.console.sso.dingtalk import DingTalkSignIn
from bot.console.sso.providers import Provider
from bot.console.sso.slack import SlackSignIn
from bot.console.sso.wecom import WeComSignIn
from bot.settings import Settings

PLATFORMS = ("wecom", "dingtalk", "slack")
# What the button says, per platform (keys written out for the locale checks).
BUTTON_KEYS = {"wecom": "web.sso.with_wecom", "dingtalk": "web.sso.with_dingtalk",
               "slack": "web.sso.with_slack"}
NAME_KEYS = {"wecom": "web.sso.name_wecom", "dingtalk": "web.sso.name_dingtalk",
             "slack": "web.sso.name_slack"}


def provider(settings: Settings, platform: str) -> Provider | None:
    """The sign-in of ``platform``; None when it is not set up here."""
    if platform == "wecom" and settings.wecom.enabled:
        return WeComSignIn(settings.wecom)
    if platform == "dingtalk" and settings.dingtalk.enabled:
        return DingTalkSignIn(settings.dingtalk)
    if platform == "slack" and settings.slack.enabled and settings.slack.signs_in:
        return SlackSignIn(settings.slack)
    return None


def enabled_platforms(settings: Settings) -> list[str]:
    return [name for name in PLATFORMS if provider(settings, name) is not None]

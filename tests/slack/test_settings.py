"""The [slack] settings: validation that names the key, secrets kept out of sight."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.settings import SettingsError, SlackSettings, load_settings

ROOT = Path(__file__).resolve().parents[2]


def env(**keys: str) -> dict[str, str]:
    return {f"ESMBOT_SLACK__{name.upper()}": value for name, value in keys.items()}


def test_slack_is_off_by_default_and_needs_nothing() -> None:
    settings = load_settings(None, {})
    assert settings.slack.enabled is False and settings.slack.mode == "http"


def test_http_mode_needs_the_bot_token_and_the_signing_secret() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(None, env(enabled="true"))
    lines = str(raised.value).splitlines()
    assert [line.split(":")[0] for line in lines] == ["slack.bot_token", "slack.signing_secret"]
    assert "ESMBOT_SLACK__BOT_TOKEN" in lines[0]


def test_socket_mode_needs_the_app_token_not_the_signing_secret() -> None:
    with pytest.raises(SettingsError, match=r"^slack\.app_token: required"):
        load_settings(None, env(enabled="true", mode="socket", bot_token="xoxb-1"))
    settings = load_settings(None, env(enabled="true", mode="socket", bot_token="xoxb-1",
                                       app_token="xapp-1"))
    assert settings.slack.app_token.get_secret_value() == "xapp-1"


def test_an_unknown_mode_or_key_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"slack\.mode"):
        load_settings(None, env(mode="webhook"))
    with pytest.raises(SettingsError, match=r"slack\.token: unknown key"):
        load_settings(None, env(token="x"))


def test_secrets_never_show_in_repr_or_in_errors() -> None:
    settings = load_settings(None, env(enabled="true", bot_token="xoxb-SECRET",
                                       signing_secret="sig-SECRET"))
    assert "SECRET" not in repr(settings) and "SECRET" not in str(settings)
    assert "SECRET" not in repr(settings.slack)
    with pytest.raises(SettingsError) as raised:
        load_settings(None, env(enabled="true", bot_token="xoxb-SECRET", mode="bad"))
    assert "SECRET" not in str(raised.value)


def test_the_api_base_url_keeps_its_trailing_slash() -> None:
    settings = load_settings(None, env(api_base_url="http://proxy.local/slack/api"))
    assert settings.slack.api_base_url == "http://proxy.local/slack/api/"
    with pytest.raises(SettingsError, match=r"slack\.api_base_url"):
        load_settings(None, env(api_base_url="slack.com/api"))


def test_config_example_documents_every_slack_key() -> None:
    with (ROOT / "config.example.toml").open("rb") as handle:
        documented = tomllib.load(handle)["slack"]
    assert set(documented) == set(SlackSettings.model_fields)
    load_settings(ROOT / "config.example.toml", {})

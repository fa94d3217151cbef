"""The [dingtalk] settings: validation that names the key and its variable, secrets hidden."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.settings import DingTalkSettings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def env(**keys: str) -> dict[str, str]:
    return {f"ESMBOT_DINGTALK__{name.upper()}": value for name, value in keys.items()}


def test_dingtalk_is_off_by_default_in_stream_mode() -> None:
    settings = load_settings(None, {})
    assert settings.dingtalk.enabled is False and settings.dingtalk.mode == "stream"
    assert settings.dingtalk.api_base_url == "https://api.dingtalk.com"


def test_enabled_needs_the_app_key_and_secret_naming_their_variables() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(None, env(enabled="true"))
    lines = str(raised.value).splitlines()
    assert [line.split(":")[0] for line in lines] == ["dingtalk.app_key", "dingtalk.app_secret"]
    assert "ESMBOT_DINGTALK__APP_KEY" in lines[0] and "ESMBOT_DINGTALK__APP_SECRET" in lines[1]


def test_an_unknown_mode_or_key_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"dingtalk\.mode"):
        load_settings(None, env(mode="webhook"))
    with pytest.raises(SettingsError, match=r"dingtalk\.token: unknown key"):
        load_settings(None, env(token="x"))
    with pytest.raises(SettingsError, match=r"dingtalk\.api_base_url"):
        load_settings(None, env(api_base_url="api.dingtalk.com"))


def test_the_robot_code_defaults_to_the_app_key() -> None:
    settings = load_settings(None, env(enabled="true", app_key="dingkey", app_secret="s",
                                       api_base_url="http://proxy.local/ding/"))
    config = settings.dingtalk
    assert config.robot == "dingkey" and config.api_base_url == "http://proxy.local/ding"
    settings = load_settings(None, env(enabled="true", app_key="dingkey", app_secret="s",
                                       robot_code="robot-1"))
    assert settings.dingtalk.robot == "robot-1"


def test_the_secret_never_shows_in_repr_or_in_errors() -> None:
    settings = load_settings(None, env(enabled="true", app_key="k", app_secret="ding-SECRET"))
    assert "SECRET" not in repr(settings) and "SECRET" not in str(settings)
    assert "SECRET" not in repr(settings.dingtalk)
    with pytest.raises(SettingsError) as raised:
        load_settings(None, env(enabled="true", app_secret="ding-SECRET", mode="bad"))
    assert "SECRET" not in str(raised.value)


def test_config_example_documents_every_dingtalk_key() -> None:
    with (ROOT / "config.example.toml").open("rb") as handle:
        documented = tomllib.load(handle)["dingtalk"]
    assert set(documented) == set(DingTalkSettings.model_fields)
    load_settings(ROOT / "config.example.toml", {})

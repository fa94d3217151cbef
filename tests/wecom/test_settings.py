"""The [wecom] settings: validation that names the key, secrets kept out of sight."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.settings import SettingsError, WeComSettings, load_settings

ROOT = Path(__file__).resolve().parents[2]
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"


def env(**keys: str) -> dict[str, str]:
    return {f"ESMBOT_WECOM__{name.upper()}": value for name, value in keys.items()}


def complete(**more: str) -> dict[str, str]:
    keys = {"enabled": "true", "corp_id": "ww0demo", "agent_id": "1000002",
            "secret": "sec-SECRET", "token": "tok-SECRET", "encoding_aes_key": AES_KEY}
    return env(**{**keys, **more})


def test_wecom_is_off_by_default_and_needs_nothing() -> None:
    settings = load_settings(None, {})
    assert settings.wecom.enabled is False
    assert settings.wecom.api_base_url == "https://qyapi.weixin.qq.com"
    assert (settings.wecom.member_per_minute, settings.wecom.member_per_hour) == (30, 1000)


def test_enabled_needs_every_key_each_named_with_its_variable() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(None, env(enabled="true"))
    lines = str(raised.value).splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "wecom.corp_id", "wecom.agent_id", "wecom.secret", "wecom.token",
        "wecom.encoding_aes_key"]
    for line, variable in zip(lines, ["CORP_ID", "AGENT_ID", "SECRET", "TOKEN",
                                      "ENCODING_AES_KEY"], strict=True):
        assert f"ESMBOT_WECOM__{variable}" in line


def test_a_complete_section_loads() -> None:
    settings = load_settings(None, complete(api_base_url="http://proxy.local/qyapi/cgi-bin/"))
    assert settings.wecom.agent_id == 1000002
    assert settings.wecom.api_base_url == "http://proxy.local/qyapi"
    assert settings.wecom.encoding_aes_key.get_secret_value() == AES_KEY


def test_bad_values_are_refused_naming_the_key() -> None:
    with pytest.raises(SettingsError, match=r"wecom\.encoding_aes_key: must be the 43"):
        load_settings(None, complete(encoding_aes_key="too-short"))
    with pytest.raises(SettingsError, match=r"wecom\.member_per_minute"):
        load_settings(None, complete(member_per_minute="31"))  # WeCom would drop the 31st
    with pytest.raises(SettingsError, match=r"wecom\.api_base_url"):
        load_settings(None, complete(api_base_url="qyapi.weixin.qq.com"))
    with pytest.raises(SettingsError, match=r"wecom\.agentid: unknown key"):
        load_settings(None, complete(agentid="1"))


def test_secrets_never_show_in_repr_or_in_errors() -> None:
    settings = load_settings(None, complete())
    assert "SECRET" not in repr(settings) and "SECRET" not in str(settings)
    config = settings.wecom
    assert "SECRET" not in repr(config) and AES_KEY not in repr(config)
    with pytest.raises(SettingsError) as raised:
        load_settings(None, complete(agent_id="not-a-number"))
    assert "SECRET" not in str(raised.value)


def test_config_example_documents_every_wecom_key() -> None:
    with (ROOT / "config.example.toml").open("rb") as handle:
        documented = tomllib.load(handle)["wecom"]
    assert set(documented) == set(WeComSettings.model_fields)
    load_settings(ROOT / "config.example.toml", {})

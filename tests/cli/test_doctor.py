"""``esmbot doctor`` (issue 21): an operator checks a new deployment against the platform
fakes; every check passes, and a refused credential names the key to fix."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.dingtalk.fake_dingtalk import FakeDingTalk
from tests.slack.fake_slack import FakeSlack
from tests.wecom.callbacks import AES_KEY, TOKEN
from tests.wecom.fake_qyapi import FakeQyapi


@dataclass
class Fakes:
    slack: FakeSlack
    wecom: FakeQyapi
    dingtalk: FakeDingTalk


@pytest.fixture
async def fakes() -> AsyncIterator[Fakes]:
    started = Fakes(await FakeSlack().start(), await FakeQyapi().start(),
                    await FakeDingTalk().start())
    yield started
    await started.slack.close()
    await started.wecom.close()
    await started.dingtalk.close()


def deployment(tmp_path: Path, fakes: Fakes, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESMBOT_")}
    env.update({
        "ESMBOT_STORE__URL": f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}",
        "ESMBOT_SLACK__ENABLED": "true", "ESMBOT_SLACK__MODE": "socket",
        "ESMBOT_SLACK__BOT_TOKEN": fakes.slack.bot_token,
        "ESMBOT_SLACK__APP_TOKEN": fakes.slack.app_token,
        "ESMBOT_SLACK__API_BASE_URL": fakes.slack.api_url,
        "ESMBOT_WECOM__ENABLED": "true", "ESMBOT_WECOM__CORP_ID": fakes.wecom.corp_id,
        "ESMBOT_WECOM__AGENT_ID": str(fakes.wecom.agent_id),
        "ESMBOT_WECOM__SECRET": fakes.wecom.secret, "ESMBOT_WECOM__TOKEN": TOKEN,
        "ESMBOT_WECOM__ENCODING_AES_KEY": AES_KEY,
        "ESMBOT_WECOM__API_BASE_URL": fakes.wecom.base_url,
        "ESMBOT_DINGTALK__ENABLED": "true", "ESMBOT_DINGTALK__APP_KEY": fakes.dingtalk.app_key,
        "ESMBOT_DINGTALK__APP_SECRET": fakes.dingtalk.app_secret,
        "ESMBOT_DINGTALK__API_BASE_URL": fakes.dingtalk.url,
    })
    env.update(overrides)
    return env


async def doctor(tmp_path: Path, env: dict[str, str], *args: str) -> tuple[int, str]:
    """Run a command while the fakes keep serving on this event loop."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *args, cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, out.decode()


async def test_a_new_deployment_passes_every_check(tmp_path: Path, fakes: Fakes) -> None:
    env = deployment(tmp_path, fakes)
    code, out = await doctor(tmp_path, env, "db", "upgrade")
    assert code == 0, out
    code, out = await doctor(tmp_path, env, "doctor")
    assert code == 0, out
    checks = [line.split(":")[0] for line in out.splitlines() if line.startswith("ok  ")]
    assert checks == ["ok   configuration", "ok   database", "ok   catalog, directory, calendars",
                      "ok   slack", "ok   slack", "ok   wecom", "ok   dingtalk", "ok   clock"]
    assert "within 5 s of the platforms' time" in out and out.endswith("all checks passed\n")


async def test_a_refused_credential_names_the_key_to_fix(tmp_path: Path, fakes: Fakes) -> None:
    env = deployment(tmp_path, fakes, ESMBOT_WECOM__SECRET="wrong",
                     ESMBOT_DINGTALK__APP_SECRET="wrong", ESMBOT_SLACK__BOT_TOKEN="xoxb-wrong")
    code, out = await doctor(tmp_path, env, "doctor")
    assert code == 1
    assert "FAIL slack: bot token: Slack answered invalid_auth" in out
    assert "set slack.bot_token (ESMBOT_SLACK__BOT_TOKEN)" in out
    assert "FAIL wecom: CorpID and Secret: gettoken refused: errcode 40001" in out
    assert "wecom.secret (ESMBOT_WECOM__SECRET)" in out
    assert "FAIL dingtalk: AppKey and AppSecret: refused: invalidClientIdOrSecret" in out
    assert "FAIL database: schema empty" in out and "esmbot db upgrade" in out
    assert "4 problem(s) found" in out and "Traceback" not in out


async def test_an_untrusted_ip_gets_the_trusted_ip_hint(tmp_path: Path, fakes: Fakes) -> None:
    fakes.wecom.fail_next("gettoken", 60020)
    code, out = await doctor(tmp_path, deployment(tmp_path, fakes), "doctor")
    assert code == 1 and "errcode 60020" in out and "Trusted IP" in out


async def test_an_unreachable_platform_is_a_failure_not_a_crash(tmp_path: Path,
                                                               fakes: Fakes) -> None:
    env = deployment(tmp_path, fakes, ESMBOT_DINGTALK__API_BASE_URL="http://127.0.0.1:9")
    code, out = await doctor(tmp_path, env, "doctor")
    assert code == 1 and "FAIL dingtalk" in out and "could not be reached" in out

"""Sign in with Slack (OpenID Connect) into the console: the id_token is checked (RS256 with
Slack's JWKS, issuer, audience, nonce, expiry, workspace) before anyone is signed in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.slack.fake_openid import Grant
from tests.slack.fake_slack import FakeSlack
from tests.web.console.sso import SsoBrowser, SsoRig, slack_section, sso_rig


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = await FakeSlack().start()
    yield slack
    await slack.close()


@pytest.fixture
async def rig(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[SsoRig]:
    async with _rig(tmp_path, fake) as served:
        yield served


def _rig(tmp_path: Path, fake: FakeSlack, **slack: Any) -> Any:
    served = sso_rig(f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}",
                     slack=slack_section(fake, **slack))
    return served


@pytest.fixture(autouse=True)
def _same_clock(fake: FakeSlack, rig: SsoRig) -> None:
    """The fake stamps iat/exp with the bot's (fake) clock."""
    fake.openid.clock = lambda: rig.console.chat.clock().timestamp()


async def test_a_slack_member_signs_in(rig: SsoRig, fake: FakeSlack) -> None:
    fake.openid.at_browser = ("U01ALICE", fake.team_id)
    browser = await rig.browser()
    authorize = await browser.start("slack")
    asked = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(f"{fake.base_url}/openid/connect/authorize?")
    assert asked["scope"] == ["openid profile email"] and asked["nonce"][0]
    assert asked["client_id"] == [fake.openid.client_id]
    arrived = await browser.open(await browser.at_platform(authorize))
    assert arrived.status == 303
    assert await browser.signed_in_as() == "王小丽"
    assert fake.openid.exchanges[0]["redirect_uri"] == \
        "https://esm.example.com/console/sso/slack/callback"
    assert fake.calls_to("auth.test")  # no [slack] team_id: the bot token's workspace


async def test_an_id_token_of_another_workspace_is_refused(rig: SsoRig, fake: FakeSlack
                                                           ) -> None:
    fake.openid.at_browser = ("U01ALICE", "T0ELSEWHERE")
    browser = await rig.browser()
    answer = await browser.sign_in_with("slack")
    assert answer.status == 403 and browser.refusal() == "other_workspace"
    assert await browser.signed_in_as() is None


@pytest.mark.parametrize("tampered", [{"nonce": "not-ours"}, {"aud": "another.app"},
                                      {"iss": "https://evil.example"}, {"exp": 1}])
async def test_an_id_token_not_made_for_this_sign_in_is_refused(
        rig: SsoRig, fake: FakeSlack, tampered: dict[str, Any]) -> None:
    fake.openid.at_browser = ("U01ALICE", fake.team_id)
    fake.openid.tamper = tampered
    browser = await rig.browser()
    answer = await browser.sign_in_with("slack")
    assert answer.status == 403 and browser.refusal() == "platform"
    assert await browser.signed_in_as() is None


async def test_an_id_token_signed_by_another_key_is_refused(rig: SsoRig, fake: FakeSlack,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    fake.openid.at_browser = ("U01ALICE", fake.team_id)
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    honest = fake.openid.id_token

    def forged(grant: Grant, *, key: rsa.RSAPrivateKey | None = None) -> str:
        return honest(grant, key=stranger)

    monkeypatch.setattr(fake.openid, "id_token", forged)
    browser = await rig.browser()
    answer = await browser.sign_in_with("slack")
    assert answer.status == 403 and browser.refusal() == "platform"


async def test_a_code_of_another_slack_app_is_refused(rig: SsoRig, fake: FakeSlack) -> None:
    browser = await rig.browser()
    back = await browser.at_platform(await browser.start("slack"))
    state = parse_qs(urlsplit(back).query)["state"][0]
    other = fake.openid.code_for("U01ALICE", fake.team_id, client_id="555.666")
    answer = await browser.open("https://esm.example.com/console/sso/slack/callback"
                                f"?code={other}&state={state}")
    assert answer.status == 403 and browser.refusal() == "platform"
    assert await browser.signed_in_as() is None


async def test_a_slack_user_not_in_the_directory_is_refused(rig: SsoRig, fake: FakeSlack
                                                            ) -> None:
    fake.openid.at_browser = ("U09NOBODY", fake.team_id)
    browser = await rig.browser()
    answer = await browser.sign_in_with("slack")
    assert answer.status == 403 and browser.refusal() == "unknown_person"


async def test_a_forged_and_a_reused_state_are_refused(rig: SsoRig, fake: FakeSlack) -> None:
    fake.openid.at_browser = ("U01ALICE", fake.team_id)
    browser: SsoBrowser = await rig.browser()
    back = await browser.at_platform(await browser.start("slack"))
    forged = await browser.open(back.split("&state=")[0] + "&state=guessed")
    assert forged.status == 403 and browser.refusal() == "state_unknown"
    assert (await browser.open(back)).status == 303
    assert (await browser.open(back)).status == 410


async def test_with_a_team_id_the_workspace_is_asked_for(tmp_path: Path, fake: FakeSlack
                                                         ) -> None:
    async with _rig(tmp_path / "pinned", fake, team_id=fake.team_id) as pinned:
        fake.openid.clock = lambda: pinned.console.chat.clock().timestamp()
        fake.openid.at_browser = ("U01ALICE", fake.team_id)
        browser = await pinned.browser()
        authorize = await browser.start("slack")
        assert parse_qs(urlsplit(authorize).query)["team"] == [fake.team_id]
        assert (await browser.open(await browser.at_platform(authorize))).status == 303
        assert fake.calls_to("auth.test") == []

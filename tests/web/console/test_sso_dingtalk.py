"""DingTalk's browser OAuth2 into the console: login.dingtalk.com -> authCode -> the person's
token -> users/me (unionId) -> getbyunionid (the userid the directory knows)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.dingtalk.fake_dingtalk import BY_UNION_PATH, USER_TOKEN_PATH, FakeDingTalk, union_id
from tests.web.console.sso import SsoRig, dingtalk_section, sso_rig


@pytest.fixture
async def fake() -> AsyncIterator[FakeDingTalk]:
    dingtalk = await FakeDingTalk().start()
    yield dingtalk
    await dingtalk.close()


@pytest.fixture
async def rig(tmp_path: Path, fake: FakeDingTalk) -> AsyncIterator[SsoRig]:
    async with sso_rig(f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}",
                       dingtalk=dingtalk_section(fake)) as served:
        yield served


async def test_a_dingtalk_member_signs_in(rig: SsoRig, fake: FakeDingTalk) -> None:
    fake.at_browser["staff"] = "0100000001"
    browser = await rig.browser()
    login = await browser.start("dingtalk")
    asked = parse_qs(urlsplit(login).query)
    assert asked["client_id"] == [fake.app_key] and asked["scope"] == ["openid"]
    assert asked["prompt"] == ["consent"]
    assert asked["redirect_uri"] == ["https://esm.example.com/console/sso/dingtalk/callback"]
    arrived = await browser.open(await browser.at_platform(login))
    assert arrived.status == 303
    assert await browser.signed_in_as() == "王小丽"
    exchange = fake.calls_to(USER_TOKEN_PATH)[0].body
    assert exchange["clientId"] == fake.app_key and exchange["grantType"] == "authorization_code"
    assert fake.calls_to(BY_UNION_PATH)[0].body == {"unionid": union_id("0100000001")}


async def test_the_sign_in_page_shows_the_dingtalk_button(rig: SsoRig) -> None:
    browser = await rig.browser()
    await browser.tab.get("/console/signin")
    assert 'href="/console/sso/dingtalk/start"' in browser.tab.last_html


async def test_a_company_member_missing_from_the_directory_is_refused(
        rig: SsoRig, fake: FakeDingTalk) -> None:
    fake.at_browser["staff"] = "0100009999"
    browser = await rig.browser()
    answer = await browser.sign_in_with("dingtalk")
    assert answer.status == 403 and browser.refusal() == "unknown_person"
    assert await browser.signed_in_as() is None


async def test_someone_outside_the_company_is_refused(rig: SsoRig, fake: FakeDingTalk) -> None:
    fake.at_browser["staff"] = "0199999999"  # signed in to DingTalk, not in this company
    browser = await rig.browser()
    answer = await browser.sign_in_with("dingtalk")
    assert answer.status == 403 and browser.refusal() == "not_member"
    assert fake.calls_to(BY_UNION_PATH, ok=False)[0].response["errcode"] == 60121


async def test_an_auth_code_of_another_app_is_refused(rig: SsoRig, fake: FakeDingTalk) -> None:
    browser = await rig.browser()
    back = await browser.at_platform(await browser.start("dingtalk"))
    state = parse_qs(urlsplit(back).query)["state"][0]
    other = fake.auth_code("0100000001", client_id="dingotherapp")
    answer = await browser.open("https://esm.example.com/console/sso/dingtalk/callback"
                                f"?authCode={other}&state={state}")
    assert answer.status == 403 and browser.refusal() == "platform"
    assert fake.calls_to(USER_TOKEN_PATH, ok=False)[0].response["code"] == "invalidAuthCode"
    assert await browser.signed_in_as() is None


async def test_a_reused_state_is_refused(rig: SsoRig, fake: FakeDingTalk) -> None:
    fake.at_browser["staff"] = "0100000001"
    browser = await rig.browser()
    back = await browser.at_platform(await browser.start("dingtalk"))
    assert (await browser.open(back)).status == 303
    replay = await browser.open(back)
    assert replay.status == 410 and browser.refusal() == "state_used"


async def test_a_state_of_another_platform_is_refused(rig: SsoRig, fake: FakeDingTalk) -> None:
    fake.at_browser["staff"] = "0100000001"
    browser = await rig.browser()
    back = await browser.at_platform(await browser.start("dingtalk"))
    answer = await browser.open(back.replace("/sso/dingtalk/", "/sso/wecom/"))
    assert answer.status == 404  # WeCom is not set up here at all

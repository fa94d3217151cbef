"""WeCom OAuth2 网页授权 into the console: the app's home page opens signed in; forged, reused,
foreign, expired and other apps' sign-ins are refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.web.console.sso import SsoRig, sso_rig, wecom_section
from tests.wecom.fake_qyapi import FakeQyapi


@pytest.fixture
async def fake() -> AsyncIterator[FakeQyapi]:
    qyapi = await FakeQyapi().start()
    yield qyapi
    await qyapi.close()


@pytest.fixture
async def rig(tmp_path: Path, fake: FakeQyapi) -> AsyncIterator[SsoRig]:
    async with sso_rig(f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}",
                       wecom=wecom_section(fake)) as served:
        yield served


async def test_the_app_home_page_opens_signed_in(rig: SsoRig, fake: FakeQyapi) -> None:
    fake.at_browser = "wangxiaoli"
    browser = await rig.browser()
    authorize = await browser.start("wecom")
    asked = parse_qs(urlsplit(authorize).query)
    assert authorize.endswith("#wechat_redirect")
    assert asked["appid"] == [fake.corp_id] and asked["agentid"] == [str(fake.agent_id)]
    assert asked["scope"] == ["snsapi_base"]
    assert asked["redirect_uri"] == ["https://esm.example.com/console/sso/wecom/callback"]
    back = await browser.at_platform(authorize)
    arrived = await browser.open(back)
    assert arrived.status == 303 and arrived.headers["Location"] == "/console/"
    session_cookie = arrived.headers.getall("Set-Cookie")
    assert any(c.startswith("esmbot_session=") and "HttpOnly" in c for c in session_cookie)
    assert await browser.signed_in_as() == "王小丽"
    issued = parse_qs(urlsplit(back).query)["code"]
    assert [c.args["code"] for c in fake.calls_to("auth/getuserinfo")] == issued


async def test_the_sign_in_page_shows_the_wecom_button(rig: SsoRig) -> None:
    browser = await rig.browser()
    await browser.tab.get("/console/signin")
    assert 'href="/console/sso/wecom/start"' in browser.tab.last_html
    assert "/console/sso/slack/start" not in browser.tab.last_html  # Slack is not set up


async def test_a_forged_state_is_refused(rig: SsoRig, fake: FakeQyapi) -> None:
    browser = await rig.browser()
    await browser.start("wecom")  # the browser has its cookie, but not this state
    code = fake.oauth_code("wangxiaoli")
    answer = await browser.open(f"https://esm.example.com/console/sso/wecom/callback"
                                f"?code={code}&state=made-up")
    assert answer.status == 403 and browser.refusal() == "state_unknown"
    assert await browser.signed_in_as() is None
    assert fake.calls_to("auth/getuserinfo", ok=None) == []  # the code was never tried


async def test_a_state_works_once(rig: SsoRig, fake: FakeQyapi) -> None:
    fake.at_browser = "wangxiaoli"
    browser = await rig.browser()
    back = await browser.at_platform(await browser.start("wecom"))
    assert (await browser.open(back)).status == 303
    again = await rig.browser()
    replay = await again.open(back)
    assert replay.status == 410 and again.refusal() == "state_used"
    assert await again.signed_in_as() is None


async def test_a_state_from_another_browser_is_refused(rig: SsoRig, fake: FakeQyapi) -> None:
    fake.at_browser = "wangxiaoli"
    victim, attacker = await rig.browser(), await rig.browser()
    back = await attacker.at_platform(await attacker.start("wecom"))
    answer = await victim.open(back)  # a link planted in the victim's browser
    assert answer.status == 403 and victim.refusal() == "other_browser"
    assert await victim.signed_in_as() is None
    later = await attacker.open(back)  # and the state is spent for its own browser too
    assert later.status == 410


async def test_a_member_not_in_the_directory_is_refused(rig: SsoRig, fake: FakeQyapi) -> None:
    fake.at_browser = "newhire"
    browser = await rig.browser()
    answer = await browser.sign_in_with("wecom")
    assert answer.status == 403 and browser.refusal() == "unknown_person"
    assert "newhire" not in browser.tab.last_html
    assert await browser.signed_in_as() is None


async def test_a_code_of_another_app_is_refused(rig: SsoRig, fake: FakeQyapi) -> None:
    browser = await rig.browser()
    back = await browser.at_platform(await browser.start("wecom"))
    state = parse_qs(urlsplit(back).query)["state"][0]
    other = fake.oauth_code("wangxiaoli", agent_id=1000099)
    answer = await browser.open(f"https://esm.example.com/console/sso/wecom/callback"
                                f"?code={other}&state={state}")
    assert answer.status == 403 and browser.refusal() == "platform"
    assert fake.calls_to("auth/getuserinfo", ok=False)[0].response["errcode"] == 40029
    assert await browser.signed_in_as() is None


async def test_a_state_older_than_ten_minutes_is_refused(rig: SsoRig, fake: FakeQyapi) -> None:
    fake.at_browser = "wangxiaoli"
    browser = await rig.browser()
    back = await browser.at_platform(await browser.start("wecom"))
    rig.advance(minutes=10, seconds=1)
    answer = await browser.open(back)
    assert answer.status == 410 and browser.refusal() == "state_expired"
    assert await browser.signed_in_as() is None


async def test_the_person_declining_gets_a_way_back(rig: SsoRig) -> None:
    browser = await rig.browser()
    back = await browser.at_platform(await browser.start("wecom"))
    state = parse_qs(urlsplit(back).query)["state"][0]
    answer = await browser.open(f"https://esm.example.com/console/sso/wecom/callback"
                                f"?state={state}")
    assert answer.status == 403 and browser.refusal() == "cancelled"
    assert 'href="/console/signin"' in browser.tab.last_html


async def test_a_console_page_asked_for_is_where_the_sign_in_leads(rig: SsoRig,
                                                                    fake: FakeQyapi) -> None:
    fake.at_browser = "wangxiaoli"
    browser = await rig.browser()
    answer = await browser.tab.get("/console/sso/wecom/start?next=/console/requests/REQ-1")
    arrived = await browser.open(await browser.at_platform(answer.headers["Location"]))
    assert arrived.headers["Location"] == "/console/requests/REQ-1"


async def test_another_site_is_never_where_the_sign_in_leads(rig: SsoRig, fake: FakeQyapi
                                                             ) -> None:
    fake.at_browser = "wangxiaoli"
    browser = await rig.browser()
    answer = await browser.tab.get("/console/sso/wecom/start?next=//evil.example/console/")
    arrived = await browser.open(await browser.at_platform(answer.headers["Location"]))
    assert arrived.headers["Location"] == "/console/"


async def test_wecom_not_answering_is_a_page_saying_to_retry(rig: SsoRig, fake: FakeQyapi
                                                             ) -> None:
    fake.at_browser = "wangxiaoli"
    browser = await rig.browser()
    back = await browser.at_platform(await browser.start("wecom"))
    await fake.close()
    answer = await browser.open(back)
    assert answer.status == 502 and browser.refusal() == "unreachable"
    assert await browser.signed_in_as() is None


async def test_the_state_cookie_is_short_and_kept_from_scripts(rig: SsoRig) -> None:
    browser = await rig.browser()
    answer = await browser.tab.get("/console/sso/wecom/start")
    cookie = next(c for c in answer.headers.getall("Set-Cookie") if c.startswith("esmbot_sso="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert "Max-Age=600" in cookie and "Path=/console/sso/" in cookie

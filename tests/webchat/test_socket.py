"""The panel's socket: who may open it, what a forged click gets, what waits while away, tabs,
and a frame sent twice."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from adapters.web.socket import SIGNED_OUT
from chat.replies import Text
from tests.platform import inbound_ids
from tests.slack.fake_slack import FakeSlack
from tests.slack.steps import card_with, status_of
from tests.webchat.conftest import WebChat, texts, web_chat, web_only, web_settings
from tests.webchat.test_journeys import file_the_laptop

ALICE, ALICE_DM, BOB_DM = "U01ALICE", "D01ALICE", "D01BOB"


async def test_a_socket_without_a_console_session_is_refused(webchat: WebChat) -> None:
    stranger = await webchat.browser()
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await stranger.ws_connect("/console/ws")
    assert refused.value.status == 401
    forged = await webchat.browser()
    forged.cookie_jar.update_cookies({"esmbot_session": "made-up.signature"})
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await forged.ws_connect("/console/ws")
    assert refused.value.status == 401
    assert webchat.channel.open_sockets("alice") == 0


async def test_a_page_of_another_site_cannot_open_a_signed_in_persons_socket(
    webchat: WebChat,
) -> None:
    alice = await webchat.signed_in("alice")
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await alice.ws_connect("/console/ws", origin="https://evil.example.net")
    assert refused.value.status == 403
    page = await webchat.open(alice, origin="http://esm.example.com")  # the console's own
    assert webchat.channel.open_sockets("alice") == 1
    await webchat.say(page, "帮助")
    assert texts(page)


async def test_the_chat_page_is_for_signed_in_people_and_loads_its_script(
    webchat: WebChat,
) -> None:
    stranger = await webchat.browser()
    async with stranger.get("/console/chat", allow_redirects=False) as answer:
        assert answer.status == 303 and answer.headers["Location"] == "/console/signin"
    alice = await webchat.signed_in("alice")
    async with alice.get("/console/chat") as page:
        html = await page.text()
        assert page.status == 200
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert 'data-socket="/console/ws"' in html and "/console/static/chat.js" in html
    assert "<script>" not in html and "style=" not in html  # nothing inline
    assert 'href="/console/chat"' in html  # in the navigation


async def test_a_forged_click_for_someone_elses_approval_is_refused(webchat: WebChat) -> None:
    alice = await webchat.open(await webchat.signed_in("alice"))
    await file_the_laptop(webchat, alice)
    carol = await webchat.open(await webchat.signed_in("carol"))
    answer = await carol.click("apr:1:bob:approve", value="1", message="0123456789abcdef")
    assert answer["type"] == "taken"
    await webchat.settle()

    await carol.until(lambda f: f.get("type") == "message")
    assert "REQ-1 的当前环节不需要你审批" in texts(carol)
    assert await status_of(webchat.slack) == "pending_approval"
    assert not [e for e in await webchat.trail() if e.action == "approval.approved"]
    assert webchat.slack.fake.updates_of(card_with(webchat.slack, BOB_DM,
                                                   "apr:1:bob:approve")) == []


async def test_what_came_while_away_waits_and_comes_at_reconnect_in_order(
    tmp_path: Path, fake_slack: FakeSlack,
) -> None:
    directory = web_only(tmp_path, "bob")  # bob is on the web panel only
    async with web_chat(web_settings(tmp_path, fake_slack, directory), fake_slack) as webchat:
        # alice files on Slack; bob's card cannot go to Slack, so it goes to the web panel
        await webchat.slack.say(ALICE, "我要申请一台笔记本，预算800")
        await webchat.slack.tap(ALICE, webchat.slack.fake.posts_to(ALICE_DM)[-1], "标准办公本")
        await webchat.slack.say(ALICE, "旧电脑坏了需要更换")
        await webchat.slack.tap(ALICE, webchat.slack.fake.posts_to(ALICE_DM)[-1], "提交")
        await webchat.settle()
        assert "REQ-1 等待 赵强 审批" in "\n".join(webchat.slack.fake.texts_to(ALICE_DM))
        assert not webchat.slack.fake.posts_to(BOB_DM)

        # bob was away: a tab opened now gets the card
        browser = await webchat.signed_in("bob")
        first = await webchat.open(browser)
        await first.until(lambda f: "apr:1:bob:approve" in str(f))
        await first.close()
        # ... and only once: what was handed out is not handed out again
        await webchat.channel.send(webchat.channel.key_of("bob"), Text("一"))
        await webchat.channel.send(webchat.channel.key_of("bob"), Text("二"))
        again = await webchat.open(browser)
        await again.count(2)
        assert [getattr(m, "text", "") for m in again.cards()] == ["一", "二"]


async def test_every_open_tab_gets_every_message(webchat: WebChat) -> None:
    browser = await webchat.signed_in("alice")
    one, two = await webchat.open(browser), await webchat.open(browser)
    assert webchat.channel.open_sockets("alice") == 2
    await webchat.say(one, "我要申请一台笔记本，预算800")
    for tab in (one, two):
        await tab.until(lambda f: "需要哪种型号" in str(f))
    assert texts(one) == texts(two)
    await webchat.tap(two, "标准办公本")  # clicked in the other tab: both move on
    for tab in (one, two):
        await tab.until(lambda f: "申请原因" in str(f))


async def test_a_frame_sent_again_after_a_reconnect_is_one_event(webchat: WebChat) -> None:
    browser = await webchat.signed_in("alice")
    page = await webchat.open(browser)
    await page.socket.send_json({"type": "say", "id": "frame-1", "text": "帮助"})
    await page.until(lambda f: f.get("type") == "taken")
    await webchat.settle()
    again = await webchat.open(browser)
    await again.socket.send_json({"type": "say", "id": "frame-1", "text": "帮助"})
    await again.until(lambda f: f.get("type") == "taken")
    await webchat.settle()
    assert [i for i in await inbound_ids(webchat.slack.bot) if i.endswith("frame-1")] == \
        ["alice/frame-1"]


async def test_a_socket_whose_session_was_signed_out_is_closed(webchat: WebChat) -> None:
    browser = await webchat.signed_in("alice")
    page = await webchat.open(browser)
    async with browser.get("/console/chat") as chat_page:
        csrf = (await chat_page.text()).split('name="csrf" value="')[1].split('"')[0]
    async with browser.post("/console/signout", data={"csrf": csrf}, allow_redirects=False):
        pass
    await page.socket.send_json({"type": "say", "id": "after", "text": "帮助"})
    await page.ended.wait()
    assert page.socket.close_code == SIGNED_OUT
    assert not [i for i in await inbound_ids(webchat.slack.bot) if i.endswith("after")]

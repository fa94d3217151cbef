"""Signing in with a one-time link from chat, signing out, and the session's end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import text

from bot.console.app import check_settings
from bot.console.pages import TEMPLATES
from bot.settings import SettingsError, WebSettings
from bot.testing import ChatDriver
from chat.replies import Card, Text
from tests.scenario.approval_steps import file_laptop
from tests.scenario.helpers import text_of
from tests.web.console.rig import SECRET, ConsoleRig, console_rig, issue_link


async def test_a_link_signs_in_once_and_leads_home(rig: ConsoleRig) -> None:
    browser = await rig.browser()
    token = await issue_link(rig.chat, "alice")
    answer = await browser.open_link(token)
    assert answer.status == 303
    assert answer.headers["Location"] == "/console/"
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    again = await (await rig.browser()).open_link(token)
    assert again.status == 410
    assert "alice" not in (await rig.browser()).last_html


async def test_an_unknown_link_is_refused_without_a_word_about_anyone(rig: ConsoleRig) -> None:
    browser = await rig.browser()
    answer = await browser.get("/console/signin/not-a-real-token")
    assert answer.status == 403
    assert "看板" in browser.last_html


async def test_the_pages_carry_the_security_headers(rig: ConsoleRig) -> None:
    browser = await rig.browser()
    answer = await browser.get("/console/signin")
    assert answer.status == 200
    csp = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cache-Control"] == "no-store"


async def test_asking_the_bot_for_the_dashboard_gives_a_link_that_signs_in(
    rig: ConsoleRig,
) -> None:
    [reply] = await rig.chat.say("alice", "看板")
    assert isinstance(reply, Text) and "10" in reply.text
    found = re.search(r"http://esm\.example\.com/console/signin/(\S+)", reply.text)
    assert found, reply.text
    browser = await rig.browser()
    assert (await browser.open_link(found.group(1))).status == 303
    await browser.get("/console/")
    assert "王小丽" in browser.last_html and "我的申请" in browser.last_html
    async with rig.chat.app.db.session() as session:
        stored = (await session.execute(text("SELECT token_hash FROM console_link"))).scalar()
    assert stored != found.group(1) and found.group(1) not in str(stored)  # only its hash


@pytest.mark.parametrize("words", ["dashboard", "web login", "登录网页", "open the console"])
async def test_every_phrase_asks_for_a_link(rig: ConsoleRig, words: str) -> None:
    [reply] = await rig.chat.say("alice", words)
    assert "/console/signin/" in text_of(reply)


async def test_without_the_console_the_bot_says_so(tmp_path: Path) -> None:
    chat = await ChatDriver.open(f"sqlite+aiosqlite:///{tmp_path / 'off.db'}")
    try:
        [reply] = await chat.say("alice", "dashboard")
        assert "尚未开通网页控制台" in text_of(reply) and "http" not in text_of(reply)
    finally:
        await chat.close()


async def test_an_expired_link_is_refused(rig: ConsoleRig) -> None:
    token = await issue_link(rig.chat, "alice")
    rig.chat.clock.advance(minutes=11)
    browser = await rig.browser()
    assert (await browser.open_link(token)).status == 410
    assert "看板" in browser.last_html and "王小丽" not in browser.last_html


async def test_a_link_opened_in_someone_elses_browser_replaces_their_session(
    rig: ConsoleRig,
) -> None:
    """The link is bound to bob: it signs in bob, and alice's session in that browser ends."""
    browser = await rig.browser()
    await browser.sign_in_as("alice")
    alices = browser.http.session.cookie_jar.filter_cookies(browser.http.make_url("/console/"))
    await browser.sign_in_as("bob")
    await browser.get("/console/")
    assert "赵强" in browser.last_html and "王小丽" not in browser.last_html
    replay = await rig.browser()
    replay.http.session.cookie_jar.update_cookies(alices)
    assert (await replay.get("/console/")).status == 303


async def test_signing_out_ends_the_session_even_for_a_copied_cookie(rig: ConsoleRig) -> None:
    browser = await rig.browser()
    await browser.sign_in_as("alice")
    await browser.get("/console/")
    copied = browser.http.session.cookie_jar.filter_cookies(browser.http.make_url("/console/"))
    answer = await browser.post("/console/signout", {"csrf": browser.csrf()})
    assert answer.status == 303 and answer.headers["Location"].startswith("/console/signin")
    assert (await browser.get("/console/")).status == 303
    thief = await rig.browser()
    thief.http.session.cookie_jar.update_cookies(copied)
    assert (await thief.get("/console/")).status == 303
    assert (await thief.get("/console/api/requests/REQ-1")).status == 401


async def test_a_form_without_the_csrf_token_is_refused(rig: ConsoleRig) -> None:
    browser = await rig.browser()
    await browser.sign_in_as("alice")
    assert (await browser.post("/console/signout")).status == 403
    assert (await browser.post("/console/signout", {"csrf": "forged"})).status == 403
    assert (await browser.get("/console/")).status == 200  # still signed in


async def test_a_sign_in_post_from_elsewhere_is_refused(rig: ConsoleRig) -> None:
    """Login CSRF: a page elsewhere posting a link of its own gets nothing."""
    token = await issue_link(rig.chat, "bob")
    browser = await rig.browser()
    assert (await browser.post(f"/console/signin/{token}", {"pre": "made-up"})).status == 403
    assert (await browser.open_link(token)).status == 303  # the link was not used up


async def test_the_session_ends_after_session_hours(rig: ConsoleRig) -> None:
    browser = await rig.browser()
    await browser.sign_in_as("alice")
    rig.chat.clock.advance(hours=7, minutes=59)
    assert (await browser.get("/console/")).status == 200
    rig.chat.clock.advance(minutes=2)
    answer = await browser.get("/console/")
    assert answer.status == 303 and answer.headers["Location"] == "/console/signin"


async def test_the_language_switch_is_kept_in_the_session(rig: ConsoleRig) -> None:
    browser = await rig.browser()
    await browser.sign_in_as("alice")
    await browser.get("/console/?lang=en")
    assert "My requests" in browser.last_html and 'lang="en"' in browser.last_html
    await browser.get("/console/catalog")
    assert "Catalog" in browser.last_html and "Laptop" in browser.last_html
    await browser.get("/console/catalog?lang=zh")
    assert "服务目录" in browser.last_html


async def test_static_files_are_cached_and_carry_the_headers(rig: ConsoleRig) -> None:
    browser = await rig.browser()
    await browser.get("/console/signin")
    found = re.search(r'href="(/console/static/console\.css\?v=[^"]+)"', browser.last_html)
    assert found, browser.last_html
    answer = await browser.get(found.group(1))
    assert answer.status == 200 and "immutable" in answer.headers["Cache-Control"]
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]


async def test_no_inline_script_or_style_in_any_template() -> None:
    for template in TEMPLATES.glob("*.html"):
        html = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), template.name
        assert "<style" not in html and " style=" not in html, template.name
        assert not re.search(r"\son[a-z]+=", html), template.name  # onclick= and friends


def test_the_console_refuses_to_start_without_its_secret_or_with_a_bad_address() -> None:
    with pytest.raises(SettingsError, match="session_secret"):
        check_settings(WebSettings(enabled=True))
    with pytest.raises(SettingsError, match="public_url"):
        check_settings(WebSettings(enabled=True, session_secret=SecretStr(SECRET),
                                   public_url="esm.example.com"))
    check_settings(WebSettings(enabled=True, session_secret=SecretStr(SECRET),
                               public_url="https://esm.example.com"))


async def test_an_https_console_sets_a_secure_cookie(tmp_path: Path) -> None:
    async with console_rig(f"sqlite+aiosqlite:///{tmp_path / 's.db'}",
                           web={"public_url": "https://esm.example.com"}) as rig:
        browser = await rig.browser()
        answer = await browser.open_link(await issue_link(rig.chat, "alice"))
        assert answer.status == 303 and "Secure" in answer.headers["Set-Cookie"]


async def test_the_status_card_links_to_the_console(rig: ConsoleRig) -> None:
    await file_laptop(rig.chat, "alice", 800)
    [card, *_] = await rig.chat.say("alice", "REQ-1")
    assert isinstance(card, Card)
    assert "http://esm.example.com/console/requests/REQ-1" in card.footer


async def test_expired_sessions_and_links_are_forgotten_a_day_later(rig: ConsoleRig) -> None:
    browser = await rig.browser()
    await browser.sign_in_as("alice")
    await issue_link(rig.chat, "bob")
    rig.chat.clock.advance(hours=20)
    assert await rig.chat.app.apply_retention() == 0
    rig.chat.clock.advance(hours=13)
    assert await rig.chat.app.apply_retention() == 3  # the session, its used link, bob's link

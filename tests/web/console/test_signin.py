"""Signing in with a one-time link from chat, signing out, and the session's end."""

from __future__ import annotations

from tests.web.console.rig import ConsoleRig, issue_link


async def test_a_link_signs_in_once_and_leads_home(rig: ConsoleRig) -> None:
    browser = await rig.browser()
    token = await issue_link(rig.chat, "alice")
    answer = await browser.open_link(token)
    assert answer.status == 303
    assert answer.headers["Location"] == "/console/"
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
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

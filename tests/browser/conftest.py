"""Fixtures of the real-browser tests (see rig.py).

``chromium_path`` (session): Debian's Chromium with a CJK font, installed with apt-get when
missing; without one, tests skip locally and FAIL under CI=true.
``browser``: a headless Chromium (Playwright, ``--no-sandbox``) for one test.
``console``: esmbot with ``[web] enabled`` on a loopback port, a fake Slack, that browser; the
test fails when any page it opened logged a console error or threw.
``serving_console(tmp_path, browser, ...)`` in rig.py gives the same with other settings.
``month``: the same on the fake channel, after November 2026 of tests/scenario/month_history.py
(``ChatConsole``: ``month.chat`` is the ChatDriver; ``serving_chat_console`` for other stories).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser

from bot.testing import ChatDriver
from tests.browser.rig import (
    BrowserUnavailable,
    ChatConsole,
    Console,
    chromium,
    ensure_chromium,
    serving_chat_console,
    serving_console,
)
from tests.conftest import IN_CI
from tests.scenario.month_history import after_the_month, build_month, month_clock, org_sections


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    try:
        return ensure_chromium()
    except BrowserUnavailable as exc:
        if IN_CI:
            pytest.fail(f"no browser under CI=true: {exc}")
        pytest.skip(str(exc))


@pytest.fixture
async def browser(chromium_path: Path) -> AsyncIterator[Browser]:
    async with chromium(chromium_path) as launched:
        yield launched


@pytest.fixture
async def console(tmp_path: Path, browser: Browser) -> AsyncIterator[Console]:
    async with serving_console(tmp_path, browser) as rig:
        yield rig
        errors = rig.errors.take()
    if errors:
        pytest.fail("the pages logged errors:\n" + "\n".join(errors))


@pytest.fixture
async def month(tmp_path: Path, browser: Browser) -> AsyncIterator[ChatConsole]:
    """November 2026 of tests/scenario/month_history.py told in chat, then the console served
    on Tuesday December 1, 10:00 Shanghai (its clock stays there)."""

    async def opened(url: str, web: dict[str, Any]) -> ChatDriver:
        chat = await ChatDriver.open(url, clock=month_clock(), web=web,  # type: ignore[arg-type]
                                     **org_sections())
        await build_month(chat)
        chat.clock.now = after_the_month()
        return chat

    async with serving_chat_console(tmp_path, browser, opened) as rig:
        yield rig
        errors = rig.errors.take()
    if errors:
        pytest.fail("the pages logged errors:\n" + "\n".join(errors))

"""Fixtures of the real-browser tests (see rig.py).

``chromium_path`` (session): Debian's Chromium with a CJK font, installed with apt-get when
missing; without one, tests skip locally and FAIL under CI=true.
``browser``: a headless Chromium (Playwright, ``--no-sandbox``) for one test.
``console``: esmbot with ``[web] enabled`` on a loopback port, a fake Slack, that browser; the
test fails when any page it opened logged a console error or threw.
``serving_console(tmp_path, browser, ...)`` in rig.py gives the same with other settings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser

from tests.browser.rig import (
    BrowserUnavailable,
    Console,
    chromium,
    ensure_chromium,
    serving_console,
)
from tests.conftest import IN_CI


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

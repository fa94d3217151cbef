"""The daily anchor: signed, stored, sent to the governance role, and readable by verify; and
``esmbot audit anchor`` / ``audit verify --anchor`` from the command line."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.features.audit.anchor import AnchorHandlers, plan_daily_anchor
from bot.testing import ChatDriver
from chat.replies import Text
from store import anchors
from store.anchors import Anchor
from tests.audit.conftest import SECRET
from tests.audit.steps import alice_files_and_bob_approves, check, cut_the_tail, last_seq
from tests.cli.conftest import Esmbot


@pytest.fixture
async def governed(db_url: str) -> AsyncIterator[ChatDriver]:
    """The demo company, with mia's role (security) as the one told of anchors."""
    driver = await ChatDriver.open(db_url, audit={"anchor_secret": SECRET,
                                                  "anchor_role": "security"})
    driver.app.timer_handlers.update(AnchorHandlers.kinds(driver.app.services, lambda: ["fake"]))
    yield driver
    await driver.close()


async def _plan(chat: ChatDriver) -> bool:
    return await plan_daily_anchor(chat.app.db, chat.app.services)


async def test_the_daily_anchor_goes_to_the_governance_role(governed: ChatDriver) -> None:
    chat = governed
    await alice_files_and_bob_approves(chat)
    assert await _plan(chat) and not await _plan(chat)  # one a day, however many replicas
    assert await chat.tick(seconds=1) == 1
    message = chat.last("mia")
    assert isinstance(message, Text) and "审计链锚点" in message.text
    line = message.text.splitlines()[-1]
    anchor = Anchor.from_json(json.loads(line))
    assert anchor.seq == await last_seq(chat) and anchors.signature_ok(anchor, SECRET)
    async with chat.app.db.unit_of_work() as uow:
        stored = await anchors.latest(uow.session)
    assert stored is not None and stored[1] == anchor
    assert (await check(chat, anchor=anchor)).ok
    await cut_the_tail(chat, with_head=True)
    assert any(p.startswith("anchor file: truncated") for p in
               (await check(chat, anchor=anchor)).problems)


async def test_without_a_secret_no_anchor_is_taken(db_url: str) -> None:
    chat = await ChatDriver.open(db_url, audit={"anchor_role": "security"})
    try:
        chat.app.timer_handlers.update(
            AnchorHandlers(chat.app.services, lambda: ["fake"]).registry())
        await alice_files_and_bob_approves(chat)
        await _plan(chat)
        await chat.tick(seconds=1)
        assert not [m for m in chat.inbox("mia") if "锚点" in getattr(m, "text", "")]
        async with chat.app.db.unit_of_work() as uow:
            assert await anchors.latest(uow.session) is None
    finally:
        await chat.close()


def test_the_command_line_anchors_and_verifies(esmbot: Esmbot, tmp_path: Path) -> None:
    secret = {"ESMBOT_AUDIT__ANCHOR_SECRET": SECRET}
    esmbot("chat", "--jsonl", stdin="我要报销差旅费8000元\n2026-11-20\n北京出差\n提交\n")
    refused = esmbot("audit", "anchor", check=False)
    assert refused.returncode == 1 and "anchor_secret" in refused.stderr
    taken = esmbot("audit", "anchor", "--out", "anchors.jsonl", extra_env=secret)
    assert "seq=3" in taken.stdout
    assert len((tmp_path / "anchors.jsonl").read_text().splitlines()) == 1
    ok = esmbot("audit", "verify", "--anchor", "anchors.jsonl", "--since", "1d",
                extra_env=secret)
    assert "audit trail intact since" in ok.stdout and "1 request(s) replayed" in ok.stdout
    with sqlite3.connect(tmp_path / "esmbot.db") as db:
        db.execute("DELETE FROM audit_event WHERE seq = 3")
        db.execute("UPDATE audit_head SET seq = 2, count = 2, hash = "
                   "(SELECT hash FROM audit_event WHERE seq = 2)")
        db.execute("DELETE FROM audit_anchor")
        db.execute("UPDATE request SET status = 'closed'")
    broken = esmbot("audit", "verify", "--anchor", "anchors.jsonl", extra_env=secret,
                    check=False)
    assert broken.returncode == 1
    assert "anchor file: truncated: the chain has no seq 3" in broken.stderr
    assert "REQ-1: status is closed in the table, pending_approval on the trail" in \
        broken.stderr


def test_since_must_be_a_moment() -> None:
    done = subprocess.run([sys.executable, "-m", "bot.cli", "audit", "verify", "--since",
                           "2026-12-01T09:00"], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "no UTC offset" in done.stderr

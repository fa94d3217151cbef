"""Timers across real processes: a reminder outlives a killed esmbot, and two replicas on one
PostgreSQL fire a thousand timers exactly once, one of them killed half-way.

Nothing here times the bot; the tests only wait (with generous deadlines) for things to
happen, and for a due time to pass while no esmbot runs.
"""

from __future__ import annotations

import asyncio
import json
import select
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sql_select
from sqlmodel import col

from chat.events import ConversationKey
from chat.replies import Text
from devtools.host import free_port
from scheduler.notices import schedule_notice
from store import timers
from store.db import Database
from store.models import OutboxRow, TimerRow
from tests.cli.conftest import Esmbot, jsonl
from tests.pg import fresh_database

DEADLINE = 120.0  # seconds; only ever waited out when something is broken
REMINDER = "提醒：REQ-7 还在等你审批 / REQ-7 is waiting for your approval"
QUICK_TIMERS = {"ESMBOT_TIMERS__LEASE_SECONDS": "1", "ESMBOT_TIMERS__SWEEP_SECONDS": "0.2"}


# --------------------------------------------- a reminder that fell due while nothing ran

def test_a_reminder_due_while_esmbot_was_killed_is_delivered_once_at_the_next_start(
    tmp_path: Path, env: dict[str, str], esmbot: Esmbot
) -> None:
    env = {**env, **QUICK_TIMERS}
    url = env["ESMBOT_STORE__URL"]
    chat = _start_chat(tmp_path, env, persona="bob")
    _send(chat, "help")
    _read_a_message(chat)  # bob's chat is up, and sweeping

    timer_id, due_at = asyncio.run(_remind(url, "bob", due_in=timedelta(seconds=3)))
    chat.send_signal(signal.SIGKILL)
    chat.wait()
    killed_at = datetime.now(UTC)
    assert _timer(tmp_path, timer_id)["state"] == "pending", "killed after the reminder was due"

    # Nothing runs while the reminder falls due (and the killed chat's lease runs out).
    _sleep_until(max(due_at, killed_at + timedelta(seconds=1)) + timedelta(seconds=0.5))

    first = jsonl(esmbot("chat", "--jsonl", "--as", "bob", extra_env=QUICK_TIMERS).stdout)
    assert [(m["recipient"], m["body"]) for m in first if m["body"] == REMINDER] == [
        ("bob", REMINDER)]
    fired = _timer(tmp_path, timer_id)
    assert fired["state"] == "done"
    assert _stored_time(fired["fired_at"]) > due_at  # fired late: late_by = fired_at - due_at
    later = jsonl(esmbot("chat", "--jsonl", "--as", "bob", extra_env=QUICK_TIMERS).stdout)
    assert [m for m in later if m["body"] == REMINDER] == []  # once, not at every start
    with sqlite3.connect(tmp_path / "esmbot.db") as conn:
        sent = conn.execute("SELECT state FROM outbox WHERE correlation = ?",
                            (f"timer:{timer_id}",)).fetchall()
    assert sent == [("sent",)]


async def _remind(url: str, person: str, *, due_in: timedelta) -> tuple[int, datetime]:
    db = await Database.open(url)
    now = datetime.now(UTC)
    try:
        async with db.unit_of_work() as uow:
            timer = await schedule_notice(
                uow.session, key=ConversationKey("console", "", "", person),
                message=Text(REMINDER), due_at=now + due_in, now=now, subject="seat:7")
    finally:
        await db.close()
    assert timer is not None and timer.id is not None
    return timer.id, timer.due_at


def _timer(folder: Path, timer_id: int) -> dict[str, Any]:
    with sqlite3.connect(folder / "esmbot.db") as conn:
        conn.row_factory = sqlite3.Row
        return dict(conn.execute("SELECT * FROM timer WHERE id = ?", (timer_id,)).fetchone())


def _stored_time(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)  # SQLite keeps UTC wall time


def _sleep_until(moment: datetime) -> None:
    while (left := (moment - datetime.now(UTC)).total_seconds()) > 0:
        time.sleep(left)


def _start_chat(cwd: Path, env: dict[str, str], *, persona: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "chat", "--jsonl", "--as", persona], cwd=cwd, env=env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        bufsize=1)


def _send(chat: subprocess.Popen[str], line: str) -> None:
    assert chat.stdin is not None
    chat.stdin.write(line + "\n")
    chat.stdin.flush()


def _read_a_message(chat: subprocess.Popen[str]) -> dict[str, Any]:
    assert chat.stdout is not None
    ready, _, _ = select.select([chat.stdout], [], [], DEADLINE)
    assert ready, "the chat did not answer"
    line = chat.stdout.readline()
    assert line, "the chat ended"
    message: dict[str, Any] = json.loads(line)
    return message


# ------------------------------------------ two replicas, a thousand timers, one killed

TIMERS = 1000
STRANDED = 50  # claimed by a sweeper that died holding them


async def test_two_serve_replicas_fire_a_thousand_timers_once_though_one_is_killed(
    tmp_path: Path, env: dict[str, str], postgres_server: str
) -> None:
    async with fresh_database("postgresql", tmp_path, migrated=True) as url:
        db = await Database.open(url, migrate=False)
        replicas: list[Replica] = []
        try:
            replicas = [Replica.start(tmp_path, env, url, name) for name in ("east", "west")]
            await asyncio.gather(*(replica.healthy() for replica in replicas))
            ids = await _a_thousand_notices_due_now(db)
            east, west = replicas

            await _eventually(lambda: _done(db, at_least=TIMERS // 10), replicas)
            east.kill()  # kill -9, half-way (or later, on a fast machine)
            await _eventually(lambda: _done(db, at_least=TIMERS), [west])

            rows, correlations = await _outbox_counts(db)
            assert (rows, correlations) == (TIMERS, {f"timer:{n}" for n in ids})
            stranded = await _timers(db, ids[:STRANDED])
            assert all(t.state == "done" and t.attempts >= 2 for t in stranded)
            assert all(t.fired_at is not None and t.fired_at >= t.due_at for t in stranded)
            assert await west.stop() == 0, west.log()
        finally:
            for replica in replicas:
                replica.kill()
            await db.close()


async def _a_thousand_notices_due_now(db: Database) -> list[int]:
    """Due at once for a channel no replica has (so the outbox keeps them, to be counted);
    the first ``STRANDED`` are claimed by a sweeper that then died, with a 3 s lease."""
    now = datetime.now(UTC)
    nowhere = ConversationKey("nowhere", "T1", "", "bob")
    async with db.unit_of_work() as uow:
        scheduled = [await schedule_notice(uow.session, key=nowhere, message=Text(f"#{n}"),
                                           due_at=now, now=now, subject=f"request:{n}")
                     for n in range(TIMERS)]
        await timers.claim_due(uow.session, now=now, owner="killed-sweeper", lease_seconds=3,
                               limit=STRANDED)
    return [timer.id or 0 for timer in scheduled if timer is not None]


async def _done(db: Database, *, at_least: int) -> bool:
    async with db.unit_of_work() as uow:
        done = await uow.session.scalar(
            sql_select(func.count()).select_from(TimerRow).where(col(TimerRow.state) == "done"))
    return (done or 0) >= at_least


async def _outbox_counts(db: Database) -> tuple[int, set[str]]:
    async with db.unit_of_work() as uow:
        rows = list(await uow.session.scalars(sql_select(OutboxRow)))
    assert {row.state for row in rows} == {"pending"}  # channel "nowhere" is enabled nowhere
    return len(rows), {row.correlation or "" for row in rows}


async def _timers(db: Database, ids: list[int]) -> list[TimerRow]:
    async with db.unit_of_work() as uow:
        return list(await uow.session.scalars(
            sql_select(TimerRow).where(col(TimerRow.id).in_(ids))))


async def _eventually(condition: Callable[[], Awaitable[bool]], alive: list[Replica]) -> None:
    loop = asyncio.get_running_loop()
    give_up = loop.time() + DEADLINE
    while not await condition():
        for replica in alive:
            assert replica.process.poll() is None, f"{replica.name} died:\n{replica.log()}"
        assert loop.time() < give_up, "gave up waiting:\n" + "\n".join(r.log() for r in alive)
        await asyncio.sleep(0.1)


class Replica:
    """One ``esmbot serve`` process with quick timers, logging to a file."""

    def __init__(self, name: str, process: subprocess.Popen[bytes], port: int,
                 log_path: Path) -> None:
        self.name, self.process, self.port, self.log_path = name, process, port, log_path

    @classmethod
    def start(cls, folder: Path, env: dict[str, str], url: str, name: str) -> Replica:
        port = free_port()
        log_path = folder / f"{name}.log"
        settings = {**QUICK_TIMERS, "ESMBOT_TIMERS__LEASE_SECONDS": "3",
                    "ESMBOT_TIMERS__BATCH_SIZE": "25", "ESMBOT_STORE__URL": url,
                    "ESMBOT_SERVER__PORT": str(port)}
        with log_path.open("wb") as log:
            process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=folder,
                                       env={**env, **settings}, stdout=log,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        return cls(name, process, port, log_path)

    async def healthy(self) -> None:
        loop = asyncio.get_running_loop()
        give_up = loop.time() + DEADLINE
        while not await asyncio.to_thread(self._answers):
            assert self.process.poll() is None, f"{self.name} died:\n{self.log()}"
            assert loop.time() < give_up, f"{self.name} never answered:\n{self.log()}"
            await asyncio.sleep(0.2)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz",
                                        timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    async def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return await asyncio.to_thread(self.process.wait, DEADLINE)

    def log(self) -> str:
        return f"--- {self.name} ---\n" + self.log_path.read_text(errors="replace")[-4000:]

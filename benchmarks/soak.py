"""``make soak``: esmbot under faults, counted at the fake Slack (issue 17's fault test).

Two phases, each against a fresh ``esmbot serve`` (Slack in HTTP mode, SQLite by default):

* **kills**: ``--conversations`` employees chat through signed Slack Events for ``--seconds``;
  at ``--kills`` random moments the server gets ``kill -9`` and is restarted at once on the
  same port. An event the server did not answer 200 is posted again every second (with the
  same ``event_id``, as Slack redelivers) until it is; one it answered 200 is acknowledged.
* **outage**: the same load, and after ``--outage-at`` seconds the fake Slack answers every
  call with HTTP 500/503 for ``--outage-seconds``; then it is back, and the load goes on for
  ``--after-outage`` seconds.

Each employee types the request dialog one line at a time, the next line once the answer to
the previous one is in (``benchmarks.turns``: how many messages each line is answered with is
calibrated first). Every message the outbox sends carries its row's tag in Slack metadata, so
the fake Slack counts exactly: acknowledged events left unanswered (the messages missing at
the end), duplicates (the same tag posted twice), each conversation's order (tags are outbox
ids, which grow in the order the turns queued them), the longest stall after a kill (from the
kill to the first message delivered after it) and the longest wait for an answer.

    python -m benchmarks.soak                       # make soak: 200 x 60 s, 3 kills, 300 s outage
    python -m benchmarks.soak --seconds 10 --conversations 20 --kills 1 --outage-seconds 20
    python -m benchmarks.soak --phases kills --store-url postgresql+asyncpg://...
    python -m benchmarks.soak --phases kills --no-history   # no lookups: what a kill resends

Prints one JSON object per phase and writes them to ``--output`` (benchmarks/soak.json).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.fake_slack import FakeSlack, Post
from benchmarks.people import Employee, employee, write_directory
from benchmarks.targets import SIGNING_SECRET, Target, start_esmbot
from benchmarks.turns import SCRIPT, Driver, client_session
from devtools.host import free_port

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "soak.json"
REPOST_SECONDS = 1.0  # an event not answered 200 is posted again after this long
SETTLE_QUIET = 3.0  # the end: no message for this long


@dataclass(frozen=True)
class Plan:
    seconds: float = 60.0
    conversations: int = 200
    kills: int = 3
    outage_seconds: float = 300.0
    outage_at: float = 10.0
    after_outage: float = 20.0
    answer_limit: float = 120.0  # an acknowledged line not answered by then: unanswered
    seed: int = 20261202
    lease_seconds: float | None = None  # [outbox] lease_seconds (None: esmbot's default)
    store_url: str | None = None  # None: a fresh SQLite file per phase
    history: bool = True  # False: the fake Slack refuses conversations.history (no lookups)


@dataclass
class Tally:
    acknowledged: int = 0
    reposts: int = 0  # POSTs that failed (server down) and were made again
    answered: int = 0
    timed_out: int = 0
    expected_messages: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    waits: list[float] = field(default_factory=list)  # acknowledged -> answered, seconds


class Server:
    """``esmbot serve`` on one port, killed with SIGKILL and restarted on demand."""

    def __init__(self, work: Path, fake: FakeSlack, directory: Path, store_url: str,
                 env: dict[str, str]) -> None:
        self.work, self.fake, self.directory = work, fake, directory
        self.store_url, self.env = store_url, env
        self.port = free_port()
        self.target: Target | None = None
        self.starts = 0

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    async def start(self) -> None:
        self.starts += 1
        self.target = await start_esmbot(self.work, self.fake.url, "soak", self.store_url,
                                         self.directory, port=self.port, extra_env=self.env,
                                         label=f"-{self.starts}")

    def kill(self) -> None:
        assert self.target is not None
        os.kill(self.target.process.pid, signal.SIGKILL)
        self.target.process.wait()

    def stop(self) -> None:
        if self.target is not None:
            self.target.stop()


class Conversations:
    """The employees, each typing the dialog against ``server`` until ``stop_at``."""

    def __init__(self, server: Server, fake: FakeSlack, session: aiohttp.ClientSession,
                 answers: list[int], plan: Plan) -> None:
        self.server, self.fake, self.session = server, fake, session
        self.driver = Driver(server.events_url, fake, SIGNING_SECRET, session)
        self.answers, self.plan = answers, plan
        self.tally = Tally()

    async def run(self, people: Sequence[Employee], stop_at: float) -> Tally:
        await asyncio.gather(*(self._employee(who, stop_at) for who in people))
        return self.tally

    async def _employee(self, who: Employee, stop_at: float) -> None:
        pause = random.Random(f"{self.plan.seed}-{who.user}")
        await asyncio.sleep(pause.uniform(0, 2))  # the employees do not all start at once
        turn, base = 0, len(self.fake.tags[who.channel])
        while time.monotonic() < stop_at:
            text, count = SCRIPT[turn % len(SCRIPT)], self.answers[turn % len(SCRIPT)]
            await self._acknowledged(*self.driver.request(who, text))
            self.tally.acknowledged += 1
            self.tally.expected_messages[who.channel] += count
            base = await self._answer(who.channel, base + count)
            turn += 1

    async def _acknowledged(self, body: bytes, headers: dict[str, str]) -> None:
        """POST until the server answers 200 (the same event: Slack's redelivery)."""
        while True:
            try:
                async with self.session.post(self.server.events_url, data=body,
                                             headers=headers) as response:
                    await response.read()
                    if response.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            self.tally.reposts += 1
            await asyncio.sleep(REPOST_SECONDS)
            headers = {**headers, **self._signed_again(body)}

    def _signed_again(self, body: bytes) -> dict[str, str]:
        stamp = str(int(time.time()))
        signature = self.driver.verifier.generate_signature(timestamp=stamp, body=body)
        return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature or "",
                "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}

    async def _answer(self, channel: str, want: int) -> int:
        """Wait for the ``want``-th distinct message; the count to build on next."""
        started = time.monotonic()
        try:
            await asyncio.wait_for(self.fake.expect_distinct(channel, want),
                                   self.plan.answer_limit)
        except TimeoutError:
            self.tally.timed_out += 1
            return len(self.fake.tags[channel])
        finally:
            self.fake.forget(channel)
        self.tally.answered += 1
        self.tally.waits.append(time.monotonic() - started)
        return want


# ----------------------------------------------------------------------------------- phases

async def kills_phase(plan: Plan, work: Path, directory: Path) -> dict[str, Any]:
    fake = await FakeSlack().start()
    fake.history = plan.history
    server = Server(work, fake, directory, _store(plan, work, "kills"), _env(plan))
    rng = random.Random(plan.seed)
    moments = sorted(rng.uniform(0.15, 0.85) * plan.seconds for _ in range(plan.kills))
    kills: list[dict[str, float]] = []
    try:
        await server.start()
        async with client_session(plan.conversations) as session:
            answers = await _calibrate(server, fake, session)
            load = Conversations(server, fake, session, answers, plan)
            started = time.monotonic()
            running = asyncio.ensure_future(load.run(_people(plan), started + plan.seconds))
            for moment in moments:
                await asyncio.sleep(max(0.0, started + moment - time.monotonic()))
                kills.append(await _kill_and_restart(server))
            tally = await running
            await fake.settle(SETTLE_QUIET, limit=plan.answer_limit)
    finally:
        server.stop()
        await fake.close()
    figures = _count(fake, tally, [k["killed_at"] for k in kills])
    figures.update(_stalls(fake, kills))
    figures.update(phase="kills", kills=len(kills), seconds=plan.seconds,
                   history_readable=plan.history,
                   restart_s=[round(k["restart_s"], 2) for k in kills],
                   outbox=_outbox_states(server.store_url))
    return figures


async def outage_phase(plan: Plan, work: Path, directory: Path) -> dict[str, Any]:
    fake = await FakeSlack().start()
    server = Server(work, fake, directory, _store(plan, work, "outage"), _env(plan))
    limit = plan.outage_seconds + plan.answer_limit
    try:
        await server.start()
        async with client_session(plan.conversations) as session:
            answers = await _calibrate(server, fake, session)
            load = Conversations(server, fake, session, answers,
                                 replace(plan, answer_limit=limit))
            started = time.monotonic()
            seconds = plan.outage_at + plan.outage_seconds + plan.after_outage
            running = asyncio.ensure_future(load.run(_people(plan), started + seconds))
            await asyncio.sleep(plan.outage_at)
            fake.down = True
            await asyncio.sleep(plan.outage_seconds)
            fake.down = False
            back = time.perf_counter()
            tally = await running
            await fake.settle(SETTLE_QUIET, limit=limit)
    finally:
        server.stop()
        await fake.close()
    figures = _count(fake, tally, [])
    after = [p.arrived - back for p in fake.posts if p.arrived >= back]
    figures.update(phase="outage", outage_s=plan.outage_seconds, refused_calls=fake.refused,
                   first_delivery_after_outage_s=round(min(after), 2) if after else None,
                   outbox=_outbox_states(server.store_url))
    return figures


async def _calibrate(server: Server, fake: FakeSlack, session: aiohttp.ClientSession
                     ) -> list[int]:
    driver = Driver(server.events_url, fake, SIGNING_SECRET, session)
    return (await driver.calibrate(employee(0), 2))[-1]


async def _kill_and_restart(server: Server) -> dict[str, float]:
    killed_at = time.perf_counter()
    server.kill()
    await server.start()
    return {"killed_at": killed_at, "restart_s": time.perf_counter() - killed_at}


# --------------------------------------------------------------------------------- counting

def _count(fake: FakeSlack, tally: Tally, kills: list[float]) -> dict[str, Any]:
    by_channel: dict[str, list[Post]] = defaultdict(list)
    for post in fake.posts:
        by_channel[post.channel].append(post)
    duplicates, in_flight, out_of_order = 0, 0, 0
    for posts in by_channel.values():
        first: dict[str, Post] = {}
        for post in posts:
            if post.tag in first:
                duplicates += 1
                in_flight += _across_a_kill(first[post.tag], post, kills)
            else:
                first[post.tag] = post
        out_of_order += _order_breaks([p.tag for p in posts])
    missing = sum(max(0, want - len(fake.tags[channel]))
                  for channel, want in tally.expected_messages.items())
    waits = sorted(tally.waits)
    return {
        "conversations": len(tally.expected_messages), "acknowledged_events": tally.acknowledged,
        "reposted_events": tally.reposts, "answered_turns": tally.answered,
        "turns_waiting_past_limit": tally.timed_out,
        "acknowledged_unanswered_messages": missing, "deliveries": len(fake.posts),
        "duplicates": duplicates, "duplicates_across_a_kill": in_flight,
        "conversations_out_of_order": out_of_order,
        "history_lookups": fake.calls["conversations.history"],
        "answer_wait_p50_s": round(statistics.median(waits), 3) if waits else None,
        "answer_wait_p99_s": round(waits[int(0.99 * (len(waits) - 1))], 3) if waits else None,
        "answer_wait_max_s": round(waits[-1], 3) if waits else None,
    }


def _across_a_kill(first: Post, again: Post, kills: list[float]) -> int:
    """1 when a kill fell between the two copies: the first was in flight at that kill."""
    return int(any(first.arrived <= kill <= again.arrived for kill in kills))


def _order_breaks(tags: list[str]) -> int:
    """1 when the conversation's outbox ids, repeats dropped, do not grow."""
    seen: set[str] = set()
    ids = []
    for tag in tags:
        if tag not in seen:
            seen.add(tag)
            ids.append(int(tag.removeprefix("outbox-")) if tag.startswith("outbox-") else -1)
    return int(any(b < a for a, b in itertools.pairwise(ids)))


def _stalls(fake: FakeSlack, kills: list[dict[str, float]]) -> dict[str, Any]:
    """From each kill to the first message delivered after it."""
    stalls = []
    for kill in kills:
        after = [p.arrived for p in fake.posts if p.arrived > kill["killed_at"]]
        stalls.append(round(min(after) - kill["killed_at"], 2) if after else None)
    known = [s for s in stalls if s is not None]
    return {"stall_after_kill_s": stalls, "longest_stall_s": max(known) if known else None}


def _outbox_states(store_url: str) -> dict[str, int] | str:
    if not store_url.startswith("sqlite"):
        return "see esmbot outbox list"
    path = store_url.split("///", 1)[1]
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT state, count(*) FROM outbox GROUP BY state"))


def _store(plan: Plan, work: Path, phase: str) -> str:
    return plan.store_url or f"sqlite+aiosqlite:///{work / f'soak-{phase}.db'}"


def _env(plan: Plan) -> dict[str, str]:
    env = {"ESMBOT_LOGGING__LEVEL": "WARNING"}
    if plan.lease_seconds is not None:
        env["ESMBOT_OUTBOX__LEASE_SECONDS"] = str(plan.lease_seconds)
    return env


def _people(plan: Plan) -> list[Employee]:
    return [employee(i) for i in range(1, plan.conversations + 1)]


# ------------------------------------------------------------------------------------- main

async def run(plan: Plan, phases: Sequence[str], output: Path) -> list[dict[str, Any]]:
    work = Path(tempfile.mkdtemp(prefix="esmbot-soak-"))
    directory = write_directory(work / "directory.toml", plan.conversations + 1)
    results = []
    try:
        if "kills" in phases:
            results.append(await kills_phase(plan, work, directory))
            _log(results[-1])
        if "outage" in phases:
            results.append(await outage_phase(plan, work, directory))
            _log(results[-1])
    except BaseException:
        print(f"[soak] failed; server logs are kept in {work}", file=sys.stderr)
        raise
    shutil.rmtree(work, ignore_errors=True)
    output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


def _log(figures: dict[str, Any]) -> None:
    print(json.dumps(figures), flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    defaults = Plan()
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=defaults.seconds)
    parser.add_argument("--conversations", type=int, default=defaults.conversations)
    parser.add_argument("--kills", type=int, default=defaults.kills)
    parser.add_argument("--outage-seconds", type=float, default=defaults.outage_seconds)
    parser.add_argument("--outage-at", type=float, default=defaults.outage_at)
    parser.add_argument("--after-outage", type=float, default=defaults.after_outage)
    parser.add_argument("--answer-limit", type=float, default=defaults.answer_limit)
    parser.add_argument("--lease-seconds", type=float, default=None)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--store-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--phases", default="kills,outage")
    parser.add_argument("--no-history", action="store_true",
                        help="the fake Slack refuses conversations.history: every send in "
                        "flight at a kill is sent again (the comparison)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    plan = Plan(seconds=args.seconds, conversations=args.conversations, kills=args.kills,
                outage_seconds=args.outage_seconds, outage_at=args.outage_at,
                after_outage=args.after_outage, answer_limit=args.answer_limit,
                seed=args.seed, lease_seconds=args.lease_seconds, store_url=args.store_url,
                history=not args.no_history)
    phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    unknown = set(phases) - {"kills", "outage"}
    if unknown:
        parser.error(f"unknown phase(s): {', '.join(sorted(unknown))}")
    asyncio.run(run(plan, phases, args.output))


if __name__ == "__main__":
    main()

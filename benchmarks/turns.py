"""Simulated employees chatting with a server over Slack's HTTP path, one turn at a time.

Each employee runs the request dialog in their own DM: a signed ``event_callback`` is POSTed to
the server, and the employee waits until the turn's whole answer has reached the fake Slack Web
API before typing the next line. A turn's latency runs from just before the POST (the event's
arrival) to the arrival of the answer's last message. How many messages a turn answers with is
learnt first by a calibration employee (which also warms the server up), so the same driver
measures esmbot (two messages for some turns) and the echo references (one each).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import aiohttp
from slack_sdk.signature import SignatureVerifier

from benchmarks.fake_slack import BOT_USER_ID, TEAM_ID, FakeSlack
from benchmarks.people import Employee

SCRIPT = ("我要申请一台笔记本，预算800", "标准办公本", "项目开发需要新电脑", "提交")
TURN_LIMIT = 180.0  # a turn not answered by then counts as an error
QUIET = 0.3  # calibration: a turn's answer is complete after this long without a message
THINK_SEED = 20261123  # the same pauses in every run


@dataclass
class TurnResult:
    concurrency: int
    turns: int
    seconds: float
    latencies: list[float] = field(default_factory=list)  # seconds
    errors: int = 0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


class Driver:
    """Posts employees' lines to ``events_url``; ``fake`` tells when the answers arrive."""

    def __init__(self, events_url: str, fake: FakeSlack, signing_secret: str,
                 session: aiohttp.ClientSession) -> None:
        self.events_url = events_url
        self.fake = fake
        self.verifier = SignatureVerifier(signing_secret)
        self.session = session
        self._run = secrets.token_hex(3)
        self._ids = itertools.count(1)

    def request(self, who: Employee, text: str) -> tuple[bytes, dict[str, str]]:
        """A signed Events API request carrying ``text`` from ``who`` in their DM."""
        n = next(self._ids)
        ts = f"{1700000000 + n}.{n % 1000000:06d}"
        body = json.dumps({
            "token": "bench", "team_id": TEAM_ID, "api_app_id": "A0ESMBOT",
            "type": "event_callback", "event_id": f"Ev{self._run}{n:09d}",
            "event_time": int(time.time()),
            "event": {"type": "message", "channel": who.channel, "user": who.user,
                      "text": text, "ts": ts, "event_ts": ts, "channel_type": "im",
                      "team": TEAM_ID},
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True,
                                "is_enterprise_install": False}],
        }, ensure_ascii=False)
        stamp = str(int(time.time()))
        signature = self.verifier.generate_signature(timestamp=stamp, body=body) or ""
        return body.encode(), {"Content-Type": "application/json",
                               "X-Slack-Request-Timestamp": stamp,
                               "X-Slack-Signature": signature}

    async def post(self, body: bytes, headers: dict[str, str]) -> None:
        async with self.session.post(self.events_url, data=body, headers=headers) as response:
            await response.read()
            if response.status != 200:
                raise RuntimeError(f"POST /slack/events answered {response.status}")

    async def turn(self, who: Employee, text: str, answers: int) -> float:
        """One turn; the seconds until its ``answers`` messages have all arrived."""
        body, headers = self.request(who, text)
        expected = self.fake.posted(who.channel) + answers
        arrived = self.fake.expect(who.channel, expected)
        started = time.perf_counter()
        try:
            await self.post(body, headers)
            times = await asyncio.wait_for(arrived, TURN_LIMIT)
        finally:
            self.fake.forget(who.channel)
        if times[expected - 1] < started:
            raise RuntimeError(f"{who.channel}: more answers than calibrated")
        return times[expected - 1] - started

    async def calibrate(self, who: Employee, dialogs: int, script: Sequence[str] = SCRIPT
                        ) -> list[list[int]]:
        """Run the dialog ``dialogs`` times, one turn at a time, and count each turn's
        messages (waiting until the channel is quiet); the last count holds for later ones."""
        counts: list[list[int]] = []
        for _ in range(dialogs):
            dialog = []
            for text in script:
                before = self.fake.posted(who.channel)
                await self.post(*self.request(who, text))
                dialog.append(await self._quiet_count(who.channel, before))
            counts.append(dialog)
        return counts

    async def _quiet_count(self, channel: str, before: int) -> int:
        deadline = time.monotonic() + TURN_LIMIT
        seen, since = before, time.monotonic()
        while time.monotonic() < deadline:
            await asyncio.sleep(0.02)
            now = self.fake.posted(channel)
            if now != seen:
                seen, since = now, time.monotonic()
            elif seen > before and time.monotonic() - since >= QUIET:
                return seen - before
        raise RuntimeError(f"no answer in {channel} within {TURN_LIMIT:.0f} s")

    async def load(self, employees: Sequence[Employee], dialogs: int,
                   answers: list[list[int]], script: Sequence[str] = SCRIPT,
                   think: tuple[float, float] | None = None) -> TurnResult:
        """Every employee runs ``dialogs`` dialogs at the same time; latencies of all turns.

        Without ``think`` each line follows the answer to the previous one at once (a closed
        loop: the most load the employees can make). With ``think=(low, high)`` an employee
        reads and types for a uniformly drawn ``low``-``high`` seconds before every line, the
        first included (which spreads their starts), as people do; the latency is still
        measured from the line's POST to its answer, the thinking is not part of it.
        """
        result = TurnResult(len(employees), len(employees) * dialogs * len(script), 0.0)
        pause = random.Random(THINK_SEED)

        async def employee(who: Employee) -> None:
            for d in range(dialogs):
                expected = answers[min(d, len(answers) - 1)]
                for text, count in zip(script, expected, strict=True):
                    if think is not None:
                        await asyncio.sleep(pause.uniform(*think))
                    try:
                        result.latencies.append(await self.turn(who, text, count))
                    except (TimeoutError, RuntimeError, aiohttp.ClientError):
                        result.errors += 1
                        return

        started = time.perf_counter()
        await asyncio.gather(*(employee(who) for who in employees))
        result.seconds = time.perf_counter() - started
        return result


def client_session(concurrency: int) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=concurrency + 10, force_close=False)
    return aiohttp.ClientSession(connector=connector,
                                 timeout=aiohttp.ClientTimeout(total=TURN_LIMIT))


def describe_answers(answers: list[list[int]]) -> str:
    return " / ".join("+".join(str(n) for n in dialog) for dialog in answers)

"""Resident memory of a running esmbot process holding N open dialogs.

Run in a fresh process (``python -m benchmarks.memory``) so that nothing else the benchmark did
is counted. The bot is built as ``esmbot serve`` builds it (``build_app`` with its outbox loop
and timer sweeper running) on a SQLite file, with a generated directory of N people and the
demo catalog; a channel that only counts what it is asked to send stands in for the platform.
Each person writes the first line of the laptop request, so N conversations are left in the
middle of the form. RSS is read from ``/proc/self/status`` after a garbage collection.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import time
from pathlib import Path

from sqlalchemy import text

from benchmarks.people import employee, write_directory
from bot.app import build_app
from bot.settings import Settings
from chat.channel import Capabilities, EventSink
from chat.events import ConversationKey, MessageReceived, MessageRef
from chat.replies import Message
from dialogs.loader import demo_paths, load_bundle

OPENING = "我要申请一台笔记本，预算800"
WORKERS = 10  # conversations written to at once (more exhaust the SQLite connection pool)


class CountingChannel:
    """Sends nothing anywhere; counts. Named ``fake``: the user id is the directory id."""

    name = "fake"
    capabilities = Capabilities(buttons=True, can_update=True)

    def __init__(self) -> None:
        self.sent = 0
        self._ids = itertools.count(1)

    async def start(self, sink: EventSink) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def send(self, key: ConversationKey, message: Message) -> MessageRef:
        self.sent += 1
        return MessageRef(self.name, key.user, str(next(self._ids)))

    async def update(self, ref: MessageRef, message: Message) -> MessageRef:
        return ref


def status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


async def open_dialogs(count: int, workdir: Path) -> dict[str, float | int]:
    catalog, _, calendars = demo_paths()
    bundle = load_bundle(catalog, write_directory(workdir / "memory-directory.toml", count),
                         calendars)
    settings = Settings.model_validate({
        "store": {"url": f"sqlite+aiosqlite:///{workdir / 'memory.db'}"},
        "policies": {"quiet_hours": ""},
    })
    app = await build_app(settings, bundle=bundle)
    channel = CountingChannel()
    await app.add_channel(channel)
    app.start_background()
    gc.collect()
    baseline = status_mb("VmRSS")
    started = time.perf_counter()
    people = iter(range(count))

    async def worker() -> None:
        for i in people:
            key = ConversationKey("fake", "", "", employee(i).person)
            await app.handle(MessageReceived(key, f"mem-{i}", OPENING))

    await asyncio.gather(*(worker() for _ in range(WORKERS)))
    await app.dispatcher.drain()
    seconds = time.perf_counter() - started
    async with app.db.engine.connect() as conn:
        open_now = (await conn.execute(text("SELECT count(*) FROM dialog_state"))).scalar_one()
    gc.collect()
    result = {"dialogs": int(open_now), "failed": count - int(open_now),
              "rss_mb": round(status_mb("VmRSS"), 1),
              "baseline_rss_mb": round(baseline, 1), "peak_rss_mb": round(status_mb("VmHWM"), 1),
              "seconds": round(seconds, 1), "messages_sent": channel.sent}
    await app.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory")
    parser.add_argument("--dialogs", type=int, required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(open_dialogs(args.dialogs, args.workdir))))


if __name__ == "__main__":
    main()

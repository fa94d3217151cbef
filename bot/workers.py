"""``[server] workers = N``: N ``esmbot serve`` processes sharing one port, kept running.

One esmbot process runs on one core (its event loop is one thread). On a machine with more
cores, ``esmbot serve`` with ``workers > 1`` becomes a supervisor: it brings the database to
the latest schema once, then starts N worker processes that each run the whole bot (web
server, channels, outbox dispatcher, timer sweeper) and listen on the same address with
``SO_REUSEPORT``, so the kernel spreads connections over them. Workers share nothing but the
database, exactly like replicas on several machines (see "Running it at scale"), so
everything that makes replicas safe (dedupe, conversation locks, outbox leases, the sweeper's
leader lease) makes workers safe.

A worker that dies is started again after ``RESTART_DELAY``, except for a configuration error
(exit 2), which stops them all: starting again would only fail again. SIGTERM or SIGINT to the
supervisor stops every worker (each finishes what it is doing) and then the supervisor.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence

from bot.settings import Settings
from store.db import Database

log = logging.getLogger("esmbot.workers")
RESTART_DELAY = 1.0
STOP_LIMIT = 30.0  # seconds a worker gets to finish before it is killed
EXIT_CONFIG = 2


async def supervise(settings: Settings, worker_argv: Sequence[str]) -> int:
    """Run ``settings.server.workers`` copies of ``worker_argv`` + ``--worker N`` until told
    to stop; the exit status is 2 when a worker found the configuration wrong, else 0."""
    db = await Database.open(settings.store.url)  # migrate once, not N times at once
    await db.close()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    keepers = [asyncio.create_task(_keep_running(n, [*worker_argv, "--worker", str(n)], stop))
               for n in range(1, settings.server.workers + 1)]
    print(f"esmbot supervising {settings.server.workers} workers on "
          f"http://{settings.server.host}:{settings.server.port}", file=sys.stderr)
    results = await asyncio.gather(*keepers)
    return EXIT_CONFIG if EXIT_CONFIG in results else 0


async def _keep_running(number: int, argv: Sequence[str], stop: asyncio.Event) -> int:
    """Keep worker ``number`` running until ``stop``; its last exit status."""
    while True:
        process = await asyncio.create_subprocess_exec(*argv)
        exited = asyncio.create_task(process.wait())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({exited, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if stop.is_set():
            return await _stop(process, exited)
        if process.returncode == EXIT_CONFIG:
            log.error("worker %d found the configuration wrong; stopping all", number)
            stop.set()
            return EXIT_CONFIG
        log.error("worker %d (pid %d) exited with %s; starting it again in %.0f s",
                  number, process.pid, process.returncode, RESTART_DELAY)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), RESTART_DELAY)
        if stop.is_set():
            return 0


async def _stop(process: asyncio.subprocess.Process, exited: asyncio.Task[int]) -> int:
    if process.returncode is None:
        process.terminate()
    try:
        return await asyncio.wait_for(asyncio.shield(exited), STOP_LIMIT)
    except TimeoutError:
        log.error("worker pid %d did not stop in %.0f s; killing it", process.pid, STOP_LIMIT)
        process.kill()
        return await exited

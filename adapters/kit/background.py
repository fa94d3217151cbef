"""Background tasks that are kept (so they are not garbage-collected) and awaited at shutdown.

Every platform adapter acknowledges at once and hands the event to the core in one of these.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger("esmbot.adapters")


class BackgroundTasks:
    def __init__(self, channel: str) -> None:
        self.channel = channel  # named in the log when a task fails
        self._tasks: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    async def join(self) -> None:
        """Wait until every task (including ones started meanwhile) has finished."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("%s task %s failed", self.channel, task.get_name(),
                      exc_info=task.exception())

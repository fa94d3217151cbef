"""One transaction per turn: ``async with db.unit_of_work() as uow: ...`` commits once.

Repositories only flush; the unit of work commits when the block ends without an exception and
rolls back otherwise. After-commit callbacks (e.g. waking the outbox dispatcher) run only after a
successful commit.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Callable
from types import TracebackType
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


class SessionSource(Protocol):
    """What a unit of work needs of the database (``store.db.Database`` is one)."""

    dialect: str
    writer_queue: asyncio.Lock | None

    def session(self) -> AsyncSession: ...


log = logging.getLogger("esmbot.store")

_IN_UNIT_OF_WORK: contextvars.ContextVar[bool] = contextvars.ContextVar("in_unit_of_work",
                                                                       default=False)
_CONVERSATION_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:lock_id, 0))")


class UnitOfWork:
    def __init__(self, db: SessionSource) -> None:
        self._db = db
        self._session: AsyncSession | None = None
        self._after_commit: list[Callable[[], None]] = []
        self._token: contextvars.Token[bool] | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("use the unit of work inside 'async with'")
        return self._session

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once this unit of work has committed (never after a rollback)."""
        self._after_commit.append(callback)

    async def lock_conversation(self, lock_id: str) -> None:
        """Serialize turns of one conversation across replicas, until this transaction ends.

        PostgreSQL: a transaction-scoped advisory lock. SQLite: nothing to do, because every
        transaction already begins with ``BEGIN IMMEDIATE`` and so writers run one at a time.
        """
        if self._db.dialect == "postgresql":
            await self.session.execute(_CONVERSATION_LOCK, {"lock_id": lock_id})

    async def __aenter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("a unit of work is entered once")
        queue = self._db.writer_queue
        if queue is not None:
            if _IN_UNIT_OF_WORK.get():
                raise RuntimeError("a unit of work inside another one would wait for itself "
                                   "on SQLite; finish the first one before opening the next")
            await queue.acquire()
            self._token = _IN_UNIT_OF_WORK.set(True)
        self._session = self._db.session()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if exc_type is None:
                await session.commit()
            else:
                await session.rollback()
        finally:
            await session.close()
            self._leave_queue()
        if exc_type is None:
            self._run_after_commit()

    def _leave_queue(self) -> None:
        queue = self._db.writer_queue
        if queue is not None and self._token is not None:
            _IN_UNIT_OF_WORK.reset(self._token)
            self._token = None
            queue.release()

    def _run_after_commit(self) -> None:
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            try:
                callback()
            except Exception:  # the commit stands; a failing hook must not undo it
                log.exception("after-commit callback %r failed", callback)

"""SQLite on the event loop's own thread: the standard ``sqlite3`` module behind SQLAlchemy's
asyncio API, without a worker thread per connection.

aiosqlite runs every call (cursor, execute, fetch, close) on a worker thread and hands the
result back through ``call_soon_threadsafe``: about 0.1 ms per hop on a two-core machine, three
or four hops per statement, so a ``SELECT 1`` in a session took 0.67 ms against 0.02 ms for
``sqlite3`` itself, and a chat turn spent most of its time crossing threads. SQLite is an
embedded library: a statement on indexed rows takes microseconds, and this process's units of
work already run one at a time (``Database.writer_queue``), so the thread bought no concurrency.
Here the statements run inline, inside SQLAlchemy's greenlet, and cost what SQLite costs.

What must never block the loop is waiting for *another process's* write lock (the terminal
chat or a second ``esmbot serve`` on the same file). So connections get ``busy_timeout=0``, and
every transaction's ``BEGIN IMMEDIATE`` is retried here with ``asyncio.sleep`` backoff until
``lock_wait`` seconds have passed, then fails with a clear "database is locked". Once
``BEGIN IMMEDIATE`` has succeeded the transaction holds the write lock, and in WAL mode readers
never wait for writers, so no other statement meets a busy database.

The URL stays ``sqlite+aiosqlite:///path``; ``store.db`` picks this dialect for it.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from typing import Any

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL, Connection
from sqlalchemy.engine.interfaces import ConnectArgsType
from sqlalchemy.util import await_

DRIVER_NAME = "sqlite+esmbot"
DEFAULT_LOCK_WAIT = 10.0  # seconds a transaction waits for another process's write lock
FIRST_BACKOFF, MAX_BACKOFF = 0.001, 0.05


class InlineCursor(sqlite3.Cursor):
    async def _async_soft_close(self) -> None:
        """SQLAlchemy's asyncio results close a driver cursor early to release its thread;
        a ``sqlite3`` cursor keeps its rows where they are, so there is nothing to do."""


class InlineConnection(sqlite3.Connection):
    def cursor(self, factory: Any = InlineCursor) -> Any:
        return super().cursor(factory)


async def _nothing() -> None:
    return None


def _switch_once() -> None:
    """Tell SQLAlchemy's greenlet bridge that this call ran under asyncio.

    ``AsyncConnection.execute`` insists that a statement awaited something (to catch a sync
    driver used by mistake); a statement here awaits a finished coroutine, which costs one
    greenlet switch and never yields to other tasks.
    """
    await_(_nothing())


class SQLiteDialect_esmbot(SQLiteDialect_pysqlite):
    driver = "esmbot"
    is_async = True
    supports_statement_cache = True

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool

    def create_connect_args(self, url: URL) -> ConnectArgsType:
        args, kwargs = super().create_connect_args(url)
        kwargs["factory"] = InlineConnection
        return args, kwargs

    def do_execute(self, cursor: Any, statement: str, parameters: Any,
                   context: Any = None) -> None:
        _switch_once()
        cursor.execute(statement, parameters)

    def do_execute_no_params(self, cursor: Any, statement: str, context: Any = None) -> None:
        _switch_once()
        cursor.execute(statement)

    def do_executemany(self, cursor: Any, statement: str, parameters: Any,
                       context: Any = None) -> None:
        _switch_once()
        cursor.executemany(statement, parameters)


def register() -> None:
    registry.register("sqlite.esmbot", __name__, "SQLiteDialect_esmbot")


def begin_immediate(connection: Connection, lock_wait: float | None = None) -> None:
    """``BEGIN IMMEDIATE``, waiting (without blocking the loop) while another process writes,
    at most ``lock_wait`` seconds (default ``DEFAULT_LOCK_WAIT``)."""
    deadline = time.monotonic() + (DEFAULT_LOCK_WAIT if lock_wait is None else lock_wait)
    delay = FIRST_BACKOFF
    while True:
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except Exception as exc:  # SQLAlchemy wraps sqlite3.OperationalError
            if not _is_busy(exc) or time.monotonic() >= deadline:
                raise
        await_(asyncio.sleep(delay * random.uniform(0.5, 1.0)))
        delay = min(delay * 2, MAX_BACKOFF)


def _is_busy(exc: BaseException) -> bool:
    original = getattr(exc, "orig", exc)
    return isinstance(original, sqlite3.OperationalError) and (
        "locked" in str(original) or "busy" in str(original))

"""The async engine: one ``Database`` per process, SQLite by default, PostgreSQL when it grows.

SQLite connections run in WAL mode with foreign keys on, on the event loop's thread
(``store.sqlite_driver``), and every transaction starts with ``BEGIN IMMEDIATE`` (SQLAlchemy's
documented recipe), so writers in other processes wait for each other (up to
``sqlite_driver.DEFAULT_LOCK_WAIT``) instead of failing with "database is locked" half-way
through.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from store import sqlite_driver
from store.migrate import upgrade
from store.uow import UnitOfWork

SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)
# After the switch to WAL: a busy database must never put the event loop's thread to sleep;
# ``sqlite_driver.begin_immediate`` waits for another process's write lock with asyncio instead.
SQLITE_NO_BUSY_WAIT = "PRAGMA busy_timeout=0"
WAL_SWITCH_ATTEMPTS = 200  # x 25 ms: switching to WAL can fail at once (no busy handler)
READ_ONLY = "esmbot_read_only"  # execution option: this SQLite transaction only reads (plain
# BEGIN: in WAL mode it reads one snapshot and never holds up a writer, e.g. a long audit verify)
POSTGRES_POOL = {"pool_size": 10, "max_overflow": 20, "pool_pre_ping": True,
                 "pool_recycle": 1800}


class Database:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.dialect: str = engine.dialect.name
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        # SQLite admits one writer at a time, and a waiting connection polls in sleeps of up to
        # 100 ms while holding a pooled connection: under load turns ran out of connections.
        # This process's units of work queue here instead, each woken the moment the previous
        # one ends (other processes still meet SQLite's busy timeout).
        self.writer_queue: asyncio.Lock | None = (
            asyncio.Lock() if self.dialect == "sqlite" else None)

    @classmethod
    async def open(cls, url: str, *, migrate: bool = True) -> Database:
        """Connect to ``url``; bring the schema to the latest revision when ``migrate``."""
        engine = create_engine(url)
        if migrate:
            try:
                await upgrade(engine)
            except BaseException:
                await engine.dispose()
                raise
        return cls(engine)

    def session(self) -> AsyncSession:
        return self._sessions()

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self)

    async def close(self) -> None:
        await self.engine.dispose()


def create_engine(url: str) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    return create_async_engine(parsed, **POSTGRES_POOL)


def _sqlite_engine(url: URL) -> AsyncEngine:
    _create_parent_folder(url)
    sqlite_driver.register()
    engine = create_async_engine(url.set(drivername=sqlite_driver.DRIVER_NAME))
    event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
    event.listen(engine.sync_engine, "begin", _begin_immediate)
    return engine


def _create_parent_folder(url: URL) -> None:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # the driver must not emit its own BEGIN
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        _switch_to_wal(cursor)
        cursor.execute(SQLITE_NO_BUSY_WAIT)
    finally:
        cursor.close()


def _switch_to_wal(cursor: Any) -> None:
    """WAL is a property of the file: set it once, retrying while another opener holds it."""
    for _ in range(WAL_SWITCH_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode")  # the adapter buffers the rows on execute
            if cursor.fetchall()[0][0] == "wal":
                return
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            time.sleep(0.025)
    cursor.execute("PRAGMA journal_mode=WAL")


def _begin_immediate(connection: Connection) -> None:
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
        return
    sqlite_driver.begin_immediate(connection)

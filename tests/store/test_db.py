"""The engine: SQLite settings, both dialects, migrations to head, schema == models."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from store import migrate, sqlite_driver
from store.db import Database
from store.models import metadata
from tests.pg import fresh_database


async def test_opening_a_sqlite_file_creates_its_folder_and_migrates(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'deep' / 'er' / 'esmbot.db'}"
    db = await Database.open(url)
    try:
        assert (tmp_path / "deep" / "er" / "esmbot.db").exists()
        assert db.dialect == "sqlite"
        assert await migrate.current(db.engine) == migrate.head()
    finally:
        await db.close()


async def test_sqlite_connections_use_wal_foreign_keys_and_never_sleep_when_busy(
    tmp_path: Path,
) -> None:
    db = await Database.open(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        async with db.engine.connect() as conn:
            pragmas = {name: (await conn.exec_driver_sql(f"PRAGMA {name}")).scalar()
                       for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")}
    finally:
        await db.close()
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 0,
                       "synchronous": 1}


async def test_sqlite_statements_run_on_the_loop_thread_without_a_worker(tmp_path: Path) -> None:
    threads = threading.active_count()
    db = await Database.open(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        async with db.unit_of_work() as uow:
            await uow.session.execute(text("SELECT count(*) FROM inbound_event"))
            assert threading.active_count() == threads
    finally:
        await db.close()


async def test_another_process_holding_the_write_lock_is_waited_for_while_the_loop_runs(
    tmp_path: Path,
) -> None:
    path = tmp_path / "x.db"
    db = await Database.open(f"sqlite+aiosqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None)  # as the terminal chat would hold it
    other.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    async def write() -> None:
        async with db.unit_of_work() as uow:
            await uow.session.execute(
                text("INSERT INTO inbound_event (channel, event_id, received_at) "
                     "VALUES ('t', 'e1', '2026-01-01 00:00:00')"))

    ticker = asyncio.create_task(tick())
    asyncio.get_running_loop().call_later(0.3, other.commit)
    try:
        await asyncio.wait_for(write(), timeout=5)
        async with db.engine.connect() as conn:
            count = (await conn.exec_driver_sql("SELECT count(*) FROM inbound_event")).scalar()
    finally:
        ticker.cancel()
        other.close()
        await db.close()
    assert count == 1
    assert ticks >= 20  # the loop went on for the 0.3 s the lock was held


async def test_a_write_lock_held_longer_than_the_wait_fails_with_database_locked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sqlite_driver, "DEFAULT_LOCK_WAIT", 0.2)
    path = tmp_path / "x.db"
    db = await Database.open(f"sqlite+aiosqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError, match="database is locked"):
            async with db.unit_of_work() as uow:
                await uow.session.execute(text("SELECT 1"))
    finally:
        other.rollback()
        other.close()
        await db.close()


async def test_concurrent_sqlite_writers_queue_instead_of_failing(tmp_path: Path) -> None:
    db = await Database.open(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")

    async def read_then_write(n: int) -> None:
        async with db.unit_of_work() as uow:
            await uow.session.execute(text("SELECT count(*) FROM inbound_event"))
            await asyncio.sleep(0.01)
            await uow.session.execute(
                text("INSERT INTO inbound_event (channel, event_id, received_at) "
                     "VALUES ('t', :id, '2026-01-01 00:00:00')"),
                {"id": str(n)})

    try:
        await asyncio.gather(*(read_then_write(n) for n in range(12)))
        async with db.engine.connect() as conn:
            count = (await conn.exec_driver_sql("SELECT count(*) FROM inbound_event")).scalar()
    finally:
        await db.close()
    assert count == 12


async def test_dialect_is_named(db: Database, db_url: str) -> None:
    assert db.dialect == ("sqlite" if db_url.startswith("sqlite") else "postgresql")


async def test_upgrading_twice_is_a_no_op(db: Database) -> None:
    await migrate.upgrade(db.engine)
    await migrate.upgrade(db.engine)
    assert await migrate.current(db.engine) == migrate.head() == "0018"
    reopened = await Database.open(str(db.engine.url.render_as_string(hide_password=False)))
    await reopened.close()


async def test_the_migrated_schema_matches_the_models(db: Database) -> None:
    async with db.engine.connect() as conn:
        diffs = await conn.run_sync(_schema_diffs)
    assert diffs == []


async def test_the_migrated_tables_and_indexes_are_the_models(db: Database) -> None:
    async with db.engine.connect() as conn:
        found = await conn.run_sync(_tables_and_indexes)
    expected = {
        table.name: ({c.name for c in table.columns}, {i.name for i in table.indexes})
        for table in metadata.sorted_tables
    }
    assert found == expected


def _schema_diffs(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _tables_and_indexes(conn: Connection) -> dict[str, tuple[set[str], set[str]]]:
    inspector = inspect(conn)
    return {
        name: ({c["name"] for c in inspector.get_columns(name)},
               {str(i["name"]) for i in inspector.get_indexes(name)
                if "duplicates_constraint" not in i})  # PostgreSQL lists a UNIQUE's index
        for name in inspector.get_table_names() if name != "alembic_version"
    }


async def test_a_migration_from_an_empty_database_builds_every_table(tmp_path: Path) -> None:
    db = await Database.open(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", migrate=False)
    try:
        assert await migrate.current(db.engine) is None
        await migrate.upgrade(db.engine)
        async with db.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await db.close()
    assert tables == {*metadata.tables, "alembic_version"}


def test_the_alembic_config_does_not_depend_on_the_working_folder(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    location = Path(migrate.alembic_config().get_main_option("script_location") or "")
    assert (location / "env.py").exists()
    assert migrate.head() == "0018"


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_replicas_starting_together_migrate_once(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if kind == "postgresql":
        request.getfixturevalue("postgres_server")
    async with fresh_database(kind, tmp_path, migrated=False) as url:
        replicas = await asyncio.gather(*(Database.open(url) for _ in range(4)))
        try:
            assert {await migrate.current(r.engine) for r in replicas} == {migrate.head()}
        finally:
            for replica in replicas:
                await replica.close()

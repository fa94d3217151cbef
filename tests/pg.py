"""Database fixtures for every test folder: a real PostgreSQL server, and fresh databases.

``postgres_server`` (session): finds the PostgreSQL binaries (installing the ``postgresql``
package with apt-get when missing and we are root), runs ``initdb`` into a temp folder, starts
``postgres`` on a free port (``devtools/postgres.py``) and yields
``postgresql+asyncpg://postgres@127.0.0.1:<port>/``.
It skips (with the reason) only when no server can be had at all.

``db_url`` (function, ids ``sqlite`` / ``postgresql``): a fresh, migrated database per test.
SQLite copies a migrated template file; PostgreSQL runs ``CREATE DATABASE ... TEMPLATE``.
``db``: that database, opened.

Use from any conftest: ``pytest_plugins = ["tests.pg"]`` (in ``tests/conftest.py``).
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import shutil
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from devtools.postgres import PostgresServer, PostgresUnavailable, start_server
from store.db import Database

T = TypeVar("T")
TEMPLATE_DB = "esm_template"
MAX_CONNECTIONS = 200


# ------------------------------------------------- one server and one template per test process

_lock = threading.Lock()
_server: PostgresServer | None = None
_failure: str | None = None
_template_ready = False


def shared_server() -> PostgresServer:
    """The process's PostgreSQL server, started on first use and stopped at exit."""
    global _server, _failure
    with _lock:
        if _failure is not None:
            raise PostgresUnavailable(_failure)
        if _server is None:
            try:
                # installs PostgreSQL with apt-get if it must and can
                _server = start_server(prefix="esmbot-pg-", max_connections=MAX_CONNECTIONS,
                                       install=True)
            except PostgresUnavailable as exc:
                _failure = str(exc)
                raise
            atexit.register(_server.stop)
        return _server


def ensure_template(server: PostgresServer) -> None:
    """Create ``esm_template`` once, migrated to head; tests copy it."""
    global _template_ready
    with _lock:
        if not _template_ready:
            run_in_thread(_create_template(server))
            _template_ready = True


async def _create_template(server: PostgresServer) -> None:
    await _admin(server, f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)',
                 f'CREATE DATABASE "{TEMPLATE_DB}"')
    database = await Database.open(server.database_url(TEMPLATE_DB), migrate=True)
    await database.close()


async def _admin(server: PostgresServer, *statements: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(host="127.0.0.1", port=server.port, user="postgres",
                                 database="postgres")
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


def run_in_thread(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to completion on a private event loop (safe inside a running loop)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


_sqlite_template: Path | None = None


def sqlite_template() -> Path:
    """A migrated SQLite file, made once per process; tests get copies of it."""
    global _sqlite_template
    with _lock:
        if _sqlite_template is None:
            path = Path(tempfile.mkdtemp(prefix="esmbot-sqlite-")) / "template.db"
            run_in_thread(_migrate(f"sqlite+aiosqlite:///{path}"))
            atexit.register(shutil.rmtree, path.parent, True)
            _sqlite_template = path
        return _sqlite_template


async def _migrate(url: str) -> None:
    database = await Database.open(url, migrate=True)
    await database.close()


# ------------------------------------------------------------------------------------ fixtures

@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The base URL of a running PostgreSQL server (started for this test run)."""
    try:
        server = shared_server()
    except PostgresUnavailable as exc:
        pytest.skip(f"no PostgreSQL server: {exc}")
    yield server.url


@pytest.fixture(params=["sqlite", "postgresql"], ids=["sqlite", "postgresql"])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh database at the latest schema, one per test, on each database."""
    if request.param == "postgresql":
        request.getfixturevalue("postgres_server")
    async with fresh_database(request.param, tmp_path, migrated=True) as url:
        yield url


@contextlib.asynccontextmanager
async def fresh_database(kind: str, folder: Path, *, migrated: bool) -> AsyncIterator[str]:
    """A new ``kind`` ("sqlite"/"postgresql") database, empty or migrated; dropped after."""
    if kind == "sqlite":
        path = folder / f"esmbot-{uuid.uuid4().hex[:8]}.db"
        if migrated:
            shutil.copyfile(sqlite_template(), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    server = shared_server()
    name = f"t_{uuid.uuid4().hex}"
    if migrated:
        ensure_template(server)
        await _admin(server, f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DB}"')
    else:
        await _admin(server, f'CREATE DATABASE "{name}"')
    try:
        yield server.database_url(name)
    finally:
        await _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    """The fresh database of ``db_url``, opened."""
    database = await Database.open(db_url, migrate=False)
    try:
        yield database
    finally:
        await database.close()

"""Database fixtures for every test folder: a real PostgreSQL server, and fresh databases.

``postgres_server`` (session): finds the PostgreSQL binaries (installing the ``postgresql``
package with apt-get when missing and we are root), runs ``initdb`` into a temp folder, starts
``postgres`` on a free port and yields ``postgresql+asyncpg://postgres@127.0.0.1:<port>/``.
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
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from store.db import Database

T = TypeVar("T")
TEMPLATE_DB = "esm_template"
SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
    "-c full_page_writes=off -c max_connections=200"
)


class PostgresUnavailable(Exception):
    """No PostgreSQL server could be started; the message says why."""


@dataclass
class PostgresServer:
    bindir: Path
    datadir: Path
    port: int
    as_postgres_user: bool

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/"

    def database_url(self, name: str) -> str:
        return self.url + name

    def command(self, tool: str, *args: str) -> list[str]:
        argv = [str(self.bindir / tool), *args]
        return ["runuser", "-u", "postgres", "--", *argv] if self.as_postgres_user else argv

    def start(self) -> None:
        log = str(self.datadir.parent / "postgres.log")
        socket_dir = str(self.datadir.parent)
        options = f"-p {self.port} -k {socket_dir} {SERVER_OPTIONS}"
        _run(self.command("pg_ctl", "-D", str(self.datadir), "-l", log, "-o", options,
                          "-w", "-t", "60", "start"), f"starting postgres (log: {log})")

    def stop(self) -> None:
        subprocess.run(self.command("pg_ctl", "-D", str(self.datadir), "-m", "fast", "-w",
                                    "stop"), capture_output=True, timeout=60, check=False)
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


# ---------------------------------------------------------------- finding and starting a server

def find_bindir() -> Path | None:
    """The folder with ``initdb`` and ``pg_ctl``: from pg_config, or /usr/lib/postgresql/*/bin."""
    candidates: list[str] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        candidates.append(result.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if folder and all((Path(folder) / tool).exists() for tool in ("initdb", "pg_ctl")):
            return Path(folder)
    return None


def install_postgresql() -> None:
    """``apt-get install postgresql`` when we are root and apt-get exists; else explain."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise PostgresUnavailable("PostgreSQL is not installed (and we cannot apt-get it)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    _run(["apt-get", "update"], "apt-get update", env=env)
    _run(["apt-get", "install", "-y", "--no-install-recommends", "postgresql"],
         "apt-get install postgresql", env=env)


def start_server() -> PostgresServer:
    bindir = find_bindir()
    if bindir is None:
        install_postgresql()
        bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailable("PostgreSQL binaries not found even after installing")
    as_root = os.geteuid() == 0
    if as_root:
        _ensure_postgres_user()
    base = Path(tempfile.mkdtemp(prefix="esmbot-pg-"))
    if as_root:
        shutil.chown(base, user="postgres")
    server = PostgresServer(bindir, base / "data", _free_port(), as_postgres_user=as_root)
    _run(server.command("initdb", "-D", str(server.datadir), "-U", "postgres", "-A", "trust",
                        "-E", "UTF8", "--no-locale", "--no-sync"), "initdb")
    server.start()
    return server


def _ensure_postgres_user() -> None:
    if subprocess.run(["id", "-u", "postgres"], capture_output=True).returncode != 0:
        _run(["useradd", "--system", "--no-create-home", "postgres"], "useradd postgres")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _run(argv: list[str], what: str, env: dict[str, str] | None = None) -> None:
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=600, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PostgresUnavailable(f"{what} failed: {exc}") from exc
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip()[-2000:]
        raise PostgresUnavailable(f"{what} failed ({result.returncode}): {output}")


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
                _server = start_server()
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

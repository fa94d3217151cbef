"""A throwaway PostgreSQL server: ``initdb`` into a temp folder, ``pg_ctl start`` on a free
loopback port, removed again on ``stop``. Used by the tests (``tests/pg.py``) and the benchmark.

Durability is off (``fsync``, ``synchronous_commit``, ``full_page_writes``), as for any test
server: the figures and the run time show esmbot's cost rather than this machine's disk. When we
are root the server runs as the ``postgres`` user (created if missing), since PostgreSQL refuses
to run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from devtools.host import free_port

SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
    "-c full_page_writes=off"
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
        """The server's URL, to which a database name is appended."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/"

    def database_url(self, name: str) -> str:
        return self.url + name

    def command(self, tool: str, *args: str) -> list[str]:
        argv = [str(self.bindir / tool), *args]
        return ["runuser", "-u", "postgres", "--", *argv] if self.as_postgres_user else argv

    def start(self, max_connections: int) -> None:
        log = str(self.datadir.parent / "postgres.log")
        socket_dir = str(self.datadir.parent)
        options = f"-p {self.port} -k {socket_dir} {SERVER_OPTIONS} " \
                  f"-c max_connections={max_connections}"
        run(self.command("pg_ctl", "-D", str(self.datadir), "-l", log, "-o", options,
                         "-w", "-t", "60", "start"), f"starting postgres (log: {log})")

    def create_database(self, name: str) -> str:
        """A new empty database ``name``; returns its URL."""
        run(self.command("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U",
                         "postgres", name), f"createdb {name}")
        return self.database_url(name)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``pg_ctl -m mode``) and remove its folder."""
        subprocess.run(self.command("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w",
                                    "stop"), capture_output=True, timeout=60, check=False)
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


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
    run(["apt-get", "update"], "apt-get update", env=env)
    run(["apt-get", "install", "-y", "--no-install-recommends", "postgresql"],
        "apt-get install postgresql", env=env)


def start_server(*, prefix: str, max_connections: int, install: bool) -> PostgresServer:
    """A new server in a temp folder named with ``prefix``; ``install``: apt-get PostgreSQL
    when its binaries are missing (else that is a ``PostgresUnavailable``)."""
    bindir = find_bindir()
    if bindir is None and install:
        install_postgresql()
        bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailable("PostgreSQL binaries (initdb, pg_ctl) not found")
    as_root = os.geteuid() == 0
    if as_root:
        _ensure_postgres_user()
    base = Path(tempfile.mkdtemp(prefix=prefix))
    if as_root:
        shutil.chown(base, user="postgres")
    server = PostgresServer(bindir, base / "data", free_port(), as_postgres_user=as_root)
    try:
        run(server.command("initdb", "-D", str(server.datadir), "-U", "postgres", "-A",
                           "trust", "-E", "UTF8", "--no-locale", "--no-sync"), "initdb")
        server.start(max_connections)
    except PostgresUnavailable:
        shutil.rmtree(base, ignore_errors=True)
        raise
    return server


def _ensure_postgres_user() -> None:
    if subprocess.run(["id", "-u", "postgres"], capture_output=True).returncode != 0:
        run(["useradd", "--system", "--no-create-home", "postgres"], "useradd postgres")


def run(argv: list[str], what: str, env: dict[str, str] | None = None) -> None:
    """Run a server tool; a failure is a ``PostgresUnavailable`` with its output."""
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=600, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PostgresUnavailable(f"{what} failed: {exc}") from exc
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip()[-2000:]
        raise PostgresUnavailable(f"{what} failed ({result.returncode}): {output}")

"""A throwaway PostgreSQL server for the benchmark: ``initdb`` into a temp folder, ``pg_ctl
start`` on a free loopback port, removed again on ``stop``.

The same approach as the test setup (``tests/pg.py``), kept to what a benchmark needs: the
server runs as the ``postgres`` user when we are root, with durability off (``fsync``,
``synchronous_commit``), as a test server would, so the figures show esmbot's cost rather than
this machine's disk.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
    "-c full_page_writes=off -c max_connections=300"
)


class PostgresUnavailable(Exception):
    """No PostgreSQL server could be started; the message says why."""


@dataclass
class PostgresServer:
    bindir: Path
    datadir: Path
    port: int
    as_postgres_user: bool

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def command(self, tool: str, *args: str) -> list[str]:
        argv = [str(self.bindir / tool), *args]
        return ["runuser", "-u", "postgres", "--", *argv] if self.as_postgres_user else argv

    def create_database(self, name: str) -> str:
        """A new empty database ``name``; returns its URL."""
        _run(self.command("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U",
                          "postgres", name), f"createdb {name}")
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(self.command("pg_ctl", "-D", str(self.datadir), "-m", "immediate",
                                    "-w", "stop"), capture_output=True, timeout=60, check=False)
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


def start_server() -> PostgresServer:
    bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailable("PostgreSQL binaries (initdb, pg_ctl) not found")
    as_root = os.geteuid() == 0
    if as_root and subprocess.run(["id", "-u", "postgres"], capture_output=True).returncode:
        _run(["useradd", "--system", "--no-create-home", "postgres"], "useradd postgres")
    base = Path(tempfile.mkdtemp(prefix="esmbot-bench-pg-"))
    if as_root:
        shutil.chown(base, user="postgres")
    server = PostgresServer(bindir, base / "data", _free_port(), as_postgres_user=as_root)
    _run(server.command("initdb", "-D", str(server.datadir), "-U", "postgres", "-A", "trust",
                        "-E", "UTF8", "--no-locale", "--no-sync"), "initdb")
    options = f"-p {server.port} -k {base} {SERVER_OPTIONS}"
    log = str(base / "postgres.log")
    try:
        _run(server.command("pg_ctl", "-D", str(server.datadir), "-l", log, "-o", options,
                            "-w", "-t", "60", "start"), f"starting postgres (log: {log})")
    except PostgresUnavailable:
        shutil.rmtree(base, ignore_errors=True)
        raise
    return server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _run(argv: list[str], what: str) -> None:
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PostgresUnavailable(f"{what} failed: {exc}") from exc
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip()[-2000:]
        raise PostgresUnavailable(f"{what} failed ({result.returncode}): {output}")

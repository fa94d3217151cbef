"""The benchmark's PostgreSQL server: ``devtools/postgres.py`` (as the tests use), without
installing PostgreSQL (a run without it leaves the PostgreSQL rows out and says why), with
room for the workers' connection pools, stopped without waiting for clients."""

from __future__ import annotations

from devtools.postgres import PostgresServer, PostgresUnavailable
from devtools.postgres import start_server as start_throwaway_server

__all__ = ["PostgresServer", "PostgresUnavailable", "start_server", "stop_server"]
MAX_CONNECTIONS = 300


def start_server() -> PostgresServer:
    return start_throwaway_server(prefix="esmbot-bench-pg-", max_connections=MAX_CONNECTIONS,
                                  install=False)


def stop_server(server: PostgresServer) -> None:
    server.stop(mode="immediate")

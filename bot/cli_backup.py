"""``esmbot backup FILE`` and ``esmbot restore FILE`` for the embedded SQLite store.

Both use SQLite's online backup API (``sqlite3.Connection.backup``): it copies the database
page by page under SQLite's own locking, so a backup taken while ``esmbot serve`` runs is a
consistent snapshot of one moment (every committed turn, none half-written). PostgreSQL has
its own tools; the commands say which (README, "Backup and restore").
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from bot.cli_output import EXIT_FAILED, EXIT_OK
from bot.settings import SQLITE_PREFIX, Settings

PAGES_PER_STEP = 1024  # copy in steps so that a serving esmbot is never blocked for long
POSTGRES_HINT = ("esmbot: the store is PostgreSQL: back it up with `pg_dump -Fc -f esmbot.dump "
                 "<database>` and restore with `pg_restore --clean --if-exists -d <database> "
                 "esmbot.dump` (README, \"Backup and restore\")")


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = sub.add_parser("backup", help="copy the SQLite database to FILE, safe while "
                                           "esmbot serves")
    backup.add_argument("file", help="where the copy goes, e.g. backups/esmbot-2026-12-02.db")
    backup.set_defaults(run=backup_command)
    restore = sub.add_parser("restore", help="replace the SQLite database by a backup (stop "
                                             "esmbot first)")
    restore.add_argument("file", help="a file written by `esmbot backup`")
    restore.add_argument("--force", action="store_true",
                         help="replace a database that already holds requests")
    restore.set_defaults(run=restore_command)


def sqlite_file(settings: Settings) -> Path | None:
    url = settings.store.url
    return Path(url.removeprefix(SQLITE_PREFIX)) if url.startswith(SQLITE_PREFIX) else None


async def backup_command(settings: Settings, args: argparse.Namespace) -> int:
    source = sqlite_file(settings)
    if source is None:
        print(POSTGRES_HINT, file=sys.stderr)
        return EXIT_FAILED
    if not source.is_file():
        print(f"esmbot: there is no database at {source} yet", file=sys.stderr)
        return EXIT_FAILED
    target = Path(args.file)
    if target.exists():
        print(f"esmbot: {target} exists; choose a new file name", file=sys.stderr)
        return EXIT_FAILED
    target.parent.mkdir(parents=True, exist_ok=True)
    copy(source, target)
    print(f"backed up {source} to {target} (schema {schema_of(target)})")
    return EXIT_OK


async def restore_command(settings: Settings, args: argparse.Namespace) -> int:
    target = sqlite_file(settings)
    if target is None:
        print(POSTGRES_HINT, file=sys.stderr)
        return EXIT_FAILED
    backup = Path(args.file)
    problem = _not_a_backup(backup)
    if problem:
        print(f"esmbot: {backup}: {problem}", file=sys.stderr)
        return EXIT_FAILED
    if target.is_file() and _holds_requests(target) and not args.force:
        print(f"esmbot: {target} already holds requests; stop esmbot and add --force to "
              f"replace it", file=sys.stderr)
        return EXIT_FAILED
    target.parent.mkdir(parents=True, exist_ok=True)
    copy(backup, target)
    print(f"restored {backup} into {target} (schema {schema_of(target)}; the next start "
          f"migrates it to the latest)")
    return EXIT_OK


def copy(source: Path, target: Path) -> None:
    """SQLite's online backup of ``source`` into ``target`` (created or overwritten)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst, pages=PAGES_PER_STEP)


def schema_of(path: Path) -> str:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row else "none"


def _not_a_backup(path: Path) -> str | None:
    if not path.is_file():
        return "no such file"
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            tables = {name for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        return "not a SQLite database"
    if not {"alembic_version", "request", "audit_event"} <= tables:
        return "not an esmbot database (no requests, audit trail or schema version)"
    return None


def _holds_requests(path: Path) -> bool:
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return bool(db.execute("SELECT EXISTS (SELECT 1 FROM request)").fetchone()[0])
    except sqlite3.DatabaseError:
        return False

"""``esmbot``: chat in the terminal, serve, check the catalog, upgrade the db, verify the audit,
look at requests, check calendars, recompute SLAs, and see or resend the outbox."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import cli_commands as cmd
from bot.cli_output import EXIT_CONFIG, EXIT_FAILED, EXIT_OK
from bot.settings import Settings, SettingsError, find_config_file, load_settings
from dialogs.loader import BundleError

log = logging.getLogger("esmbot.cli")
DESCRIPTION = ("esmbot: one door for getting things done. Chat in the terminal, serve the "
               "platforms, check the catalog, upgrade the database, verify the audit trail, "
               "look at requests, check calendars and recompute SLAs.")
# A failure raised by these libraries is about the database: say so before their message.
DATABASE_ERRORS = {"sqlalchemy": "the database failed: ", "asyncpg": "the database failed: ",
                   "sqlite3": "the database failed: "}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(find_config_file(args.config, os.environ))
    except SettingsError as exc:
        print(f"esmbot: configuration error:\n{exc}", file=sys.stderr)
        return EXIT_CONFIG
    _configure_logging(settings, quiet=args.command == "chat")
    try:
        result: int = asyncio.run(args.run(settings, args))
        return result
    except BundleError as exc:
        print(f"esmbot: the catalog, directory or calendars have problems:\n{exc}",
              file=sys.stderr)
        return EXIT_CONFIG
    except SettingsError as exc:
        print(f"esmbot: configuration error:\n{exc}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return EXIT_OK
    except Exception as exc:
        return _failed(exc)


def _failed(exc: Exception) -> int:
    """A failure nobody anticipated: one line for the person, the traceback in the DEBUG log."""
    log.debug("esmbot failed", exc_info=exc)
    what = DATABASE_ERRORS.get(type(exc).__module__.split(".")[0], "")
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    print(f"esmbot: {what}{detail}\n(for the details run it again with "
          f"ESMBOT_LOGGING__LEVEL=DEBUG)", file=sys.stderr)
    return EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="esmbot", description=DESCRIPTION)
    parser.add_argument("--config", help="TOML configuration file (default ./config.toml)")
    parser.add_argument("--version", action="version", version=version_line())
    sub = parser.add_subparsers(dest="command", required=True)

    chat = sub.add_parser("chat", help="chat with the bot in this terminal")
    chat.add_argument("--as", dest="persona", help="directory id of the person you play")
    chat.add_argument("--jsonl", action="store_true",
                      help="one JSON object per outgoing message; accepts {\"click\": id} lines")
    chat.set_defaults(run=cmd.chat)

    serve = sub.add_parser("serve", help="run the web application and the channels")
    serve.add_argument("--worker", type=int, help=argparse.SUPPRESS)  # set by bot/workers.py
    serve.set_defaults(run=cmd.serve)

    catalog = sub.add_parser("catalog", help="catalog tools")
    catalog_sub = catalog.add_subparsers(dest="catalog_command", required=True)
    check = catalog_sub.add_parser("check", help="validate a catalog folder with its directory")
    check.add_argument("path", nargs="?", help="catalog folder (default: the configured one)")
    check.add_argument("--directory", help="directory file (default: the configured one)")
    check.add_argument("--calendars", help="calendars file (default: the configured one)")
    check.set_defaults(run=cmd.catalog_check)

    reload = sub.add_parser("reload", help="check the catalog, directory and calendars, then "
                                           "have every esmbot serve re-read them")
    reload.set_defaults(run=cmd.reload_command)

    db = sub.add_parser("db", help="database tools")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply schema migrations").set_defaults(run=cmd.db_upgrade)

    from bot.features.audit.commands import add_commands as add_audit_commands

    add_audit_commands(sub)

    from bot.cli_requests import add_commands as add_request_commands

    add_request_commands(sub)

    from bot.cli_backup import add_commands as add_backup_commands
    from bot.cli_doctor import add_commands as add_doctor_commands

    add_doctor_commands(sub)

    add_backup_commands(sub)

    from bot.cli_time import add_commands

    add_commands(sub)
    _add_outbox_commands(sub)

    from bot.features.exceptions.cli import add_commands as add_exception_commands

    add_exception_commands(sub)

    from bot.cli_facts import add_rebuild_command
    from bot.cli_metrics import add_commands as add_metrics_commands

    add_rebuild_command(add_metrics_commands(sub))
    return parser


def version_line() -> str:
    """``esmbot --version``: the package's version and the schema revision this code needs."""
    from importlib.metadata import PackageNotFoundError, version

    from store.migrate import head

    try:
        installed = version("esmbot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        installed = "unknown"
    return f"esmbot {installed} (database schema {head()})"
def _add_outbox_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    box = sub.add_parser("outbox", help="see and resend messages that have not gone out")
    box_sub = box.add_subparsers(dest="outbox_command", required=True)
    listing = box_sub.add_parser("list", help="messages waiting or being sent, oldest first")
    listing.add_argument("--dead", action="store_true",
                         help="the dead letters instead (retries given up)")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--limit", type=int, default=200)
    listing.set_defaults(run=cmd.outbox_list)
    retry = box_sub.add_parser(
        "retry", help="send again now, with a fresh retry window: the given messages, or "
        "every waiting one (every dead one with --dead)")
    retry.add_argument("ids", nargs="*", type=int, metavar="ID", help="outbox ids (see list)")
    retry.add_argument("--dead", action="store_true", help="every dead letter (without IDs)")
    retry.set_defaults(run=cmd.outbox_retry)


def _configure_logging(settings: Settings, *, quiet: bool) -> None:
    from bot.logs import configure

    chosen = settings.logging
    debug = chosen.level == "DEBUG"  # asked for: shown even in the terminal chat
    configure("WARNING" if quiet and not debug else chosen.level, fmt=chosen.format,
              loggers=dict(chosen.loggers), person_ids=chosen.person_ids)


def resolve(path: str | None) -> Path | None:
    return Path(path) if path else None


if __name__ == "__main__":
    raise SystemExit(main())

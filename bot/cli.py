"""``esmbot``: chat in the terminal, serve, check the catalog, upgrade the db, verify the audit,
look at requests, check calendars and recompute SLAs."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import cli_commands as cmd
from bot.cli_output import EXIT_CONFIG, EXIT_OK
from bot.settings import Settings, SettingsError, find_config_file, load_settings
from dialogs.loader import BundleError


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
    except KeyboardInterrupt:
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="esmbot", description=__doc__)
    parser.add_argument("--config", help="TOML configuration file (default ./config.toml)")
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

    db = sub.add_parser("db", help="database tools")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply schema migrations").set_defaults(run=cmd.db_upgrade)

    from bot.features.audit.commands import add_commands as add_audit_commands

    add_audit_commands(sub)

    requests = sub.add_parser("requests", help="look at requests")
    req_sub = requests.add_subparsers(dest="requests_command", required=True)
    listing = req_sub.add_parser("list", help="list requests, newest first")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--status")
    listing.add_argument("--requester")
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(run=cmd.requests_list)
    show = req_sub.add_parser("show", help="one request with its audit trail")
    show.add_argument("request_id", help="e.g. REQ-12")
    show.add_argument("--json", action="store_true")
    show.set_defaults(run=cmd.requests_show)

    from bot.cli_time import add_commands

    add_commands(sub)
    from bot.features.exceptions.cli import add_commands as add_exception_commands

    add_exception_commands(sub)
    return parser


def _configure_logging(settings: Settings, *, quiet: bool) -> None:
    level = logging.WARNING if quiet else getattr(logging, settings.logging.level)
    logging.basicConfig(level=level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


def resolve(path: str | None) -> Path | None:
    return Path(path) if path else None


if __name__ == "__main__":
    raise SystemExit(main())

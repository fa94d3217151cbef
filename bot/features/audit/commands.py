"""``esmbot audit verify [--since WHEN] [--anchor FILE]`` and ``esmbot audit anchor [--out
FILE]``: prove the trail whole and the requests true to it; sign and keep the chain's head."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.features.audit.verification import Report
    from store.db import Database

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_AGO = re.compile(r"([0-9]+)\s*([dhm])", re.IGNORECASE)
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = sub.add_parser("audit", help="audit trail tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser(
        "verify", help="prove the audit trail was not altered or cut short, and that every "
        "request's status, answers, approval seats and tasks are what its trail says")
    verify.add_argument("--since", help="only what happened since: 24h, 7d, 2026-12-01 or "
                        "2026-12-01T09:00+08:00 (the end of the chain and anchors are "
                        "checked anyway)")
    verify.add_argument("--anchor", type=Path, help="anchors file (JSON lines) whose last "
                        "anchor the chain must still hold")
    verify.set_defaults(run=verify_command)
    anchor = audit_sub.add_parser("anchor", help="sign the chain's head and append it to the "
                                  "anchors file")
    anchor.add_argument("--out", type=Path, help="anchors file (default: [audit] anchor_file)")
    anchor.set_defaults(run=anchor_command)


async def verify_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.features.audit.verification import verify
    from store.anchors import last_in_file
    from store.db import Database

    try:
        since = parse_since(args.since, settings.bot.timezone) if args.since else None
        anchor = last_in_file(args.anchor) if args.anchor else None
    except (OSError, ValueError, KeyError) as exc:
        print(f"esmbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    db = await Database.open(settings.store.url)
    try:
        report = await verify(db, since=since, anchor=anchor,
                              secret=settings.audit.anchor_secret.get_secret_value())
        await record_check(db, report, since=since, source="cli", now=datetime.now(UTC))
    finally:
        await db.close()
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    scope = f" since {since.isoformat()}" if since else ""
    if report.ok:
        print(f"audit trail intact{scope}: {report.events} event(s) verified, "
              f"{report.requests} request(s) replayed")
        return EXIT_OK
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(f"audit trail BROKEN{scope}: {len(report.problems)} problem(s); {report.events} "
          f"event(s) verified, {report.requests} request(s) replayed", file=sys.stderr)
    return EXIT_FAILED


async def record_check(db: Database, report: Report, *, since: datetime | None, source: str,
                       now: datetime) -> None:
    """Keep the verification's outcome for the compliance figure ``audit_chain``."""
    from store import audit_checks

    async with db.unit_of_work() as uow:
        await audit_checks.record(uow.session, at=now, source=source, chain_ok=report.chain_ok,
                                  checked=report.events, first_bad_seq=report.first_bad_seq,
                                  problems=len(report.problems), since=since)


async def anchor_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli_output import store_session
    from store import anchors

    out = args.out or Path(settings.audit.anchor_file)
    try:
        async with store_session(settings) as session:
            anchor = await anchors.take(
                session, secret=settings.audit.anchor_secret.get_secret_value(),
                now=datetime.now(UTC))
    except anchors.AnchorRefused as exc:
        print(f"esmbot: no anchor taken: {exc}", file=sys.stderr)
        return EXIT_FAILED
    anchors.append_to_file(out, anchor)
    print(f"{anchor.text} signature={anchor.signature}")
    print(f"appended to {out}")
    return EXIT_OK


def parse_since(text: str, timezone: str) -> datetime:
    """``24h``/``7d``/``30m`` ago, an ISO date (its midnight in ``timezone``) or an ISO time
    with its offset."""
    ago = _AGO.fullmatch(text.strip())
    if ago:
        return datetime.now(UTC) - timedelta(**{_UNITS[ago.group(2).lower()]: int(ago.group(1))})
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        if len(text.strip()) > 10:
            raise ValueError(f"{text!r} has no UTC offset; write e.g. {text}+08:00")
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC)

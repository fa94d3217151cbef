"""``esmbot calendar due`` and ``esmbot sla recompute``: time tools for an admin."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.settings import Settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    calendar = sub.add_parser("calendar", help="business calendar tools")
    calendar_sub = calendar.add_subparsers(dest="calendar_command", required=True)
    due = calendar_sub.add_parser("due", help="when a duration from a start is over")
    due.add_argument("calendar", help="calendar id, e.g. cn-office")
    due.add_argument("start", help="ISO 8601 start, e.g. 2026-09-30T17:59 (the calendar's "
                     "time zone) or 2026-09-30T17:59+08:00")
    due.add_argument("duration", help="e.g. 4bh, 2bd, 30m")
    due.set_defaults(run=calendar_due)

    sla = sub.add_parser("sla", help="SLA tools")
    sla_sub = sla.add_subparsers(dest="sla_command", required=True)
    recompute = sla_sub.add_parser(
        "recompute", help="derive SLA clocks and timers again from history (after a calendar "
        "or policy change)")
    recompute.add_argument("request_id", nargs="?", help="one request, e.g. REQ-12 (default: "
                           "every open request)")
    recompute.set_defaults(run=sla_recompute)


async def calendar_due(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import load_configured_bundle
    from org.business_time import add
    from org.durations import parse_duration

    bundle = load_configured_bundle(settings)
    calendar = bundle.calendars.get(args.calendar)
    if calendar is None:
        known = ", ".join(sorted(bundle.calendars)) or "none"
        print(f"esmbot: no calendar {args.calendar!r} (calendars: {known})", file=sys.stderr)
        return EXIT_USAGE
    zone = ZoneInfo(calendar.timezone)
    try:
        start = _start(args.start, zone)
        duration = parse_duration(args.duration)
        due = add(calendar, start, duration)
    except ValueError as exc:
        print(f"esmbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(due.astimezone(start.tzinfo).isoformat())
    return EXIT_OK


def _start(text: str, zone: ZoneInfo) -> datetime:
    """An ISO 8601 date and time; without an offset it is in the calendar's own zone."""
    try:
        start = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date and time; write e.g. 2026-09-30T17:59 (in "
                         f"the calendar's zone, {zone.key}) or 2026-09-30T17:59+08:00"
                         ) from None
    return start if start.tzinfo else start.replace(tzinfo=zone)


async def sla_recompute(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build_app
    from bot.features.time.recompute import recompute

    app = await build_app(settings)
    try:
        counted = await recompute(app, args.request_id)
    except LookupError as exc:
        print(f"esmbot: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        await app.close()
    print(f"recomputed {counted} request(s)")
    return EXIT_OK

"""``esmbot exceptions list [--active] [--service S] [--json]``: the governed exceptions,
newest first, for governance and the service owners outside chat."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli_output import print_json, store_session
from bot.settings import Settings
from store.models import ExceptionGrantRow

EXIT_OK = 0
LISTED_STATES = ("requested", "granted", "denied", "ended")


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    exceptions = sub.add_parser("exceptions", help="governed exceptions")
    exc_sub = exceptions.add_subparsers(dest="exceptions_command", required=True)
    listing = exc_sub.add_parser("list", help="list exceptions, newest first")
    listing.add_argument("--active", action="store_true", help="only those that hold now")
    listing.add_argument("--service", help="only this service, e.g. it.laptop")
    listing.add_argument("--limit", type=int, default=100)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=list_command)


def exception_json(row: ExceptionGrantRow) -> dict[str, Any]:
    from store.exceptions import format_exception_id
    from store.requests import format_request_id

    def at(moment: Any) -> str | None:
        return moment.isoformat() if moment else None

    return {"id": format_exception_id(row.id or 0), "request": format_request_id(row.request_id),
            "service": row.service_id, "kind": row.kind, "effect": row.effect,
            "state": row.state, "requested_by": row.requested_by, "reason": row.reason,
            "reason_text": row.reason_text, "impact": row.impact, "validity": row.validity,
            "justification": row.justification, "decisions": row.decisions,
            "granted_at": at(row.granted_at), "ends_at": at(row.ends_at),
            "ended_at": at(row.ended_at), "end_cause": row.end_cause}


async def list_command(settings: Settings, args: argparse.Namespace) -> int:
    from store import exceptions

    states = ("granted",) if args.active else LISTED_STATES
    async with store_session(settings) as session:
        rows = await exceptions.listed(session, service_id=args.service, states=states,
                                       limit=args.limit)
        data = [exception_json(row) for row in rows]
    if args.json:
        print_json(data)
        return EXIT_OK
    for item in data:
        end = item["ends_at"] if item["state"] == "granted" else item["end_cause"] or ""
        print(f"{item['id']:<8} {item['request']:<9} {item['service']:<16} {item['kind']:<16} "
              f"{item['state']:<10} {item['impact'] or '-':<7} {item['requested_by']:<10} {end}")
    return EXIT_OK

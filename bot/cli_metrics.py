"""``esmbot metrics``: every figure of METRICS.md for a period and a cut, as a table (grouped
by layer), ``--json`` or ``--csv``.

    esmbot metrics --period 2026-11 --service it.laptop --layer quality
    esmbot metrics --from 2026-11-03 --to 2026-11-17 --group it-desk --json

Periods are read in the organisation's time zone (the default calendar's). A service, group
or department that is not in the catalog or directory, or a period that cannot be read, is
refused with exit code 2 and what is accepted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Collection
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.cli_output import EXIT_OK, print_json, store_session
from bot.metrics.model import LAYERS, Cut, Period
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.services import Services
    from dialogs.model import Bundle

EXIT_USAGE = 2


class MetricsUsageError(ValueError):
    """Bad input to ``esmbot metrics``: the message says what is accepted."""


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]
                 ) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """The ``metrics`` command; returns its subcommands (``esmbot metrics rebuild`` ...)."""
    metrics = sub.add_parser("metrics", help="the ESM metrics (METRICS.md) for a period and a "
                             "cut: a table, --json or --csv")
    when = metrics.add_mutually_exclusive_group()
    when.add_argument("--period", help="a month (2026-11), an ISO week (2026-W48) or a day "
                      "(2026-11-03); default: this month")
    when.add_argument("--from", dest="start", metavar="DAY", help="first day, e.g. 2026-11-03")
    metrics.add_argument("--to", dest="end", metavar="DAY",
                         help="with --from: the day after the last, e.g. 2026-11-17")
    metrics.add_argument("--service", help="a service id, e.g. it.laptop")
    metrics.add_argument("--group", help="a fulfilment group: requests with a task of it")
    metrics.add_argument("--department", help="the requester's department")
    metrics.add_argument("--service-department", dest="service_department",
                         help="the department that offers the service")
    metrics.add_argument("--layer", action="append", choices=LAYERS,
                         help="only this layer (may be given more than once)")
    metrics.add_argument("--previous", action="store_true",
                         help="also the period before (JSON: \"previous\")")
    shape = metrics.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true")
    shape.add_argument("--csv", action="store_true")
    metrics.add_argument("--locale", choices=("zh", "en"), help="names and definitions in "
                         "this language (default: [bot] default_locale)")
    metrics.set_defaults(run=metrics_command)
    return metrics.add_subparsers(dest="metrics_command")


async def metrics_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import load_configured_bundle
    from bot.metrics.compute import compute, organisation_timezone
    from bot.metrics.render import report_csv, report_json, report_table

    services = _services(settings, load_configured_bundle(settings))
    zone = organisation_timezone(services)
    now = datetime.now(UTC)
    try:
        period = period_of(args, zone, now)
        cut = cut_of(args, services.bundle)
    except ValueError as exc:
        print(f"esmbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    locale = args.locale or settings.bot.default_locale
    async with store_session(settings) as session:
        report = await compute(session, services, period, cut, layers=args.layer or LAYERS,
                               now=now, with_previous=args.previous)
    if args.json:
        print_json(report_json(report, locale, zone))
    elif args.csv:
        sys.stdout.write(report_csv(report))
    else:
        print(report_table(report, locale, zone))
    return EXIT_OK


def _services(settings: Settings, bundle: Bundle) -> Services:
    from bot.services import Services
    from dialogs.matching import Matcher

    return Services(settings=settings, bundle=bundle, matcher=Matcher(bundle.catalog))


def period_of(args: argparse.Namespace, zone: str, now: datetime) -> Period:
    """``--period``, ``--from/--to``, or this month; raises PeriodError (a ValueError)."""
    from zoneinfo import ZoneInfo

    from bot.metrics.periods import PeriodError, month_period, parse_period, range_period

    if args.start or args.end:
        if not (args.start and args.end):
            raise PeriodError("--from and --to go together, e.g. --from 2026-11-03 --to "
                              "2026-11-17")
        return range_period(args.start, args.end, zone)
    if args.period:
        return parse_period(args.period, zone)
    local = now.astimezone(ZoneInfo(zone))
    return month_period(local.year, local.month, ZoneInfo(zone))


def cut_of(args: argparse.Namespace, bundle: Bundle) -> Cut:
    """The cut asked for, each name checked against the catalog and the directory."""
    catalog, directory = bundle.catalog, bundle.directory
    _known("service", args.service, catalog.services)
    _known("group", args.group, directory.groups)
    _known("department", args.department, directory.depts)
    _known("service department", args.service_department,
           {s.department for s in catalog.services.values()})
    return Cut(service=args.service, service_department=args.service_department,
               group=args.group, requester_department=args.department)


def _known(what: str, given: str | None, known: Collection[str]) -> None:
    if given is not None and given not in known:
        names = ", ".join(sorted(known)) or "(none)"
        raise MetricsUsageError(f"no {what} {given!r}; known: {names}")

"""``esmbot metrics rebuild``: fold every request's ``request_fact`` row again from its audit
trail (a database from before the metrics, or after a calendar change moved business hours).
``--missing``: only requests without a row (what ``serve`` and ``chat`` do on start)."""

from __future__ import annotations

import argparse

from bot.cli_output import EXIT_OK
from bot.settings import Settings


def add_rebuild_command(metrics: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rebuild = metrics.add_parser(
        "rebuild", help="fold every request's metrics row again from its audit trail (after "
        "an upgrade or a calendar change)")
    rebuild.add_argument("--missing", action="store_true",
                         help="only requests that have no row yet")
    rebuild.add_argument("--batch", type=int, default=500, help="requests per transaction")
    rebuild.set_defaults(run=metrics_rebuild)


async def metrics_rebuild(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import load_configured_bundle
    from bot.features.time.fact_rows import rebuild
    from bot.services import Services
    from dialogs.matching import Matcher
    from store.db import Database

    bundle = load_configured_bundle(settings)
    services = Services(settings=settings, bundle=bundle, matcher=Matcher(bundle.catalog))
    db = await Database.open(settings.store.url)
    try:
        written = await rebuild(db, services, missing_only=args.missing,
                                batch=max(args.batch, 1))
    finally:
        await db.close()
    print(f"rebuilt the metrics rows of {written} request(s)")
    return EXIT_OK

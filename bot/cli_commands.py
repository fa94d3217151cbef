"""What each ``esmbot`` subcommand does. Each takes the settings and parsed arguments."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import signal
import socket
import sys
from pathlib import Path
from typing import Any

from bot.app import BotApp, build_app, bundle_paths
from bot.cli_output import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, print_json
from bot.settings import Settings
from chat.i18n import say

DEMO_PERSONA = "alice"


async def chat(settings: Settings, args: argparse.Namespace) -> int:
    from adapters.console.channel import ConsoleChannel
    from adapters.console.repl import ConsoleRepl
    from bot.mailbox import StoreMailbox

    app = await build_app(settings)
    people = app.bundle.directory.persons
    persona = args.persona or (DEMO_PERSONA if DEMO_PERSONA in people else next(iter(people)))
    if persona not in people:
        print(f"esmbot: unknown person {persona!r}; try: {', '.join(sorted(people))}",
              file=sys.stderr)
        await app.close()
        return EXIT_CONFIG
    # One terminal sender per host: a chat started after a crash takes back at once what the
    # crashed one was printing, instead of holding that person's next messages for a lease.
    app.dispatcher.owner = f"esmbot-chat@{socket.gethostname()}"
    channel = ConsoleChannel(sys.stdout, StoreMailbox(app.db, app.services.clock),
                             persona=persona, jsonl=args.jsonl)
    await app.add_channel(channel)
    repl = ConsoleRepl(channel, app.handle, app.dispatcher.drain, people)
    try:
        if not args.jsonl:
            print(_banner(app, persona))
            await repl.switch(persona)
        await app.sweep()  # what fell due while no esmbot ran, before the first line is read
        await app.dispatcher.drain()
        app.start_background()  # then timers and retries keep going while we chat
        await repl.run()
    finally:
        await app.close()
    return EXIT_OK


def _banner(app: BotApp, persona: str) -> str:
    person = app.bundle.directory.persons[persona]
    manager = person.manager or "-"
    store = app.settings.store.url.split("///")[-1] if "sqlite" in app.settings.store.url \
        else "PostgreSQL"
    return say("cli.banner", person.locale, store=store,
               services=len(app.bundle.catalog.services),
               people=len(app.bundle.directory.persons), persona=persona, name=person.name,
               dept=person.dept, manager=manager)


async def serve(settings: Settings, args: argparse.Namespace) -> int:
    from aiohttp import web

    from bot import workers
    from bot.web import attach_channels, make_web_app

    shared_port = settings.server.workers > 1
    if shared_port and args.worker is None:
        config = ["--config", args.config] if args.config else []
        return await workers.supervise(settings, [sys.executable, "-m", "bot.cli", *config,
                                                  "serve"])
    app = await build_app(settings)
    app.start_background()
    web_app = make_web_app(app)
    try:
        await attach_channels(app, web_app)
    except BaseException:
        await app.close()
        raise
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, settings.server.host, settings.server.port,
                       reuse_port=shared_port or None)
    await site.start()
    _settle_the_heap()
    worker = f" (worker {args.worker})" if args.worker is not None else ""
    print(f"esmbot serving on http://{settings.server.host}:{settings.server.port}{worker}",
          file=sys.stderr)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        await app.close()
    return EXIT_OK


def _settle_the_heap() -> None:
    """Move what start-up built (modules, the catalog, the directory, SQLAlchemy's mappers)
    out of the garbage collector's sight, so that a full collection walks only what turns
    allocate: before, one stopped every conversation for 65-90 ms (the benchmark's p99)."""
    gc.collect()
    gc.freeze()


async def catalog_check(settings: Settings, args: argparse.Namespace) -> int:
    from bot.features.approvals.chain_check import chain_warnings
    from bot.features.exceptions.check import exception_warnings
    from dialogs.loader import check_bundle, load_bundle

    catalog, directory, calendars = bundle_paths(settings)
    catalog = Path(args.path) if args.path else catalog
    directory = Path(args.directory) if args.directory else directory
    calendars = Path(args.calendars) if args.calendars else calendars
    problems = check_bundle(catalog, directory, calendars)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return EXIT_FAILED
    bundle = load_bundle(catalog, directory, calendars)
    for warning in chain_warnings(bundle):
        print(warning)
    for exception_warning in exception_warnings(bundle):
        print(exception_warning)
    print(f"OK: {catalog}, {directory}, {calendars}")
    return EXIT_OK


async def db_upgrade(settings: Settings, args: argparse.Namespace) -> int:
    from store.db import Database

    db = await Database.open(settings.store.url, migrate=True)
    await db.close()
    print("database is at the latest schema")
    return EXIT_OK


async def requests_list(settings: Settings, args: argparse.Namespace) -> int:
    from store import requests
    from store.db import Database

    db = await Database.open(settings.store.url)
    try:
        async with db.unit_of_work() as uow:
            rows = await requests.list_requests(uow.session, requester=args.requester,
                                                status=args.status, limit=args.limit)
            data = [request_json(row) for row in rows]
    finally:
        await db.close()
    if args.json:
        print_json(data)
    else:
        for item in data:
            print(f"{item['id']:<10} {item['status']:<17} {item['requester']:<10} "
                  f"{item['service']:<22} {item['created_at']}")
    return EXIT_OK


async def requests_show(settings: Settings, args: argparse.Namespace) -> int:
    from store import audit, requests
    from store.db import Database

    number = requests.parse_request_id(args.request_id)
    if number is None:
        print(f"esmbot: {args.request_id!r} is not a request id like REQ-12", file=sys.stderr)
        return EXIT_FAILED
    db = await Database.open(settings.store.url)
    try:
        async with db.unit_of_work() as uow:
            row = await requests.get_request(uow.session, request_id=number)
            events = await audit.events_for(uow.session,
                                            subject=requests.format_request_id(number))
            data = request_json(row) if row else None
            trail = [{"at": e.at.isoformat(), "actor": e.actor, "on_behalf_of": e.on_behalf_of,
                      "action": e.action, "data": e.data} for e in events]
    finally:
        await db.close()
    if data is None:
        print(f"esmbot: {args.request_id} not found", file=sys.stderr)
        return EXIT_FAILED
    data["audit"] = trail
    if args.json:
        print_json(data)
    else:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    return EXIT_OK


def request_json(row: Any) -> dict[str, Any]:
    from store.requests import format_request_id

    return {
        "id": format_request_id(row.id),
        "number": row.id,
        "service": row.service_id,
        "service_version": row.service_version,
        "title": row.title,
        "status": row.status,
        "status_reason": row.status_reason,
        "requester": row.requester,
        "answers": row.answers,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }

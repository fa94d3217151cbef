"""What each ``esmbot`` subcommand does. Each takes the settings and parsed arguments."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import signal
import socket
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import BotApp, build_app, bundle_paths
from bot.cli_output import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, print_json, store_session
from bot.settings import Settings

DEMO_PERSONA = "alice"
log = logging.getLogger("esmbot.cli")


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
                             persona=persona, jsonl=args.jsonl, choices=app)
    await app.add_channel(channel)
    repl = ConsoleRepl(channel, app.handle, app.dispatcher.drain, people, who=_who(app),
                       resume=app.resume)
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
    from bot.cli_banner import banner

    store = app.settings.store.url.split("///")[-1] if "sqlite" in app.settings.store.url \
        else "PostgreSQL"
    zone = ZoneInfo(app.bundle.directory.persons[persona].timezone)
    today = app.services.clock().astimezone(zone).date()
    return banner(app.bundle, persona, store=store, today=today)


def _who(app: BotApp) -> Callable[[str], str]:
    from bot.cli_banner import who

    directory = app.bundle.directory

    def listing(persona: str) -> str:
        person = directory.persons.get(persona)
        return who(directory, person.locale if person else "en")
    return listing


async def serve(settings: Settings, args: argparse.Namespace) -> int:
    from bot import workers
    from bot.web import attach_channels, make_web_app, start_serving

    shared_port = settings.server.workers > 1
    if shared_port and args.worker is None:
        config = ["--config", args.config] if args.config else []
        return await workers.supervise(settings, [sys.executable, "-m", "bot.cli", *config,
                                                  "serve"])
    app = await build_app(settings)
    app.start_background()
    try:
        web_app = make_web_app(app)  # refuses a console without its session secret
        await attach_channels(app, web_app)
    except BaseException:
        await app.close()
        raise
    runner, _ = await start_serving(web_app, settings.server.host, settings.server.port,
                                    reuse_port=shared_port or None)
    _settle_the_heap()
    worker = f" (worker {args.worker})" if args.worker is not None else ""
    print(f"esmbot serving on http://{settings.server.host}:{settings.server.port}{worker}",
          file=sys.stderr)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    hups: set[asyncio.Task[None]] = set()
    with contextlib.suppress(NotImplementedError):
        loop.add_signal_handler(signal.SIGHUP, _on_hangup, app, hups)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        await app.close()
    return EXIT_OK


def _on_hangup(app: BotApp, running: set[asyncio.Task[None]]) -> None:
    """SIGHUP: ask every replica to reload (this one at once, the others at their next poll)."""
    task = asyncio.create_task(_reload_everywhere(app))
    running.add(task)
    task.add_done_callback(running.discard)


async def _reload_everywhere(app: BotApp) -> None:
    from bot.reload import ask_everyone, follow_reloads

    try:
        await ask_everyone(app.db, by=f"SIGHUP@{socket.gethostname()}",
                           now=app.services.clock())
        await follow_reloads(app)
    except Exception:
        log.exception("reload on SIGHUP failed; the running catalog stays")


def _settle_the_heap() -> None:
    """Move what start-up built (modules, the catalog, the directory, SQLAlchemy's mappers)
    out of the garbage collector's sight, so that a full collection walks only what turns
    allocate: before, one stopped every conversation for 65-90 ms (the benchmark's p99)."""
    gc.collect()
    gc.freeze()


async def catalog_check(settings: Settings, args: argparse.Namespace) -> int:
    from bot.features.approvals.chain_check import chain_warnings
    from bot.features.exceptions.check import exception_warnings
    from bot.reload import check_files

    catalog, directory, calendars = bundle_paths(settings)
    catalog = Path(args.path) if args.path else catalog
    directory = Path(args.directory) if args.directory else directory
    calendars = Path(args.calendars) if args.calendars else calendars
    checked = check_files(settings, (catalog, directory, calendars))
    bundle = checked.bundle
    for line in checked.problems:
        print(line)
    if bundle is None:
        print(f"{len(checked.problems)} problem(s) found", file=sys.stderr)
        return EXIT_FAILED
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


async def reload_command(settings: Settings, args: argparse.Namespace) -> int:
    """``esmbot reload``: check the files here, then ask every ``esmbot serve`` to re-read."""
    from bot.reload import ask_everyone, check_files
    from store.db import Database

    checked = check_files(settings, bundle_paths(settings))
    if checked.bundle is None:
        for problem in checked.problems:
            print(problem)
        print(f"{len(checked.problems)} problem(s) found; nothing was reloaded, the running "
              f"catalog stays", file=sys.stderr)
        return EXIT_FAILED
    db = await Database.open(settings.store.url)
    try:
        generation = await ask_everyone(db, by=f"esmbot reload@{socket.gethostname()}",
                                        now=datetime.now(UTC))
    finally:
        await db.close()
    print(f"reload asked (generation {generation}): every esmbot serve re-reads its files "
          f"within [server] reload_poll_seconds ({settings.server.reload_poll_seconds:g} s)")
    return EXIT_OK



async def outbox_list(settings: Settings, args: argparse.Namespace) -> int:
    from store import outbox

    async with store_session(settings) as session:
        rows = await outbox.undelivered(session, dead=args.dead, limit=args.limit)
        data = [outbox_json(row) for row in rows]
    if args.json:
        print_json(data)
        return EXIT_OK
    for item in data:
        print(f"{item['id']:<8} {item['state']:<8} {item['channel']:<9} "
              f"{item['recipient']:<36} {item['attempts']:>4}  {item['next_attempt_at']}  "
              f"{(item['last_error'] or '')[:60]}")
    if not data:
        print("no dead letters" if args.dead else "nothing waiting: every message went out")
    return EXIT_OK


async def outbox_retry(settings: Settings, args: argparse.Namespace) -> int:
    from bot.services import utc_now
    from store import outbox

    if args.ids and args.dead:
        print("esmbot: give either IDs or --dead, not both", file=sys.stderr)
        return EXIT_CONFIG
    async with store_session(settings) as session:
        done = await outbox.retry_now(session, ids=args.ids, dead=args.dead, now=utc_now())
    for row_id, why in done.left.items():
        print(f"esmbot: {row_id}: {why}; left as it is", file=sys.stderr)
    if done.due:
        print(f"due now: {', '.join(map(str, done.due))} (a running esmbot sends them within "
              f"[outbox] poll_seconds)")
    else:
        print("nothing to retry")
    return EXIT_FAILED if done.left else EXIT_OK


def outbox_json(row: Any) -> dict[str, Any]:
    def at(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": row.id, "state": row.state, "channel": row.channel, "kind": row.kind,
        "recipient": row.recipient_key, "attempts": row.attempts,
        "created_at": at(row.created_at), "attempted_at": at(row.attempted_at),
        "next_attempt_at": at(row.next_attempt_at), "retry_since": at(row.retry_since),
        "lease_owner": row.lease_owner, "lease_until": at(row.lease_until),
        "last_error": row.last_error, "correlation": row.correlation,
    }

"""``esmbot doctor``: one checklist for a new deployment, each failure with what to do.

The configuration is valid (or ``esmbot`` would not have got this far); the database answers
and is at the schema this code needs (doctor never migrates it); the catalog, directory and
calendars pass ``catalog check``; each enabled platform accepts its credentials (against the
configured API base, so a test points it at the fakes); this machine's clock is within
``CLOCK_TOLERANCE`` of the platforms' (signatures and timestamps are checked against it).
Exit 0 only when every check passes.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

from adapters.kit.doctor import Finding
from adapters.registry import ADAPTERS
from bot.cli_output import EXIT_FAILED, EXIT_OK
from bot.settings import Settings

CLOCK_TOLERANCE = timedelta(seconds=5)


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    doctor = sub.add_parser("doctor", help="check a deployment: configuration, database, "
                                           "organisation files, platform credentials, clock")
    doctor.set_defaults(run=doctor_command)


async def doctor_command(settings: Settings, args: argparse.Namespace) -> int:
    findings = [Finding("configuration", True, args.config or "defaults and ESMBOT_* values"),
                await database(settings), organisation(settings)]
    findings += await platforms(settings)
    findings.append(clock(findings))
    for finding in findings:
        print(line(finding))
    failed = [f for f in findings if not f.ok]
    print(f"{len(failed)} problem(s) found" if failed else "all checks passed")
    return EXIT_FAILED if failed else EXIT_OK


def line(finding: Finding) -> str:
    mark = "ok  " if finding.ok else "FAIL"
    text = f"{mark} {finding.check}: {finding.detail}"
    return f"{text}\n     -> {finding.fix}" if finding.fix and not finding.ok else text


async def database(settings: Settings) -> Finding:
    from store.db import Database
    from store.migrate import current, head

    try:
        db = await Database.open(settings.store.url, migrate=False)
        try:
            revision = await current(db.engine)
        finally:
            await db.close()
    except Exception as exc:
        return Finding("database", False, f"not reachable ({type(exc).__name__}: "
                       f"{str(exc).splitlines()[0] if str(exc) else ''})",
                       "check store.url (ESMBOT_STORE__URL) and that the server runs")
    needed = head()
    if revision != needed:
        return Finding("database", False, f"schema {revision or 'empty'}, this code needs "
                       f"{needed}", "run `esmbot db upgrade` (esmbot serve also does it)")
    return Finding("database", True, f"reachable, schema {revision} (the latest)")


def organisation(settings: Settings) -> Finding:
    from bot.app import bundle_paths
    from bot.reload import check_files

    checked = check_files(settings, bundle_paths(settings))
    bundle, problems = checked.bundle, checked.problems
    if bundle is None:
        shown = "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)"
                                           if len(problems) > 3 else "")
        return Finding("catalog, directory, calendars", False, shown,
                       "run `esmbot catalog check` for every problem, fix the files")
    return Finding("catalog, directory, calendars", True,
                   f"{len(bundle.catalog.services)} services, "
                   f"{len(bundle.directory.persons)} people, {len(bundle.calendars)} calendars")


async def platforms(settings: Settings) -> list[Finding]:
    found: list[Finding] = []
    for adapter in ADAPTERS:
        section = getattr(settings, adapter.settings_key)
        if section.enabled:
            found += await adapter.probe(section)
    if not found:
        found.append(Finding("platforms", True, "none enabled (the terminal chat only)"))
    return found


def clock(findings: list[Finding]) -> Finding:
    """This machine's clock against the platforms' ``Date`` headers (1 s resolution)."""
    seen = [f.platform_time for f in findings if f.platform_time is not None]
    if not seen:
        return Finding("clock", True, "no platform answered with its time; not compared")
    now = datetime.now(UTC)
    worst = max((abs(now - at) for at in seen), default=timedelta())
    if worst > CLOCK_TOLERANCE:
        return Finding("clock", False, f"{worst.total_seconds():.0f} s off the platforms' time",
                       "synchronise the clock (e.g. `timedatectl set-ntp true`): signed "
                       "callbacks are refused outside their time window")
    return Finding("clock", True, f"within {CLOCK_TOLERANCE.seconds} s of the platforms' time")

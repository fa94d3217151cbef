"""Reload without restart: the catalog, directory and calendars re-read and swapped in while
``esmbot serve`` keeps running, on every replica.

``esmbot reload`` (or SIGHUP to one ``esmbot serve``) checks the files and bumps the reload
generation in the database; every replica polls it (``[server] reload_poll_seconds``) and, when
its own is older, re-reads its files, checks them, and swaps the new bundle in. A broken file is
refused with the check's messages and the running bundle stays. Requests already filed keep
the service version they were filed with (``request.service_version``), so a changed form or
route applies to new requests only.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from bot.settings import Settings
from dialogs.model import Bundle
from store import reloads
from store.db import Database

log = logging.getLogger("esmbot.reload")
BundlePaths = tuple[Path, Path, Path]  # catalog folder, directory file, calendars file


@dataclass(frozen=True)
class Checked:
    bundle: Bundle | None  # None when there are problems
    problems: tuple[str, ...]


class Reloadable(Protocol):
    settings: Settings
    db: Database
    loaded_generation: int

    def bundle_paths(self) -> BundlePaths: ...
    def swap_bundle(self, bundle: Bundle) -> None: ...


def check_files(settings: Settings, paths: BundlePaths) -> Checked:
    """``esmbot catalog check``'s verdict on these files, and the bundle when they are clean."""
    from bot.features.time.install import policy_calendar_problem
    from dialogs.loader import check_bundle, load_bundle

    problems = [str(p) for p in check_bundle(*paths)]
    if problems:
        return Checked(None, tuple(problems))
    bundle = load_bundle(*paths)
    calendar = policy_calendar_problem(settings, bundle)
    return Checked(None, (calendar,)) if calendar else Checked(bundle, ())


async def ask_everyone(db: Database, *, by: str, now: datetime) -> int:
    """Bump the generation: every replica re-reads its files at its next poll."""
    async with db.unit_of_work() as uow:
        return await reloads.ask_reload(uow.session, by=by, now=now)


async def generation_now(db: Database) -> int:
    async with db.unit_of_work() as uow:
        return await reloads.current_generation(uow.session)


async def follow_reloads(app: Reloadable) -> bool:
    """One poll: reload when a newer generation was asked for; True when a bundle was swapped."""
    wanted = await generation_now(app.db)
    if wanted <= app.loaded_generation:
        return False
    app.loaded_generation = wanted
    return reload_now(app)


def reload_now(app: Reloadable) -> bool:
    checked = check_files(app.settings, app.bundle_paths())
    if checked.bundle is None:
        _refused(checked.problems)
        return False
    app.swap_bundle(checked.bundle)
    log.info("reloaded: %d services, %d people, %d calendars",
             len(checked.bundle.catalog.services), len(checked.bundle.directory.persons),
             len(checked.bundle.calendars))
    return True


def _refused(problems: Sequence[str]) -> None:
    log.error("reload refused, the running catalog stays: %d problem(s):\n%s", len(problems),
              "\n".join(problems))

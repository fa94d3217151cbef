"""The app runs the sweeper on APScheduler in the background, with the kinds it was given,
and closing waits for a pass under way instead of cutting it off."""

from __future__ import annotations

import asyncio
import tomllib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.fake.channel import FakeChannel
from bot.app import SWEEP_JOB, BotApp, build_app
from bot.settings import Settings, SettingsError, load_settings
from bot.testing import FakeClock
from chat.replies import Text
from scheduler.notices import schedule_notice
from scheduler.sweeper import TimerFiring
from store import timers
from store.db import Database
from tests.scheduler.test_sweeper import BOB

DEADLINE = 30.0  # seconds; only ever waited out when something is broken
MINUTE = timedelta(minutes=1)


async def eventually(condition: Callable[[], bool]) -> None:
    loop = asyncio.get_running_loop()
    give_up = loop.time() + DEADLINE
    while not condition():
        assert loop.time() < give_up, "gave up waiting"
        await asyncio.sleep(0.02)


async def open_app(tmp_path: Path, clock: FakeClock, **kinds: object) -> BotApp:
    settings = Settings.model_validate({
        "store": {"url": f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}"},
        "timers": {"sweep_seconds": 0.05}, "outbox": {"poll_seconds": 0.05}})
    return await build_app(settings, clock=clock, extra_handlers=kinds)  # type: ignore[arg-type]


async def remind_bob_in(app: BotApp, clock: FakeClock, minutes: int, text: str) -> int:
    async with app.db.unit_of_work() as uow:
        timer = await schedule_notice(uow.session, key=BOB, message=Text(text), now=clock(),
                                      due_at=clock() + minutes * MINUTE,
                                      subject="request:1")
    assert timer is not None and timer.id is not None
    return timer.id


async def test_a_notice_falls_due_and_is_delivered_by_the_background_jobs(
    tmp_path: Path, clock: FakeClock
) -> None:
    app = await open_app(tmp_path, clock)
    assert {"notice", "approval.remind", "task.breach", "digest.approvals"} <= set(
        app.timer_handlers)
    fake = FakeChannel()
    await app.add_channel(fake)
    await remind_bob_in(app, clock, 1, "your laptop is ready")
    app.start_background()
    try:
        job = app.scheduler.get_job(SWEEP_JOB)
        assert job is not None and job.max_instances == 1 and job.coalesce
        clock.advance(minutes=1)
        await eventually(lambda: bool(fake.deliveries))
        assert [(d.user, d.message) for d in fake.deliveries] == [
            ("bob", Text("your laptop is ready"))]
    finally:
        await app.close()
    assert not app.scheduler.running


async def test_closing_waits_for_the_sweep_under_way(tmp_path: Path, clock: FakeClock) -> None:
    entered, release = asyncio.Event(), asyncio.Event()

    async def slow(firing: TimerFiring) -> None:
        entered.set()
        await release.wait()

    app = await open_app(tmp_path, clock, slow=slow)
    assert {"notice", "slow"} <= set(app.timer_handlers)
    async with app.db.unit_of_work() as uow:
        timer = await timers.schedule(uow.session, kind="slow", subject="digest",
                                      due_at=clock(), now=clock())
    assert timer is not None
    app.start_background()
    await asyncio.wait_for(entered.wait(), DEADLINE)
    closing = asyncio.create_task(app.close())
    await asyncio.sleep(0.2)
    assert not closing.done()  # held by the handler, however long we look
    release.set()
    await asyncio.wait_for(closing, DEADLINE)
    db = await Database.open(str(app.settings.store.url), migrate=False)
    try:
        async with db.unit_of_work() as uow:
            fired = await timers.get(uow.session, timer_id=timer.id or 0)
    finally:
        await db.close()
    assert fired is not None and fired.state == "done"


def test_timer_settings_have_defaults_and_are_checked() -> None:
    settings = load_settings(None, {})
    assert (settings.timers.sweep_seconds, settings.timers.lease_seconds,
            settings.timers.batch_size, settings.timers.max_attempts) == (2.0, 60.0, 200, 5)
    tuned = load_settings(None, {"ESMBOT_TIMERS__SWEEP_SECONDS": "0.2",
                                 "ESMBOT_TIMERS__LEASE_SECONDS": "3"})
    assert (tuned.timers.sweep_seconds, tuned.timers.lease_seconds) == (0.2, 3.0)
    with pytest.raises(SettingsError, match=r"timers\.lease_seconds: must be longer than"):
        load_settings(None, {"ESMBOT_TIMERS__SWEEP_SECONDS": "5",
                             "ESMBOT_TIMERS__LEASE_SECONDS": "5"})
    with pytest.raises(SettingsError, match=r"timers\.batch_size"):
        load_settings(None, {"ESMBOT_TIMERS__BATCH_SIZE": "0"})


def test_config_example_documents_every_timer_key() -> None:
    example = Path(__file__).resolve().parents[2] / "config.example.toml"
    with example.open("rb") as handle:
        documented = tomllib.load(handle)["timers"]
    assert set(documented) == {"sweep_seconds", "lease_seconds", "batch_size", "max_attempts"}

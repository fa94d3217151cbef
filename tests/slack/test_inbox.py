"""Nothing Slack was told we have is lost, through the real ``POST /slack/events``.

An event is written to the inbox before Slack gets its 200: with the database unavailable Slack
gets an error (and retries, and the retry is handled once); an event whose turn died after the
ack (the process crashed) is processed when esmbot starts again; processed rows are pruned
after the retention, unprocessed ones never.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from slack_bolt.adapter.socket_mode.async_internals import run_async_bolt_app, send_async_response
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import text

from adapters.slack import inbound as slack_inbound
from adapters.slack.channel import SlackChannel
from adapters.slack.listeners import build_bolt_app
from adapters.slack.receiver import SlackReceiver
from bot import pipeline
from bot.app import BotApp
from bot.settings import Settings, StoreSettings
from chat.events import InboundEvent
from chat.i18n import say
from store import inbox
from tests.pg import fresh_database
from tests.platform import MONDAY, database_locked, inbox_rows, ticking_clock, with_inbox
from tests.slack import payloads
from tests.slack.conftest import SlackHarness, running, signed, slack_settings
from tests.slack.fake_slack import FakeSlack
from tests.slack.steps import ALICE, ALICE_DM

BOB = "U01BOB"

ASKS = "我的申请"  # alice asks for her requests: one answer


def settings_for(tmp_path: Path, fake: FakeSlack, **inbound: Any) -> Settings:
    return with_inbox(slack_settings(tmp_path, fake), **inbound)


def database_down(tmp_path: Path) -> AbstractContextManager[None]:
    return database_locked(tmp_path / "esmbot.db")


async def rows(bot: BotApp) -> list[tuple[str, bool]]:
    return await inbox_rows(bot)


async def post_event(slack: SlackHarness, body: str, *, retry: int = 0) -> int:
    headers = {**signed(body), **({"X-Slack-Retry-Num": str(retry),
                                   "X-Slack-Retry-Reason": "http_error"} if retry else {})}
    response = await slack.post(body, "application/json", headers)
    return response.status


async def test_while_the_database_is_unavailable_slack_gets_an_error_and_its_retry_is_answered_once(
    tmp_path: Path, fake_slack: FakeSlack,
) -> None:
    async with running(settings_for(tmp_path, fake_slack), fake_slack) as slack:
        body = json.dumps(payloads.event_callback(payloads.dm(ALICE, ASKS), event_id="EvDown1"))
        with database_down(tmp_path):
            status = await post_event(slack, body)
        assert status >= 500
        await slack.settle()
        assert not [done for _, done in await rows(slack.bot) if done]  # none processed
        assert fake_slack.posts_to(ALICE_DM) == []

        assert await post_event(slack, body, retry=1) == 200  # the store is back
        await slack.settle()
        assert await post_event(slack, body, retry=2) == 200  # a late duplicate retry
        await slack.settle()
        assert await rows(slack.bot) == [("EvDown1", True)]
        assert len(fake_slack.posts_to(ALICE_DM)) == 1


async def test_a_click_while_the_database_is_unavailable_is_not_acknowledged(
    tmp_path: Path, fake_slack: FakeSlack,
) -> None:
    async with running(settings_for(tmp_path, fake_slack), fake_slack) as slack:
        click = payloads.block_actions(ALICE, "status:list", channel=ALICE_DM,
                                       message_ts=payloads.next_ts())
        with database_down(tmp_path):
            response = await slack.interact(click)
        assert response.status >= 500
        assert not [done for _, done in await rows(slack.bot) if done]


class Crash(BaseException):
    """The process dies mid-turn: nothing after this point runs, nothing of the turn commits."""


async def test_an_event_whose_turn_died_after_the_ack_is_processed_when_esmbot_starts_again(
    tmp_path: Path, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = settings_for(tmp_path, fake_slack, grace_seconds=1.0)

    async def dies(*args: Any, **kwargs: Any) -> None:
        raise Crash

    with monkeypatch.context() as crashing:
        crashing.setattr(pipeline, "route", dies)
        async with running(settings, fake_slack) as slack:
            body = json.dumps(payloads.event_callback(payloads.dm(ALICE, ASKS),
                                                      event_id="EvCrash1"))
            assert await post_event(slack, body) == 200
            await slack.settle()
            assert await rows(slack.bot) == [("EvCrash1", False)]
            assert fake_slack.posts_to(ALICE_DM) == []

    restarted = ticking_clock(MONDAY + timedelta(minutes=1))
    async with running(settings, fake_slack, clock=restarted) as slack:
        await slack.bot.recover_inbox()  # also runs at start; awaited here to settle it
        await slack.settle()
        assert await rows(slack.bot) == [("EvCrash1", True)]
        assert len(fake_slack.posts_to(ALICE_DM)) == 1
        assert await slack.bot.recover_inbox() == 0


async def test_prune_removes_old_processed_rows_only(tmp_path: Path, fake_slack: FakeSlack
                                                     ) -> None:
    settings = settings_for(tmp_path, fake_slack, retention_hours=24)
    async with running(settings, fake_slack) as slack:
        for event_id in ("EvOld", "EvNew"):
            message = payloads.dm(ALICE, ASKS, ts=payloads.next_ts())
            body = json.dumps(payloads.event_callback(message, event_id=event_id))
            assert await post_event(slack, body) == 200
        await slack.settle()
        async with slack.bot.db.unit_of_work() as uow:  # EvOld and EvStuck came in two days ago
            await uow.session.execute(text(
                "UPDATE inbound_event SET received_at = :then WHERE event_id = 'EvOld'"),
                {"then": (MONDAY - timedelta(days=2)).replace(tzinfo=None)})
            await uow.session.execute(text(
                "INSERT INTO inbound_event (channel, event_id, received_at, attempts) "
                "VALUES ('other', 'EvStuck', :then, 0)"),
                {"then": (MONDAY - timedelta(days=2)).replace(tzinfo=None)})
        assert await slack.bot.prune_inbound() == 1
        assert await rows(slack.bot) == [("EvNew", True), ("EvStuck", False)]


async def test_two_replicas_on_postgresql_process_the_same_unprocessed_rows_once_and_in_order(
    tmp_path: Path, fake_slack: FakeSlack, postgres_server: str,
) -> None:
    """A crashed replica left six events unprocessed (three each from alice and bob); the two
    replicas that are left both recover at once: each event gets one answer, each
    conversation's events are processed in the order they came."""
    asked = {ALICE: ["帮助", "我的申请", "我的审批"], BOB: ["我的审批", "帮助", "我的申请"]}
    clock = ticking_clock(MONDAY + timedelta(minutes=1))  # one clock for both replicas
    async with fresh_database("postgresql", tmp_path, migrated=True) as url:
        settings = settings_for(tmp_path, fake_slack).model_copy(
            update={"store": StoreSettings(url=url)})
        async with running(settings, fake_slack, clock=clock) as first, \
                running(settings, fake_slack, clock=clock) as second:
            await left_unprocessed(first.bot, asked)
            claimed = await asyncio.gather(first.bot.recover_inbox(),
                                           second.bot.recover_inbox())
            await first.settle()
            await second.settle()
            assert sum(claimed) <= 6  # (the passes at start may have taken some)
            assert [done for _, done in await rows(first.bot)] == [True] * 6
            for user, dm in ((ALICE, ALICE_DM), (BOB, "D01BOB")):
                assert len(fake_slack.posts_to(dm)) == 3
                assert await processed_order(first.bot, user) == [
                    f"Ev{user}{n}" for n in range(3)]


async def left_unprocessed(bot: BotApp, asked: dict[str, list[str]]) -> None:
    """The inbox rows a replica wrote (and answered 200 for) before it died, a minute ago."""
    taken_in = MONDAY
    async with bot.db.unit_of_work() as uow:
        for n in range(3):
            for user, texts in asked.items():
                body = payloads.event_callback(payloads.dm(user, texts[n], ts=payloads.next_ts()),
                                               event_id=f"Ev{user}{n}")
                [event] = slack_inbound.messages_from_callback(body, payloads.BOT)
                taken_in += timedelta(milliseconds=1)
                assert await inbox.take_in(uow.session, event, now=taken_in)


async def processed_order(bot: BotApp, user: str) -> list[str]:
    async with bot.db.engine.connect() as conn:
        found = await conn.execute(text(
            "SELECT event_id FROM inbound_event WHERE event_id LIKE :prefix "
            "ORDER BY processed_at"), {"prefix": f"Ev{user}%"})
        return [row[0] for row in found]


async def test_an_event_whose_turn_kills_every_process_is_given_up_and_the_person_told(
    tmp_path: Path, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch,
) -> None:
    moments = [MONDAY]
    settings = settings_for(tmp_path, fake_slack, grace_seconds=1.0, lease_seconds=5.0,
                            max_attempts=1)

    async def dies(*args: Any, **kwargs: Any) -> None:
        raise Crash

    monkeypatch.setattr(pipeline, "route", dies)
    async with running(settings, fake_slack, clock=lambda: moments[-1]) as slack:
        body = json.dumps(payloads.event_callback(payloads.dm(ALICE, ASKS), event_id="EvPoison"))
        assert await post_event(slack, body) == 200  # the live turn dies
        await slack.settle()
        moments.append(MONDAY + timedelta(minutes=1))
        with pytest.raises(Crash):  # the first recovery dies the same way
            await slack.bot.recover_inbox()
        moments.append(MONDAY + timedelta(minutes=2))  # its lease ran out
        assert await slack.bot.recover_inbox() == 1
        await slack.settle()
        assert await rows(slack.bot) == [("EvPoison", True)]
        [sorry] = fake_slack.posts_to(ALICE_DM)
        assert say("err.internal", "zh") in sorry.args["text"]


class _Unavailable:
    """An inbox whose database is down."""

    async def __call__(self, event: InboundEvent) -> None:
        raise ConnectionRefusedError("the database is down")

    async def take_in(self, event: InboundEvent) -> bool:
        raise ConnectionRefusedError("the database is down")

    async def process(self, event: InboundEvent) -> None:
        raise AssertionError("never taken in, never processed")


class _SocketClient:
    """What bolt's Socket Mode handler sends the envelope ACKs through."""

    def __init__(self) -> None:
        self.logger = logging.getLogger("tests.socket_mode")
        self.acks: list[SocketModeResponse] = []

    async def send_socket_mode_response(self, response: SocketModeResponse) -> None:
        self.acks.append(response)


@pytest.mark.parametrize("store_up", [True, False], ids=["store-up", "store-down"])
async def test_over_socket_mode_an_event_is_acknowledged_only_once_in_the_inbox(
    fake_slack: FakeSlack, store_up: bool,
) -> None:
    """The path ``AsyncSocketModeHandler`` takes for each envelope: dispatch to our bolt app,
    then send the ACK bolt's response calls for (none unless it is a 200)."""
    heard: list[InboundEvent] = []

    async def core(event: InboundEvent) -> None:
        heard.append(event)

    async with aiohttp.ClientSession() as session:
        client = AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url,
                                session=session)
        channel = SlackChannel(client, bot_user_id=payloads.BOT)
        await channel.start(core if store_up else _Unavailable())
        bolt_app = build_bolt_app(client, SlackReceiver(channel), socket_mode=True)
        body = payloads.event_callback(payloads.dm(ALICE, ASKS), event_id="EvSocket1")
        envelope = SocketModeRequest(type="events_api", envelope_id="env-1", payload=body)
        socket = _SocketClient()
        response = await run_async_bolt_app(bolt_app, envelope)
        await send_async_response(socket, envelope, response, time.time())  # type: ignore[arg-type]
        await channel.tasks.join()
    assert [ack.envelope_id for ack in socket.acks] == (["env-1"] if store_up else [])
    assert [event.event_id for event in heard] == (["EvSocket1"] if store_up else [])

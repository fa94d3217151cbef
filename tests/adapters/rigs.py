"""One rig per channel: the channel on its platform's fake server, one person to talk to, and
what that person sees and does there.

Every rig speaks the platform's own protocol (real SDKs and HTTP against the fakes in
``tests/<platform>/``): ``write`` and ``click`` hand the channel what the platform would send
when the person types or clicks, ``texts`` and ``now`` read what the fake server was given.
"""

from __future__ import annotations

import io
import itertools
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import aiohttp
import aiohttp.web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr
from slack_sdk.web.async_client import AsyncWebClient

from adapters.console.channel import ConsoleChannel
from adapters.console.repl import ConsoleRepl
from adapters.dingtalk.channel import DingTalkChannel
from adapters.dingtalk.config import DingTalkSettings
from adapters.dingtalk.openapi import OpenApi
from adapters.dingtalk.receiver import DingTalkReceiver
from adapters.slack.channel import SlackChannel
from adapters.slack.receiver import SlackReceiver
from adapters.web.channel import MemoryMailbox, WebChannel
from adapters.web.socket import serve
from adapters.wecom import inbound as wecom_inbound
from adapters.wecom.api import WeComApi
from adapters.wecom.channel import WeComChannel
from chat.channel import Channel
from chat.events import ConversationKey, InboundEvent, MessageRef
from chat.replies import Message, message_from_dict, plain_text
from tests.dingtalk import payloads as dingtalk_payloads
from tests.dingtalk.fake_dingtalk import FakeDingTalk
from tests.slack import payloads as slack_payloads
from tests.slack.fake_slack import FakeSlack
from tests.webchat.page import Page
from tests.wecom.fake_qyapi import FakeQyapi

THROTTLE_SECONDS = 7.0
_ids = itertools.count(1)


@dataclass
class Rig:
    channel: Channel
    person: ConversationKey  # the direct conversation with the one person of the rig
    heard: list[InboundEvent]  # what the channel handed to the core, in order
    write: Callable[[str], Awaitable[None]]  # the person types a line
    click: Callable[[MessageRef, str], Awaitable[None]]  # ... clicks an action of a message
    texts: Callable[[], list[str]]  # every message the person got, as the platform shows it
    now: Callable[[MessageRef], str]  # one message as it reads now (after updates)
    throttle_next: Callable[[], float] | None = None  # the next send is throttled (seconds)
    notes: dict[str, Any] = field(default_factory=dict)


def _hear(heard: list[InboundEvent]) -> Callable[[InboundEvent], Awaitable[None]]:
    async def sink(event: InboundEvent) -> None:
        heard.append(event)

    return sink


# --- the terminal -----------------------------------------------------------------------------


class Mailbox:
    async def deliver(self, person: str, message: dict[str, Any]) -> None:
        raise AssertionError("the rig's person is always at the keyboard")

    async def take_unseen(self, person: str) -> list[dict[str, Any]]:
        return []


@asynccontextmanager
async def console() -> AsyncIterator[Rig]:
    out = io.StringIO()
    channel = ConsoleChannel(out, Mailbox(), persona="bob", jsonl=True)
    heard: list[InboundEvent] = []
    await channel.start(_hear(heard))

    async def settled() -> None:
        return None

    repl = ConsoleRepl(channel, _hear(heard), settled, {"bob"}, stdin=io.StringIO())

    def lines() -> list[dict[str, Any]]:
        return [json.loads(line) for line in out.getvalue().splitlines() if line]

    def shown(line: dict[str, Any]) -> str:
        labels = [b["label"] for b in line["buttons"] + line.get("choices", [])]
        return "\n".join([line["title"], line["body"], *labels])

    async def click(ref: MessageRef, action_id: str) -> None:
        await repl.handle_line(json.dumps({"click": action_id}))

    def now(ref: MessageRef) -> str:
        return shown(lines()[-1])

    async def write(text: str) -> None:
        await repl.handle_line(text)

    yield Rig(channel, channel.key_of("bob"), heard, write, click,
              lambda: [shown(line) for line in lines()], now)
    await channel.stop()


# --- Slack ----------------------------------------------------------------------------------------


@asynccontextmanager
async def slack() -> AsyncIterator[Rig]:
    fake = await FakeSlack().start()
    try:
        async with _slack(fake) as rig:
            yield rig
    finally:
        await fake.close()


@asynccontextmanager
async def _slack(fake: FakeSlack) -> AsyncIterator[Rig]:
    user, dm = "U01BOB", "D01BOB"
    channel = SlackChannel(AsyncWebClient(token=fake.bot_token, base_url=fake.api_url),
                           bot_user_id=fake.bot_user_id)
    heard: list[InboundEvent] = []
    await channel.start(_hear(heard))
    receiver = SlackReceiver(channel)

    async def write(text: str) -> None:
        await receiver.on_event(slack_payloads.event_callback(
            slack_payloads.dm(user, text, ts=slack_payloads.next_ts()),
            event_id=f"Ev{next(_ids):04d}"))
        await channel.tasks.join()

    async def click(ref: MessageRef, action_id: str) -> None:
        await receiver.on_action(slack_payloads.block_actions(
            user, action_id, channel=ref.conversation, message_ts=ref.native_id,
            action_ts=f"1700000500.{next(_ids):06d}"))
        await channel.tasks.join()

    def now(ref: MessageRef) -> str:
        post = next(p for p in fake.posts_to(ref.conversation) if p.ts == ref.native_id)
        return str(([post, *fake.updates_of(post)])[-1].args["text"])

    def throttle_next() -> float:
        fake.fail_next("chat.postMessage", status=429, retry_after=THROTTLE_SECONDS)
        return THROTTLE_SECONDS

    def texts() -> list[str]:  # the notification text and what the blocks show
        return ["\n".join([str(p.args["text"]), *_block_texts(p.args.get("blocks") or [])])
                for p in fake.posts_to(dm)]

    yield Rig(channel, ConversationKey("slack", fake.team_id, "", user), heard, write, click,
              texts, now, throttle_next)
    await channel.stop()


def _block_texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [str(b["text"]["text"]) for b in blocks if isinstance(b.get("text"), dict)]


# --- WeCom ----------------------------------------------------------------------------------------


@asynccontextmanager
async def wecom() -> AsyncIterator[Rig]:
    fake = await FakeQyapi().start()
    try:
        async with _wecom(fake) as rig:
            yield rig
    finally:
        await fake.close()


@asynccontextmanager
async def _wecom(fake: FakeQyapi) -> AsyncIterator[Rig]:
    user = "zhaoqiang"
    api = WeComApi(fake.base_url, fake.corp_id, fake.secret,
                   throttled_retry_seconds=THROTTLE_SECONDS)
    channel = WeComChannel(api, corp_id=fake.corp_id, agent_id=fake.agent_id)
    heard: list[InboundEvent] = []
    await channel.start(_hear(heard))

    async def callback(fields: dict[str, str]) -> None:
        common = {"FromUserName": user, "AgentID": str(fake.agent_id),
                  "CreateTime": str(int(time.time()) + next(_ids))}
        item = wecom_inbound.translate({**common, **fields}, corp_id=fake.corp_id,
                                       agent_id=fake.agent_id)
        assert item is not None
        await channel.receive(item)
        await channel.tasks.join()

    async def write(text: str) -> None:
        await callback({"MsgType": "text", "Content": text, "MsgId": f"msg{next(_ids)}"})

    async def click(ref: MessageRef, action_id: str) -> None:
        await callback({"MsgType": "event", "Event": "template_card_event",
                        "EventKey": action_id, "TaskId": ref.native_id,
                        "ResponseCode": fake.click_code(ref.native_id)})

    def now(ref: MessageRef) -> str:
        card = next(c for c in fake.sends_to(user) if c.task_id == ref.native_id)
        return fake.card_now(card).text

    def throttle_next() -> float:
        fake.fail_next("message/send", 45009)  # "api freq out of limit"
        return THROTTLE_SECONDS

    yield Rig(channel, ConversationKey("wecom", fake.corp_id, "", user), heard, write, click,
              lambda: fake.texts_to(user), now, throttle_next)
    await channel.stop()


# --- DingTalk -------------------------------------------------------------------------------------


@asynccontextmanager
async def dingtalk(*, template: str) -> AsyncIterator[Rig]:
    fake = await FakeDingTalk().start()
    try:
        async with _dingtalk(fake, template=template) as rig:
            yield rig
    finally:
        await fake.close()


@asynccontextmanager
async def _dingtalk(fake: FakeDingTalk, *, template: str) -> AsyncIterator[Rig]:
    user = "bob"
    settings = DingTalkSettings(app_key=fake.app_key, app_secret=SecretStr(fake.app_secret),
                                card_template_id=template, api_base_url=fake.url,
                                session_webhook_url=fake.webhook_url)
    async with aiohttp.ClientSession() as session:
        api = OpenApi(session, fake.url, fake.app_key, fake.app_secret)
        channel = DingTalkChannel(api, settings)
        heard: list[InboundEvent] = []
        await channel.start(_hear(heard))
        receiver = DingTalkReceiver(channel)

        async def write(text: str) -> None:
            await receiver.on_robot_message(dingtalk_payloads.robot_message(
                user, text, webhook=fake.session_webhook("@" + user)))
            await channel.tasks.join()

        async def click(ref: MessageRef, action_id: str) -> None:
            await receiver.on_card_callback(
                dingtalk_payloads.card_callback(user, ref.native_id, action_id),
                f"card:{next(_ids)}")
            await channel.tasks.join()

        def now(ref: MessageRef) -> str:
            card = next(s for s in fake.to("@" + user) if s.out_track_id == ref.native_id)
            return fake.now(card).text

        def throttle_next() -> float:
            for path in ("/v1.0/robot/oToMessages/batchSend",
                         "/v1.0/card/instances/createAndDeliver"):
                fake.fail_next(path, status=429, retry_after=THROTTLE_SECONDS)
            return THROTTLE_SECONDS

        yield Rig(channel, ConversationKey("dingtalk", "", "", user), heard, write, click,
                  lambda: fake.texts_to("@" + user), now, throttle_next)
        await channel.stop()


# --- the web console's chat panel ----------------------------------------------------------------


class _Waits:
    """The web channel, but a send returns once the page got it (a real socket is between)."""

    def __init__(self, channel: WebChannel, page: Page) -> None:
        self.inner = channel
        self.page = page
        self.name = channel.name
        self.capabilities = channel.capabilities

    async def start(self, sink: Any) -> None:
        await self.inner.start(sink)

    async def stop(self) -> None:
        await self.inner.stop()

    async def send(self, key: ConversationKey, message: Any) -> MessageRef:
        ref = await self.inner.send(key, message)
        await self.page.got(ref.native_id)
        return ref

    async def update(self, ref: MessageRef, message: Any) -> MessageRef:
        before = len(self.page.shown_frames())
        updated = await self.inner.update(ref, message)
        await self.page.count(before + 1)
        return updated


@asynccontextmanager
async def web() -> AsyncIterator[Rig]:
    channel = WebChannel(MemoryMailbox())
    heard: list[InboundEvent] = []
    await channel.start(_hear(heard))

    async def socket(request: aiohttp.web.Request) -> aiohttp.web.StreamResponse:
        return await serve(channel, request, "bob")

    app = aiohttp.web.Application()
    app.router.add_get("/ws", socket)
    async with TestClient(TestServer(app)) as client:
        page = Page(await client.ws_connect("/ws"))
        waiting = _Waits(channel, page)

        async def write(text: str) -> None:
            await page.say(text)
            await channel.tasks.join()

        async def click(ref: MessageRef, action_id: str) -> None:
            await page.click(action_id, message=ref.native_id)
            await channel.tasks.join()

        def texts() -> list[str]:
            return [plain_with_labels(m) for m in page.cards()]

        def now(ref: MessageRef) -> str:
            frames = [f for f in page.shown_frames() if f["id"] == ref.native_id]
            return plain_with_labels(message_from_dict(frames[-1]["message"]))

        yield Rig(cast(Channel, waiting), channel.key_of("bob"), heard, write, click, texts,
                  now)
        await page.close()
    await channel.stop()


def plain_with_labels(message: Message) -> str:
    """A message as the page shows it: its text and the labels of its buttons and choices."""
    labels = [b.label for b in getattr(message, "buttons", ()) + getattr(message, "choices", ())]
    return "\n".join([plain_text(message), *labels])

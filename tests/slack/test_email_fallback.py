"""People the directory knows by email only: reached by ``users.lookupByEmail``, and recognised
when they write or click (``users.info`` -> email), under one ``ConversationKey``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.channel import SlackChannel
from bot.identity import address_of, identify
from chat.events import ConversationKey, MessageReceived
from chat.replies import Text
from dialogs.loader import demo_paths, load_bundle
from org.model import Directory
from tests.slack.conftest import running, slack_settings
from tests.slack.fake_slack import FakeSlack
from tests.slack.steps import card_with, file_the_laptop, latest_version, trail

BOB = "U01BOB"


def without_slack_id(person: str, into: Path) -> Path:
    """A copy of the demo directory where ``person`` has an email but no ``slack`` id."""
    _, directory, _ = demo_paths()
    text = directory.read_text(encoding="utf-8")
    line = f'slack = "{person}"\n'
    assert text.count(line) == 1
    into.write_text(text.replace(line, ""), encoding="utf-8")
    return into


def demo_directory(**changed: dict[str, str | None]) -> Directory:
    directory = load_bundle(*demo_paths()).directory
    persons = {pid: replace(p, **changed.get(pid, {})) for pid, p in directory.persons.items()}
    return replace(directory, persons=persons)


def key(user: str) -> ConversationKey:
    return ConversationKey("slack", "T0DEMO", "", user)


def test_a_person_without_a_slack_id_is_addressed_by_email() -> None:
    directory = demo_directory(bob={"slack": None, "email": " Bob@Example.com"},
                               kate={"slack": None, "email": None})
    bob, kate, alice = (directory.persons[p] for p in ("bob", "kate", "alice"))
    assert address_of(bob, "slack", "T0DEMO") == key("bob@example.com")
    assert address_of(alice, "slack", "T0DEMO") == key("U01ALICE")
    assert address_of(kate, "slack", "T0DEMO") is None  # neither an id nor an email
    assert address_of(replace(bob, wecom=None), "wecom") is None  # only where email reaches


def test_an_email_stands_for_a_person_only_when_they_have_no_slack_id() -> None:
    directory = demo_directory(bob={"slack": None})
    assert identify(directory, key("BOB@example.com")) == directory.persons["bob"]
    assert identify(directory, key("alice@example.com")) is None  # alice is U01ALICE
    assert identify(directory, key("U01ALICE")) == directory.persons["alice"]
    wecom = ConversationKey("wecom", "corp", "", "bob@example.com")
    assert identify(directory, wecom) is None


class Roster:
    def __init__(self, known: set[str], by_email: set[str]) -> None:
        self.known, self.by_email = known, by_email

    def knows(self, user_id: str) -> bool:
        return user_id in self.known

    def reached_by_email(self, email: str) -> bool:
        return email in self.by_email


@pytest.fixture
async def channel(fake_slack: FakeSlack) -> AsyncIterator[SlackChannel]:
    fake_slack.emails.update({"bob@example.com": BOB, "zed@example.com": "U0ZED"})
    roster = Roster(known={"U01ALICE"}, by_email={"bob@example.com"})
    client = AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url)
    yield SlackChannel(client, bot_user_id="U0ESMBOT", roster=roster)


async def test_an_unknown_slack_user_is_looked_up_once_and_comes_as_their_email(
    channel: SlackChannel, fake_slack: FakeSlack,
) -> None:
    said = MessageReceived(key(BOB), "Ev1", "hi")
    assert (await channel.identified(said)).key == key("bob@example.com")
    assert (await channel.identified(replace(said, event_id="Ev2"))).key.user == "bob@example.com"
    assert [c.args["user"] for c in fake_slack.calls_to("users.info")] == [BOB]
    await channel.send(key("bob@example.com"), Text("reply"))
    assert not fake_slack.calls_to("users.lookupByEmail")  # users.info taught us the way back
    assert fake_slack.posts_to("D01BOB")


async def test_known_people_and_strangers_keep_their_slack_id(
    channel: SlackChannel, fake_slack: FakeSlack,
) -> None:
    alice = MessageReceived(key("U01ALICE"), "Ev1", "hi")
    assert await channel.identified(alice) == alice
    assert not fake_slack.calls_to("users.info")  # the directory knew her
    for stranger in ("U0ZED", "U0NOMAIL"):  # an email nobody in the directory has; none
        event = MessageReceived(key(stranger), "Ev" + stranger, "hi")
        assert await channel.identified(event) == event
    fake_slack.fail_next("users.info", status=500, error="internal_error", retry_after=None)
    event = MessageReceived(key("U0DOWN"), "Ev3", "hi")
    assert await channel.identified(event) == event  # Slack could not say: as it came


async def test_bob_without_a_slack_id_gets_his_card_by_email_and_approves_on_it(
    tmp_path: Path, fake_slack: FakeSlack,
) -> None:
    fake_slack.emails["bob@example.com"] = BOB
    directory = without_slack_id(BOB, tmp_path / "directory.toml")
    async with running(slack_settings(tmp_path, fake_slack, directory=directory),
                       fake_slack) as slack:
        await file_the_laptop(slack)
        [lookup] = fake_slack.calls_to("users.lookupByEmail")
        assert lookup.args["email"] == "bob@example.com"
        card = card_with(slack, "D01BOB", "apr:1:bob:approve")

        await slack.tap(BOB, card, "同意")  # a click from U01BOB, whom the directory lacks
        assert [c.args["user"] for c in fake_slack.calls_to("users.info")] == [BOB]
        assert "已同意 REQ-1" in fake_slack.texts_to("D01BOB")[-1]
        assert "已同意" in latest_version(slack, card).args["text"]
        assert [e.actor for e in await trail(slack) if e.action == "approval.approved"] \
            == ["bob"]

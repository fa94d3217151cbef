"""Numbered replies (DingTalk without a card template) survive a restart and a second replica:
what "1" clicks is kept in the database, not in the process that sent the card."""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings
from store import choices
from tests.dingtalk.conftest import DingTalkHarness, dingtalk_settings, running
from tests.dingtalk.fake_dingtalk import FakeDingTalk
from tests.dingtalk.steps import ALICE, BOB, LAPTOP, dm, status_of, trail
from tests.pg import fresh_database


async def say(dingtalk: DingTalkHarness, staff_id: str, text: str) -> None:
    assert (await dingtalk.post(dingtalk.message(staff_id, text))).status == 200
    await dingtalk.settle()


def numbered_http(settings: Settings) -> Settings:
    return settings.model_copy(update={"dingtalk": settings.dingtalk.model_copy(
        update={"mode": "http", "card_template_id": ""})})


async def alice_files_the_laptop(dingtalk: DingTalkHarness) -> None:
    """alice answers by numbers; bob, her manager, gets the approval card, numbered."""
    await say(dingtalk, ALICE, LAPTOP)
    await say(dingtalk, ALICE, "1")  # the first model
    await say(dingtalk, ALICE, "旧电脑坏了需要更换")
    await say(dingtalk, ALICE, "提交")
    assert "**1** 同意" in dingtalk.fake.texts_to(dm(BOB))[-1]


async def approvers(dingtalk: DingTalkHarness) -> list[str]:
    return [e.actor for e in await trail(dingtalk) if e.action == "approval.approved"]


async def test_bobs_1_approves_after_esmbot_restarted(tmp_path: Path,
                                                      fake_dingtalk: FakeDingTalk) -> None:
    settings = numbered_http(dingtalk_settings(tmp_path, fake_dingtalk))
    async with running(settings, fake_dingtalk) as before:
        await alice_files_the_laptop(before)
    async with running(settings, fake_dingtalk) as after:  # a new app on the same SQLite file
        await say(after, BOB, "1")
        assert await approvers(after) == ["bob"]
        assert "已同意 REQ-1" in "\n".join(fake_dingtalk.texts_to(dm(BOB)))
        assert "**1** 详情" in fake_dingtalk.texts_to(dm(BOB))[-1]  # the decided card, anew
        await say(after, BOB, "9")  # no such choice: said so, no catalog search
        assert "「9」没有对应的选项" in fake_dingtalk.texts_to(dm(BOB))[-1]
        assert await approvers(after) == ["bob"]


async def test_bobs_1_on_another_replica_approves_on_postgresql(
    tmp_path: Path, fake_dingtalk: FakeDingTalk, postgres_server: str,
) -> None:
    async with fresh_database("postgresql", tmp_path, migrated=True) as url:
        base = numbered_http(dingtalk_settings(tmp_path, fake_dingtalk))
        settings = base.model_copy(update={"store": base.store.model_copy(update={"url": url})})
        async with running(settings, fake_dingtalk) as first, \
                running(settings, fake_dingtalk) as second:
            await alice_files_the_laptop(first)
            async with second.bot.db.unit_of_work() as uow:
                kept = await choices.recall(uow.session, conversation=f"dingtalk::{dm(BOB)}")
            assert kept is not None and kept["buttons"][0]["label"] == "同意"
            await say(second, BOB, "1")  # bob's reply reaches the other replica
            assert await approvers(second) == ["bob"]
            assert await status_of(second) == "in_progress"  # approved: handed to the desk


async def test_a_number_with_nothing_offered_is_answered_not_searched(
    tmp_path: Path, fake_dingtalk: FakeDingTalk,
) -> None:
    settings = numbered_http(dingtalk_settings(tmp_path, fake_dingtalk))
    async with running(settings, fake_dingtalk) as dingtalk:
        await say(dingtalk, BOB, "1")
        said = fake_dingtalk.texts_to(dm(BOB))
        assert len(said) == 1 and "「1」没有对应的选项" in said[0]
        async with dingtalk.bot.db.unit_of_work() as uow:
            assert await choices.recall(uow.session, conversation=f"dingtalk::{dm(BOB)}") \
                is None


async def test_cards_shown_again_send_nothing_extra_and_1_clicks_the_latest(
    tmp_path: Path, fake_dingtalk: FakeDingTalk,
) -> None:
    settings = numbered_http(dingtalk_settings(tmp_path, fake_dingtalk))
    async with running(settings, fake_dingtalk) as dingtalk:
        await alice_files_the_laptop(dingtalk)
        await say(dingtalk, BOB, "待我审批")
        await say(dingtalk, BOB, "待我审批")
        said = fake_dingtalk.texts_to(dm(BOB))
        assert len(said) == 5  # the card, then twice: the title and the card again
        assert not any("已更新" in text for text in said)  # markdown cannot be edited
        await say(dingtalk, BOB, "1")
        assert await approvers(dingtalk) == ["bob"]
        assert len(fake_dingtalk.texts_to(dm(BOB))) == 7  # 已同意 REQ-1, the card once more

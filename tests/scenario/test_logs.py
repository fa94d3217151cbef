"""Logs (issue 21): JSON lines that carry the turn, a person written as a hash unless asked
otherwise, a level per logger, and no message text at INFO."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot import logs
from bot.testing import ChatDriver


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    pipeline_level = logging.getLogger("esmbot.pipeline").level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("esmbot.pipeline").setLevel(pipeline_level)
    logs._person_ids = "hashed"


def lines(stream: io.StringIO) -> list[dict[str, str]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.usefixtures("restore_logging")
async def test_every_line_of_a_turn_names_it_in_json(chat: ChatDriver) -> None:
    out = io.StringIO()
    logs.configure("INFO", fmt="json", loggers={"esmbot.pipeline": "DEBUG"}, stream=out)
    await chat.say("alice", "我要报销差旅费8000元")
    done = [line for line in lines(out) if line["msg"].startswith("turn done")]
    assert done and done[0]["logger"] == "esmbot.pipeline" and done[0]["level"] == "DEBUG"
    assert done[0]["channel"] == "fake" and len(done[0]["turn"]) == 8
    assert done[0]["person"].startswith("p:") and "alice" not in out.getvalue()


@pytest.mark.usefixtures("restore_logging")
async def test_raw_person_ids_when_asked(chat: ChatDriver) -> None:
    out = io.StringIO()
    logs.configure("DEBUG", fmt="json", person_ids="raw", stream=out)
    await chat.say("alice", "help")
    assert any(line["person"] == "alice" for line in lines(out))


@pytest.mark.usefixtures("restore_logging")
async def test_no_message_text_at_info(chat: ChatDriver) -> None:
    out = io.StringIO()
    logs.configure("INFO", stream=out)
    for text in ("我要报销差旅费8000元", "2026-11-20", "去北京见客户的差旅", "提交"):
        await chat.say("alice", text)
    assert "北京见客户" not in out.getvalue() and "8000" not in out.getvalue()


@pytest.mark.usefixtures("restore_logging")
def test_outside_a_turn_the_tags_are_dashes_and_text_lines_stay_plain() -> None:
    out = io.StringIO()
    logs.configure("INFO", stream=out)
    logging.getLogger("esmbot.test").info("hello")
    with logs.turn_context("abcd1234", "slack", "U1"):
        logging.getLogger("esmbot.test").info("inside")
    first, second = out.getvalue().splitlines()
    assert first.endswith("INFO esmbot.test hello")
    assert f"esmbot.test [abcd1234 slack {logs.person_tag('U1')}] inside" in second

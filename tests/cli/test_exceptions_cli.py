"""``esmbot exceptions list``: governance reads the exceptions outside chat, all or only the
active ones, of one service, as text or JSON."""

from __future__ import annotations

import json

from bot.testing import ChatDriver
from tests.cli.conftest import Esmbot
from tests.scenario.exception_steps import ask_exception, click
from tests.scenario.test_onboarding import file_onboarding


async def test_exceptions_are_listed_with_their_state(env: dict[str, str],
                                                       esmbot: Esmbot) -> None:
    chat = await ChatDriver.open(env["ESMBOT_STORE__URL"])
    try:
        await file_onboarding(chat)
        await ask_exception(chat, "bob", "加急 REQ-1", reason="新员工即将入职", impact="中",
                            validity="1bd", justification="新同事下周一入职")
        await click(chat, "nina", "批准例外")
        await file_onboarding(chat)
        await ask_exception(chat, "bob", "加急 REQ-2", reason="新员工即将入职", impact="低",
                            validity="1bd", justification="入职日期提前了")
        await click(chat, "nina", "拒绝", text="走正常流程即可")
    finally:
        await chat.close()

    listed = json.loads(esmbot("exceptions", "list", "--json").stdout)
    assert [(e["id"], e["request"], e["state"], e["impact"]) for e in listed] == [
        ("EXC-2", "REQ-2", "denied", "low"), ("EXC-1", "REQ-1", "granted", "medium")]
    assert listed[1]["decisions"]["approver"]["by"] == "nina"
    active = json.loads(esmbot("exceptions", "list", "--active", "--json").stdout)
    assert [e["id"] for e in active] == ["EXC-1"]
    assert json.loads(esmbot("exceptions", "list", "--service", "it.laptop", "--json").stdout) == []
    text = esmbot("exceptions", "list", "--service", "hr.onboarding").stdout
    assert "EXC-1" in text and "granted" in text and "EXC-2" in text

"""Shared steps for journeys: answer a form the way a patient person would."""

from __future__ import annotations

from bot.testing import ChatDriver
from chat.replies import Card, Message

DEFAULT_BY_TYPE = {
    "text": "客户现场拜访产生的费用",
    "date": "2026-12-20",  # after the fake clock's today (2026-11-23): dates may not be past
    "money": "100",
    "number": "1",
    "bool": "否",
    "choice": "1",
    "multichoice": "1",
    "user": "bob",
}


async def fill_form(
    chat: ChatDriver, person: str, service_id: str, answers: dict[str, str] | None = None,
    *, limit: int = 20,
) -> list[str]:
    """Answer every question until the confirmation card; returns the field ids asked."""
    answers = answers or {}
    service = chat.app.bundle.catalog.get(service_id)
    assert service is not None
    asked: list[str] = []
    for _ in range(limit):
        message = chat.last(person)
        if message.asks is None:
            return asked
        fdef = service.field(message.asks)
        assert fdef is not None, message
        asked.append(fdef.id)
        await chat.say(person, answers.get(fdef.id, DEFAULT_BY_TYPE[fdef.type]))
    raise AssertionError(f"form did not finish after {limit} answers; asked {asked}")


def is_confirmation(message: Message) -> bool:
    return isinstance(message, Card) and any(b.action_id.endswith(":submit")
                                             for b in message.buttons)


def text_of(message: Message) -> str:
    if isinstance(message, Card):
        fields = " ".join(f"{f.label}={f.value}" for f in message.fields)
        return " ".join([message.title, message.body, fields, message.footer,
                         *(b.label for b in message.buttons)])
    return message.text

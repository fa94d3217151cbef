"""Small histories for the quality and compliance figures, and how to compute them."""

from __future__ import annotations

from collections.abc import Sequence

from bot.metrics.compute import compute, organisation_timezone
from bot.metrics.model import LAYERS, Cut, Figure, Report
from bot.metrics.periods import parse_period
from bot.testing import ChatDriver
from tests.scenario.approval_steps import submit
from tests.scenario.helpers import fill_form


async def report(chat: ChatDriver, cut: Cut = Cut(), *, period: str = "2026-11",  # noqa: B008
                 layers: Sequence[str] = LAYERS) -> Report:
    services = chat.app.services
    async with chat.app.db.unit_of_work() as uow:
        return await compute(uow.session, services,
                             parse_period(period, organisation_timezone(services)), cut,
                             layers=layers, now=chat.clock.now)


def figure(found: Report, key: str) -> Figure:
    shown = found.figure(key)
    assert shown is not None, key
    return shown


def fraction(shown: Figure) -> tuple[int | None, int | None, float | None]:
    return shown.numerator, shown.denominator, shown.value


async def file(chat: ChatDriver, person: str, sentence: str, service: str,
               answers: dict[str, str] | None = None) -> None:
    await chat.say(person, sentence)
    await fill_form(chat, person, service, answers)
    await submit(chat, person)

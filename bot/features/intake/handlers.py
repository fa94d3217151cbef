"""The catalog and the "did you mean" choices, from a tap or "服务目录"; the answer to
"continue the open form, or start the new one?"."""

from __future__ import annotations

from bot.features.approvals.sendback_ids import ResubmitClick
from bot.features.intake import flow, switch
from bot.features.intake.actions import CatalogClick, PickClick, SwitchClick
from bot.features.intake.commands import Resubmit, ShowCatalog
from bot.features.registry import Click, stale
from bot.turn import Turn


async def show_catalog(turn: Turn, command: ShowCatalog) -> None:
    await flow.show_catalog(turn)


async def catalog_click(turn: Turn, click: CatalogClick, tapped: Click) -> None:
    if click.department:
        await flow.show_department(turn, click.department)
    else:
        await flow.show_catalog(turn)


async def pick_click(turn: Turn, click: PickClick, tapped: Click) -> None:
    await flow.pick(turn, click.service, tapped.state)


async def resubmit(turn: Turn, command: Resubmit) -> None:
    await flow.resubmit(turn, command.request_id)


async def resubmit_click(turn: Turn, click: ResubmitClick, tapped: Click) -> None:
    await flow.resubmit(turn, click.request)


async def switch_click(turn: Turn, click: SwitchClick, tapped: Click) -> None:
    if not await switch.switch_click(turn, click, tapped.state):
        await stale(turn)

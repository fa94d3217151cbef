"""From a free sentence to a form: intent matching, "did you mean", and the catalog. A sentence
that is no command and no answer ends up here (``flow.from_text``)."""

from __future__ import annotations

from bot.features.approvals.sendback_ids import ResubmitClick
from bot.features.intake import handlers
from bot.features.intake.actions import SWITCH, CatalogClick, PickClick, SwitchClick
from bot.features.intake.commands import Resubmit, ShowCatalog, parse_catalog, parse_resubmit
from bot.features.registry import Feature, on_click

FEATURE = Feature(
    name="intake",
    parsers=(parse_catalog, parse_resubmit),
    commands={ShowCatalog: handlers.show_catalog, Resubmit: handlers.resubmit},
    actions={"cat": on_click(CatalogClick, handlers.catalog_click),
             "pick": on_click(PickClick, handlers.pick_click),
             ResubmitClick.PREFIX: on_click(ResubmitClick, handlers.resubmit_click),
             SWITCH: on_click(SwitchClick, handlers.switch_click)},
)

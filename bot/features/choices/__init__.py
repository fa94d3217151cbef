"""Numbers with nothing to pick: "1" typed where no card offers numbered choices.

The adapters turn a number into the click it names on the latest card in the conversation
(``adapters.kit.choices``, kept in the database). A number that reaches the core as text named
nothing: the latest message had no choices (or none that far). Said so plainly, instead of
searching the catalog for "1". An open form or question takes a number as its answer first.
"""

from __future__ import annotations

from bot.features.choices.commands import BareNumber, parse_bare_number
from bot.features.choices.flow import nothing_to_pick
from bot.features.registry import Feature

FEATURE = Feature(name="choices", parsers=(parse_bare_number,),
                  commands={BareNumber: nothing_to_pick})

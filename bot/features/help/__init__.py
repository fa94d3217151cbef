"""Help: what esmbot can do ("帮助", a greeting, or an empty message), the catalog a tap away."""

from __future__ import annotations

from bot.features.help.commands import ShowHelp, parse_help
from bot.features.help.flow import show_help
from bot.features.registry import Feature

FEATURE = Feature(name="help", parsers=(parse_help,), commands={ShowHelp: show_help})

"""The requester changes an answer while the request waits for approval: "修改 REQ-12 金额 6000";
approval restarts on the new answers."""

from __future__ import annotations

from bot.features.amendment.commands import Amend, parse_amend
from bot.features.amendment.flow import amend_command
from bot.features.registry import Feature

FEATURE = Feature(name="amendment", parsers=(parse_amend,), commands={Amend: amend_command})

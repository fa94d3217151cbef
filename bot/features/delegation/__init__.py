"""Delegating approvals in chat: "委托 carol 代批到12月10日", "取消委托", "我的委托".

Who approves for whom on a day (the directory file's delegations, overridden by chat) is
``bot.delegates``: below every feature, since approvals, visibility and digests ask it too.
"""

from __future__ import annotations

from bot.features.delegation import handlers
from bot.features.delegation.commands import (
    CancelDelegation,
    Delegate,
    ShowDelegation,
    parse_delegation,
)
from bot.features.delegation.prompts import PROMPTS
from bot.features.registry import Feature

FEATURE = Feature(
    name="delegation",
    parsers=(parse_delegation,),
    commands={Delegate: handlers.delegate, CancelDelegation: handlers.cancel,
              ShowDelegation: handlers.show},
    prompts=PROMPTS,
    keeps=handlers.keeps,
)

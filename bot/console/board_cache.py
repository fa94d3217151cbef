"""Boards already computed, kept while nothing they depend on has moved: the figures are a
function of the audit trail (its head seq), the latest audit verification, the period, the
cut and the page's language; and of ``now`` only while the period is still running (then a
board is kept within the same minute). A repeated look at a dashboard costs two small queries
instead of the layer's computation."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.console.board import Asked, Board
from store import audit, audit_checks

KEPT = 64  # boards
KEPT_SECONDS = 300.0


@dataclass
class BoardCache:
    boards: OrderedDict[Hashable, tuple[float, Board]] = field(default_factory=OrderedDict)

    def get(self, key: Hashable) -> Board | None:
        found = self.boards.get(key)
        if found is None or time.monotonic() - found[0] > KEPT_SECONDS:
            return None
        self.boards.move_to_end(key)
        return found[1]

    def put(self, key: Hashable, board: Board) -> None:
        self.boards[key] = (time.monotonic(), board)
        self.boards.move_to_end(key)
        while len(self.boards) > KEPT:
            self.boards.popitem(last=False)


async def key_of(session: AsyncSession, layer: str, asked: Asked, locale: str,
                 now: datetime, bundle: object) -> Hashable:
    head = await audit.head(session)
    check = await audit_checks.latest(session)
    running = now.replace(second=0, microsecond=0) if now < asked.period.end else None
    return (id(bundle), layer, asked.period, asked.kind, asked.cut, locale,
            head.seq if head else None, check.id if check else None, running)

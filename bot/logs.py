"""Logging: text or one JSON object per line, a level per logger, and every line written
during a turn tagged with that turn's id, channel and person.

The turn's tags live in a context variable that the pipeline sets around each turn
(``turn_context``), so every logger under it (the store, the adapters' SDKs, the features)
gets them without being handed anything. The person is the platform user id behind the turn
(known before the directory is asked), written as a short hash unless ``[logging] person_ids =
"raw"``: log files travel further than the database, and a hash still lets one follow a
person's turns. Message text is never logged at INFO or above.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, TextIO

NO_TAG = "-"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(tags)s %(message)s"


@dataclass(frozen=True)
class TurnTags:
    turn: str
    channel: str
    person: str


_TURN: ContextVar[TurnTags | None] = ContextVar("esmbot_turn", default=None)
_person_ids: Literal["hashed", "raw"] = "hashed"


def person_tag(person: str) -> str:
    if _person_ids == "raw" or not person:
        return person or NO_TAG
    return "p:" + hashlib.sha256(person.encode()).hexdigest()[:12]


@contextmanager
def turn_context(turn: str, channel: str, person: str) -> Iterator[TurnTags]:
    """Tag every log line written inside the block (in this task) with the turn."""
    tags = TurnTags(turn, channel, person_tag(person))
    token = _TURN.set(tags)
    try:
        yield tags
    finally:
        _TURN.reset(token)


class TurnTagFilter(logging.Filter):
    """Adds ``turn``, ``channel``, ``person`` (``-`` outside a turn) and ``tags`` (the three
    in brackets for the text format, or empty) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        tags = _TURN.get()
        record.turn = tags.turn if tags else NO_TAG
        record.channel = tags.channel if tags else NO_TAG
        record.person = tags.person if tags else NO_TAG
        record.tags = f" [{tags.turn} {tags.channel} {tags.person}]" if tags else ""
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "turn": getattr(record, "turn", NO_TAG),
            "channel": getattr(record, "channel", NO_TAG),
            "person": getattr(record, "person", NO_TAG),
        }
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure(level: str, *, fmt: Literal["text", "json"] = "text",
              loggers: dict[str, str] | None = None,
              person_ids: Literal["hashed", "raw"] = "hashed",
              stream: TextIO | None = None) -> logging.Handler:
    """Install one handler (stderr by default) on the root logger, replacing earlier ones."""
    global _person_ids
    _person_ids = person_ids
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(TurnTagFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    for name, own in (loggers or {}).items():
        logging.getLogger(name).setLevel(own)
    return handler

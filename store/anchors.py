"""Signed anchors of the audit chain: the head at a moment, signed, kept where the database
cannot reach it.

An anchor is ``(seq, hash, at)`` signed with HMAC-SHA256 under a secret of the operator's
(``[audit] anchor_secret``). It is stored here (``audit_anchor``, so a daily timer can push the
newest to the governance role in chat) and appended by ``esmbot audit anchor`` to a file of
JSON lines. Whoever removes the newest events and rewrites ``audit_head`` to match leaves a
chain that is shorter than, or forks from, the last anchor taken before: ``check`` names that.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store import audit
from store.models import AuditAnchorRow

FORMAT = "esmbot-audit-anchor/1"
_TABLE = AuditAnchorRow.__table__  # type: ignore[attr-defined]


class AnchorRefused(Exception):
    """No anchor can be taken (no secret, or the chain does not end at its head)."""


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: datetime
    signature: str

    @property
    def text(self) -> str:
        """What the signature covers (also the line pushed to chat)."""
        return signed_text(self.seq, self.hash, self.at)

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "seq": self.seq, "hash": self.hash,
                "at": _iso(self.at), "signature": self.signature}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Anchor:
        if data.get("format") != FORMAT:
            raise ValueError(f"not an {FORMAT} anchor: format {data.get('format')!r}")
        return cls(int(data["seq"]), str(data["hash"]), datetime.fromisoformat(data["at"]),
                   str(data["signature"]))


def signed_text(seq: int, hash_: str, at: datetime) -> str:
    return f"{FORMAT} seq={seq} hash={hash_} at={_iso(at)}"


def sign(seq: int, hash_: str, at: datetime, secret: str) -> Anchor:
    at = at.astimezone(UTC).replace(microsecond=0)
    return Anchor(seq, hash_, at, _mac(signed_text(seq, hash_, at), secret))


def signature_ok(anchor: Anchor, secret: str) -> bool:
    return hmac.compare_digest(anchor.signature, _mac(anchor.text, secret))


async def take(session: AsyncSession, *, secret: str, now: datetime) -> Anchor:
    """Sign the chain's head as it is now and store the anchor (in the caller's transaction).

    Refused when the head does not match the chain's last event: an anchor must not vouch for
    a chain that was already cut."""
    if not secret:
        raise AnchorRefused("no [audit] anchor_secret is set (or ESMBOT_AUDIT__ANCHOR_SECRET)")
    head = await audit.head(session)
    if head is None:
        raise AnchorRefused("the head row (audit_head) is missing")
    if head.seq and await audit.hash_at(session, head.seq) != head.hash:
        raise AnchorRefused(f"the chain does not end at its head (seq {head.seq}): "
                            "run esmbot audit verify")
    if head.seq and await audit.hash_at(session, head.seq + 1) is not None:
        raise AnchorRefused(f"events follow the head (seq {head.seq}): run esmbot audit verify")
    anchor = sign(head.seq, head.hash, now, secret)
    await session.execute(insert(_TABLE), {"seq": anchor.seq, "hash": anchor.hash,
                                           "at": anchor.at, "signature": anchor.signature})
    return anchor


async def latest(session: AsyncSession) -> tuple[int, Anchor] | None:
    """The newest anchor stored, with its id."""
    found = (await session.execute(select(_TABLE).order_by(_TABLE.c.id.desc()).limit(1))).first()
    if found is None:
        return None
    return int(found.id), Anchor(int(found.seq), str(found.hash), found.at, str(found.signature))


async def mark_pushed(session: AsyncSession, *, anchor_id: int, now: datetime) -> None:
    await session.execute(update(_TABLE).where(_TABLE.c.id == anchor_id).values(pushed_at=now))


async def check(session: AsyncSession, anchor: Anchor, *, secret: str) -> str | None:
    """None when the chain still holds ``anchor``'s event; else what is wrong. Without a
    ``secret`` the signature is not checked (the chain is still compared)."""
    when = _iso(anchor.at)
    if secret and not signature_ok(anchor, secret):
        return (f"the anchor of {when} (seq {anchor.seq}) is not signed with the configured "
                "anchor_secret")
    if anchor.seq == 0:
        return None
    found = await audit.hash_at(session, anchor.seq)
    if found is None:
        return (f"truncated: the chain has no seq {anchor.seq}, which the anchor of {when} "
                "signed")
    if found != anchor.hash:
        return (f"forked: seq {anchor.seq} is not the event the anchor of {when} signed")
    return None


def append_to_file(path: Path, anchor: Anchor) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(anchor.to_json(), sort_keys=True) + "\n")


def last_in_file(path: Path) -> Anchor | None:
    """The newest anchor of a JSON-lines file (None: the file has none)."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return Anchor.from_json(json.loads(lines[-1])) if lines else None


def _mac(text: str, secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds")

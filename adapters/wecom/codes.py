"""Single-use ``response_code``s: what ``message/update_template_card`` spends to edit a card.

A card gets a code when it is sent (in ``MessageRef.update_token``, stored by the outbox with
the send, so it survives a restart) and one more with every click on it (``ResponseCode`` in
the callback, kept here in memory). Each works once, for 72 hours. An update spends the click's
codes first (newest first: they come with what the person just did) and the send's code last;
when none is left the channel raises ``UpdateUnsupported`` and the outbox sends the card anew.

Click codes are per process: behind a load balancer, a click that reached another replica
leaves this one only the send's code (then a new message). Codes are kept per card *and*
person, so a click can only ever spend its own person's copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from chat.events import MessageRef

VALIDITY = timedelta(hours=72)
MARGIN = timedelta(minutes=5)  # a code this close to its end is not worth a call


@dataclass(frozen=True)
class _Code:
    value: str
    expires_at: datetime


class ResponseCodes:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self._clicks: dict[tuple[str, str], list[_Code]] = {}  # (task_id, user) -> newest last
        self._spent: dict[str, datetime] = {}  # code -> when it would have expired

    def offer(self, task_id: str, user: str, code: str) -> None:
        """A click on card ``task_id`` by ``user`` just brought ``code``."""
        if not code or code in self._spent:
            return
        self._forget_expired()
        until = self.clock() + VALIDITY
        codes = self._clicks.setdefault((task_id, user), [])
        if all(c.value != code for c in codes):
            codes.append(_Code(code, until))

    def candidates(self, ref: MessageRef) -> list[str]:
        """Codes that may still update the card ``ref`` names, in the order to try them."""
        now = self.clock() + MARGIN
        clicks = self._clicks.get((ref.native_id, ref.conversation), [])
        found = [c.value for c in reversed(clicks) if c.expires_at > now]
        if ref.update_token and (ref.expires_at is None or ref.expires_at > now):
            found.append(ref.update_token)
        return [code for code in dict.fromkeys(found) if code not in self._spent]

    def spend(self, code: str) -> None:
        """``code`` was used (or refused): never offer it again."""
        self._spent[code] = self.clock() + VALIDITY
        for key, codes in list(self._clicks.items()):
            kept = [c for c in codes if c.value != code]
            if kept:
                self._clicks[key] = kept
            else:
                del self._clicks[key]

    def _forget_expired(self) -> None:
        now = self.clock()
        for key, codes in list(self._clicks.items()):
            kept = [c for c in codes if c.expires_at > now]
            if kept:
                self._clicks[key] = kept
            else:
                del self._clicks[key]
        for code, until in list(self._spent.items()):
            if until <= now:
                del self._spent[code]

"""Per-recipient pacing: WeCom drops, without an error, an app's messages to a member beyond 30
a minute and 1,000 an hour ("超过部分会被丢弃不下发"), so the channel counts its own sends and
asks the outbox to come back later instead of sending into the void.

Sliding windows (any 60 s, any 3,600 s), stricter than WeCom's, so being under ours means
being under theirs. Counts are per process: replicas each keep their own.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence

Window = tuple[float, int]  # (seconds, most sends in any such span)
SWEEP_EVERY = 1000  # records between forgetting recipients who went quiet


class RecipientLimiter:
    def __init__(self, windows: Sequence[Window], clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self.windows = tuple(windows)
        self.clock = clock
        self._horizon = max((seconds for seconds, _ in self.windows), default=0.0)
        self._sent: dict[str, deque[float]] = {}
        self._records = 0

    def wait(self, recipient: str) -> float:
        """Seconds until one more send to ``recipient`` fits every window (0: now)."""
        now = self.clock()
        sent = self._recent(recipient, now)
        wait = 0.0
        for seconds, most in self.windows:
            in_window = [t for t in sent if t > now - seconds]
            if len(in_window) >= most:  # the send that makes room is the most-th from the end
                wait = max(wait, in_window[len(in_window) - most] + seconds - now)
        return wait

    def record(self, recipient: str) -> None:
        now = self.clock()
        self._sent.setdefault(recipient, deque()).append(now)
        self._records += 1
        if self._records % SWEEP_EVERY == 0:
            for other in list(self._sent):
                self._recent(other, now)

    def _recent(self, recipient: str, now: float) -> deque[float]:
        """``recipient``'s sends still inside the longest window; idle recipients are
        forgotten, so memory holds only the last hour's."""
        sent = self._sent.get(recipient)
        if sent is None:
            return deque()
        while sent and sent[0] <= now - self._horizon:
            sent.popleft()
        if not sent:
            del self._sent[recipient]
        return sent

    def __len__(self) -> int:
        """How many recipients are being counted."""
        return len(self._sent)

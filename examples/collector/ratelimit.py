"""Per-client rate limiting: a token bucket per (client token, address).

Rules: pure and in memory; the clock is injectable for tests. ``acquire`` answers how long the
client must wait (0 when the request may go ahead). Idle buckets are forgotten.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Hashable

MAX_CLIENTS = 100_000


class RateLimiter:
    def __init__(self, per_second: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_second = per_second
        self.burst = burst
        self.clock = clock
        self._buckets: dict[Hashable, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def acquire(self, client: Hashable) -> float:
        """Take one token for ``client``; return 0, or the seconds until one is available."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.per_second)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                if len(self._buckets) > MAX_CLIENTS:
                    self._forget_idle(now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self.per_second

    def _forget_idle(self, now: float) -> None:
        full_after = self.burst / self.per_second
        for key, (_, last) in list(self._buckets.items()):
            if now - last > full_after:
                del self._buckets[key]

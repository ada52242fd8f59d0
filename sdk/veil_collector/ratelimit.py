"""Per-client rate limiting: a token bucket per (client token, address).

Rules: pure and in memory; the clock is injectable for tests. ``acquire`` answers how long the
client must wait (0 when the request may go ahead). Idle buckets are forgotten.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable

MAX_CLIENTS = 100_000


class RateLimiter:
    def __init__(self, per_second: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_second = per_second
        self.burst = burst
        self.clock = clock
        self._buckets: dict[Hashable, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def wait(self, client: Hashable) -> float:
        """The seconds until ``client`` may take a token (0: now), taking none."""
        now = self.clock()
        with self._lock:
            entry = self._buckets.get(client)
            if entry is None:
                return 0.0
            tokens = min(float(self.burst), entry[0] + (now - entry[1]) * self.per_second)
            return 0.0 if tokens >= 1 else (1 - tokens) / self.per_second

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


class FailureThrottle:
    """Failed credentials per address: after ``allowed`` failures, the address is refused (429) for every
    credentialed request, right or wrong, until its bucket refills (one failure forgiven every
    ``forgive_seconds``), so guessing is limited to that rate and a right guess is not revealed
    early. In memory and per process: N processes allow N times the rate, still a small constant."""

    def __init__(self, allowed: int = 5, forgive_seconds: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._limiter = RateLimiter(1 / forgive_seconds, allowed, clock)

    def blocked(self, address: Hashable) -> float:
        """Seconds this address must wait before its credentials are looked at again (0: go ahead)."""
        return self._limiter.wait(address)

    def failed(self, address: Hashable) -> float:
        """Count one failure; return the wait now imposed (0 while failures remain)."""
        self._limiter.acquire(address)
        return self.blocked(address)

"""What the audit log is told about operators' reads of the session list.

Rules: every session list an operator is shown (``GET /v1/sessions``, with or without a search) is
audited as ``list``, with the query and how many visits it showed, like every replay opened (``read``). An open viewer polls
the list every 3 s: a listing identical to one the same operator was shown within
``LISTING_SECONDS`` (same query, same visits) is not written again, so the log records each
different list an operator saw, not each poll. Memory is bounded (``LISTING_MAX`` entries, least
recently used first out) and per process.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from .visits.search import Search

LISTING_SECONDS = 60.0
LISTING_MAX = 1000


def listing_detail(search: Search, shown: int) -> str:
    """The audit entry's detail for a listing: its query (every filter), and how many visits it showed."""
    parts = [f"limit={search.limit}", f"offset={search.offset}"]
    if search.with_errors:
        parts.append("errors=1")
    if "any" in search.frustrations:
        parts.append("frustrations=1")
    parts += [f"frustration={kind}" for kind in search.frustrations if kind != "any"]
    parts += [f"visited={p}" for p in search.visited] + [f"notVisited={p}" for p in search.not_visited]
    parts += [f"clicked={p}" for p in search.clicked]
    for name, value in (("minDurationMs", search.min_duration_ms), ("maxDurationMs", search.max_duration_ms),
                        ("fromMs", search.since), ("toMs", search.until)):
        if value is not None:
            parts.append(f"{name}={value:.0f}")
    if search.sort != "-received":
        parts.append(f"sort={search.sort}")
    query = " ".join(parts)
    return f"{query if len(query) <= 400 else query[:399] + '…'}: {shown} visits"


class RecentListings:
    """The listings each operator was shown lately; ``is_new`` says whether one must be audited."""

    def __init__(self, seconds: float = LISTING_SECONDS, limit: int = LISTING_MAX,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._seconds, self._limit, self._clock = seconds, limit, clock
        self._seen: OrderedDict[tuple[str, str, bytes], float] = OrderedDict()
        self._lock = threading.Lock()

    def is_new(self, operator: str, query: str, sessions: Iterable[str]) -> bool:
        """True (and remembered) unless ``operator`` was shown this very listing within the window."""
        shown = hashlib.sha256("\n".join(sessions).encode()).digest()
        key = (operator, query, shown)
        now = self._clock()
        with self._lock:
            last = self._seen.get(key)
            if last is not None and now - last < self._seconds:
                return False
            self._seen[key] = now
            self._seen.move_to_end(key)
            while len(self._seen) > self._limit:
                self._seen.popitem(last=False)
            return True

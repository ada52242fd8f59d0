"""Sessions: which recording session a page view belongs to, and whether that session is sampled.

Rules: pure; the shim hands in what it stored (tab-scoped sessionStorage), the time and nothing
else, and stores what comes back. A session is a random 128-bit id; it ends after 30 minutes
without activity or 4 hours in all, and the sampling decision is drawn once, when it starts. No
user identity is ever part of it.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from .contract import StoredSession
from .values import is_number

IDLE_MS = 30 * 60 * 1000
MAX_MS = 4 * 60 * 60 * 1000
_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Session:
    id: str
    started: float
    lastActive: float  # camelCase: the stored JSON's own key
    sampled: bool
    # Recorded on error only (recordingMode "on-error"): buffered until a trigger, then False for
    # the rest of the session, which records from then on like any other.
    buffer: bool = False

    def to_json(self) -> StoredSession:
        return {"id": self.id, "started": self.started, "lastActive": self.lastActive, "sampled": self.sampled,
                "buffer": self.buffer}


def new_session_id() -> str:
    """128 random bits as 32 hex characters (crypto.getRandomValues under Pyodide)."""
    return secrets.token_hex(16)


def parse_stored(raw: Any) -> Session | None:
    """The stored session, or None if absent or not exactly what Veil stores."""
    keys = {"id", "started", "lastActive", "sampled"}
    if not isinstance(raw, dict) or set(raw) not in (keys, keys | {"buffer"}):
        return None
    sid, started, last, sampled = raw["id"], raw["started"], raw["lastActive"], raw["sampled"]
    buffer = raw.get("buffer", False)
    if not isinstance(buffer, bool):
        return None
    numbers = is_number(started) and is_number(last)
    if not (isinstance(sid, str) and _ID.match(sid) and numbers and isinstance(sampled, bool) and started <= last):
        return None
    return Session(sid, float(started), float(last), sampled, buffer and sampled)


def expired(session: Session, now: float) -> bool:
    """True after 30 minutes without activity or 4 hours in all (or a clock that went backwards)."""
    return now - session.lastActive >= IDLE_MS or now - session.started >= MAX_MS or now < session.started


def _new(now: float, sample_rate: float, sample_draw: float, buffered_rate: float | None) -> Session:
    """A new session. One draw decides both: below ``sample_rate`` it records from its start; below
    ``buffered_rate`` (on-error mode: the share recorded at all) it records on error only."""
    full = sample_draw < sample_rate
    buffered = not full and buffered_rate is not None and sample_draw < buffered_rate
    return Session(new_session_id(), now, now, full or buffered, buffered)


def resolve(stored: Any, now: float, sample_rate: float, sample_draw: float,
            buffered_rate: float | None = None) -> tuple[Session, bool]:
    """The session to record under, and whether it is new (sampling is drawn only then)."""
    current = parse_stored(stored)
    if current is not None and not expired(current, now):
        return Session(current.id, current.started, now, current.sampled, current.buffer), False
    return _new(now, sample_rate, sample_draw, buffered_rate), True


def touch(session: Session, now: float, active: bool, sample_rate: float, sample_draw: float,
          buffered_rate: float | None = None) -> tuple[Session, bool]:
    """Advance a running session: (session, rotated). Rotation starts a new one with a new draw."""
    if expired(session, now):
        return _new(now, sample_rate, sample_draw, buffered_rate), True
    return (Session(session.id, session.started, now, session.sampled, session.buffer) if active else session), False


def triggered(session: Session) -> Session:
    """The session after its buffer was sent: it records from now on, like any sampled session."""
    return Session(session.id, session.started, session.lastActive, session.sampled, False)

"""Share links: a view-only link to one visit, optionally at a moment, that expires and can be revoked.

Rules: a link is a random token (256 bits, URL-safe) handed out once, when an admin creates it;
only its SHA-256 is stored, so a copy of the database opens nothing. It expires after
``DEFAULT_HOURS`` unless asked otherwise, never after more than ``MAX_HOURS``; it can be revoked
at any time. It grants exactly one thing: reading the one visit it was made for (its events,
digest and click data), nothing else, never a list, a search or another visit, and no operator
route accepts it. ``link_state`` is the one judge of a presented link (unknown, revoked, expired,
open); a link that is not open is refused with what happened to it. The token travels in the
viewer's URL fragment (``/viewer/#share=…``, never sent to a server or written to a log) and in
the ``X-Veil-Share`` header of the viewer's requests, never in a path or a query.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from typing import Any

DEFAULT_HOURS = 24.0
MAX_HOURS = 7 * 24.0
MIN_HOURS = 1 / 60  # one minute
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}\Z")  # secrets.token_urlsafe(32)
LINK_ID_PATTERN = re.compile(r"^[0-9a-f]{16}\Z")
HEADER = "x-veil-share"


class ShareError(ValueError):
    """A share link request the collector refuses (a 400's message)."""


@dataclass(frozen=True)
class NewLink:
    id: str  # public: names the link in lists, the audit log and revocation
    token: str  # secret: shown once, to its creator
    token_hash: str
    session: str
    at_ms: float | None
    created_at: float
    expires_at: float

    def fragment(self) -> str:
        """The viewer URL's fragment that opens it."""
        return f"share={self.token}"


@dataclass(frozen=True)
class Link:
    """A stored link, as read back."""

    id: str
    session: str
    at_ms: float | None
    created_by: str
    created_at: float
    expires_at: float
    revoked_at: float | None = None
    revoked_by: str | None = None

    def as_json(self, now: float) -> dict[str, Any]:
        return {"id": self.id, "session": self.session, "atMs": self.at_ms, "createdBy": self.created_by,
                "createdAt": self.created_at, "expiresAt": self.expires_at, "revokedAt": self.revoked_at,
                "revokedBy": self.revoked_by, "state": link_state(self, now)}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def parse_request(body: Any) -> tuple[float, float | None]:
    """(hours, moment) from a create request's JSON body ``{"hours"?, "atMs"?}``; ShareError names
    what is wrong."""
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ShareError("the body must be a JSON object: {\"hours\": 24, \"atMs\": 12000}")
    unknown = sorted(set(body) - {"hours", "atMs"})
    if unknown:
        raise ShareError(f"unknown field {unknown[0]!r}: a share link takes hours and atMs")
    hours = body.get("hours", DEFAULT_HOURS)
    if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not math.isfinite(hours) \
            or not MIN_HOURS <= hours <= MAX_HOURS:
        raise ShareError(f"hours must be a number from {MIN_HOURS * 60:g} minute to {MAX_HOURS:g} (7 days)")
    at = body.get("atMs")
    if at is not None and (isinstance(at, bool) or not isinstance(at, (int, float)) or not math.isfinite(at)
                           or not 0 <= at <= 366 * 86_400_000):
        raise ShareError("atMs must be a moment of the visit, in ms from its start (0 or more)")
    return float(hours), None if at is None else float(at)


def new_link(session: str, now: float, hours: float = DEFAULT_HOURS, at_ms: float | None = None) -> NewLink:
    token = secrets.token_urlsafe(32)
    return NewLink(id=secrets.token_hex(8), token=token, token_hash=token_hash(token), session=session, at_ms=at_ms,
                   created_at=now, expires_at=now + min(hours, MAX_HOURS) * 3600)


def well_formed(token: str | None) -> bool:
    """A token of the right shape (checked before any lookup: a forged one of another shape costs nothing)."""
    return bool(token) and TOKEN_PATTERN.match(token or "") is not None


def link_state(link: Link | None, now: float) -> str:
    """``unknown``, ``revoked``, ``expired`` or ``open``: the one judge of a presented link."""
    if link is None:
        return "unknown"
    if link.revoked_at is not None:
        return "revoked"
    if now >= link.expires_at:
        return "expired"
    return "open"


def refusal(state: str) -> tuple[int, str]:
    """The answer to a link that is not open: (status, message)."""
    return {
        "unknown": (404, "no such share link (it may have been mistyped, or its visit erased)"),
        "revoked": (410, "this share link was revoked"),
        "expired": (410, "this share link has expired"),
    }[state]

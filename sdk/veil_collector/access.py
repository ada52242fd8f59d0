"""Who is asking: operators and their roles, session write keys, client addresses, secrets.

Rules: pure (no I/O except ``read_secret`` and ``load_operators``, which read a file or the
environment once at start-up). Operators are named and hold a role, ``viewer`` (read) or ``admin``
(read, delete, quarantine, audit log); their tokens are stored only as hashes (``sha256:<hex>`` or
``scrypt:<n>:<r>:<p>:<salt hex>:<hex>``) and compared in constant time. A session's write key is
derived from one server secret (HMAC-SHA256), so no table of keys exists. Forwarded headers
(X-Forwarded-For, X-Veil-User) count only when the peer is a configured proxy address.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROLES = ("viewer", "admin")
USER_PATTERN_MAX = 128


@dataclass(frozen=True)
class Operator:
    name: str
    role: str  # "viewer" or "admin"
    token_hash: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def hash_token(token: str, method: str = "sha256") -> str:
    """The stored form of an operator token (``python -m veil_collector hash-token`` prints one)."""
    if method == "sha256":
        return "sha256:" + hashlib.sha256(token.encode()).hexdigest()
    salt = secrets.token_bytes(16)
    n, r, p = 2**14, 8, 1
    digest = hashlib.scrypt(token.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    return f"scrypt:{n}:{r}:{p}:{salt.hex()}:{digest.hex()}"


def _matches(token: str, stored: str) -> bool:
    method, _, rest = stored.partition(":")
    if method == "sha256":
        return hmac.compare_digest(hashlib.sha256(token.encode()).hexdigest(), rest.lower())
    if method == "scrypt":
        n, r, p, salt, digest = rest.split(":")
        mine = hashlib.scrypt(token.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(digest) // 2)
        return hmac.compare_digest(mine.hex(), digest.lower())
    return False


class Operators:
    """The configured operators; ``authenticate`` maps a bearer token to one of them, or None."""

    def __init__(self, operators: tuple[Operator, ...] | list[Operator]) -> None:
        for op in operators:
            if op.role not in ROLES:
                raise ValueError(f"operator {op.name!r}: role must be one of {ROLES}")
            if op.token_hash.partition(":")[0] not in ("sha256", "scrypt"):
                raise ValueError(f"operator {op.name!r}: token_hash must be sha256:<hex> or scrypt:...")
        self.operators = tuple(operators)
        # scrypt is slow on purpose: a token verified once is remembered by its sha256 (bounded).
        self._verified: dict[str, Operator] = {}

    def __bool__(self) -> bool:
        return bool(self.operators)

    def authenticate(self, token: str) -> Operator | None:
        if not token or len(token) > 1024:
            return None
        fingerprint = hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
        if fingerprint in self._verified:
            return self._verified[fingerprint]
        found = None
        for op in self.operators:  # every hash is checked, whichever matches
            if _matches(token, op.token_hash) and found is None:
                found = op
        if found is not None and found.token_hash.startswith("scrypt:"):
            if len(self._verified) > 1000:
                self._verified.clear()
            self._verified[fingerprint] = found
        return found


def load_operators(path: str | Path) -> list[Operator]:
    """Operators from a JSON or TOML file: a list ``operators`` of {name, role, token_hash}."""
    text = Path(path).read_text()
    data = tomllib.loads(text) if str(path).endswith(".toml") else json.loads(text)
    entries = data.get("operators", []) if isinstance(data, dict) else data
    out = []
    for entry in entries:
        if "token" in entry:
            raise ValueError(f"operator {entry.get('name')!r}: store token_hash, never the token itself")
        out.append(Operator(str(entry["name"]), str(entry["role"]), str(entry["token_hash"])))
    return out


def read_secret(name: str, file_path: str | Path | None = None) -> str | None:
    """A secret from ``file_path``, else the file named by ``$NAME_FILE``, else ``$NAME`` (never argv)."""
    path = file_path or os.environ.get(name + "_FILE")
    if path:
        return Path(path).read_text().strip() or None
    return os.environ.get(name) or None


def decode_key(text: str) -> bytes:
    """A 32-byte key given as 64 hex characters or base64."""
    try:
        key = bytes.fromhex(text) if len(text) == 64 else base64.b64decode(text, validate=True)
    except ValueError:
        raise ValueError("the key must be 32 bytes, as hex or base64") from None
    if len(key) != 32:
        raise ValueError("the key must be 32 bytes, as hex or base64")
    return key


def session_key(secret: bytes, session: str) -> str:
    """The write key of a session: base64url(HMAC-SHA256(secret, "veil-session:" + session)), 43 characters."""
    mac = hmac.new(secret, b"veil-session:" + session.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def key_matches(secret: bytes, session: str, given: str) -> bool:
    return hmac.compare_digest(session_key(secret, session).encode(), given.encode("utf-8", "replace"))


@dataclass(frozen=True)
class Client:
    """Where a request comes from: its address, and the signed-in user when a trusted proxy says so."""

    address: str
    user: str | None = None

    @property
    def rate_key(self) -> str:
        return f"user:{self.user}" if self.user else f"addr:{self.address}"


def client_of(peer: str, headers: dict[str, str] | object, trusted_proxies: frozenset[str]) -> Client:
    """The client behind ``peer``: forwarded headers are believed only from a trusted proxy."""
    if peer not in trusted_proxies:
        return Client(peer)
    get = headers.get  # type: ignore[attr-defined]
    address = peer
    hops = [h.strip() for h in (get("x-forwarded-for") or "").split(",") if h.strip()]
    while hops:  # the right-most hop a trusted proxy did not add itself
        hop = hops.pop()
        if hop not in trusted_proxies:
            address = hop[:64]
            break
    user = (get("x-veil-user") or "").strip()[:USER_PATTERN_MAX] or None
    return Client(address, user)

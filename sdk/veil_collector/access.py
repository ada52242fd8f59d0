"""Who is asking: operators and their roles, session write keys, client addresses, secrets.

Rules: pure (no I/O except ``read_secret`` and ``load_operators``, which read a file or the
environment once at start-up). Operators are named and hold a role, ``viewer`` (read) or ``admin``
(read, delete, quarantine, audit log); their tokens are stored only as hashes (``sha256:<hex>`` or
``scrypt:<n>:<r>:<p>:<salt hex>:<hex>``) and compared in constant time; a token that matches a
sha256 operator never pays for a scrypt one, and a verified token is remembered briefly under a
per-process HMAC key (``Operators``). A session's write key is derived from one server secret
(HMAC-SHA256), so no table of keys exists. Forwarded headers
(X-Forwarded-For, X-Veil-User) count only when the peer is a configured proxy address.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
import tomllib
from collections import OrderedDict
from collections.abc import Callable, Mapping
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


def _sha256(token: bytes) -> bytes:
    """The one place a presented token is hashed for the ``sha256:`` operators (tests count calls)."""
    return hashlib.sha256(token).digest()


def _scrypt(token: bytes, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    """The one place a presented token is hashed for a ``scrypt:`` operator (tests count calls)."""
    return hashlib.scrypt(token, salt=salt, n=n, r=r, p=p, dklen=dklen)


@dataclass(frozen=True)
class _ScryptHash:
    salt: bytes
    n: int
    r: int
    p: int
    digest: bytes

    @classmethod
    def parse(cls, stored: str) -> _ScryptHash:
        n, r, p, salt, digest = stored.removeprefix("scrypt:").split(":")
        return cls(bytes.fromhex(salt), int(n), int(r), int(p), bytes.fromhex(digest))

    def matches(self, token: bytes) -> bool:
        return hmac.compare_digest(_scrypt(token, self.salt, self.n, self.r, self.p, len(self.digest)), self.digest)


VERIFIED_SECONDS = 60.0  # how long a verified token is remembered (a viewer polls every 3 s)
VERIFIED_MAX = 1024  # tokens remembered at once (the least recently used are forgotten)


class Operators:
    """The configured operators; ``authenticate`` maps a bearer token to one of them, or None.

    The ``sha256:`` operators share one sha256 of a token (compared with each in constant time);
    the ``scrypt:`` operators (salted each, slow on purpose) are tried only when no sha256 operator
    matched, in the file's order, stopping at the match.
    A verified token is remembered for ``VERIFIED_SECONDS`` (bounded, ``VERIFIED_MAX``), keyed by
    an HMAC of it under a secret drawn per process, never the token or a plain hash of it, so an
    operator's viewer polling the API pays no hashing after the first check. Wrong tokens are not
    remembered (the failed-credential throttle, which answers before any hashing, bounds them)."""

    def __init__(self, operators: tuple[Operator, ...] | list[Operator],
                 clock: Callable[[], float] = time.monotonic) -> None:
        sha256_ops: list[tuple[bytes, Operator]] = []
        scrypt_ops: list[tuple[_ScryptHash, Operator]] = []
        for op in operators:
            if op.role not in ROLES:
                raise ValueError(f"operator {op.name!r}: role must be one of {ROLES}")
            method, _, rest = op.token_hash.partition(":")
            try:
                if method == "sha256":
                    digest = bytes.fromhex(rest)
                    if len(digest) != 32:
                        raise ValueError
                    sha256_ops.append((digest, op))
                elif method == "scrypt":
                    scrypt_ops.append((_ScryptHash.parse(op.token_hash), op))
                else:
                    raise ValueError
            except ValueError:
                raise ValueError(f"operator {op.name!r}: token_hash must be sha256:<hex> or scrypt:...") from None
        self.operators = tuple(operators)
        self._sha256 = tuple(sha256_ops)
        self._scrypt = tuple(scrypt_ops)
        self._clock = clock
        self._key = secrets.token_bytes(32)  # per process: a remembered entry means nothing elsewhere
        self._verified: OrderedDict[bytes, tuple[Operator, float]] = OrderedDict()
        self._lock = threading.Lock()  # authenticate runs in worker threads

    def __bool__(self) -> bool:
        return bool(self.operators)

    @staticmethod
    def _usable(token: str) -> bytes | None:
        if not token or len(token) > 1024:
            return None
        return token.encode("utf-8", "surrogatepass")

    def _slot(self, token: bytes) -> bytes:
        return hmac.new(self._key, token, hashlib.sha256).digest()

    def remembered(self, token: str) -> Operator | None:
        """The operator of a token verified in the last ``VERIFIED_SECONDS``, or None: no hashing
        (cheap enough for the event loop)."""
        raw = self._usable(token)
        if raw is None:
            return None
        slot = self._slot(raw)
        with self._lock:
            entry = self._verified.get(slot)
            if entry is None:
                return None
            if entry[1] <= self._clock():
                del self._verified[slot]
                return None
            self._verified.move_to_end(slot)
            return entry[0]

    def authenticate(self, token: str) -> Operator | None:
        """The token's operator, or None (blocking: a scrypt hash takes tens of milliseconds)."""
        raw = self._usable(token)
        if raw is None:
            return None
        found = self.remembered(token)
        if found is not None:
            return found
        if self._sha256:
            digest = _sha256(raw)
            for stored, op in self._sha256:  # every one compared, in constant time
                if hmac.compare_digest(digest, stored) and found is None:
                    found = op
        if found is None:
            found = next((op for stored, op in self._scrypt if stored.matches(raw)), None)
        if found is not None:
            with self._lock:
                self._verified[self._slot(raw)] = (found, self._clock() + VERIFIED_SECONDS)
                while len(self._verified) > VERIFIED_MAX:
                    self._verified.popitem(last=False)
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


def client_of(peer: str, headers: Mapping[str, str], trusted_proxies: frozenset[str]) -> Client:
    """The client behind ``peer``: forwarded headers are believed only from a trusted proxy."""
    if peer not in trusted_proxies:
        return Client(peer)
    get = headers.get
    address = peer
    hops = [h.strip() for h in (get("x-forwarded-for") or "").split(",") if h.strip()]
    while hops:  # the right-most hop a trusted proxy did not add itself
        hop = hops.pop()
        if hop not in trusted_proxies:
            address = hop[:64]
            break
    user = (get("x-veil-user") or "").strip()[:USER_PATTERN_MAX] or None
    return Client(address, user)
